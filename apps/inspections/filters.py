"""The list filters of `inspections/`, `enforcement-actions/` and `accountability/` (applied after `visible_to`)."""
import django_filters

from .models import Accountability, ActionKind, EnforcementAction, Inspection, InspectionKind, InspectionMode


def _prefix(path: str):
    """A filter method matching a region code and every region below it (one indexed prefix filter)."""

    def method(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(**{f"{path}__startswith": value}) if value else queryset

    return method


class InspectionFilterSet(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(label="企业", field_name="enterprise_id")
    department = django_filters.NumberFilter(label="检查部门", field_name="department_id")
    group = django_filters.NumberFilter(label="检查组", field_name="group_id")
    kind = django_filters.MultipleChoiceFilter(label="检查类别", choices=InspectionKind.choices)
    mode = django_filters.ChoiceFilter(label="检查方式", choices=InspectionMode.choices)
    region = django_filters.CharFilter(label="企业所在区划（含下级）", method="in_region")
    inspected_from = django_filters.DateFilter(label="检查日期起", field_name="inspected_on", lookup_expr="gte")
    inspected_to = django_filters.DateFilter(label="检查日期止", field_name="inspected_on", lookup_expr="lte")
    signed = django_filters.BooleanFilter(label="已签名", field_name="signed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Inspection
        fields = ["enterprise", "department", "group", "kind", "mode", "region", "inspected_from", "inspected_to",
                  "signed"]

    in_region = _prefix("enterprise__region__code")


class EnforcementActionFilterSet(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(label="企业", field_name="enterprise_id")
    department = django_filters.NumberFilter(label="执法部门", field_name="department_id")
    kind = django_filters.MultipleChoiceFilter(label="措施", choices=ActionKind.choices)
    case_no = django_filters.CharFilter(label="案件编号", field_name="case_no")
    published = django_filters.BooleanFilter(label="公布为典型案例", field_name="published")
    hazard = django_filters.NumberFilter(label="关联隐患", field_name="hazard_id")
    region = django_filters.CharFilter(label="企业所在区划（含下级）", method="in_region")
    decided_from = django_filters.DateFilter(label="决定日期起", field_name="decided_on", lookup_expr="gte")
    decided_to = django_filters.DateFilter(label="决定日期止", field_name="decided_on", lookup_expr="lte")

    class Meta:
        model = EnforcementAction
        fields = ["enterprise", "department", "kind", "case_no", "published", "hazard", "region", "decided_from",
                  "decided_to"]

    in_region = _prefix("enterprise__region__code")


class AccountabilityFilterSet(django_filters.FilterSet):
    department = django_filters.NumberFilter(label="决定部门", field_name="department_id")
    hazard = django_filters.NumberFilter(label="涉及隐患", field_name="hazard_id")
    inspection = django_filters.NumberFilter(label="涉及检查", field_name="inspection_id")
    region = django_filters.CharFilter(label="决定机关所在区划（含下级）", method="in_region")
    decided_from = django_filters.DateFilter(label="决定日期起", field_name="decided_on", lookup_expr="gte")
    decided_to = django_filters.DateFilter(label="决定日期止", field_name="decided_on", lookup_expr="lte")

    class Meta:
        model = Accountability
        fields = ["department", "hazard", "inspection", "region", "decided_from", "decided_to"]

    in_region = _prefix("region__code")
