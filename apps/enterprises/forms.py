"""Forms of the enterprise pages. Choices are always drawn through `visible_to` and the acting scope."""
from django import forms
from django.db.models import Q

from apps.core.forms import BootstrapMixin
from apps.core.uscc import normalise_uscc
from apps.regions.models import CODE_LENGTHS, Department, Region, Sector
from apps.regions.scope import scope_for, subtrees_q

from .filters import department_choices
from .models import FLAGS, Contractor, Enterprise, EnterpriseState


def sector_label(sector: Sector) -> str:
    return "　" * sector.code.count(".") + sector.name


def writable_regions(user):
    """The regions where the user could place an enterprise: everything for an administrator, a safety office's
    subtree, a department's region subtree. Enterprise members get none."""
    scope = scope_for(user)
    regions = Region.objects.visible_to(user)
    if scope.everything:
        return regions
    codes = list(scope.office_region_codes) + [reach.region_code for reach in scope.departments]
    return regions.filter(subtrees_q(codes))


def may_write_some_enterprise(user) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.office_region_codes or scope.departments)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * (obj.level - 1) + obj.name


class SectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return sector_label(obj)


class SectorMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return sector_label(obj)


class DepartmentMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


class EnterpriseFilterForm(BootstrapMixin, forms.Form):
    """Renders the list's filters; the filtering itself is EnterpriseFilterSet's (page, export and API alike)."""

    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(
        attrs={"placeholder": "企业名称、信用代码或主要负责人", "type": "search"}))
    region = forms.ChoiceField(label="区划（含下级）", required=False)
    sector = forms.ChoiceField(label="行业领域（含下级）", required=False)
    department = forms.ChoiceField(label="主管部门", required=False)
    state = forms.ChoiceField(label="经营状态", required=False,
                              choices=[("", "全部")] + list(EnterpriseState.choices))

    def __init__(self, *args, user, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部")] + [
            (r.code, "　" * (r.level - 1) + r.name) for r in visible_regions(user)
        ]
        self.fields["sector"].choices = [("", "全部")] + [
            (s.code, sector_label(s)) for s in Sector.objects.visible_to(user)
        ]
        self.fields["department"].choices = [("", "全部")] + [
            (str(d.pk), f"{d.name}") for d in department_choices(user).order_by("region_id", "name")
        ]
        for name, label in FLAGS.items():
            checkbox = forms.CheckboxInput(attrs={"class": "form-check-input", "value": "true"}, check_test=_truthy)
            self.fields[name] = forms.BooleanField(label=label, required=False, widget=checkbox)

    def flag_fields(self):
        return [self[name] for name in FLAGS]

    def main_fields(self):
        return [self[name] for name in ("region", "sector", "department", "state")]


def _truthy(value) -> bool:
    return str(value).lower() in {"true", "1", "on", "yes"}


def visible_regions(user):
    """The regions worth filtering by, down to townships: those of the subtrees the person's scope reaches (an
    enterprise member: their enterprises' regions) and the regions above them. Worked out from the scope, not
    from the records: a DISTINCT over the visible enterprises cost 30 ms a page at province size."""
    regions = Region.objects.visible_to(user).filter(level__lte=4).order_by("code")
    scope = scope_for(user)
    if scope.everything:
        return regions
    roots = list(scope.region_codes) + list(scope.group_region_codes) + [r.region_code for r in scope.departments]
    if scope.enterprise_ids:
        roots += Enterprise.objects.filter(pk__in=scope.enterprise_ids).values_list("region_id", flat=True)
    above = {code[:n] for code in roots for n in CODE_LENGTHS.values() if n < len(code)}
    return regions.filter(subtrees_q(roots) | Q(code__in=above))


class EnterpriseForm(BootstrapMixin, forms.ModelForm):
    """The registry fields; sectors as a main sector plus others (the first is the main one, API.md);
    `version` carries the optimistic lock."""

    main_sector = SectorChoiceField(label="主行业领域", queryset=Sector.objects.none())
    other_sectors = SectorMultipleChoiceField(label="其他行业领域", queryset=Sector.objects.none(), required=False,
                                              help_text="按住 Ctrl（手机上直接点选）可多选")
    departments = DepartmentMultipleChoiceField(label="主管部门", queryset=Department.objects.none(),
                                                required=False, help_text="可多选")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Enterprise
        fields = ["name", "uscc", "region", "address", "legal_representative", "principal_name", "principal_phone",
                  "state", *FLAGS]
        field_classes = {"region": RegionChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = writable_regions(user).order_by("code")
        sectors = Sector.objects.visible_to(user)
        self.fields["main_sector"].queryset = sectors
        self.fields["other_sectors"].queryset = sectors
        self.fields["other_sectors"].widget.attrs["size"] = 8
        self.fields["departments"].queryset = Department.objects.visible_to(user).select_related("region").order_by(
            "region_id", "name")
        self.fields["departments"].widget.attrs["size"] = 8
        self.fields["uscc"].widget.attrs.update({"maxlength": 18, "autocomplete": "off",
                                                 "class": "form-control font-monospace"})
        if self.instance.pk and not self.is_bound:
            codes = self.instance.ordered_sector_codes()
            self.initial.setdefault("main_sector", codes[0] if codes else None)
            self.initial.setdefault("other_sectors", codes[1:])
            self.initial.setdefault("departments", list(self.instance.department_links.values_list("department_id",
                                                                                                      flat=True)))
            self.initial.setdefault("version", self.instance.version)

    def clean_uscc(self):
        return normalise_uscc(self.cleaned_data.get("uscc"))

    def ordered_sectors(self) -> list[Sector]:
        main = self.cleaned_data["main_sector"]
        others = [s for s in self.cleaned_data.get("other_sectors") or [] if s.pk != main.pk]
        return [main, *others]

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def flag_fields(self):
        return [self[name] for name in FLAGS]


class ContractorForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Contractor
        fields = ["name", "uscc", "kind", "scope", "safety_agreement", "qualified", "qualification",
                  "unified_management", "start", "end"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_uscc(self):
        return normalise_uscc(self.cleaned_data.get("uscc"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return data
