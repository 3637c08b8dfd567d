"""The hazard ledger (隐患台账): one line per hazard, 许昌 附件6, from the moment it is found to 销号.

State changes are rows of their own (`HazardEvent`), and so are the plan, the acceptance with its sign-offs,
each listing (挂牌督办) and each transfer (移交). `Hazard.status` is the current state; `overdue` is a flag
computed from the deadline, never stored."""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.enterprises.models import Enterprise
from apps.regions.models import Department, Region, Sector
from apps.regions.scope import visible


class Level(models.TextChoices):
    MAJOR = "major", "重大事故隐患"
    GENERAL = "general", "一般隐患"


class Source(models.TextChoices):
    SELF = "self", "企业自查"
    DEPARTMENT = "department", "部门检查"
    SUPERVISION = "supervision", "督导检查"
    EXPERT = "expert", "专家检查"
    TIP = "tip", "举报"
    ASSIGNED = "assigned", "上级交办"
    REVIEW = "review", "回头看"


class Status(models.TextChoices):
    REPORTED = "reported", "待整改"
    RECTIFYING = "rectifying", "整改中"
    AWAITING_ACCEPTANCE = "awaiting_acceptance", "待验收"
    CLOSED = "closed", "已销号"


def today() -> datetime.date:
    return timezone.localdate()


def _hazard_q(scope) -> Q:
    q = Q(enterprise_id__in=list(scope.enterprise_ids)) if scope.enterprise_ids else Q(pk__in=[])
    q |= scope.region_q("region", scope.region_codes + scope.group_region_codes)
    for reach in scope.departments:
        if reach.sector_codes:
            q |= Q(region__code__under=reach.region_code, sector_id__in=sorted(reach.sector_codes))
    if scope.department_ids:
        ids = list(scope.department_ids)
        q |= Q(department_id__in=ids) | Q(found_by_department_id__in=ids)
    return q


class HazardQuerySet(models.QuerySet):
    def visible_to(self, user):
        """DESIGN.md "Scope", record by record: a hazard belongs to its own sector and its home region; a
        department sees it when it supervises that sector (at or below one of its sectors) in its subtree, and
        always when it is responsible for it (after a transfer) or found it; an enterprise member sees the
        enterprise's hazards; a safety office or discipline membership its region subtree; a group its assigned
        regions today."""
        return visible(self, user, _hazard_q)

    def overdue(self, on: datetime.date | None = None):
        return self.exclude(status=Status.CLOSED).filter(deadline__lt=on or today())

    def listed(self):
        return self.filter(listings__delisted_on__isnull=True, listings__isnull=False).distinct()


class Hazard(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="hazards")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="hazards",
                               help_text="企业所在区划；无企业的隐患（道路、河岸）填其所在区划")
    title = models.CharField("隐患名称", max_length=200)
    level = models.CharField("隐患等级", max_length=8, choices=Level.choices)
    kind = models.CharField("隐患类型", max_length=100, blank=True, help_text="如：设备设施、作业行为、安全管理")
    nature = models.CharField("隐患性质", max_length=100, blank=True)
    location = models.CharField("隐患部位", max_length=200, blank=True)
    description = models.TextField("隐患现状及产生原因", blank=True)
    harm_analysis = models.TextField("隐患危害程度和整改难易程度分析", blank=True)
    criterion = models.CharField("违反的标准条款或判定依据", max_length=300, blank=True)
    source = models.CharField("隐患来源", max_length=16, choices=Source.choices)
    sector = models.ForeignKey(Sector, verbose_name="行业领域", on_delete=models.PROTECT, related_name="hazards")
    found_on = models.DateField("发现日期")
    found_by_department = models.ForeignKey(Department, verbose_name="发现部门", null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="found_hazards")
    found_by = models.CharField("发现人", max_length=100, blank=True)
    department = models.ForeignKey(Department, verbose_name="负责部门（接报/主管部门）", on_delete=models.PROTECT,
                                   related_name="hazards")
    status = models.CharField("状态", max_length=24, choices=Status.choices, default=Status.REPORTED)
    deadline = models.DateField("整改期限", null=True, blank=True)
    planned_on = models.DateField("制定治理方案日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    fixed_on_spot = models.BooleanField("立即整改", default=False)
    closure_reported_on = models.DateField("销号情况上报日期", null=True, blank=True,
                                           help_text="销号后3日内上报（许昌 附件6）")
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = verbose_name_plural = "隐患"
        indexes = [
            models.Index(fields=["region", "level", "found_on"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["found_by_department", "found_on"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["status", "closed_on"]),  # closure reports due (daily alerts)
        ]
        constraints = [
            models.CheckConstraint(name="closed_has_date",
                                   condition=~Q(status="closed") | Q(closed_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status != Status.CLOSED and self.deadline is not None and self.deadline < today()

    @property
    def closure_report_due(self) -> datetime.date | None:
        """销号后3日内上报 (许昌 附件6 note)."""
        return self.closed_on + datetime.timedelta(days=3) if self.closed_on else None

    @property
    def closure_report_overdue(self) -> bool:
        due = self.closure_report_due
        return due is not None and self.closure_reported_on is None and due < today()


class RectificationPlan(models.Model):
    """治理方案: the five elements (责任人、措施、资金、时限、应急预案) and 附件6's goal, organisation and
    interim controls."""

    hazard = models.OneToOneField(Hazard, verbose_name="隐患", on_delete=models.CASCADE,
                                  related_name="plan")
    goal = models.TextField("治理目标和主要任务", blank=True)
    measures = models.TextField("治理方法和措施")
    funds = models.DecimalField("经费物资保障（万元）", max_digits=12, decimal_places=4)
    owner = models.CharField("负责治理的机构和人员（责任人）", max_length=200)
    deadline = models.DateField("治理时限")
    requirements = models.TextField("时限和要求", blank=True)
    contingency = models.TextField("安全措施和应急预案")
    interim_controls = models.TextField("管控措施（限期整改、查封、停产等）", blank=True)
    planned_on = models.DateField("制定日期")

    class Meta:
        verbose_name = verbose_name_plural = "治理方案"

    def __str__(self) -> str:
        return f"{self.hazard} 治理方案"


class HazardEvent(models.Model):
    """One step of the hazard's life (the timeline): who did what, when, from which state to which."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=24)
    from_status = models.CharField("原状态", max_length=24, blank=True)
    to_status = models.CharField("新状态", max_length=24, blank=True)
    on = models.DateField("业务日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    username = models.CharField("操作人", max_length=150, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "隐患处理记录"

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.action}"


class Acceptance(models.Model):
    """验收 and 销号 in one step: date, members, conclusion, and the sign-off chain of 附件6."""

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="acceptance")
    accepted_on = models.DateField("验收日期")
    members = models.JSONField("验收组成员", default=list)
    conclusion = models.TextField("验收结论")

    class Meta:
        verbose_name = verbose_name_plural = "验收销号"

    def __str__(self) -> str:
        return f"{self.hazard} 验收"


class SignOff(models.Model):
    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="sign_offs")
    level = models.CharField("签字层级", max_length=32)
    name = models.CharField("签字人", max_length=100)
    opinion = models.TextField("意见", blank=True)
    signed_on = models.DateField("签字日期")

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "签字"

    def __str__(self) -> str:
        return f"{self.level} {self.name}"


class Listing(models.Model):
    """挂牌督办: by a government (authority_department null: the 人民政府/安委会 of authority_region) or by a
    department."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="listings")
    authority_region = models.ForeignKey(Region, verbose_name="挂牌地区", on_delete=models.PROTECT, related_name="+")
    authority_department = models.ForeignKey(Department, verbose_name="挂牌部门", null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="listings")
    document_no = models.CharField("督办文号", max_length=100)
    listed_on = models.DateField("挂牌日期")
    deadline = models.DateField("督办期限")
    delisted_on = models.DateField("摘牌日期", null=True, blank=True)

    class Meta:
        ordering = ["listed_on", "id"]
        verbose_name = verbose_name_plural = "挂牌督办"
        indexes = [models.Index(fields=["listed_on", "authority_department"])]

    def __str__(self) -> str:
        return f"{self.document_no}"

    @property
    def is_government(self) -> bool:
        return self.authority_department_id is None

    @property
    def is_overdue(self) -> bool:
        return self.delisted_on is None and self.hazard.status != Status.CLOSED and self.deadline < today()


class Transfer(models.Model):
    """移交: from one department to the one responsible."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="transfers")
    from_department = models.ForeignKey(Department, verbose_name="移交部门", on_delete=models.PROTECT,
                                        related_name="+")
    to_department = models.ForeignKey(Department, verbose_name="接收部门", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("移交原因")
    transferred_on = models.DateField("移交日期")
    received_by = models.CharField("经办人", max_length=150, blank=True)

    class Meta:
        ordering = ["transferred_on", "id"]
        verbose_name = verbose_name_plural = "移交"

    def __str__(self) -> str:
        return f"{self.from_department} → {self.to_department}"


class EvidenceStage(models.TextChoices):
    BEFORE = "before", "整改前"
    AFTER = "after", "整改后"
    DOCUMENT = "document", "文书材料"


class Evidence(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="evidence")
    stage = models.CharField("类别", max_length=16, choices=EvidenceStage.choices)
    file = models.FileField("文件", upload_to="hazards/%Y/%m/")
    name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = verbose_name_plural = "隐患佐证材料"

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
