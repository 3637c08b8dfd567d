"""The form that creates a campaign from one of the five presets (「从预设创建专项行动」): a safety office for a
region in its subtree, or a system administrator."""
from django import forms

from apps.core.forms import BootstrapMixin
from apps.regions.forms import DepartmentChoiceField, RegionChoiceField, managed_regions
from apps.regions.models import Department, Region

from .models import Campaign
from .presets import PRESETS


def _preset_label(code: str) -> str:
    preset = PRESETS[code]
    return f"{preset['label']}（{preset['issuer']}，{preset['start']} 至 {preset['end']}）"


class PresetCampaignForm(BootstrapMixin, forms.Form):
    preset = forms.ChoiceField(label="预设方案", choices=[(code, _preset_label(code)) for code in PRESETS])
    region = RegionChoiceField(label="开展地区", queryset=Region.objects.none(),
                               help_text="您（安委办）所辖区划及其下级")
    slug = forms.SlugField(label="标识", max_length=64, help_text="用于网址和接口，创建后不能修改，如 xuchang-2023")
    name = forms.CharField(label="名称", max_length=200, required=False, help_text="不填则取方案标题")
    department = DepartmentChoiceField(label="印发部门", queryset=Department.objects.none(), required=False,
                                       help_text="部门自行开展的专项行动（如福州市城乡建设局的方案）才需选择")
    start = forms.DateField(label="开始日期", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            help_text="不填则取方案日期；填写时方案中各阶段、节点日期随之平移")
    end = forms.DateField(label="结束日期", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          help_text="不填则取方案日期（平移后）")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = managed_regions(user).filter(level__lte=4).order_by("code")
        self.fields["region"].queryset = regions
        self.fields["department"].queryset = Department.objects.visible_to(user).filter(
            region__in=regions).select_related("region").order_by("region_id", "name")

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Campaign.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"标识“{slug}”已被使用")
        return slug

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期早于开始日期")
        return data

    def service_data(self) -> dict:
        data = {key: self.cleaned_data[key] for key in ("slug", "preset", "region", "department")}
        for key in ("name", "start", "end"):
            if self.cleaned_data.get(key):
                data[key] = self.cleaned_data[key]
        return data
