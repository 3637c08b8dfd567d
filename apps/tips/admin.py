"""Tips in the admin: read-only (every change goes through the actions of apps.tips.services, with their rules and
audit entries), and never the reporter's identity, not even its tokens."""
from django.contrib import admin

from apps.core.admin import ReadOnlyModelAdmin

from . import services
from .models import Tip


@admin.register(Tip)
class TipAdmin(ReadOnlyModelAdmin):
    list_display = ["receipt", "region", "enterprise_name", "status", "department", "received_on", "verified_on",
                    "reward_amount", "rewarded_on"]
    list_filter = ["status", "anonymous", "region__level"]
    search_fields = ["receipt", "enterprise_name", "enterprise__name"]
    list_select_related = ["region", "department"]
    date_hierarchy = "received_on"
    fields = ["receipt", "region", "enterprise", "enterprise_name", "place", "description", "anonymous",
              "received_on", "department", "triaged_on", "status", "verified_on", "verification_reason", "hazard",
              "reward_amount", "rewarded_on", "version", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*services.IDENTITY_FIELDS)
