"""The admin's writes go through the audit chain, like every other write (DESIGN.md "AuditEntry")."""
from django.contrib import admin
from django.db import transaction
from django.db.models import F

from apps.audit.services import record_change, record_delete, snapshot

from .models import Job


class AuditedModelAdmin(admin.ModelAdmin):
    """Records every admin save and delete in the audit chain, in the transaction that makes the change.
    The entry is written after the related objects (many-to-many, inlines) are saved, so it shows them.
    A record with a `version` gets a new one on every edit, so forms opened before it are stale (409); one with
    `created_by` names the administrator who added it."""

    def save_model(self, request, obj, form, change):
        fields = {f.name for f in obj._meta.concrete_fields}
        if change and "version" in fields:
            obj.version = F("version") + 1
        elif not change and "created_by" in fields and obj.created_by_id is None:
            obj.created_by = request.user
        existing = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        request._audit_before = snapshot(existing) if existing is not None else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
        if change and "version" in fields:
            obj.refresh_from_db(fields=["version"])

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            record_change(request.user, form.instance, getattr(request, "_audit_before", None))

    def delete_model(self, request, obj):
        with transaction.atomic():
            record_delete(request.user, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record_delete(request.user, obj)
            super().delete_queryset(request, queryset)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Shown to administrators, never written through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = "隐患排查整治平台 · 系统管理"
admin.site.site_title = "隐患排查整治平台"
admin.site.index_title = "系统管理"


@admin.register(Job)
class JobAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "kind", "user", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    search_fields = ["input_label", "user__username"]
