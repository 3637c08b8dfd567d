"""One FilterSet for the enterprise list: the page, the .xlsx export and the API all filter through it."""
import django_filters
from django.db.models import Exists, OuterRef, Q

from apps.regions.models import Department, Region, Sector

from .models import FLAGS, Enterprise, EnterpriseDepartment, EnterpriseSector, EnterpriseState


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", help_text="企业名称、统一社会信用代码或主要负责人")
    region = django_filters.CharFilter(label="区划（含下级）", method="in_region",
                                       help_text="区划代码；包含其下级区划")
    sector = django_filters.CharFilter(label="行业领域（含下级）", method="in_sector")
    department = django_filters.NumberFilter(label="主管部门", method="by_department")
    state = django_filters.ChoiceFilter(label="经营状态", choices=EnterpriseState.choices)
    uscc = django_filters.CharFilter(label="统一社会信用代码", field_name="uscc")

    class Meta:
        model = Enterprise
        fields = ["q", "region", "sector", "department", "state", "uscc", *FLAGS]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper())
                               | Q(principal_name__icontains=value))

    def in_region(self, queryset, name, value):
        return queryset.filter(region__code__under=value.strip()) if value.strip() else queryset

    def in_sector(self, queryset, name, value):
        codes = Sector.with_descendants([value])
        return queryset.filter(Exists(EnterpriseSector.objects.filter(enterprise=OuterRef("pk"), sector_id__in=codes)))

    def by_department(self, queryset, name, value):
        return queryset.filter(Exists(EnterpriseDepartment.objects.filter(enterprise=OuterRef("pk"),
                                                                          department_id=value)))


def region_choices(user):
    return Region.objects.visible_to(user).filter(level__lte=4)


def department_choices(user):
    return Department.objects.visible_to(user).select_related("region")
