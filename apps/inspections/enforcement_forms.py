"""Forms of the enforcement pages (执法措施, 责任倒查问责). Choices are drawn through `visible_to` and the acting
membership; the rules themselves — case number, amount, persons, 危险作业罪, the waiver reason, publication by a
leader, the accountability organs — stay in apps.inspections.services, whose errors the views put back on these
forms beside the field they name.

The action form shows the fields of its kind only: amount and 对主要负责人 for a penalty, persons for a referral,
危险作业罪 for both, the waiver reason when the chosen hazard is 依法不予行政处罚 (or the action already carries
one), publication for a department leader. A field the kind does not use is sent to the service empty, so changing
the kind of an action clears what no longer applies."""
from django import forms

from apps.core.forms import BootstrapMixin
from apps.enterprises.forms import RegionChoiceField
from apps.enterprises.models import Enterprise
from apps.hazards.models import Hazard, Source, today
from apps.hazards.services import acting_memberships, is_admin, penalty_waived
from apps.regions.models import Department, Region
from apps.regions.scope import DEPARTMENT, DISCIPLINE, SAFETY_OFFICE, scope_for, subtrees_q

from . import services
from .models import ActionKind, EnforcementAction, Inspection

AMOUNT_KINDS = (ActionKind.PENALTY,)
PERSONS_KINDS = (ActionKind.JUDICIAL_REFERRAL,)
CRIME_KINDS = (ActionKind.PENALTY, ActionKind.JUDICIAL_REFERRAL)
# the fields that depend on the kind, and what the service gets when the kind does not use them
KIND_FIELDS = {"amount": None, "against_principal": False, "persons": 0, "dangerous_operation_crime": False}
BOOLEAN_FIELDS = ("against_principal", "dangerous_operation_crime", "published")


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def department_label(d: Department) -> str:
    return f"{d.name}（{d.region.name}）"


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return department_label(obj)


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


class HazardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = f"{obj.title}（{obj.get_level_display()}，{obj.get_status_display()}，{obj.found_on:%Y-%m-%d}发现）"
        return f"{label}·依法不予行政处罚" if penalty_waived(obj) else label


class InspectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.inspected_on:%Y-%m-%d} {obj.get_kind_display()}" + (
            f"（{obj.department.name}）" if obj.department_id else "")


# --- who may do what on these pages: mirrors of the services' rules, so nobody is offered a step they cannot take

def may_create_action(user) -> bool:
    """执法措施 are registered by department members (services.action_create)."""
    return is_admin(user) or bool(scope_for(user).department_ids)


def may_edit_action(user, action: EnforcementAction) -> bool:
    return is_admin(user) or action.department_id in scope_for(user).department_ids


def may_publish_some(user) -> bool:
    """A department leader (publication is then checked for the action's department by the service)."""
    return is_admin(user) or any(m.kind == DEPARTMENT and m.role == services.LEADER for m in acting_memberships(user))


def accountability_regions(user):
    """The regions the actor records 责任倒查问责 for: the subtrees of its safety-office and discipline
    memberships (all for an administrator)."""
    regions = Region.objects.visible_to(user).order_by("code")
    if is_admin(user):
        return regions
    codes = [m.region_id for m in acting_memberships(user) if m.kind in (SAFETY_OFFICE, DISCIPLINE) and m.region_id]
    return regions.filter(subtrees_q(codes))


def may_keep_accountability(user) -> bool:
    return is_admin(user) or any(m.kind in (SAFETY_OFFICE, DISCIPLINE) for m in acting_memberships(user))


# --- the list's filters ---------------------------------------------------------------------------------------

class ActionFilterForm(BootstrapMixin, forms.Form):
    """Renders the list's filters; the filtering itself is EnforcementActionFilterSet's (as in the API)."""

    kind = forms.ChoiceField(label="措施", required=False, choices=[("", "全部")] + list(ActionKind.choices))
    department = forms.ChoiceField(label="执法部门", required=False)
    decided_from = forms.DateField(label="决定日期起", required=False, widget=date_input())
    decided_to = forms.DateField(label="决定日期止", required=False, widget=date_input())
    published = forms.ChoiceField(label="典型案例", required=False,
                                  choices=[("", "全部"), ("true", "已公布"), ("false", "未公布")])
    case_no = forms.CharField(label="案件编号", required=False)

    def __init__(self, *args, visible, **kwargs):
        super().__init__(*args, **kwargs)
        ids = visible.order_by().values("department_id").distinct()
        self.fields["department"].choices = [("", "全部")] + [
            (str(d.pk), department_label(d))
            for d in Department.objects.filter(pk__in=ids).select_related("region").order_by("region_id", "name")
        ]


class AccountabilityFilterForm(BootstrapMixin, forms.Form):
    decided_from = forms.DateField(label="决定日期起", required=False, widget=date_input())
    decided_to = forms.DateField(label="决定日期止", required=False, widget=date_input())


# --- the action -------------------------------------------------------------------------------------------------

class ActionForm(BootstrapMixin, forms.Form):
    """登记 (no `instance`) or 修改 an enforcement action. `initial` may pre-fill it (the repeat-offender page
    proposes an enterprise, a kind, a hazard and a note)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    enterprise = EnterpriseChoiceField(label="企业", queryset=Enterprise.objects.none(),
                                       error_messages={"required": "请选择企业。",
                                                       "invalid_choice": "该企业不在您的监管范围内。"})
    department = DepartmentChoiceField(label="执法部门", queryset=Department.objects.none(), required=False,
                                       empty_label=None)
    kind = forms.ChoiceField(label="措施", choices=ActionKind.choices, initial=ActionKind.PENALTY)
    decided_on = forms.DateField(label="决定日期", required=False, widget=date_input(),
                                 help_text="不填为今天；不能晚于今天")
    case_no = forms.CharField(label="案件编号", max_length=100, required=False,
                              help_text="行政处罚、移送司法机关必填。同一部门同一案件编号为一个案件：对企业和对主要负责人"
                                        "的处罚填写同一编号即为“一案双罚”")
    amount = forms.DecimalField(label="罚款金额（万元）", max_digits=12, decimal_places=4, required=False,
                                help_text="必填；单位：万元，如 3.5")
    against_principal = forms.BooleanField(label="处罚对象为企业主要负责人（与同一案件中对企业的处罚构成一案双罚）",
                                           required=False)
    persons = forms.IntegerField(label="移送人数", min_value=0, required=False, help_text="必填，至少 1 人")
    dangerous_operation_crime = forms.BooleanField(label="涉嫌危险作业罪（刑法第一百三十四条之一）", required=False)
    hazard = HazardChoiceField(label="关联隐患", queryset=Hazard.objects.none(), required=False,
                               empty_label="（不关联隐患）",
                               error_messages={"invalid_choice": "该隐患不属于所选企业，或不在您的可见范围内。"})
    inspection = InspectionChoiceField(
        label="关联检查", queryset=Inspection.objects.none(), required=False, empty_label="（不关联检查）",
        error_messages={"invalid_choice": "该检查不是对所选企业的检查，或不在您的可见范围内。"})
    waiver_reason = forms.CharField(label="依法不予处罚隐患仍予处罚的理由", required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    published = forms.BooleanField(label="公布为典型执法案例", required=False,
                                   help_text="在政务网站或主流媒体公布；由部门负责人办理")
    published_on = forms.DateField(label="公布日期", required=False, widget=date_input(),
                                   help_text="公布时填写；不填为今天")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, user, instance: EnforcementAction | None = None, initial=None, **kwargs):
        start = {}
        if instance is not None:
            start = {name: getattr(instance, f"{name}_id" if name in ("hazard", "inspection") else name)
                     for name in services.ACTION_FIELDS}
            start["version"] = instance.version
        start.update(initial or {})
        super().__init__(data, initial=start, **kwargs)
        self.user, self.instance = user, instance
        self.kind = self._value("kind") or ActionKind.PENALTY
        if self.kind not in ActionKind.values:
            self.kind = ActionKind.PENALTY

        if instance is None:
            self.fields["enterprise"].queryset = (Enterprise.objects.visible_to(user).select_related("region")
                                                  .order_by("region_id", "name"))
            departments = Department.objects.select_related("region").order_by("region_id", "name")
            if not is_admin(user):
                departments = departments.filter(pk__in=list(scope_for(user).department_ids))
                roots = [m.department_id for m in acting_memberships(user) if m.kind == DEPARTMENT]
                if len(roots) == 1:
                    self.fields["department"].initial = roots[0]
                    self.initial.setdefault("department", roots[0])
            self.fields["department"].queryset = departments
            if is_admin(user):
                self.fields["department"].required = True
                self.fields["department"].empty_label = "（请选择）"
            elif len(departments) <= 1:
                del self.fields["department"]  # the service takes the member's only department
            self.enterprise = self._chosen(self.fields["enterprise"].queryset, "enterprise")
            if not self.is_bound:
                self.initial.setdefault("decided_on", today())
        else:
            del self.fields["enterprise"], self.fields["department"]
            self.enterprise = instance.enterprise
        if self.enterprise is not None:
            self.fields["hazard"].queryset = (Hazard.objects.visible_to(user).filter(enterprise=self.enterprise)
                                              .order_by("-found_on", "-pk"))
            self.fields["inspection"].queryset = (Inspection.objects.visible_to(user)
                                                  .filter(enterprise=self.enterprise)
                                                  .select_related("department").order_by("-inspected_on", "-pk"))
        self.hazard = self._chosen(self.fields["hazard"].queryset, "hazard")
        self.waived = self.hazard is not None and penalty_waived(self.hazard)

        if self.kind not in AMOUNT_KINDS:
            del self.fields["amount"], self.fields["against_principal"]
        if self.kind not in PERSONS_KINDS:
            del self.fields["persons"]
        if self.kind not in CRIME_KINDS:
            del self.fields["dangerous_operation_crime"]
        if self.kind in services.CASE_NO_REQUIRED:
            self.fields["case_no"].label = "案件编号（必填）"
        keeps_reason = instance is not None and bool(instance.waiver_reason)
        if not ((self.kind == ActionKind.PENALTY and self.waived) or keeps_reason):
            del self.fields["waiver_reason"]
        self.may_publish = (services.may_publish(user, instance.department_id) if instance is not None
                            else may_publish_some(user))
        if not self.may_publish:
            del self.fields["published"], self.fields["published_on"]

    def _value(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        value = self.initial.get(name)
        return getattr(value, "pk", value) or None

    def _chosen(self, queryset, name):
        value = self._value(name)
        if value is None or not str(value).isdigit():
            return None
        return queryset.filter(pk=int(value)).first()

    @property
    def waiver_explanation(self) -> str:
        """The hazard's 依法不予行政处罚 flag, in words (shown beside the reason)."""
        h = self.hazard
        if not (self.waived and self.kind == ActionKind.PENALTY):
            return ""
        planned = f"，{h.planned_on:%Y-%m-%d}制定治理方案" if h.planned_on else ""
        return (f"关联隐患“{h.title}”是企业自查发现并报告（来源：{Source(h.source).label}{planned}）、"
                f"正在采取有效措施消除（{h.get_status_display()}）的重大事故隐患，依法不予行政处罚。"
                "对其作出行政处罚的，须说明理由。")

    def service_data(self) -> dict:
        """What services.action_create / action_update get: the fields shown, the kind's unused fields emptied."""
        data = {name: value for name, value in self.cleaned_data.items()
                if name in services.ACTION_FIELDS or name in ("enterprise", "department")}
        if data.get("department") is None:
            data.pop("department", None)
        for name, empty in KIND_FIELDS.items():
            if name not in self.fields:
                data[name] = empty
        if "waiver_reason" in data:
            data["waiver_reason"] = data["waiver_reason"] or ""
        if data.get("published") and data.get("published_on") is None:
            data.pop("published_on")  # the service dates the publication today
        if data.get("decided_on") is None:
            data.pop("decided_on", None)  # create: today; update: unchanged
        return data


def initial_from(query, form_class=ActionForm, *, refresh: bool = False) -> dict:
    """A form's initial values from a query string: a pre-filled link, or the htmx refresh that re-draws the
    form when the kind, the enterprise or the hazard changes (then an absent checkbox is an unticked one)."""
    names = set(form_class.base_fields)
    initial = {k: v for k, v in query.items() if k in names and k != "version" or k == "version" and v.isdigit()}
    if refresh:
        for name in BOOLEAN_FIELDS:
            initial.setdefault(name, False)
    return initial


# --- accountability -----------------------------------------------------------------------------------------------

class AccountabilityForm(BootstrapMixin, forms.Form):
    """责任倒查问责: who was held to account (persons, and in the description their names and posts), for which
    hazard or inspection they failed to find or follow up, and the outcome."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    region = RegionChoiceField(label="决定机关所在区划", queryset=Region.objects.none(),
                               error_messages={"required": "请选择决定机关所在区划。"})
    department = DepartmentChoiceField(label="决定部门", queryset=Department.objects.none(), required=False,
                                       empty_label="（本级党委、政府或纪委监委）",
                                       help_text="须为所选区划的部门；为空表示本级党委、政府或纪委监委")
    decided_on = forms.DateField(label="决定日期", required=False, widget=date_input(),
                                 help_text="不填为今天；不能晚于今天")
    persons = forms.IntegerField(label="问责人数", required=False, help_text="必填，至少 1 人")
    hazard = forms.ModelChoiceField(
        label="涉及隐患（编号）", queryset=Hazard.objects.none(), required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text="未查出或跟踪整改不到位的隐患：填写隐患编号（隐患页面地址中的数字）",
        error_messages={"invalid_choice": "没有编号为 %(value)s 的隐患，或该隐患不在您的可见范围内。"})
    inspection = forms.ModelChoiceField(
        label="涉及检查（编号）", queryset=Inspection.objects.none(), required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text="走过场、未查出问题的检查：填写检查记录编号",
        error_messages={"invalid_choice": "没有编号为 %(value)s 的检查记录，或该检查不在您的可见范围内。"})
    note = forms.CharField(label="被问责人员及失职情形", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="写明被问责人员的单位、姓名、职务，以及明明有问题却查不出、或查出后跟踪整改不到位的情形")
    outcome = forms.CharField(label="处理结果", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="如：诫勉谈话、通报批评、党纪政务处分、移送司法机关")

    def __init__(self, data=None, *, user, instance=None, initial=None, **kwargs):
        start = {}
        if instance is not None:
            start = {name: getattr(instance, f"{name}_id" if name in ("region", "department", "hazard", "inspection")
                                   else name) for name in services.ACCOUNTABILITY_FIELDS}
            start["version"] = instance.version
        start.update(initial or {})
        super().__init__(data, initial=start, **kwargs)
        self.user, self.instance = user, instance
        regions = accountability_regions(user)
        self.fields["region"].queryset = regions
        departments = Department.objects.select_related("region").order_by("region_id", "name")
        own = [m.region_id for m in acting_memberships(user) if m.kind in (SAFETY_OFFICE, DISCIPLINE) and m.region_id]
        if not is_admin(user):
            departments = departments.filter(subtrees_q(own, "region"))
        self.fields["department"].queryset = departments
        self.fields["hazard"].queryset = Hazard.objects.visible_to(user)
        self.fields["inspection"].queryset = Inspection.objects.visible_to(user)
        if instance is None and not self.is_bound:
            self.initial.setdefault("decided_on", today())
            if len(own) == 1:
                self.initial.setdefault("region", own[0])

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in services.ACCOUNTABILITY_FIELDS}
        if data.get("decided_on") is None:
            data.pop("decided_on", None)
        return data
