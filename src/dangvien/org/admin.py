from django.contrib import admin

from dangvien.core.admin import AuditedModelAdmin, SameSearchMixin

from .models import OrgChange, OrgUnit, OrgUnitVersion


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedModelAdmin):
    """Structural changes (create, move, merge, split) go through the org services, which
    keep history; here the administrator corrects descriptive fields only."""

    list_display = ["code", "name", "kind", "place_kind", "is_mountainous", "valid_from", "valid_to"]
    list_filter = ["kind", "place_kind", "is_mountainous"]
    search_fields = ["code", "name"]
    ordering = ["path"]
    fields = ["code", "name", "kind", "place_kind", "is_mountainous", "village_count",
              "valid_from", "valid_to", "successor"]
    readonly_fields = ["code", "name", "valid_from", "valid_to", "successor"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrgUnitVersion)
class OrgUnitVersionAdmin(SameSearchMixin, admin.ModelAdmin):
    list_display = ["unit", "name", "parent", "valid_from", "valid_to"]
    search_fields = ["unit__code", "name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrgChange)
class OrgChangeAdmin(admin.ModelAdmin):
    list_display = ["effective", "kind", "summary", "decision"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
