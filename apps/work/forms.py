"""Forms of the work pages. Choices are drawn through `visible_to` and the acting membership, so a form offers
only the kinds and organs the person may record; the rules themselves stay in apps.work.services, whose errors
the views put back on these forms."""
from django import forms
from django.db.models import Q

from apps.core.forms import BootstrapMixin
from apps.enterprises.forms import RegionChoiceField, SectorChoiceField
from apps.enterprises.models import Enterprise
from apps.hazards.services import acting_memberships, is_admin
from apps.regions.models import Department, Region, Sector
from apps.regions.scope import ENTERPRISE, scope_for, subtrees_q, today

from . import services
from .models import Activity, ActivityKind, MediaLevel, Problem, ProblemSource, Risk


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


def office_regions(user):
    """The regions whose 党委政府（安委会） the actor records for: a safety office's subtree; all for an
    administrator."""
    regions = Region.objects.visible_to(user).order_by("code")
    if is_admin(user):
        return regions
    codes = scope_for(user).office_region_codes
    return regions.filter(subtrees_q(codes))


def writable_departments(user):
    """The departments the actor records for: its own with their subordinate units (D*), and the departments of a
    safety office's subtree; all for an administrator."""
    departments = Department.objects.visible_to(user).select_related("region").order_by("region_id", "name")
    if is_admin(user):
        return departments
    scope = scope_for(user)
    return departments.filter(Q(pk__in=list(scope.department_ids)) | subtrees_q(scope.office_region_codes, "region"))


def own_enterprises(user):
    """The enterprises the actor records for as their member (an administrator: every enterprise it sees)."""
    enterprises = Enterprise.objects.visible_to(user).select_related("region").order_by("region_id", "name")
    if is_admin(user):
        return enterprises
    return enterprises.filter(pk__in=[m.enterprise_id for m in acting_memberships(user) if m.kind == ENTERPRISE])


# --- the lists' filters -------------------------------------------------------------------------------------------

class ActivityFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="工作事项", required=False, choices=[("", "全部")] + list(ActivityKind.choices))
    occurred_from = forms.DateField(label="日期起", required=False, widget=date_input())
    occurred_to = forms.DateField(label="日期止", required=False, widget=date_input())


class RegisterFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    identified_from = forms.DateField(label="日期起", required=False, widget=date_input())
    identified_to = forms.DateField(label="日期止", required=False, widget=date_input())


class ProblemFilterForm(RegisterFilterForm):
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部")] + list(ProblemSource.choices))


# --- the records --------------------------------------------------------------------------------------------------

class WorkForm(BootstrapMixin, forms.Form):
    """The fields of one record, filled from `instance` when editing; `version` carries the optimistic lock."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    record_fields: tuple[str, ...] = ()
    RELATED = {"region", "department", "enterprise", "sector"}
    region_from: tuple[str, ...] = ("enterprise",)  # the fields whose region the record takes

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        if instance is not None and not self.is_bound:
            for name in self.record_fields:
                if name in self.fields:
                    value = getattr(instance, f"{name}_id" if name in self.RELATED else name)
                    self.initial[name] = value
            self.initial["version"] = instance.version

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version" and k in self.record_fields}
        if any(data.get(name) is not None for name in self.region_from):
            data.pop("region", None)  # the organ's region: the service derives it
        return data


class ActivityForm(WorkForm):
    kind = forms.ChoiceField(label="工作事项")
    region = RegionChoiceField(label="所在区划", queryset=Region.objects.none(), required=False,
                               help_text="党委、政府（安委会）开展的工作填写其所在区划；有部门或企业时取其所在区划")
    department = DepartmentChoiceField(label="部门", queryset=Department.objects.none(), required=False,
                                       empty_label="（无：党委、政府或安委会开展的工作）")
    enterprise = EnterpriseChoiceField(label="企业", queryset=Enterprise.objects.none(), required=False)
    sector = SectorChoiceField(label="行业领域", queryset=Sector.objects.none(), required=False)
    media_level = forms.TypedChoiceField(label="媒体级别", required=False, coerce=int, empty_value=None,
                                         choices=[("", "—")] + list(MediaLevel.choices),
                                         help_text="仅“主流媒体安全生产专题栏目”填写")
    occurred_on = forms.DateField(label="日期", widget=date_input())
    count = forms.IntegerField(label="次数", min_value=1, initial=1)
    people = forms.IntegerField(label="人数（人/人次）", min_value=0, required=False,
                                help_text="技术检查员配备、执法人员专题培训、专家技术服务必填")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label="佐证材料", required=False,
                               help_text="会议纪要、照片、通知等（JPG、PNG、WebP 或 PDF，≤ 10 MB）；修改时上传即替换")

    record_fields = (*services.ACTIVITY_FIELDS, "evidence")
    region_from = ("department", "enterprise")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        kinds = services.recordable_kinds(user)
        self.fields["kind"].choices = [(k, ActivityKind(k).label) for k in kinds]
        self.fields["sector"].queryset = Sector.objects.visible_to(user)
        regions, departments = office_regions(user), writable_departments(user)
        enterprises = (own_enterprises(user) if set(kinds) & services.ENTERPRISE_RECORDABLE
                       else Enterprise.objects.none())
        if is_admin(user):
            self.fields["enterprise"].empty_label = "（无）"
        for name, queryset in (("region", regions), ("department", departments), ("enterprise", enterprises)):
            if queryset.exists():
                self.fields[name].queryset = queryset
            else:
                del self.fields[name]
        for only in ("enterprise", "department"):
            if only in self.fields and len(set(self.fields) & {"region", "department", "enterprise"}) == 1:
                # an enterprise member, a department member: its own organ is the only one
                self.fields[only].required = True
                self.fields[only].empty_label = None
        if not self.is_bound and self.instance is None:
            self.initial.setdefault("occurred_on", today())
            self.initial.setdefault("count", 1)
            for name in ("department", "enterprise"):  # the sole organ, when there is only one
                field = self.fields.get(name)
                if field is not None and field.required and len(field.queryset[:2]) == 1:
                    self.initial.setdefault(name, field.queryset[0].pk)

    def service_data(self) -> dict:
        data = super().service_data()
        if data.get("people") is None:
            data.pop("people", None)  # not given: the service asks for it where the kind needs it
        if self.instance is not None:
            for name in ("region", "department", "enterprise"):  # a field not offered keeps the record's value
                if name not in self.fields:
                    data.pop(name, None)
        return data


class _RegisterForm(WorkForm):
    region = RegionChoiceField(label="所在区划", queryset=Region.objects.none(), required=False,
                               help_text="有企业时取企业所在区划；没有企业时必填")
    enterprise = EnterpriseChoiceField(label="企业", queryset=Enterprise.objects.none(), required=False,
                                       empty_label="（无）")
    department = DepartmentChoiceField(label="负责部门", queryset=Department.objects.none())
    sector = SectorChoiceField(label="行业领域", queryset=Sector.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.fields["region"].queryset = Region.objects.visible_to(user).order_by("code") if is_admin(user) else (
            _register_regions(user))
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).select_related("region").order_by(
            "region_id", "name")
        if is_admin(user) or scope_for(user).office_region_codes:  # an office writes for any department
            departments = Department.objects.visible_to(user).select_related("region").order_by("region_id", "name")
        else:  # a department for itself and its subordinate units
            departments = writable_departments(user)
        self.fields["department"].queryset = departments
        self.fields["sector"].queryset = Sector.objects.visible_to(user)
        if not self.is_bound and self.instance is None:
            self.initial.setdefault("identified_on", today())
            own = Department.objects.filter(pk__in=list(scope_for(user).department_ids))
            if len(own[:2]) == 1:
                self.initial.setdefault("department", own[0].pk)


def _register_regions(user):
    """Where a risk or problem without an enterprise may be placed: a safety office's subtree, a department's region
    subtree."""
    scope = scope_for(user)
    codes = list(scope.office_region_codes) + [reach.region_code for reach in scope.departments]
    regions = Region.objects.visible_to(user).order_by("code")
    return regions.filter(subtrees_q(codes))


class RiskForm(_RegisterForm):
    name = forms.CharField(label="风险名称", max_length=200)
    identified_on = forms.DateField(label="排查日期", widget=date_input())
    basic = forms.CharField(label="基础清单", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    control = forms.CharField(label="防控清单", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsibility = forms.CharField(label="责任清单", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    emergency = forms.CharField(label="应急清单", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lists_completed_on = forms.DateField(label="“4个清单”落实日期", required=False, widget=date_input(),
                                         help_text="四个清单均填写后才能登记")

    record_fields = services.RISK_FIELDS


class ProblemForm(_RegisterForm):
    title = forms.CharField(label="问题", max_length=200)
    source = forms.ChoiceField(label="来源", choices=ProblemSource.choices, initial=ProblemSource.SELF)
    identified_on = forms.DateField(label="梳理日期", widget=date_input())
    root_measure = forms.CharField(label="治本措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    root_measure_on = forms.DateField(label="治本措施落实日期", required=False, widget=date_input(),
                                      help_text="须先填写治本措施")
    resolved_on = forms.DateField(label="整改完成日期", required=False, widget=date_input())

    record_fields = services.PROBLEM_FIELDS


FORMS = {Activity: ActivityForm, Risk: RiskForm, Problem: ProblemForm}
