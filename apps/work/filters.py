"""One FilterSet per record: the pages and the API filter through the same one."""
import django_filters
from django.db.models import Q

from apps.regions.models import Sector

from .models import Activity, ActivityKind, Problem, ProblemSource, Risk


class _Placed(django_filters.FilterSet):
    region = django_filters.CharFilter(label="区划（含下级）", method="in_region", help_text="区划代码；包含其下级区划")
    department = django_filters.NumberFilter(label="部门", field_name="department_id")
    enterprise = django_filters.NumberFilter(label="企业", field_name="enterprise_id")
    sector = django_filters.CharFilter(label="行业领域（含下级）", method="in_sector")

    def in_region(self, queryset, name, value):
        return queryset.filter(region__code__under=value.strip()) if value.strip() else queryset

    def in_sector(self, queryset, name, value):
        return queryset.filter(sector_id__in=Sector.with_descendants([value])) if value else queryset


class ActivityFilterSet(_Placed):
    kind = django_filters.MultipleChoiceFilter(label="工作事项", choices=ActivityKind.choices)
    occurred_from = django_filters.DateFilter(label="日期起", field_name="occurred_on", lookup_expr="gte")
    occurred_to = django_filters.DateFilter(label="日期止", field_name="occurred_on", lookup_expr="lte")
    organ = django_filters.ChoiceFilter(
        label="开展单位", method="by_organ",
        choices=[("government", "党委政府（安委会）"), ("department", "部门"), ("enterprise", "企业")],
        help_text="government：部门、企业均为空；department：有部门；enterprise：有企业")

    class Meta:
        model = Activity
        fields = ["kind", "region", "department", "enterprise", "sector", "occurred_from", "occurred_to", "organ"]

    def by_organ(self, queryset, name, value):
        if value == "government":
            return queryset.filter(department__isnull=True, enterprise__isnull=True)
        if value == "department":
            return queryset.filter(department__isnull=False)
        if value == "enterprise":
            return queryset.filter(enterprise__isnull=False)
        return queryset


class RiskFilterSet(_Placed):
    q = django_filters.CharFilter(label="搜索", method="search", help_text="风险名称或企业名称")
    identified_from = django_filters.DateFilter(label="排查日期起", field_name="identified_on", lookup_expr="gte")
    identified_to = django_filters.DateFilter(label="排查日期止", field_name="identified_on", lookup_expr="lte")
    controlled = django_filters.BooleanFilter(label="已落实“4个清单”", field_name="lists_completed_on",
                                              lookup_expr="isnull", exclude=True)

    class Meta:
        model = Risk
        fields = ["q", "region", "department", "enterprise", "sector", "identified_from", "identified_to",
                  "controlled"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(enterprise__name__icontains=value)) if value else queryset


class ProblemFilterSet(_Placed):
    q = django_filters.CharFilter(label="搜索", method="search", help_text="问题或企业名称")
    source = django_filters.ChoiceFilter(label="来源", choices=ProblemSource.choices)
    identified_from = django_filters.DateFilter(label="梳理日期起", field_name="identified_on", lookup_expr="gte")
    identified_to = django_filters.DateFilter(label="梳理日期止", field_name="identified_on", lookup_expr="lte")
    resolved = django_filters.BooleanFilter(label="已整改", field_name="resolved_on", lookup_expr="isnull",
                                            exclude=True)

    class Meta:
        model = Problem
        fields = ["q", "region", "department", "enterprise", "sector", "source", "identified_from", "identified_to",
                  "resolved"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(enterprise__name__icontains=value)) if value else queryset
