"""The work records in the admin: edited through the audit chain, each edit making open forms stale
(AuditedModelAdmin)."""
from django.contrib import admin

from apps.core.admin import AuditedModelAdmin

from .models import Activity, Problem, Risk


class VersionedAdmin(AuditedModelAdmin):
    readonly_fields = ["version", "created_by", "created_at"]


@admin.register(Activity)
class ActivityAdmin(VersionedAdmin):
    list_display = ["kind", "occurred_on", "region", "department", "enterprise", "count", "people"]
    list_filter = ["kind", "media_level", "region__level"]
    search_fields = ["note", "enterprise__name", "department__name", "region__name"]
    autocomplete_fields = ["region", "department", "enterprise", "sector"]
    list_select_related = ["region", "department", "enterprise"]
    date_hierarchy = "occurred_on"


@admin.register(Risk)
class RiskAdmin(VersionedAdmin):
    list_display = ["name", "enterprise", "region", "department", "identified_on", "lists_completed_on"]
    list_filter = ["region__level"]
    search_fields = ["name", "enterprise__name"]
    autocomplete_fields = ["region", "department", "enterprise", "sector"]
    list_select_related = ["region", "department", "enterprise"]
    date_hierarchy = "identified_on"


@admin.register(Problem)
class ProblemAdmin(VersionedAdmin):
    list_display = ["title", "enterprise", "region", "department", "source", "identified_on", "root_measure_on",
                    "resolved_on"]
    list_filter = ["source", "region__level"]
    search_fields = ["title", "enterprise__name"]
    autocomplete_fields = ["region", "department", "enterprise", "sector"]
    list_select_related = ["region", "department", "enterprise"]
    date_hierarchy = "identified_on"
