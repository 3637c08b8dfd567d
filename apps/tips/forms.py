"""Forms of the tip pages: the public form (no sign-in), the receipt lookup, and the staff steps (分办, 核查,
奖励). The rules stay in apps.tips.services, whose ValidationErrors the views put back on these forms; what the forms
check themselves (photo size and type, a named tip's contact, a linked hazard in the reader's scope) they check
with the services' own functions or against `visible_to`."""
from decimal import Decimal

from django import forms
from django.db.models import Q

from apps.core.forms import BootstrapMixin
from apps.enterprises.forms import SectorChoiceField
from apps.enterprises.models import Enterprise
from apps.hazards.models import Hazard, Level
from apps.regions.models import Department, Region, Sector
from apps.regions.scope import scope_for, today

from . import services
from .api import DESCRIPTION_MAX
from .models import Tip, TipStatus

DATE = {"type": "date"}
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"
PHONE_PATTERN = r"^[0-9+()\- ]{5,32}$"


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs=dict(DATE), format="%Y-%m-%d")


# --- the public form ----------------------------------------------------------------------------------------------

def region_choices() -> list:
    """The regions down to county (区县), grouped by city so that a county is never read without its city: one
    query, no sign-in, no API call. A province or city itself is offered too, for a reporter who knows no more."""
    regions = list(Region.objects.filter(level__lte=3).only("code", "name", "level", "parent_id").order_by("code"))
    by_code = {r.code: r for r in regions}
    groups: dict[str, list] = {}
    labels: dict[str, str] = {}
    for region in regions:
        if region.level == 1:
            key = region.code
            labels.setdefault(key, region.name)
            groups.setdefault(key, []).append((region.code, f"{region.name}（不确定哪个市）"))
        elif region.level == 2:
            key = region.code
            province = by_code.get(region.code[:2])
            labels.setdefault(key, f"{province.name} {region.name}" if province else region.name)
            groups.setdefault(key, []).append((region.code, f"{region.name}（不确定哪个区县）"))
        else:
            key = region.code[:4]
            if key not in labels:
                city, province = by_code.get(key), by_code.get(region.code[:2])
                labels[key] = " ".join(r.name for r in (province, city) if r) or "其他"
            groups.setdefault(key, []).append((region.code, region.name))
    return [("", "请选择所在地区")] + [(labels[key], options) for key, options in groups.items()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Up to 5 photos, each checked as services.photo_problems checks it, so that a bad one is named on the form
    before anything is written."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": PHOTO_ACCEPT, "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        files = [f for f in (single(item, initial) for item in items if item) if f]
        problems = services.photo_problems(files)
        if problems:
            raise forms.ValidationError(problems)
        return files

    def bound_data(self, data, initial):
        return initial


class PublicTipForm(BootstrapMixin, forms.Form):
    region = forms.ChoiceField(
        label="所在地区", help_text="隐患或被举报单位所在的县（市、区）",
        error_messages={"required": "请选择所在地区。", "invalid_choice": "所选地区不存在，请重新选择。"})
    enterprise_name = forms.CharField(
        label="被举报单位名称", max_length=200, required=False,
        widget=forms.TextInput(attrs={"placeholder": "企业、商铺、工地等的名称；不清楚可不填"}),
        error_messages={"max_length": "被举报单位名称不能超过 %(limit_value)d 字。"})
    place = forms.CharField(
        label="具体地点", max_length=200, required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：某某路 12 号、厂区三号仓库"}),
        error_messages={"max_length": "具体地点不能超过 %(limit_value)d 字。"})
    description = forms.CharField(
        label="举报内容", max_length=DESCRIPTION_MAX,
        help_text=f"请写明隐患或违法行为的具体情况、发现时间等，不超过 {DESCRIPTION_MAX} 字",
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "如：仓库内堆放大量易燃物，消防通道被堵，夜间有人住宿"}),
        error_messages={"required": "请填写举报内容。", "max_length": "举报内容不能超过 %(limit_value)d 字。"})
    photos = PhotoField(label="现场照片", required=False,
                        help_text=f"可选，最多 {services.PHOTO_MAX_COUNT} 张，JPG、PNG 或 WebP 格式，每张不超过 10 MB")
    anonymous = forms.BooleanField(label="匿名举报（不留姓名和电话）", required=False, initial=True)
    reporter_name = forms.CharField(
        label="您的姓名", max_length=50, required=False,
        error_messages={"max_length": "姓名不能超过 %(limit_value)d 字。"})
    reporter_phone = forms.RegexField(
        PHONE_PATTERN, label="联系电话", required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"invalid": "联系电话只能包含数字、空格、+、-、括号，5 至 32 位。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
        self.fields["reporter_name"].widget.attrs["autocomplete"] = "name"

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if not text:
            raise forms.ValidationError("请填写举报内容。")
        return text

    def clean(self):
        data = super().clean()
        if not data.get("anonymous") and not (data.get("reporter_name", "").strip()
                                              or data.get("reporter_phone", "").strip()):
            self.add_error("reporter_name", "实名举报请至少填写姓名或联系电话；不愿留下身份请勾选匿名举报。")
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"region": Region.objects.get(pk=data["region"]), "enterprise_name": data["enterprise_name"],
                "place": data["place"], "description": data["description"], "anonymous": data["anonymous"],
                "reporter_name": data["reporter_name"], "reporter_phone": data["reporter_phone"],
                "photos": data["photos"]}


class ReceiptForm(BootstrapMixin, forms.Form):
    receipt = forms.CharField(
        label="回执码", max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                      "placeholder": "16 位回执码，字母不区分大小写"}),
        error_messages={"required": "请输入回执码。", "max_length": "回执码不正确，请核对后重新输入。"})


# --- the staff steps ----------------------------------------------------------------------------------------------

class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _office_subtrees(user, tip: Tip) -> list[str] | None:
    """The safety-office subtrees over the tip from which the user triages it; None for an administrator (all)."""
    if services.is_admin(user):
        return None
    return [r for r in scope_for(user).office_region_codes if tip.region_id.startswith(r)]


def _under(field: str, codes: list[str] | None) -> Q:
    if codes is None:
        return Q()
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(**{f"{field}__startswith": code})
    return q


class TriageForm(BootstrapMixin, VersionMixin):
    department = DepartmentChoiceField(
        label="承办部门", queryset=Department.objects.none(), empty_label="请选择承办部门",
        error_messages={"required": "请选择承办部门。", "invalid_choice": "所选承办部门不在本安委办辖区内。"})
    enterprise = forms.CharField(
        label="被举报企业", required=False, max_length=200,
        help_text="可不填；填写企业名称或统一社会信用代码以关联企业库，关联后举报的所在区划随企业",
        widget=forms.TextInput(attrs={"list": "enterprise-candidates", "autocomplete": "off"}))
    triaged_on = forms.DateField(label="分办日期", widget=date_input(),
                                 error_messages={"required": "请填写分办日期。", "invalid": "分办日期格式不正确。"})

    def __init__(self, *args, tip: Tip, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.tip, self.user = tip, user
        subtrees = _office_subtrees(user, tip)
        self.fields["department"].queryset = (Department.objects.filter(_under("region__code", subtrees))
                                              .select_related("region").order_by("region_id", "name"))
        self.enterprises = Enterprise.objects.filter(_under("region__code", subtrees))
        if not self.is_bound:
            self.initial.setdefault("triaged_on", today())
            self.initial.setdefault("version", tip.version)
            if tip.department_id:
                self.initial.setdefault("department", tip.department_id)
            if tip.enterprise_id:
                self.initial.setdefault("enterprise", tip.enterprise.uscc)

    def candidates(self) -> list[Enterprise]:
        """Enterprises of the office's subtree whose name holds the name the reporter typed (a few, for a list)."""
        name = self.tip.enterprise_name.strip()
        if not name:
            return []
        return list(self.enterprises.filter(name__icontains=name).select_related("region").order_by("name")[:20])

    def clean_enterprise(self):
        text = self.cleaned_data["enterprise"].strip()
        if not text:
            return None
        found = list(self.enterprises.filter(Q(uscc=text.upper()) | Q(name=text))[:2])
        if not found:
            raise forms.ValidationError(f"本辖区企业库中没有名称或统一社会信用代码为“{text}”的企业。")
        if len(found) > 1:
            raise forms.ValidationError(f"名为“{text}”的企业不止一家，请填写统一社会信用代码。")
        return found[0]


def radio() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "form-check-input"})


OUTCOMES = [(TipStatus.VERIFIED.value, "查实"), (TipStatus.UNFOUNDED.value, "不属实")]
HAZARD_NONE, HAZARD_NEW, HAZARD_LINK = "none", "new", "link"
HAZARD_MODES = [(HAZARD_NEW, "登记为新隐患（来源：举报）"), (HAZARD_LINK, "关联台账中已有的隐患"),
                (HAZARD_NONE, "暂不关联隐患")]


class VerifyForm(BootstrapMixin, VersionMixin):
    outcome = forms.ChoiceField(label="核查结果", choices=OUTCOMES, widget=radio(),
                                error_messages={"required": "请选择核查结果（查实或不属实）。"})
    verified_on = forms.DateField(label="核查日期", widget=date_input(),
                                  error_messages={"required": "请填写核查日期。", "invalid": "核查日期格式不正确。"})
    reason = forms.CharField(label="核查说明", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="核查不属实时必填，写明核查经过和不属实的理由")
    hazard_mode = forms.ChoiceField(label="查实后的隐患", choices=HAZARD_MODES, initial=HAZARD_NEW,
                                    widget=radio(), required=False)
    hazard = forms.IntegerField(
        label="已有隐患编号", required=False, min_value=1,
        widget=forms.NumberInput(attrs={"list": "hazard-candidates"}),
        help_text="隐患页面地址中的数字，如 /hazards/123/ 的 123",
        error_messages={"invalid": "隐患编号须为数字。", "min_value": "隐患编号须为正整数。"})
    title = forms.CharField(label="隐患名称", max_length=200, required=False)
    level = forms.ChoiceField(label="隐患等级", choices=[("", "请选择")] + list(Level.choices), required=False)
    sector = SectorChoiceField(label="行业领域", queryset=Sector.objects.none(), required=False,
                               empty_label="（按企业和承办部门自动确定）")
    location = forms.CharField(label="隐患部位", max_length=200, required=False)
    description = forms.CharField(
        label="隐患现状及产生原因", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="企业可以看到台账中的隐患：请按核查所见填写，不要照抄举报原文，不要写入任何可能指向举报人的内容")

    def __init__(self, *args, tip: Tip, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.tip, self.user = tip, user
        self.fields["sector"].queryset = Sector.objects.visible_to(user)
        if tip.enterprise_id is None:
            self.fields["sector"].empty_label = "请选择行业领域"
            self.fields["sector"].help_text = "举报未关联企业，登记隐患须选择行业领域"
        if not self.is_bound:
            self.initial.setdefault("verified_on", today())
            self.initial.setdefault("version", tip.version)
            self.initial.setdefault("location", tip.place)

    def candidates(self) -> list[Hazard]:
        """Recent hazards the user sees on the tip's enterprise (or region when none is linked), for the list."""
        visible = Hazard.objects.visible_to(self.user)
        if self.tip.enterprise_id:
            visible = visible.filter(enterprise_id=self.tip.enterprise_id)
        else:
            visible = visible.filter(region_id=self.tip.region_id)
        return list(visible.order_by("-found_on", "-id")[:20])

    def clean_hazard(self):
        pk = self.cleaned_data["hazard"]
        if pk is None:
            return None
        hazard = Hazard.objects.visible_to(self.user).filter(pk=pk).first()
        if hazard is None:
            raise forms.ValidationError(f"编号为 {pk} 的隐患不存在，或不在您的查看范围内。")
        return hazard

    def clean(self):
        data = super().clean()
        outcome, mode = data.get("outcome"), data.get("hazard_mode") or HAZARD_NONE
        if outcome == TipStatus.UNFOUNDED:
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "核查不属实须说明理由。")
            return data
        if outcome == TipStatus.VERIFIED and mode == HAZARD_LINK and not data.get("hazard") \
                and "hazard" not in self.errors:
            self.add_error("hazard", "请填写要关联的隐患编号。")
        if outcome == TipStatus.VERIFIED and mode == HAZARD_NEW:
            if not (data.get("title") or "").strip():
                self.add_error("title", "请填写隐患名称。")
            if not data.get("level"):
                self.add_error("level", "请选择隐患等级。")
            if self.tip.enterprise_id is None and not data.get("sector"):
                self.add_error("sector", "举报未关联企业，登记隐患须选择行业领域。")
        return data

    def service_args(self) -> dict:
        data = self.cleaned_data
        args = {"outcome": data["outcome"], "verified_on": data["verified_on"], "reason": data["reason"],
                "version": data["version"], "hazard": None, "new_hazard": None}
        if data["outcome"] == TipStatus.VERIFIED:
            mode = data.get("hazard_mode") or HAZARD_NONE
            if mode == HAZARD_LINK:
                args["hazard"] = data["hazard"]
            elif mode == HAZARD_NEW:
                args["new_hazard"] = {key: data[key] for key in ("title", "level", "sector", "location",
                                                                  "description")}
        return args


class RewardForm(BootstrapMixin, VersionMixin):
    amount = forms.DecimalField(
        label="奖励金额（万元）", max_digits=12, decimal_places=4, min_value=Decimal("0.0001"),
        help_text="单位万元，如 0.2 即 2000 元",
        widget=forms.NumberInput(attrs={"step": "0.0001", "inputmode": "decimal"}),
        error_messages={"required": "请填写奖励金额。", "invalid": "奖励金额须为数字（万元）。",
                        "min_value": "奖励金额须大于 0（万元）。", "max_digits": "奖励金额位数过多。",
                        "max_decimal_places": "奖励金额最多保留 4 位小数（万元，即精确到元）。"})
    rewarded_on = forms.DateField(label="奖励日期", widget=date_input(),
                                  error_messages={"required": "请填写奖励日期。", "invalid": "奖励日期格式不正确。"})

    def __init__(self, *args, tip: Tip, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.tip, self.user = tip, user
        if not self.is_bound:
            self.initial.setdefault("rewarded_on", today())
            self.initial.setdefault("version", tip.version)
