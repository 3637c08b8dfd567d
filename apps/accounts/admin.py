from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from apps.core.admin import AuditedModelAdmin

from .models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["enterprise", "department", "group", "region"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "name", "phone", "is_active", "is_staff", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__kind"]
    search_fields = ["username", "name", "phone", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "phone", "email")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "kind", "role", "enterprise", "department", "group", "region"]
    list_filter = ["kind", "role"]
    search_fields = ["user__username", "user__name", "enterprise__name", "department__name", "group__name",
                     "region__name"]
    autocomplete_fields = ["user", "enterprise", "department", "group", "region"]
    list_select_related = ["user", "enterprise", "department", "group", "region"]
