"""The forms of the report pages: a draft's corrections and signers (one pair of inputs per cell of the official
form), the choice of period on the board and the rankings, and a reminder's note. The services stay the authority
(a correction needs a reason, only a leader submits); these forms only put their messages beside the inputs."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms

from apps.core.forms import BootstrapMixin

from .rankings import MEASURES, PERIODS, RATE, WEEK
from .templates import Template

SIGNERS = (("preparer", "填表人"), ("reviewer", "审核人"), ("principal", "主要负责人"))


def slug(key: str) -> str:
    """A cell key as a field name: "3.3.count" → "3_3_count"."""
    return key.replace(".", "_")


def _number(value: Decimal):
    """What the service takes: an int when whole, else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


class ReportForm(BootstrapMixin, forms.Form):
    """For each cell `v_<key>` (the corrected value) and `r_<key>` (its reason); the three signers; the version
    read. An empty value removes a correction."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    preparer = forms.CharField(label="填表人", max_length=50, required=False)
    reviewer = forms.CharField(label="审核人", max_length=50, required=False)
    principal = forms.CharField(label="主要负责人", max_length=50, required=False)

    def __init__(self, *args, report, template: Template, **kwargs):
        self.report = report
        self.template = template
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", report.version)
        for name, _ in SIGNERS:
            initial.setdefault(name, getattr(report, name))
        for key, override in report.overrides.items():
            initial.setdefault(f"v_{slug(key)}", override.get("value"))
            initial.setdefault(f"r_{slug(key)}", override.get("reason"))
        super().__init__(*args, **kwargs)
        for cell in template.cells:
            flag = cell.unit == "是否"
            self.fields[f"v_{slug(cell.key)}"] = forms.DecimalField(
                label=f"{cell.label}（{cell.unit}）更正值", required=False, min_value=0, max_value=10 ** 9,
                decimal_places=0 if flag or cell.unit in ("个", "家", "家次", "次", "人", "个次", "项", "件", "份",
                                                          "人次") else 4,
                widget=forms.NumberInput(attrs={"step": "1" if flag else "any", "inputmode": "decimal",
                                                "placeholder": "更正值", "class": "form-control form-control-sm"}))
            self.fields[f"r_{slug(cell.key)}"] = forms.CharField(
                label=f"{cell.label}更正理由", required=False, max_length=200,
                widget=forms.TextInput(attrs={"placeholder": "更正理由", "class": "form-control form-control-sm"}))

    def cell_fields(self, key: str):
        return self[f"v_{slug(key)}"], self[f"r_{slug(key)}"]

    def clean(self):
        data = super().clean()
        for cell in self.template.cells:
            value_name, reason_name = f"v_{slug(cell.key)}", f"r_{slug(cell.key)}"
            value, reason = data.get(value_name), (data.get(reason_name) or "").strip()
            if value is None and value_name in self.errors:
                continue
            if value is not None and not reason:
                self.add_error(reason_name, "更正须说明理由")
            elif value is None and reason:
                self.add_error(value_name, "请填写更正值，或清空理由以撤销更正")
            elif value is not None and cell.unit == "是否" and value not in (0, 1):
                self.add_error(value_name, "填 1（是）或 0（否）")
        return data

    def changes(self) -> dict:
        """The data of `services.report_update`: only the corrections that changed, and the signers."""
        data = self.cleaned_data
        overrides = {}
        for cell in self.template.cells:
            value, reason = data.get(f"v_{slug(cell.key)}"), (data.get(f"r_{slug(cell.key)}") or "").strip()
            current = self.report.overrides.get(cell.key)
            if value is None:
                if current is not None:
                    overrides[cell.key] = None
                continue
            wanted = {"value": _number(value), "reason": reason}
            if current is None or current.get("value") != wanted["value"] or current.get("reason") != reason:
                overrides[cell.key] = wanted
        changes = {name: data.get(name, "") for name, _ in SIGNERS}
        if overrides:
            changes["overrides"] = overrides
        return changes


class SignersForm(BootstrapMixin, forms.Form):
    """The signers alone (a list form has no cells)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    preparer = forms.CharField(label="填表人", max_length=50, required=False)
    reviewer = forms.CharField(label="审核人", max_length=50, required=False)
    principal = forms.CharField(label="主要负责人", max_length=50, required=False)

    def __init__(self, *args, report, template=None, **kwargs):
        self.report = report
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", report.version)
        for name, _ in SIGNERS:
            initial.setdefault(name, getattr(report, name))
        super().__init__(*args, **kwargs)

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name, _ in SIGNERS}


class DraftForm(forms.Form):
    """填报: which campaign, form and period a new draft is for (checked again by the view and the service)."""

    campaign = forms.SlugField()
    template = forms.CharField(max_length=32)
    as_of = forms.DateField(label="统计截止日期")


class BoardForm(BootstrapMixin, forms.Form):
    campaign = forms.ChoiceField(label="专项行动")
    template = forms.ChoiceField(label="报表")
    as_of = forms.ChoiceField(label="报送期次", required=False)

    def __init__(self, *args, campaigns, templates, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = campaigns
        self.fields["template"].choices = templates
        self.fields["as_of"].choices = periods


class RemindForm(forms.Form):
    campaign = forms.SlugField()
    template = forms.CharField(max_length=32)
    as_of = forms.DateField()
    region = forms.CharField(max_length=12, required=False)
    department = forms.IntegerField(required=False)
    note = forms.CharField(max_length=200, required=False)


class RankingForm(BootstrapMixin, forms.Form):
    campaign = forms.ChoiceField(label="专项行动")
    period = forms.ChoiceField(label="排名周期", choices=list(PERIODS.items()), initial=WEEK, required=False)
    on = forms.DateField(label="截至日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    measure = forms.ChoiceField(label="排名依据", choices=list(MEASURES.items()), initial=RATE, required=False)

    def __init__(self, *args, campaigns, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["campaign"].choices = campaigns

    def clean_on(self):
        on = self.cleaned_data.get("on") or self.today
        if on > self.today:
            raise forms.ValidationError("截至日期不能晚于今天")
        return on
