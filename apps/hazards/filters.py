"""One FilterSet for the ledger: the page, the .xlsx export and the API all filter through it."""
import django_filters
from django.db.models import Q

from apps.regions.models import Sector

from .models import Hazard, Level, Source, Status, today


class HazardFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", help_text="隐患名称、企业名称或信用代码")
    level = django_filters.ChoiceFilter(label="隐患等级", choices=Level.choices)
    status = django_filters.MultipleChoiceFilter(label="状态", choices=Status.choices)
    source = django_filters.MultipleChoiceFilter(label="来源", choices=Source.choices)
    sector = django_filters.CharFilter(label="行业领域（含下级）", method="in_sector")
    region = django_filters.CharFilter(label="区划（含下级）", method="in_region")
    department = django_filters.NumberFilter(label="负责部门", field_name="department_id")
    found_by_department = django_filters.NumberFilter(label="发现部门", field_name="found_by_department_id")
    enterprise = django_filters.NumberFilter(label="企业", field_name="enterprise_id")
    overdue = django_filters.BooleanFilter(label="逾期", method="by_overdue")
    listed = django_filters.BooleanFilter(label="挂牌督办中", method="by_listed")
    found_from = django_filters.DateFilter(label="发现日期起", field_name="found_on", lookup_expr="gte")
    found_to = django_filters.DateFilter(label="发现日期止", field_name="found_on", lookup_expr="lte")
    closed_from = django_filters.DateFilter(label="销号日期起", field_name="closed_on", lookup_expr="gte")
    closed_to = django_filters.DateFilter(label="销号日期止", field_name="closed_on", lookup_expr="lte")
    region_exact = django_filters.CharFilter(label="区划（仅本级）", field_name="region_id")

    class Meta:
        model = Hazard
        fields = ["q", "level", "status", "source", "sector", "region", "department", "found_by_department",
                  "enterprise", "overdue", "listed", "found_from", "found_to", "closed_from", "closed_to",
                  "region_exact"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(enterprise__name__icontains=value)
                               | Q(enterprise__uscc__icontains=value.upper()))

    def in_sector(self, queryset, name, value):
        return queryset.filter(sector_id__in=Sector.with_descendants([value])) if value else queryset

    def in_region(self, queryset, name, value):
        return queryset.filter(region__code__under=value.strip()) if value.strip() else queryset

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(deadline__lt=today()) & ~Q(status=Status.CLOSED)
        return queryset.filter(late) if value else queryset.exclude(late)

    def by_listed(self, queryset, name, value):
        if value is None:
            return queryset
        active = Q(listings__isnull=False, listings__delisted_on__isnull=True)
        ids = Hazard.objects.filter(active).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)
