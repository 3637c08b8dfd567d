from django.contrib import admin

from apps.core.admin import AuditedModelAdmin

from .models import Contractor, Enterprise, EnterpriseDepartment, EnterpriseSector


class EnterpriseSectorInline(admin.TabularInline):
    model = EnterpriseSector
    extra = 0
    autocomplete_fields = ["sector"]
    verbose_name = verbose_name_plural = "行业领域（排序 0 为主行业）"


class EnterpriseDepartmentInline(admin.TabularInline):
    model = EnterpriseDepartment
    extra = 0
    autocomplete_fields = ["department"]
    verbose_name = verbose_name_plural = "主管部门"


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedModelAdmin):
    list_display = ["name", "uscc", "region", "principal_name", "high_risk", "state", "updated_at"]
    list_filter = ["state", "high_risk", "key_supervision", "state_owned", "above_scale", "labour_intensive",
                   "crowded_place", "city_direct", "region__level"]
    search_fields = ["name", "uscc", "principal_name"]
    autocomplete_fields = ["region"]
    readonly_fields = ["version", "created_at", "updated_at"]
    list_select_related = ["region"]
    inlines = [EnterpriseSectorInline, EnterpriseDepartmentInline]



@admin.register(Contractor)
class ContractorAdmin(AuditedModelAdmin):
    list_display = ["name", "enterprise", "kind", "scope", "safety_agreement", "qualified", "unified_management"]
    list_filter = ["kind", "safety_agreement", "qualified", "unified_management"]
    search_fields = ["name", "uscc", "enterprise__name"]
    autocomplete_fields = ["enterprise"]
