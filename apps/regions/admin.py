from django.contrib import admin

from apps.core.admin import AuditedModelAdmin

from .models import Department, GroupAssignment, InspectionGroup, Region, SafetyOffice, Sector


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "kind", "official_code", "parent"]
    list_filter = ["level", "kind", "official_code"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]


@admin.register(Sector)
class SectorAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "parent", "order"]
    list_filter = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "region", "parent", "committee_member"]
    list_filter = ["kind", "committee_member", "region__level"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region", "parent"]
    filter_horizontal = ["sectors"]
    list_select_related = ["region", "parent"]


@admin.register(SafetyOffice)
class SafetyOfficeAdmin(AuditedModelAdmin):
    list_display = ["name", "region", "phone"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region"]


class GroupAssignmentInline(admin.TabularInline):
    model = GroupAssignment
    extra = 0
    autocomplete_fields = ["region"]


@admin.register(InspectionGroup)
class InspectionGroupAdmin(AuditedModelAdmin):
    list_display = ["name", "lead_department"]
    search_fields = ["name", "lead_department__name"]
    list_filter = ["lead_department__region"]
    autocomplete_fields = ["lead_department"]
    inlines = [GroupAssignmentInline]


@admin.register(GroupAssignment)
class GroupAssignmentAdmin(AuditedModelAdmin):
    list_display = ["group", "region", "start", "end"]
    list_filter = ["group", "start"]
    search_fields = ["group__name", "region__name"]
    autocomplete_fields = ["group", "region"]
