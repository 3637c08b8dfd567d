"""排查、执法、问责 (DESIGN.md "Inspection", "Enforcement"; API.md `inspections/`, `enforcement-actions/`,
`accountability/`). The report forms count these records by who acted: an inspection's or an action's
`department` (its region is the acting region, REPORTS.md §0.2); an accountability record's own `region`."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import Recorded
from apps.enterprises.models import Enterprise
from apps.hazards.models import Hazard
from apps.regions.models import Department, InspectionGroup, Region, Sector
from apps.regions.scope import visible


class InspectionKind(models.TextChoices):
    SELF = "self", "企业自查"
    ENFORCEMENT = "enforcement", "执法检查"
    SUPERVISION = "supervision", "督导检查"
    EXPERT = "expert", "专家检查"
    ASSISTANCE = "assistance", "帮扶指导"
    REVIEW = "review", "回头看"


# Inspections that spot-check an enterprise's self-inspection (REPORTS.md §0.4 `SC.*`); assistance is counted apart.
SPOT_CHECK_KINDS = (InspectionKind.ENFORCEMENT, InspectionKind.SUPERVISION, InspectionKind.EXPERT,
                    InspectionKind.REVIEW)


class InspectionMode(models.TextChoices):
    UNANNOUNCED = "unannounced", "四不两直"
    COVERT = "covert", "明查暗访"
    OUT_OF_AREA = "out_of_area", "异地执法"
    CROSS_CHECK = "cross_check", "交叉互检"
    JOINT = "joint", "联合执法"


# The seven spot-check findings the 调度表 counts (items 2.2–2.8), in the form's order; each is a column.
FINDINGS = {
    "no_principal_study": "企业主要负责人未按要求亲自研究排查整治工作",
    "principal_not_leading": "企业主要负责人未带队检查",
    "no_duty_list": "企业未制定分管负责人职责清单",
    "no_safety_body": "企业未依法建立安全管理机构和配足安全管理人员",
    "uncertified_special_work": "电焊等特种作业岗位人员无证上岗作业",
    "outsourcing_disorder": "外包外租安全管理混乱",
    "no_drill": "未按规定开展应急演练、员工不熟悉逃生出口",
}


class ChecklistQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Checklists are working documents every signed-in person may read (enterprises self-inspect with
        them)."""
        return self if getattr(user, "is_authenticated", False) else self.none()


class ChecklistLayout(models.TextChoices):
    FOCUS = "focus", "重点检查事项（福州 附件1、附件3 式）"
    DETAILED = "detailed", "检查内容及是否重大隐患（福州 附件2 式）"


class Checklist(models.Model):
    """判定标准 / 重点检查事项清单, versioned: a new version is a new row with the same `code`; inspections keep
    the version they were answered on."""

    code = models.SlugField("清单标识", max_length=64)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=200)
    sector = models.ForeignKey(Sector, verbose_name="行业领域", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="checklists")
    layout = models.CharField("版式", max_length=16, choices=ChecklistLayout.choices, default=ChecklistLayout.FOCUS)
    source = models.CharField("依据/出处", max_length=300, help_text="如：榕建质安〔2023〕73号 附件1")
    department = models.ForeignKey(Department, verbose_name="编制部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="checklists",
                                   help_text="部门结合本行业领域聚焦提炼的清单；平台内置清单为空")
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name="专项行动", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="checklists")
    active = models.BooleanField("现行有效", default=True)
    issued_on = models.DateField("发布日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = verbose_name_plural = "检查清单"
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="checklist_code_version")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField("序号")
    category = models.CharField("检查类别", max_length=100, blank=True)
    focus = models.TextField("重点检查事项")
    content = models.TextField("检查内容", blank=True)
    major = models.BooleanField("“否”即重大事故隐患", default=False,
                                help_text="回答“否”（不符合）时登记为重大事故隐患")
    basis = models.CharField("判定依据", max_length=300, blank=True)

    class Meta:
        ordering = ["checklist", "number"]
        verbose_name = verbose_name_plural = "检查事项"
        constraints = [models.UniqueConstraint(fields=["checklist", "number"], name="checklist_item_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.focus[:40]}"


def _acting_department_q(scope) -> Q:
    """Records about an enterprise the scope sees, or made by one of its departments (D*)."""
    return scope.enterprise_q("enterprise__") | Q(department_id__in=list(scope.department_ids))


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An inspection is seen by whoever sees its enterprise, by the inspecting department (with D*) and by
        the inspecting group."""
        def condition(scope):
            q = _acting_department_q(scope)
            if scope.group_ids:
                q |= Q(group_id__in=list(scope.group_ids))
            return q

        return visible(self, user, condition)


class Inspection(Recorded):
    enterprise = models.ForeignKey(Enterprise, verbose_name="被检查企业", on_delete=models.PROTECT,
                                   related_name="inspections")
    kind = models.CharField("检查类别", max_length=16, choices=InspectionKind.choices)
    mode = models.CharField("检查方式", max_length=16, choices=InspectionMode.choices, blank=True)
    department = models.ForeignKey(Department, verbose_name="检查部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="inspections",
                                   help_text="企业自查为空；检查组检查为牵头部门")
    group = models.ForeignKey(InspectionGroup, verbose_name="检查组", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="inspections")
    inspected_on = models.DateField("检查日期")
    led_by_principal = models.BooleanField("主要负责人带队", default=False)
    checklist = models.ForeignKey(Checklist, verbose_name="检查清单", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="inspections")
    project = models.CharField("检查项目", max_length=200, blank=True)
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="检查人员", blank=True,
                                        related_name="inspections")
    hazards = models.ManyToManyField(Hazard, verbose_name="发现隐患", blank=True, related_name="inspections")
    reviewed_hazards = models.ManyToManyField(Hazard, verbose_name="回头看复查隐患", blank=True,
                                              related_name="reviews")
    no_principal_study = models.BooleanField(FINDINGS["no_principal_study"], default=False)
    principal_not_leading = models.BooleanField(FINDINGS["principal_not_leading"], default=False)
    no_duty_list = models.BooleanField(FINDINGS["no_duty_list"], default=False)
    no_safety_body = models.BooleanField(FINDINGS["no_safety_body"], default=False)
    uncertified_special_work = models.BooleanField(FINDINGS["uncertified_special_work"], default=False)
    outsourcing_disorder = models.BooleanField(FINDINGS["outsourcing_disorder"], default=False)
    no_drill = models.BooleanField(FINDINGS["no_drill"], default=False)
    note = models.TextField("检查情况", blank=True)
    signed_at = models.DateTimeField("签名时间", null=True, blank=True, help_text="签名后记录锁定")

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = verbose_name_plural = "检查记录"
        indexes = [
            models.Index(fields=["department", "kind", "inspected_on"]),
            models.Index(fields=["enterprise", "kind", "inspected_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.enterprise} {self.inspected_on}"

    @property
    def findings(self) -> list[str]:
        return [flag for flag in FINDINGS if getattr(self, flag)]


class Answer(models.TextChoices):
    YES = "yes", "是"
    NO = "no", "否"
    NOT_APPLICABLE = "na", "不涉及"


class InspectionAnswer(models.Model):
    """One checklist item answered on site: 是 (compliant), 否 (a hazard, recorded in the ledger and linked
    here, major where the item says so) or 不涉及."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    answer = models.CharField("检查结果", max_length=4, choices=Answer.choices)
    description = models.TextField("隐患描述", blank=True)
    requirement = models.TextField("整改要求", blank=True)
    deadline = models.DateField("整改时限", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    photo = models.FileField("现场照片", upload_to="inspections/%Y/%m/", blank=True)
    hazard = models.ForeignKey(Hazard, verbose_name="登记的隐患", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="checklist_answers")

    class Meta:
        ordering = ["inspection", "item__number"]
        verbose_name = verbose_name_plural = "检查事项结果"
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.item.number} {self.get_answer_display()}"


class InspectionSignature(models.Model):
    """谁检查、谁签名、谁负责: each inspector's own signature; the first one locks the record."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("签名", max_length=100)
    role = models.CharField("身份", max_length=32, blank=True, help_text="检查人员、项目经理、总监等")
    signed_at = models.DateTimeField("签名时间", auto_now_add=True)

    class Meta:
        ordering = ["inspection", "signed_at"]
        verbose_name = verbose_name_plural = "检查签名"
        constraints = [models.UniqueConstraint(fields=["inspection", "user"], name="one_signature_per_person")]

    def __str__(self) -> str:
        return f"{self.name} {self.signed_at:%Y-%m-%d}"


class ActionKind(models.TextChoices):
    PENALTY = "penalty", "行政处罚"
    STOP_RECTIFY = "stop_rectify", "责令停产整顿"
    LICENCE = "licence", "暂扣吊销证照"
    CLOSURE = "closure", "关闭取缔"
    INDUSTRY_BAN = "industry_ban", "行业禁入"
    JUDICIAL_REFERRAL = "judicial_referral", "移送司法机关"
    SUMMONS = "summons", "约谈"
    EXPOSURE = "exposure", "曝光"
    JOINT_SANCTION = "joint_sanction", "联合惩戒"


CASE_NO_REQUIRED = (ActionKind.PENALTY, ActionKind.JUDICIAL_REFERRAL)


class EnforcementActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return visible(self, user, _acting_department_q)


class EnforcementAction(Recorded):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="enforcement_actions")
    department = models.ForeignKey(Department, verbose_name="执法部门", on_delete=models.PROTECT,
                                   related_name="enforcement_actions")
    kind = models.CharField("措施", max_length=24, choices=ActionKind.choices)
    decided_on = models.DateField("决定日期")
    amount = models.DecimalField("罚款金额（万元）", max_digits=12, decimal_places=4, null=True, blank=True)
    against_principal = models.BooleanField("处罚主要负责人", default=False,
                                            help_text="与同一案件中对企业的处罚构成一案双罚")
    case_no = models.CharField("案件编号", max_length=100, blank=True)
    hazard = models.ForeignKey(Hazard, verbose_name="关联隐患", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="enforcement_actions")
    inspection = models.ForeignKey(Inspection, verbose_name="关联检查", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="enforcement_actions")
    persons = models.PositiveIntegerField("移送人数", default=0)
    dangerous_operation_crime = models.BooleanField("危险作业罪", default=False)
    published = models.BooleanField("公布为典型案例", default=False)
    published_on = models.DateField("公布日期", null=True, blank=True)
    waiver_reason = models.TextField("依法不予处罚隐患仍予处罚的理由", blank=True)
    note = models.TextField("说明", blank=True)

    objects = EnforcementActionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = verbose_name_plural = "执法措施"
        indexes = [
            models.Index(fields=["department", "kind", "decided_on"]),
            models.Index(fields=["department", "case_no"]),
            models.Index(fields=["enterprise", "kind"]),
        ]
        constraints = [
            models.CheckConstraint(name="published_has_date",
                                   condition=Q(published=False) | Q(published_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.enterprise} {self.decided_on}"


class AccountabilityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Safety offices and discipline memberships see their subtree's records, departments those they made."""
        return visible(self, user, lambda scope: scope.region_q("region", scope.region_codes)
                       | Q(department_id__in=list(scope.department_ids)))


class Accountability(Recorded):
    """责任倒查追责问责: the organ of `region` (a department, or with none the 党委/政府/纪委监委) held
    `persons` to account for a hazard or an inspection they failed to find or follow up."""

    region = models.ForeignKey(Region, verbose_name="决定机关所在区划", on_delete=models.PROTECT,
                               related_name="accountability_records")
    department = models.ForeignKey(Department, verbose_name="决定部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="accountability_records",
                                   help_text="为空表示本级党委、政府或纪委监委")
    decided_on = models.DateField("决定日期")
    persons = models.PositiveIntegerField("问责人数")
    hazard = models.ForeignKey(Hazard, verbose_name="涉及隐患", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="accountability_records")
    inspection = models.ForeignKey(Inspection, verbose_name="涉及检查", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="accountability_records")
    outcome = models.TextField("处理结果", blank=True)
    note = models.TextField("说明", blank=True)

    objects = AccountabilityQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = verbose_name_plural = "责任倒查问责"
        indexes = [models.Index(fields=["region", "decided_on"])]
        constraints = [models.CheckConstraint(name="accountability_persons_positive", condition=Q(persons__gte=1))]

    def __str__(self) -> str:
        return f"问责 {self.persons} 人 {self.decided_on}"
