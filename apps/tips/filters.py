"""Filters of the staff list `tips/` (never on anything about the reporter)."""
import django_filters
from django.db.models import Q

from .models import Tip, TipStatus


class TipFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", help_text="回执码、被举报单位名称或举报内容")
    status = django_filters.MultipleChoiceFilter(label="状态", choices=TipStatus.choices)
    region = django_filters.CharFilter(label="区划（含下级）", method="in_region")
    department = django_filters.NumberFilter(label="承办部门", field_name="department_id")
    enterprise = django_filters.NumberFilter(label="企业", field_name="enterprise_id")
    anonymous = django_filters.BooleanFilter(label="匿名举报")
    rewarded = django_filters.BooleanFilter(label="已奖励", field_name="rewarded_on", lookup_expr="isnull",
                                            exclude=True)
    received_from = django_filters.DateFilter(label="受理日期起", field_name="received_on", lookup_expr="gte")
    received_to = django_filters.DateFilter(label="受理日期止", field_name="received_on", lookup_expr="lte")

    class Meta:
        model = Tip
        fields = ["q", "status", "region", "department", "enterprise", "anonymous", "rewarded", "received_from",
                  "received_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(receipt=value.upper()) | Q(enterprise_name__icontains=value)
                               | Q(enterprise__name__icontains=value) | Q(description__icontains=value))

    def in_region(self, queryset, name, value):
        return queryset.filter(region__code__under=value.strip()) if value.strip() else queryset
