from django.contrib import admin

from .models import Alert, AlertRun


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "user", "created_on", "read_at", "emailed_at")
    list_filter = ("kind", "created_on")
    search_fields = ("title", "key", "user__username", "user__name")
    raw_id_fields = ("user",)
    date_hierarchy = "created_on"


@admin.register(AlertRun)
class AlertRunAdmin(admin.ModelAdmin):
    """Deleting a day's row lets `send_alerts --day` run that day again (alerts already made are not repeated)."""

    list_display = ("day", "started_at", "finished_at", "attempts")
    readonly_fields = ("day", "started_at", "heartbeat_at", "finished_at", "attempts", "counts")

    def has_add_permission(self, request) -> bool:
        return False
