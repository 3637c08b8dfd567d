"""Forms of the organisation directory: departments and inspection groups, for those who may manage them."""
from django import forms

from apps.core.forms import BootstrapMixin

from .models import Department, DepartmentKind, InspectionGroup, Region, Sector
from .scope import scope_for, subtrees_q


def managed_regions(user):
    """The regions whose departments and groups the user may manage (administrator: all; a safety office: its
    subtree)."""
    scope = scope_for(user)
    regions = Region.objects.visible_to(user)
    if scope.everything:
        return regions
    return regions.filter(subtrees_q(scope.office_region_codes))


def may_manage_some_organisation(user) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.office_region_codes)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * (obj.level - 1) + obj.name


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


class SectorMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return "　" * obj.code.count(".") + obj.name


class DepartmentFilterForm(BootstrapMixin, forms.Form):
    region = forms.ChoiceField(label="区划（含下级）", required=False)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部")] + list(DepartmentKind.choices))
    q = forms.CharField(label="名称", required=False, widget=forms.TextInput(attrs={"type": "search"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部")] + [
            (r.code, "　" * (r.level - 1) + r.name)
            for r in Region.objects.visible_to(user).filter(level__lte=4).order_by("code")
        ]


class DepartmentForm(BootstrapMixin, forms.ModelForm):
    sectors = SectorMultipleChoiceField(label="监管行业领域", queryset=Sector.objects.none(), required=False,
                                        help_text="可多选；含其下级行业领域")

    class Meta:
        model = Department
        fields = ["name", "kind", "region", "parent", "committee_member"]
        field_classes = {"region": RegionChoiceField, "parent": DepartmentChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = managed_regions(user).order_by("code")
        parents = Department.objects.visible_to(user).select_related("region").order_by("region_id", "name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["sectors"].queryset = Sector.objects.visible_to(user)
        self.fields["sectors"].widget.attrs["size"] = 10
        if self.instance.pk and not self.is_bound:
            self.initial["sectors"] = list(self.instance.sectors.values_list("code", flat=True))


class GroupForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = InspectionGroup
        fields = ["name", "lead_department", "note"]
        field_classes = {"lead_department": DepartmentChoiceField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = Department.objects.visible_to(user).filter(
            region__in=managed_regions(user)).select_related("region").order_by("region_id", "name")


class AssignmentForm(BootstrapMixin, forms.Form):
    """One row of a group's assignments; a row left (or made) blank is dropped."""

    region = RegionChoiceField(label="负责抽查的地区", queryset=Region.objects.none(), required=False)
    start = forms.DateField(label="开始日期", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label="结束日期", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(level__lte=4).order_by("code")

    def clean(self):
        data = super().clean()
        filled = [name for name in ("region", "start", "end") if data.get(name)]
        if filled and len(filled) < 3:
            for name in ("region", "start", "end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "请填写完整（地区、开始日期、结束日期），或清空整行")
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return data


AssignmentFormSet = forms.formset_factory(AssignmentForm, extra=2, can_delete=True)
