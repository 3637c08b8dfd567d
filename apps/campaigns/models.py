"""专项行动 (DESIGN.md "Campaign"): issuer, period, phases, the enterprise duties' frequencies, the sign-offs
accepting a hazard needs, the report schedule and (红河 附件2) the sector rows. Records carry no campaign: a
campaign only supplies dates and rules to the report forms (REPORTS.md §0.1). The five plans ship as presets
(`presets.py`)."""
import datetime

from django.db import models

from apps.regions.models import Department, Region


class SignOffLevel(models.TextChoices):
    """The signature rows of 许昌 附件6, in the order the form prints them."""

    ACCEPTANCE_GROUP = "acceptance_group", "验收组成员"
    COUNTY_DEPARTMENT = "county_department", "县市区行业主管部门"
    COUNTY_GOVERNMENT = "county_government", "县市区政府"
    CITY_DEPARTMENT = "city_department", "省辖市主管部门"


COUNTY_LEVELS = {SignOffLevel.COUNTY_DEPARTMENT, SignOffLevel.COUNTY_GOVERNMENT}


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if getattr(user, "is_authenticated", False) else self.none()

    def covering(self, region_code: str, on: datetime.date):
        """Campaigns whose region holds `region_code` and whose period holds the day `on`."""
        prefixes = [region_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(region_code)]
        return self.filter(region_id__in=prefixes, start__lte=on, end__gte=on)


class Campaign(models.Model):
    slug = models.SlugField("标识", max_length=64, unique=True)
    name = models.CharField("名称", max_length=200)
    region = models.ForeignKey(Region, verbose_name="开展地区", on_delete=models.PROTECT, related_name="campaigns")
    department = models.ForeignKey(Department, verbose_name="印发部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="campaigns")
    issuer = models.CharField("印发单位", max_length=100, blank=True,
                              help_text="如 许昌市安全生产委员会、桂村乡人民政府、福州市城乡建设局")
    document_no = models.CharField("文号", max_length=100, blank=True)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    preset = models.CharField("预设方案", max_length=32, blank=True)
    sign_offs = models.JSONField("销号所需签字", default=list, blank=True,
                                 help_text="验收销号须具备的签字层级（许昌 附件6）")
    phases = models.JSONField("工作阶段", default=list, blank=True,
                              help_text='[{"code", "name", "start", "end", "summary", '
                                        '"tasks": [{"section", "level", "items"}]}]')
    duties = models.JSONField("企业履职频次", default=list, blank=True,
                              help_text='[{"kind": "principal_inspection"/"drill", "every", "times", "flags"}]')
    schedule = models.JSONField("报送安排", default=list, blank=True,
                                help_text='[{"template", "cutoff_days": [1–31 或 "last"], "due_day", '
                                          '"reports_from"}]（REPORTS.md §0.1）')
    sector_rows = models.JSONField("统计表行业领域行", default=list, blank=True,
                                   help_text='红河 附件2: [{"code", "label", "parent", "order", "sectors"}]')
    focus = models.JSONField("整治重点", default=list, blank=True,
                             help_text='[{"label", "sectors": [...], "items": [...]}]：重点行业领域及重点检查事项')
    deadlines = models.JSONField("节点任务", default=list, blank=True,
                                 help_text='[{"code", "name", "due", "level", "note"}]：警示教育、方案、中期、总结等'
                                           '一次性任务')
    version = models.PositiveIntegerField("版本", default=1)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = verbose_name_plural = "专项行动"

    def __str__(self) -> str:
        return self.name


def required_sign_offs(region_code: str, on: datetime.date, city_direct: bool = False) -> list[str]:
    """The sign-off levels that accepting a hazard homed at `region_code` on `on` needs: the union over the
    campaigns covering it that day; an enterprise under a city department directly skips the county rows."""
    levels: list[str] = []
    for campaign in Campaign.objects.covering(region_code, on):
        for level in campaign.sign_offs:
            if level not in levels and not (city_direct and level in COUNTY_LEVELS):
                levels.append(level)
    order = list(SignOffLevel.values)
    return sorted(levels, key=lambda level: order.index(level) if level in order else len(order))
