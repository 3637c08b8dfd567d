from django.contrib import admin

from apps.core.admin import ReadOnlyModelAdmin

from .models import AuditEntry, AuditHead


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """The chain is only ever appended to by the services: never added, edited or deleted here."""

    list_display = ["seq", "at", "username", "action", "model", "object_repr", "source", "ip"]
    list_filter = ["action", "source", "model"]
    search_fields = ["username", "object_repr", "object_id", "request_id", "model"]
    date_hierarchy = "at"
    actions = None


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "count", "last_hash"]
    actions = None
