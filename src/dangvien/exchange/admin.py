from django.contrib import admin

from dangvien.core.admin import SameSearchMixin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(SameSearchMixin, admin.ModelAdmin):
    """Lượt nhập Excel: read-only (the import writes them)."""

    list_display = ("created_at", "user", "kind", "file_name", "status", "rows", "new", "changed",
                    "unchanged", "error_rows")
    list_filter = ("kind", "status")
    search_fields = ("file_name", "user__username")
    exclude = ("problems", "warnings")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
