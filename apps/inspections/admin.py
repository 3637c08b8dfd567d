"""Inspections, enforcement actions and accountability records in the admin: edited through the audit chain
(AuditedModelAdmin), each edit making open forms stale (`version`); a signed inspection is read-only here as
everywhere else. Nothing is deleted (the API has no DELETE either)."""
from django.contrib import admin

from apps.core.admin import AuditedModelAdmin

from .models import Accountability, EnforcementAction, Inspection


class _VersionedAdmin(AuditedModelAdmin):
    readonly_fields = ["version", "created_by", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(_VersionedAdmin):
    list_display = ["enterprise", "kind", "mode", "department", "group", "inspected_on", "signed_at"]
    list_filter = ["kind", "mode", "inspected_on"]
    search_fields = ["enterprise__name", "enterprise__uscc", "department__name", "note"]
    autocomplete_fields = ["enterprise", "department", "group", "inspectors", "hazards", "reviewed_hazards"]
    readonly_fields = ["signed_at", "version", "created_by", "created_at"]
    list_select_related = ["enterprise", "department", "group"]
    date_hierarchy = "inspected_on"

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.signed_at is not None:
            return False
        return super().has_change_permission(request, obj)


@admin.register(EnforcementAction)
class EnforcementActionAdmin(_VersionedAdmin):
    list_display = ["enterprise", "kind", "department", "decided_on", "amount", "case_no", "published"]
    list_filter = ["kind", "published", "against_principal", "dangerous_operation_crime"]
    search_fields = ["enterprise__name", "enterprise__uscc", "case_no", "department__name"]
    autocomplete_fields = ["enterprise", "department", "hazard", "inspection"]
    list_select_related = ["enterprise", "department"]
    date_hierarchy = "decided_on"


@admin.register(Accountability)
class AccountabilityAdmin(_VersionedAdmin):
    list_display = ["region", "department", "decided_on", "persons"]
    search_fields = ["region__name", "region__code", "department__name", "outcome", "note"]
    autocomplete_fields = ["region", "department", "hazard", "inspection"]
    list_select_related = ["region", "department"]
    date_hierarchy = "decided_on"
