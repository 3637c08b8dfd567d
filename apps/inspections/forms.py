"""Forms of the inspection and checklist pages. Choices come through `visible_to` and the acting membership, so a
form offers only the kinds, enterprises and organs the person may use; the rules stay in the services
(apps.inspections.services, .onsite, .checklists), whose errors the views put back on these forms."""
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from apps.accounts.models import Membership, User
from apps.campaigns.models import Campaign
from apps.core.forms import BootstrapMixin
from apps.enterprises.models import Enterprise
from apps.hazards.services import acting_memberships, is_admin
from apps.regions.models import Department, InspectionGroup, Sector
from apps.regions.scope import DEPARTMENT, ENTERPRISE, GROUP, scope_for, today

from . import checklists as checklist_services
from .models import FINDINGS, Answer, Checklist, ChecklistLayout, InspectionKind, InspectionMode
from .onsite import PHOTO_TYPES, SIGNATURE_ROLES
from .services import inspection_kinds

PHOTO_ACCEPT = ",".join(sorted(PHOTO_TYPES))
MODE_CHOICES = [("", "（不注明）"), *InspectionMode.choices]


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NamedChoiceField(forms.ModelChoiceField):
    """An organisation with its region, so two 应急管理局 can be told apart."""

    def label_from_instance(self, obj):
        region = getattr(obj, "region", None)
        return f"{obj.name}（{region.name}）" if region is not None else obj.name


class ChecklistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        owner = f"，{obj.department.name}" if obj.department_id else ""
        return f"{obj.name}（第{obj.version}版{owner}）"


class InspectorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _colleagues(user):
    """The people who may inspect with the actor: members of the same enterprise, department (D*) or group."""
    if is_admin(user):
        return User.objects.filter(is_active=True)
    members = Q(pk__in=[])
    for m in acting_memberships(user):
        if m.kind == ENTERPRISE:
            members |= Q(enterprise_id=m.enterprise_id)
        elif m.kind == GROUP:
            members |= Q(group_id=m.group_id)
        elif m.kind == DEPARTMENT:
            members |= Q(department_id__in=list(scope_for(user).department_ids))
    colleagues = Membership.objects.filter(members).values("user_id")
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=colleagues), is_active=True)


# --- the list -----------------------------------------------------------------------------------------------------

class InspectionFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="被检查企业", required=False, widget=forms.TextInput(attrs={"type": "search",
                                                                                     "placeholder": "企业名称"}))
    kind = forms.ChoiceField(label="检查类别", required=False, choices=[("", "全部")] + list(InspectionKind.choices))
    mode = forms.ChoiceField(label="检查方式", required=False, choices=[("", "全部")] + list(InspectionMode.choices))
    signed = forms.ChoiceField(label="签名", required=False,
                               choices=[("", "全部"), ("true", "已签名"), ("false", "未签名")])
    inspected_from = forms.DateField(label="检查日期起", required=False, widget=date_input())
    inspected_to = forms.DateField(label="检查日期止", required=False, widget=date_input())


# --- registering an inspection ------------------------------------------------------------------------------------

class InspectionCreateForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="检查类别")
    mode = forms.ChoiceField(label="检查方式", required=False, choices=MODE_CHOICES, help_text="企业自查不填")
    enterprise = NamedChoiceField(label="被检查企业", queryset=Enterprise.objects.none())
    department = NamedChoiceField(label="检查部门", queryset=Department.objects.none(), required=False,
                                  help_text="部门检查：本部门或下属单位")
    group = forms.ModelChoiceField(label="检查组", queryset=InspectionGroup.objects.none(), required=False,
                                   help_text="督导检查：本人所在的检查组")
    checklist = ChecklistChoiceField(label="检查清单", queryset=Checklist.objects.none(), required=False,
                                     empty_label="（不使用清单）")
    project = forms.CharField(label="检查项目", max_length=200, required=False,
                              help_text="如在建工地的项目名称；检查表“检查项目”一栏")
    inspected_on = forms.DateField(label="检查日期", widget=date_input())
    inspectors = InspectorsField(label="检查人员", queryset=User.objects.none(), required=False,
                                 widget=forms.CheckboxSelectMultiple,
                                 help_text="谁检查、谁签名：每位检查人员本人签名")
    led_by_principal = forms.BooleanField(label="主要负责人带队检查", required=False, help_text="仅企业自查")
    note = forms.CharField(label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        kinds = inspection_kinds(user)
        self.fields["kind"].choices = [(k, InspectionKind(k).label) for k in kinds]
        memberships = acting_memberships(user)
        enterprises = Enterprise.objects.visible_to(user).select_related("region").order_by("region_id", "name")
        own = [m.enterprise_id for m in memberships if m.kind == ENTERPRISE]
        if own and not is_admin(user) and kinds == [InspectionKind.SELF]:
            enterprises = enterprises.filter(pk__in=own)
        self.fields["enterprise"].queryset = enterprises
        scope = scope_for(user)
        if is_admin(user):
            departments = Department.objects.all()
            groups = InspectionGroup.objects.all()
        else:
            departments = Department.objects.filter(pk__in=list(scope.department_ids))
            groups = InspectionGroup.objects.filter(pk__in=[m.group_id for m in memberships if m.kind == GROUP])
        self.fields["department"].queryset = departments.select_related("region").order_by("region_id", "name")
        self.fields["group"].queryset = groups.order_by("name")
        self.fields["checklist"].queryset = (Checklist.objects.visible_to(user).filter(active=True)
                                             .select_related("department").order_by("department_id", "code"))
        self.fields["inspectors"].queryset = _colleagues(user).order_by("username")
        for name, needed in (("department", DEPARTMENT), ("group", GROUP)):
            if not is_admin(user) and not any(m.kind == needed for m in memberships):
                del self.fields[name]
        if not any(k == InspectionKind.SELF for k in kinds):
            del self.fields["led_by_principal"]
        if not self.is_bound:
            self.initial.setdefault("inspected_on", today())
            self.initial.setdefault("inspectors", [user.pk])
            if len(kinds) == 1:
                self.initial.setdefault("kind", kinds[0])
            if len(own) == 1 and kinds == [InspectionKind.SELF]:
                self.initial.setdefault("enterprise", own[0])
            if "department" in self.fields:
                roots = [m.department_id for m in memberships if m.kind == DEPARTMENT]
                if len(set(roots)) == 1:
                    self.initial.setdefault("department", roots[0])

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["inspectors"] = list(data.get("inspectors") or [])
        if data.get("kind") != InspectionKind.SELF:
            data.pop("led_by_principal", None)
        if data.get("kind") != InspectionKind.SUPERVISION:
            data.pop("group", None)
        if data.get("kind") in (InspectionKind.SELF, InspectionKind.SUPERVISION):
            data.pop("department", None)
        return {k: v for k, v in data.items() if v not in (None, "")}


# --- on site ------------------------------------------------------------------------------------------------------

class AnswerForm(forms.Form):
    """One checklist item: 是 and 不涉及 save at once (`quick`), 否 opens 隐患描述, 整改要求, 整改时限 (and 是否重大隐患
    on a 附件2-style list); a note and a photo go with any answer."""

    quick = forms.ChoiceField(required=False, choices=[(Answer.YES, "是"), (Answer.NOT_APPLICABLE, "不涉及")])
    answer = forms.ChoiceField(required=False, choices=Answer.choices)
    description = forms.CharField(label="隐患描述", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    requirement = forms.CharField(label="整改要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="整改时限", required=False, widget=date_input())
    major = forms.TypedChoiceField(label="是否重大隐患", required=False, coerce=lambda v: v == "true",
                                   empty_value=None, choices=[("true", "是"), ("false", "否")])
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 1}))
    photo = forms.FileField(label="现场照片", required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"}))

    def clean(self):
        data = super().clean()
        data["answer"] = data.get("quick") or data.get("answer")
        if not data["answer"]:
            raise ValidationError("请选择“是”“否”或“不涉及”。")
        return data

    def service_args(self, locked: bool) -> dict:
        """The service's inputs: on an answer whose hazard is in the ledger, only the note and the photo."""
        data = self.cleaned_data
        args = {"answer": data["answer"], "note": data.get("note", ""), "photo": data.get("photo")}
        if data["answer"] == Answer.NO and not locked:
            args |= {"description": data.get("description", ""), "requirement": data.get("requirement", ""),
                     "deadline": data.get("deadline"), "major": data.get("major")}
        return args


class FindingsForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    findings = forms.MultipleChoiceField(label="抽查发现的问题", required=False, choices=list(FINDINGS.items()),
                                         widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    role = forms.ChoiceField(choices=[(r, r) for r in SIGNATURE_ROLES])
    confirm = forms.BooleanField(label="我已核对检查内容，确认签名（签名后记录锁定，不能再修改）",
                                 error_messages={"required": "请勾选确认后再签名。"})


class InspectionEditForm(BootstrapMixin, forms.Form):
    """The record's own fields, before signing: mode, date, project, inspectors, note (and the checklist while no
    item has been answered)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(label="检查方式", required=False, choices=MODE_CHOICES)
    inspected_on = forms.DateField(label="检查日期", widget=date_input())
    project = forms.CharField(label="检查项目", max_length=200, required=False)
    checklist = ChecklistChoiceField(label="检查清单", queryset=Checklist.objects.none(), required=False,
                                     empty_label="（不使用清单）")
    inspectors = InspectorsField(label="检查人员", queryset=User.objects.none(), required=False,
                                 widget=forms.CheckboxSelectMultiple)
    led_by_principal = forms.BooleanField(label="主要负责人带队检查", required=False)
    note = forms.CharField(label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.fields["inspectors"].queryset = (_colleagues(user) | inspection.inspectors.all()).distinct().order_by(
            "username")
        checklists = Checklist.objects.visible_to(user).filter(active=True)
        if inspection.checklist_id:
            checklists = checklists | Checklist.objects.filter(pk=inspection.checklist_id)
        self.fields["checklist"].queryset = checklists.distinct().select_related("department").order_by("code")
        if inspection.answers.exists():
            del self.fields["checklist"]
        if inspection.kind == InspectionKind.SELF:
            del self.fields["mode"]
        else:
            del self.fields["led_by_principal"]
        if not self.is_bound:
            self.initial.update({
                "version": inspection.version, "mode": inspection.mode, "inspected_on": inspection.inspected_on,
                "project": inspection.project, "checklist": inspection.checklist_id,
                "inspectors": [u.pk for u in inspection.inspectors.all()],
                "led_by_principal": inspection.led_by_principal, "note": inspection.note,
            })

    def changes(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["inspectors"] = list(data.get("inspectors") or [])
        return data


# --- checklists ---------------------------------------------------------------------------------------------------

class ChecklistForm(BootstrapMixin, forms.Form):
    department = NamedChoiceField(label="编制部门", queryset=Department.objects.none())
    name = forms.CharField(label="清单名称", max_length=200)
    sector = forms.ModelChoiceField(label="行业领域", queryset=Sector.objects.none(), required=False)
    layout = forms.ChoiceField(label="版式", choices=ChecklistLayout.choices, initial=ChecklistLayout.FOCUS)
    source = forms.CharField(label="依据/出处", max_length=300,
                             help_text="如：本部门文件文号；所依据的判定标准及条款")
    campaign = forms.ModelChoiceField(label="专项行动", queryset=Campaign.objects.none(), required=False)
    issued_on = forms.DateField(label="发布日期", required=False, widget=date_input())

    def __init__(self, *args, user, revising: Checklist | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=[d.pk for d in checklist_services.writable_departments(user)]).select_related("region")
        self.fields["sector"].queryset = Sector.objects.order_by("order", "code")
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user).order_by("-start")
        if revising is not None:
            del self.fields["department"]


class ChecklistItemForm(BootstrapMixin, forms.Form):
    category = forms.CharField(label="检查类别", max_length=100, required=False)
    focus = forms.CharField(label="重点检查事项", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label="检查内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    major = forms.BooleanField(label="“否”即重大事故隐患", required=False)
    basis = forms.CharField(label="判定依据", max_length=300, required=False)


ChecklistItemFormSet = forms.formset_factory(ChecklistItemForm, extra=0, max_num=300, absolute_max=300)
