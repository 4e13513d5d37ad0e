from django.contrib import admin

from dangvien.core.admin import AuditedModelAdmin

from .models import AccountProfile, RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__code", "unit__name"]
    autocomplete_fields = ["unit"]


@admin.register(AccountProfile)
class AccountProfileAdmin(AuditedModelAdmin):
    list_display = ["user", "must_change_password", "created_by", "password_changed_at"]
    search_fields = ["user__username"]
