"""A filed report (调度表 and friends): draft → submitted (frozen) → received. The figures are computed by
`compute.py` from the records; `cells` keeps the computed values, `overrides` a filer's corrections beside them,
and on submit both are frozen so later changes to the records never move a submitted figure."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.campaigns.models import Campaign
from apps.regions.models import Department, Region
from apps.regions.scope import visible


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RECEIVED = "received", "已接收"


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A safety office sees the reports of its subtree (its own and its regions' departments'); a
        department its own (D*). Enterprises file none."""
        return visible(self, user, lambda scope: scope.region_q("region", scope.region_codes)
                       | scope.region_q("department__region", scope.region_codes)
                       | Q(department_id__in=list(scope.department_ids)))


class Report(models.Model):
    template = models.CharField("报表", max_length=32)
    campaign = models.ForeignKey(Campaign, verbose_name="专项行动", on_delete=models.PROTECT, related_name="reports")
    region = models.ForeignKey(Region, verbose_name="填报地区", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="reports")
    department = models.ForeignKey(Department, verbose_name="填报部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="reports")
    as_of = models.DateField("统计截止日期")
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    cells = models.JSONField("计算值", default=dict)
    rows = models.JSONField("清单行", default=list, blank=True)
    overrides = models.JSONField("更正", default=dict, blank=True,
                                 help_text='{"<key>": {"value", "reason"}}：填报人更正，计算值保留在旁')
    preparer = models.CharField("填表人", max_length=50, blank=True)
    reviewer = models.CharField("审核人", max_length=50, blank=True)
    principal = models.CharField("主要负责人", max_length=50, blank=True)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "template", "id"]
        verbose_name = verbose_name_plural = "报表"
        constraints = [
            models.CheckConstraint(name="report_one_scope",
                                   condition=Q(region__isnull=True, department__isnull=False)
                                   | Q(region__isnull=False, department__isnull=True)),
            models.UniqueConstraint(name="one_report_per_period",
                                    fields=["template", "campaign", "region", "department", "as_of"]),
        ]
        indexes = [models.Index(fields=["campaign", "template", "as_of"])]

    def __str__(self) -> str:
        return f"{self.template} {self.region or self.department} {self.as_of}"

    @property
    def filer(self):
        return self.region or self.department

    def value(self, key: str):
        """The figure the form shows: a filer's correction where there is one, else the computed value."""
        if key in self.overrides:
            return self.overrides[key]["value"]
        return self.cells.get(key)


class Reminder(models.Model):
    """催报: the level above reminds a filer that a period's report is due or missing."""

    report_template = models.CharField("报表", max_length=32)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField("统计截止日期")
    sent_at = models.DateTimeField("催报时间", auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = verbose_name_plural = "催报记录"

    def __str__(self) -> str:
        return f"催报 {self.report_template} {self.as_of}"


# Maintained tallies (tallies.py): the counts the report forms read instead of recounting raw rows ------------
class TallyState(models.Model):
    """A campaign's tallies are complete for this start and region (rebuilt by `rebuild_tallies`); without a
    matching row the forms count raw rows."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, primary_key=True, related_name="+")
    start = models.DateField()
    region_code = models.CharField(max_length=12)
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "统计累计状态"

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.start} {self.region_code}"


class TallyFact(models.Model):
    """What one record adds to one campaign's tallies: `value` of `metric` on `day` in `region` (additive), or
    the enterprise it makes count (家 metrics, `enterprise_id` set). Kept so a change can take back exactly
    what the record added before."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    record = models.CharField(max_length=1)  # tallies.RECORDS: h hazard, i inspection, a enforcement action
    record_id = models.BigIntegerField()
    metric = models.CharField(max_length=64)
    region = models.CharField(max_length=12)
    day = models.DateField()
    value = models.BigIntegerField()
    enterprise_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["record", "record_id"], name="tallyfact_record"),
                   models.Index(fields=["campaign", "enterprise_id", "metric"], name="tallyfact_enterprise")]

    def __str__(self) -> str:
        return f"{self.record}{self.record_id} {self.metric} {self.region} {self.day} {self.value}"


class TallyFirstSeen(models.Model):
    """家: the first day an enterprise counts for `metric` in the subtree `prefix` (tallies.py)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    prefix = models.CharField(max_length=12)
    metric = models.CharField(max_length=64)
    enterprise_id = models.BigIntegerField()
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "enterprise_id", "metric", "prefix"],
                                               name="tallyfirstseen_key")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.metric} {self.enterprise_id} {self.day}"


class Tally(models.Model):
    """Σ of a metric over the records of the subtree `prefix` whose days fall under one node of the campaign's
    Fenwick tree of days (tallies.py); a form's cell at as_of sums a few nodes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    prefix = models.CharField(max_length=12)
    metric = models.CharField(max_length=64)
    node = models.PositiveIntegerField()
    value = models.BigIntegerField(default=0)

    class Meta:
        # The key's order serves the read: per target prefix, a few nodes, every metric of each.
        constraints = [models.UniqueConstraint(fields=["campaign", "prefix", "node", "metric"], name="tally_key")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.metric} {self.node} {self.value}"
