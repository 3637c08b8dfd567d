"""Forms of the ledger's pages. Choices are drawn through `visible_to` and the acting membership; the rules
themselves (who, which state, the five elements, the sign-offs) stay in the services, whose errors the views put
back on these forms."""
import datetime

from django import forms
from django.urls import reverse

from apps.campaigns.models import SignOffLevel, required_sign_offs
from apps.core.forms import BootstrapMixin
from apps.enterprises.forms import RegionChoiceField, SectorChoiceField, sector_label, visible_regions
from apps.enterprises.models import Enterprise
from apps.regions.models import Department, Region, Sector
from apps.regions.scope import DEPARTMENT, ENTERPRISE, SAFETY_OFFICE, scope_for, subtrees_q

from . import services
from .models import EvidenceStage, Hazard, Level, Source, Status, today
from .services import acting_memberships, is_admin, reportable_sources

DATE = {"type": "date"}


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs=dict(DATE), format="%Y-%m-%d")


def department_label(d: Department) -> str:
    return f"{d.name}（{d.region.name}）"


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return department_label(obj)


# --- the ledger's filters ---------------------------------------------------------------------------------------

def _truthy(value) -> bool:
    return str(value).lower() in {"true", "1", "on", "yes"}


class HazardFilterForm(BootstrapMixin, forms.Form):
    """Renders the ledger's filters; the filtering itself is HazardFilterSet's (page, export and API alike)."""

    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(
        attrs={"placeholder": "隐患名称、企业名称或信用代码", "type": "search"}))
    level = forms.ChoiceField(label="隐患等级", required=False, choices=[("", "全部")] + list(Level.choices))
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部")] + list(Source.choices))
    sector = forms.ChoiceField(label="行业领域（含下级）", required=False)
    region = forms.ChoiceField(label="区划（含下级）", required=False)
    department = forms.ChoiceField(label="负责部门", required=False)
    found_from = forms.DateField(label="发现日期起", required=False, widget=date_input())
    found_to = forms.DateField(label="发现日期止", required=False, widget=date_input())
    status = forms.MultipleChoiceField(label="状态", required=False, choices=Status.choices,
                                       widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    overdue = forms.BooleanField(label="仅看逾期", required=False, widget=forms.CheckboxInput(
        attrs={"value": "true"}, check_test=_truthy))
    listed = forms.BooleanField(label="挂牌督办中", required=False, widget=forms.CheckboxInput(
        attrs={"value": "true"}, check_test=_truthy))

    def __init__(self, *args, user, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部")] + [
            (r.code, "　" * (r.level - 1) + r.name) for r in visible_regions(user)
        ]
        self.fields["sector"].choices = [("", "全部")] + [
            (s.code, sector_label(s)) for s in Sector.objects.visible_to(user)
        ]
        ids = visible.order_by().values("department_id").distinct()
        self.fields["department"].choices = [("", "全部")] + [
            (str(d.pk), department_label(d))
            for d in Department.objects.filter(pk__in=ids).select_related("region").order_by("region_id", "name")
        ]

    def main_fields(self):
        return [self[name] for name in ("level", "source", "sector", "region", "department", "found_from",
                                        "found_to")]


# --- evidence -----------------------------------------------------------------------------------------------------

EVIDENCE_ACCEPT = "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp,.pdf,.docx"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once, each checked like services.add_evidence checks it (type by its first bytes,
    10 MB at most), so a bad file is named on the form before anything is written."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT, "multiple": True}))
        kwargs.setdefault("help_text", "可多选；JPG、PNG、WebP 照片或 PDF、Word 文档，每个不超过 10 MB")
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        files = [f for f in (single(item, initial) for item in items if item) if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        errors = []
        for f in files:
            if f.size > services.EVIDENCE_MAX_BYTES:
                errors.append(f"文件“{f.name}”超过 10 MB。")
            elif services.evidence_type(f) not in services.EVIDENCE_TYPES:
                errors.append(f"文件“{f.name}”的类型不受支持：只接受 JPG、PNG、WebP 图片和 PDF、Word 文档。")
        if errors:
            raise forms.ValidationError(errors)
        return files

    def bound_data(self, data, initial):
        return initial


class EvidenceForm(BootstrapMixin, forms.Form):
    stage = forms.ChoiceField(label="类别", choices=EvidenceStage.choices)
    files = EvidenceField(label="文件")


# --- report -------------------------------------------------------------------------------------------------------

def report_regions(user):
    """Where a hazard without an enterprise may be placed: the subtrees the acting membership reaches."""
    regions = Region.objects.visible_to(user).order_by("code")
    if is_admin(user):
        return regions
    scope = scope_for(user)
    codes = list(scope.region_codes) + list(scope.group_region_codes) + [r.region_code for r in scope.departments]
    return regions.filter(subtrees_q(codes))


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


class HazardReportForm(BootstrapMixin, forms.Form):
    enterprise = EnterpriseChoiceField(label="企业", queryset=Enterprise.objects.none(), required=False,
                                       empty_label="（无企业：道路、河岸等公共区域）")
    region = RegionChoiceField(label="所在区划", queryset=Region.objects.none(), required=False,
                               help_text="没有企业的隐患填写其所在区划；有企业时取企业的区划")
    title = forms.CharField(label="隐患名称", max_length=200)
    level = forms.ChoiceField(label="隐患等级", choices=Level.choices, initial=Level.GENERAL)
    source = forms.ChoiceField(label="隐患来源")
    department = DepartmentChoiceField(label="负责部门（接报/主管部门）", queryset=Department.objects.none(),
                                       required=False)
    sector = SectorChoiceField(label="行业领域", queryset=Sector.objects.none(), required=False,
                               empty_label="（按负责部门自动确定）", help_text="不填则取企业由负责部门监管的行业领域")
    found_on = forms.DateField(label="发现日期", widget=date_input())
    found_by = forms.CharField(label="发现人", max_length=100, required=False)
    kind = forms.CharField(label="隐患类型", max_length=100, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "如：设备设施、作业行为、安全管理",
                                                         "list": "hazard-kinds"}))
    nature = forms.CharField(label="隐患性质", max_length=100, required=False)
    location = forms.CharField(label="隐患部位", max_length=200, required=False)
    description = forms.CharField(label="隐患现状及产生原因", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    harm_analysis = forms.CharField(label="隐患危害程度和整改难易程度分析", required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    criterion = forms.CharField(label="违反的标准条款或判定依据", max_length=300, required=False)
    files = EvidenceField(label="整改前照片", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        memberships = acting_memberships(user)
        enterprises = Enterprise.objects.visible_to(user).select_related("region").order_by("region_id", "name")
        own = [m.enterprise_id for m in memberships if m.kind == ENTERPRISE]
        self.enterprise_only = bool(own) and not is_admin(user)
        if self.enterprise_only:
            enterprises = enterprises.filter(pk__in=own)
            self.fields["enterprise"].required = True
            self.fields["enterprise"].empty_label = None
            del self.fields["region"]
            departments = Department.objects.filter(enterprise_links__enterprise_id__in=own).distinct()
            self.fields["department"].required = True
            self.fields["department"].help_text = "企业自查的隐患报告给本企业的主管部门"
        else:
            self.fields["region"].queryset = report_regions(user)
            departments = Department.objects.visible_to(user)
            self.fields["department"].help_text = "不填则为发现部门"
        self.fields["enterprise"].queryset = enterprises
        self.fields["department"].queryset = departments.select_related("region").order_by("region_id", "name")
        self.fields["sector"].queryset = Sector.objects.visible_to(user)
        sources = reportable_sources(user)
        self.fields["source"].choices = [(s, Source(s).label) for s in sources]
        if len(sources) == 1:
            self.fields["source"].initial = sources[0]
        if not self.is_bound:
            self.initial.setdefault("found_on", today())
            if self.enterprise_only and len(own) == 1:
                self.initial.setdefault("enterprise", own[0])
                only = list(self.fields["department"].queryset[:2])
                if len(only) == 1:
                    self.initial.setdefault("department", only[0].pk)

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and "region" in self.fields and not data.get("region"):
            self.add_error("region", "没有企业的隐患须填写所在区划。")
        return data

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "files"}
        if not data.get("enterprise"):
            data["enterprise"] = None
        return data


# --- the transitions ------------------------------------------------------------------------------------------------

class TransitionForm(BootstrapMixin, forms.Form):
    """Every transition form carries the hazard's `version` (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, hazard: Hazard, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        self.user = user
        self.initial.setdefault("version", hazard.version)


def five_element(label: str) -> dict:
    return {"required": f"治理方案须具备五要素：请填写{label}。"}


class PlanForm(TransitionForm):
    owner = forms.CharField(label="负责治理的机构和人员（责任人）", max_length=200,
                            error_messages=five_element("责任人"))
    measures = forms.CharField(label="治理方法和措施", widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages=five_element("措施"))
    funds = forms.DecimalField(label="经费物资保障（万元）", max_digits=12, decimal_places=4, min_value=0,
                               error_messages=five_element("资金"),
                               widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    deadline = forms.DateField(label="治理时限", widget=date_input(), error_messages=five_element("时限"))
    contingency = forms.CharField(label="安全措施和应急预案", widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages=five_element("应急预案"))
    goal = forms.CharField(label="治理目标和主要任务", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    requirements = forms.CharField(label="时限和要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    interim_controls = forms.CharField(label="管控措施（限期整改、查封、停产等）", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    planned_on = forms.DateField(label="制定日期", widget=date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("planned_on", today())

    def plan_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class FixOnSpotForm(TransitionForm):
    fixed_on = forms.DateField(label="整改日期", widget=date_input())
    note = forms.CharField(label="整改情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = EvidenceField(label="整改后照片", error_messages={"required": "立即整改须上传整改后的照片或材料。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("fixed_on", today())


class SubmitForm(TransitionForm):
    submitted_on = forms.DateField(label="提请日期", widget=date_input())
    note = forms.CharField(label="整改完成情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = EvidenceField(label="整改后照片", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("submitted_on", today())


class RejectForm(TransitionForm):
    rejected_on = forms.DateField(label="验收日期", widget=date_input())
    reason = forms.CharField(label="不通过的原因", widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "请填写不通过的原因。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("rejected_on", today())


class SignOffForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(label="签字层级", choices=[("", "—")] + list(SignOffLevel.choices), required=False)
    name = forms.CharField(label="签字人", max_length=100, required=False)
    opinion = forms.CharField(label="意见", required=False)
    signed_on = forms.DateField(label="签字日期", required=False, widget=date_input())

    def clean(self):
        data = super().clean()
        if data.get("level") and not (data.get("name") or "").strip():
            self.add_error("name", "请填写签字人。")
        if (data.get("name") or "").strip() and not data.get("level"):
            self.add_error("level", "请选择签字层级。")
        return data


SignOffFormSet = forms.formset_factory(SignOffForm, extra=0)
BLANK_SIGN_OFF_ROWS = 1


def _parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


class AcceptForm(TransitionForm):
    """验收销号. The sign-off rows (签字) are a formset; the rows the campaigns require on the chosen date are
    pre-listed (required_sign_offs), and one blank row is offered for more."""

    accepted_on = forms.DateField(label="验收日期", widget=date_input())
    members = forms.CharField(label="验收组成员", widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="每行一人", error_messages={"required": "请填写验收组成员。"})
    conclusion = forms.CharField(label="验收结论", widget=forms.Textarea(attrs={"rows": 3}),
                                 error_messages={"required": "请填写验收结论。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("accepted_on", today())
        self.fields["accepted_on"].widget.attrs.update({
            "hx-get": reverse("hazards:accept", args=[self.hazard.pk]), "hx-trigger": "change",
            "hx-target": "#sign-offs", "hx-include": "closest form", "hx-swap": "innerHTML"})
        day = _parse_date(self.data.get("accepted_on")) if self.is_bound else None
        day = day or _parse_date(self.initial.get("accepted_on")) or today()
        self.required_levels = self.required_for(day)
        rows = [{"level": level} for level in self.required_levels]
        if self.is_bound:
            self.sign_offs = SignOffFormSet(self.data, prefix="so", initial=rows)
        else:
            given = self.initial.get("sign_off_rows") or []
            named = {r["level"]: r for r in given if r.get("level")}
            rows = [named.pop(level, {"level": level}) for level in self.required_levels] + list(named.values())
            rows += [{} for _ in range(BLANK_SIGN_OFF_ROWS)]
            self.sign_offs = SignOffFormSet(prefix="so", initial=rows)

    def required_for(self, day: datetime.date) -> list[str]:
        hazard = self.hazard
        city_direct = bool(hazard.enterprise_id and hazard.enterprise.city_direct)
        return required_sign_offs(hazard.region_id, day, city_direct)

    @property
    def required_labels(self) -> list[str]:
        return [SignOffLevel(level).label for level in self.required_levels]

    def is_valid(self):
        valid = super().is_valid()
        return self.sign_offs.is_valid() and valid

    def member_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["members"].splitlines() if line.strip()]

    def sign_off_list(self) -> list[dict]:
        rows = []
        for form in self.sign_offs:
            data = form.cleaned_data
            if data.get("level"):
                rows.append({"level": data["level"], "name": data["name"].strip(), "opinion": data.get("opinion", ""),
                             "signed_on": data.get("signed_on") or self.cleaned_data["accepted_on"]})
        return rows


def sign_off_rows_from(data) -> list[dict]:
    """The rows typed so far (an htmx refresh after the date changed keeps them)."""
    rows = []
    for i in range(int(data.get("so-TOTAL_FORMS") or 0)):
        level, name = data.get(f"so-{i}-level", ""), data.get(f"so-{i}-name", "")
        if level or name:
            rows.append({"level": level, "name": name, "opinion": data.get(f"so-{i}-opinion", ""),
                         "signed_on": data.get(f"so-{i}-signed_on", "")})
    return rows


class ListForm(TransitionForm):
    """挂牌督办: as the government (安委办) of a region or as a department; the choices follow the acting
    membership (a safety office's leader, a department's leader)."""

    authority = forms.ChoiceField(label="挂牌单位")
    document_no = forms.CharField(label="督办文号", max_length=100)
    listed_on = forms.DateField(label="挂牌日期", widget=date_input())
    deadline = forms.DateField(label="督办期限", widget=date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("listed_on", today())
        self.fields["authority"].choices = self.authorities()

    def authorities(self) -> list[tuple[str, str]]:
        hazard = self.hazard
        codes = [hazard.region_id[:n] for n in (2, 4, 6, 9, 12) if n <= len(hazard.region_id)]
        regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
        choices = []
        if is_admin(self.user):
            for code in codes:
                if code in regions:
                    choices.append((f"region:{code}", f"{regions[code].name}人民政府（安委办）"))
            for d in Department.objects.filter(region_id__in=codes).select_related("region"):
                choices.append((f"department:{d.pk}", department_label(d)))
            return choices
        for m in acting_memberships(self.user):
            if m.role != "leader":
                continue
            if m.kind == SAFETY_OFFICE and m.region_id in regions:
                choices.append((f"region:{m.region_id}", f"{regions[m.region_id].name}人民政府（安委办）"))
            elif m.kind == DEPARTMENT:
                choices.append((f"department:{m.department_id}", department_label(m.department)))
        return choices

    def authority_args(self) -> dict:
        kind, _, key = self.cleaned_data["authority"].partition(":")
        if kind == "region":
            return {"authority_region": Region.objects.get(code=key), "authority_department": None}
        department = Department.objects.select_related("region").get(pk=int(key))
        return {"authority_region": department.region, "authority_department": department}


class DelistForm(TransitionForm):
    delisted_on = forms.DateField(label="摘牌日期", widget=date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("delisted_on", today())


class TransferForm(TransitionForm):
    to_department = DepartmentChoiceField(label="接收部门", queryset=Department.objects.none())
    reason = forms.CharField(label="移交原因", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写移交原因。"})
    transferred_on = forms.DateField(label="移交日期", widget=date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("transferred_on", today())
        hazard = self.hazard
        codes = [hazard.region_id[:n] for n in (2, 4, 6, 9, 12) if n <= len(hazard.region_id)]
        self.fields["to_department"].queryset = (
            Department.objects.filter(region_id__in=codes).exclude(pk=hazard.department_id)
            .select_related("region").order_by("region_id", "name"))


class ClosureReportForm(TransitionForm):
    reported_on = forms.DateField(label="上报日期", widget=date_input(), help_text="销号后3日内上报（许昌 附件6）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("reported_on", today())


class HazardEditForm(TransitionForm):
    """修改: the descriptive fields of 附件6, and level and sector corrections (services.hazard_update)."""

    title = forms.CharField(label="隐患名称", max_length=200)
    level = forms.ChoiceField(label="隐患等级", choices=Level.choices)
    sector = SectorChoiceField(label="行业领域", queryset=Sector.objects.all())
    kind = forms.CharField(label="隐患类型", max_length=100, required=False)
    nature = forms.CharField(label="隐患性质", max_length=100, required=False)
    location = forms.CharField(label="隐患部位", max_length=200, required=False)
    description = forms.CharField(label="隐患现状及产生原因", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    harm_analysis = forms.CharField(label="隐患危害程度和整改难易程度分析", required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    criterion = forms.CharField(label="违反的标准条款或判定依据", max_length=300, required=False)
    found_by = forms.CharField(label="发现人", max_length=100, required=False)

    FIELDS = ("title", "level", "sector", "kind", "nature", "location", "description", "harm_analysis", "criterion",
              "found_by")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.FIELDS:
            self.initial.setdefault(name, getattr(self.hazard, "sector" if name == "sector" else name))

    def changes(self) -> dict:
        """Only what the person changed: the service refuses fields a role may not touch."""
        data = self.cleaned_data
        current = {name: getattr(self.hazard, name) for name in self.FIELDS}
        return {name: data[name] for name in self.FIELDS if data[name] != current[name]}
