"""工作开展情况: what governments, departments and enterprises did (activities, REPORTS.md §9.1), and 红河's
重大安全风险 (four lists) and 突出问题 (治本措施). The report forms count activities by the acting organ:
`department` when set, the enterprise when set, else the 党委/政府/安委会 of `region`."""
from django.db import models
from django.db.models import Q

from apps.core.models import Recorded
from apps.enterprises.models import Enterprise
from apps.regions.models import Department, Region, Sector
from apps.regions.scope import visible


class ActivityKind(models.TextChoices):
    SPECIAL_STUDY = "special_study", "专题学习安全生产十五条硬措施"
    SPECIAL_RESEARCH = "special_research", "主要负责同志专题研究"
    MOBILISATION_MEETING = "mobilisation_meeting", "召开专题会议动员部署"
    SITE_SUPERVISION = "site_supervision", "负责同志现场督导检查"
    ENTERPRISE_BRIEFING = "enterprise_briefing", "负责同志到企业宣讲"
    MEDIA_COLUMN = "media_column", "主流媒体安全生产专题栏目"
    INSPECTOR_HEADCOUNT = "inspector_headcount", "专兼职技术检查员配备（时点人数）"
    ASSESSMENT_INSPECTION = "assessment_inspection", "考核巡查督导检查"
    ASSISTANCE_REGION = "assistance_region", "帮扶指导地区（乡镇办、县市区）"
    SUMMONS_NOTICE = "summons_notice", "约谈通报地区、部门"
    ENFORCEMENT_TRAINING = "enforcement_training", "监管执法人员专题培训"
    CERTIFICATES_ISSUED = "certificates_issued", "核发特种作业人员证书"
    COORDINATION_MECHANISM = "coordination_mechanism", "部门间协同机制制度成果"
    SUPERVISION_TEAM = "supervision_team", "派出督导组"
    EXPERT_SERVICE = "expert_service", "组织专家技术服务"
    PLAN_ISSUED = "plan_issued", "制定印发专项行动方案"
    MECHANISM_ESTABLISHED = "mechanism_established", "建立专项行动组织领导和常态化督导检查机制"
    FOCUS_ITEMS_DEFINED = "focus_items_defined", "研究明确细化排查整治重点和整改、验收内容"
    SAFETY_MONTH = "safety_month", "“安全生产月”专题活动"
    INTERNAL_SAFETY_BODY = "internal_safety_body", "内设安委会或安全生产工作领导机构及职责清单"
    ANTI_ILLEGAL_BODY = "anti_illegal_body", "建立“打非治违”领导机构和长效机制"
    ACCOUNTABILITY_MECHANISM = "accountability_mechanism", "建立安全监管执法责任倒查机制"
    PLANNING_SAFETY_GATE = "planning_safety_gate", "规划编制、项目准入等初始环节把好安全关"
    ROOT_CAUSE_GOVERNANCE = "root_cause_governance", "实施源头治理、依法治理、工程治理、科技强安等治本之策"
    SUMMARY_REPORT = "summary_report", "专项行动工作总结（地区、部门或企业）"
    RESPONSIBILITY_SELFCHECK = "responsibility_selfcheck", "责任体系建设情况自查（企业）"
    POST_RESPONSIBILITY = "post_responsibility", "全员安全生产岗位责任制（企业）"
    COMMITMENT = "commitment", "安全生产承诺制度（企业）"
    DUTY_LIST = "duty_list", "分管负责人安全生产职责清单（企业）"
    SAFETY_BODY = "safety_body", "安全生产管理机构或专兼职安全管理人员（企业）"
    WARNING_EDUCATION = "warning_education", "全员安全警示教育（企业）"
    HOT_WORK_REVIEW = "hot_work_review", "电气焊设备检查及动火等危险作业人员全面排查（企业）"
    OUTSOURCING_REVIEW = "outsourcing_review", "外包外租全面排查（企业）"
    DRILL = "drill", "事故应急救援预案演练（企业）"


# Kinds only an enterprise files (`enterprise` required); `summary_report` may be filed by anyone.
ENTERPRISE_KINDS = frozenset({
    ActivityKind.RESPONSIBILITY_SELFCHECK, ActivityKind.POST_RESPONSIBILITY, ActivityKind.COMMITMENT,
    ActivityKind.DUTY_LIST, ActivityKind.SAFETY_BODY, ActivityKind.WARNING_EDUCATION, ActivityKind.HOT_WORK_REVIEW,
    ActivityKind.OUTSOURCING_REVIEW, ActivityKind.DRILL,
})
# Kinds whose figure is `people` (人/人次), so `people` is required.
PEOPLE_KINDS = frozenset({ActivityKind.INSPECTOR_HEADCOUNT, ActivityKind.ENFORCEMENT_TRAINING,
                          ActivityKind.EXPERT_SERVICE})


class MediaLevel(models.IntegerChoices):
    PROVINCE = 1, "省级"
    CITY = 2, "市级"
    COUNTY = 3, "县级"


def _organ_q(scope) -> Q:
    """Records of organs a scope sees: its regions' subtrees, its departments' (D*), and the records of every
    enterprise it sees (a supervising department reads the drills and duties of its enterprises)."""
    q = scope.enterprise_q("enterprise__")
    q |= scope.region_q("region", scope.region_codes)
    if scope.department_ids:
        q |= Q(department_id__in=list(scope.department_ids))
    return q


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return visible(self, user, _organ_q)


class Activity(Recorded):
    kind = models.CharField("工作事项", max_length=32, choices=ActivityKind.choices)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="activities",
                               help_text="开展工作的机关所在区划；部门、企业为空时即本级党委政府（安委会）")
    department = models.ForeignKey(Department, verbose_name="部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="activities")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="activities")
    sector = models.ForeignKey(Sector, verbose_name="行业领域", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="activities")
    media_level = models.PositiveSmallIntegerField("媒体级别", choices=MediaLevel.choices, null=True, blank=True)
    occurred_on = models.DateField("日期")
    count = models.PositiveIntegerField("次数", default=1)
    people = models.PositiveIntegerField("人数", default=0)
    note = models.TextField("说明", blank=True)
    evidence = models.FileField("佐证材料", upload_to="activities/%Y/%m/", blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = verbose_name_plural = "工作开展情况"
        indexes = [
            models.Index(fields=["kind", "region", "occurred_on"]),
            models.Index(fields=["kind", "department", "occurred_on"]),
            models.Index(fields=["kind", "enterprise", "occurred_on"]),
        ]
        constraints = [models.CheckConstraint(name="activity_count_positive", condition=Q(count__gte=1))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class Risk(Recorded):
    """重大安全风险 with 红河's “4个清单”: 基础清单, 防控清单, 责任清单, 应急清单."""

    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="risks")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="risks")
    department = models.ForeignKey(Department, verbose_name="负责部门", on_delete=models.PROTECT,
                                   related_name="risks")
    sector = models.ForeignKey(Sector, verbose_name="行业领域", on_delete=models.PROTECT, related_name="risks")
    name = models.CharField("风险名称", max_length=200)
    identified_on = models.DateField("排查日期")
    basic = models.TextField("基础清单", blank=True)
    control = models.TextField("防控清单", blank=True)
    responsibility = models.TextField("责任清单", blank=True)
    emergency = models.TextField("应急清单", blank=True)
    lists_completed_on = models.DateField("“4个清单”落实日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-identified_on", "-id"]
        verbose_name = verbose_name_plural = "重大安全风险"
        indexes = [models.Index(fields=["region", "identified_on"])]

    def __str__(self) -> str:
        return self.name


class ProblemSource(models.TextChoices):
    SELF = "self", "自行梳理"
    ASSIGNED = "assigned", "上级督查检查反馈"


class Problem(Recorded):
    """突出问题 and its 治本措施."""

    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="problems")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="problems")
    department = models.ForeignKey(Department, verbose_name="负责部门", on_delete=models.PROTECT,
                                   related_name="problems")
    sector = models.ForeignKey(Sector, verbose_name="行业领域", on_delete=models.PROTECT, related_name="problems")
    title = models.CharField("问题", max_length=200)
    source = models.CharField("来源", max_length=16, choices=ProblemSource.choices, default=ProblemSource.SELF)
    identified_on = models.DateField("梳理日期")
    root_measure = models.TextField("治本措施", blank=True)
    root_measure_on = models.DateField("治本措施落实日期", null=True, blank=True)
    resolved_on = models.DateField("整改完成日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-identified_on", "-id"]
        verbose_name = verbose_name_plural = "突出问题"
        indexes = [models.Index(fields=["region", "identified_on"])]

    def __str__(self) -> str:
        return self.title
