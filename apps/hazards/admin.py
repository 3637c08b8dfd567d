"""The ledger in the admin: hazards, plans, listings and transfers are edited through the audit chain; the
timeline, acceptances with their sign-offs and the evidence are records of what happened, read-only."""
from django.contrib import admin

from apps.core.admin import AuditedModelAdmin, ReadOnlyModelAdmin

from .models import Acceptance, Evidence, Hazard, HazardEvent, Listing, RectificationPlan, SignOff, Transfer


class HazardEventInline(admin.TabularInline):
    model = HazardEvent
    extra = 0
    can_delete = False
    fields = ["on", "action", "from_status", "to_status", "username", "note", "at"]
    readonly_fields = fields
    verbose_name_plural = "处理记录"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Hazard)
class HazardAdmin(AuditedModelAdmin):
    list_display = ["title", "enterprise", "level", "source", "status", "department", "found_on", "deadline"]
    list_filter = ["level", "status", "source", "fixed_on_spot", "region__level"]
    search_fields = ["title", "enterprise__name", "enterprise__uscc"]
    autocomplete_fields = ["enterprise", "region", "sector", "department", "found_by_department"]
    readonly_fields = ["status", "closed_on", "planned_on", "version", "created_by", "created_at", "updated_at"]
    list_select_related = ["enterprise", "department"]
    date_hierarchy = "found_on"
    inlines = [HazardEventInline]



@admin.register(RectificationPlan)
class RectificationPlanAdmin(AuditedModelAdmin):
    list_display = ["hazard", "owner", "funds", "deadline", "planned_on"]
    search_fields = ["hazard__title", "owner"]
    autocomplete_fields = ["hazard"]


@admin.register(Listing)
class ListingAdmin(AuditedModelAdmin):
    list_display = ["document_no", "hazard", "authority_region", "authority_department", "listed_on", "deadline",
                    "delisted_on"]
    search_fields = ["document_no", "hazard__title"]
    autocomplete_fields = ["hazard", "authority_region", "authority_department"]


@admin.register(Transfer)
class TransferAdmin(AuditedModelAdmin):
    list_display = ["hazard", "from_department", "to_department", "transferred_on", "received_by"]
    search_fields = ["hazard__title", "reason"]
    autocomplete_fields = ["hazard", "from_department", "to_department"]


@admin.register(HazardEvent)
class HazardEventAdmin(ReadOnlyModelAdmin):
    list_display = ["hazard", "on", "action", "from_status", "to_status", "username", "at"]
    list_filter = ["action"]
    search_fields = ["hazard__title", "username", "note"]
    list_select_related = ["hazard"]


class SignOffInline(admin.TabularInline):
    model = SignOff
    extra = 0
    can_delete = False
    readonly_fields = ["level", "name", "opinion", "signed_on"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnlyModelAdmin):
    list_display = ["hazard", "accepted_on", "conclusion"]
    search_fields = ["hazard__title"]
    inlines = [SignOffInline]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyModelAdmin):
    list_display = ["acceptance", "level", "name", "signed_on"]
    list_filter = ["level"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "hazard", "stage", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["stage", "content_type"]
    search_fields = ["name", "hazard__title"]
