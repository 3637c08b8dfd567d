"""The work records in the admin: edited through the audit chain, each edit making open forms stale. The entries
are written through services.audit_change/audit_delete (an activity's empty `evidence` file trips up
audit.services.snapshot, which AuditedModelAdmin uses)."""
from django.contrib import admin
from django.db import transaction
from django.db.models import F

from apps.core.admin import AuditedModelAdmin

from .models import Activity, Problem, Risk
from .services import audit_change, audit_delete, work_snapshot


class VersionedAdmin(AuditedModelAdmin):
    readonly_fields = ["version", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = F("version") + 1  # an admin edit makes every open form stale
        elif obj.created_by_id is None:
            obj.created_by = request.user
        existing = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        request._audit_before = work_snapshot(existing) if existing is not None else None
        with transaction.atomic():
            admin.ModelAdmin.save_model(self, request, obj, form, change)
        if change:
            obj.refresh_from_db(fields=["version"])

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            admin.ModelAdmin.save_related(self, request, form, formsets, change)
            audit_change(request.user, form.instance, getattr(request, "_audit_before", None))

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_delete(request.user, obj)
            obj.delete()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_delete(request.user, obj)
            queryset.delete()


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
