from django.contrib import admin

from dangvien.core.admin import SameSearchMixin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(SameSearchMixin, admin.ModelAdmin):
    list_display = ["id", "at", "actor_name", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
