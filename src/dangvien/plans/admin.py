from django.contrib import admin

from dangvien.core.admin import SameSearchMixin

from .models import Allocation, Plan, PlanVersion


class VersionInline(admin.TabularInline):
    model = PlanVersion
    extra = 0
    can_delete = False
    fields = ["revision", "status", "issued_on", "target", "note", "issued_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    can_delete = False
    fields = ["unit", "target"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(SameSearchMixin, admin.ModelAdmin):
    """Read-only: plans are created, allocated, issued and revised on the plan pages, whose
    services check the figures and keep the audit trail."""

    list_display = ["number", "unit", "year", "title", "parent"]
    list_filter = ["year"]
    search_fields = ["number", "title", "unit__name", "unit__code"]
    ordering = ["-year", "unit__path"]
    inlines = [VersionInline]
    readonly_fields = ["unit", "year", "number", "title", "parent"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(SameSearchMixin, admin.ModelAdmin):
    list_display = ["plan", "revision", "status", "issued_on", "target"]
    list_filter = ["status", "plan__year"]
    search_fields = ["plan__number", "plan__unit__name"]
    inlines = [AllocationInline]
    readonly_fields = ["plan", "revision", "status", "issued_on", "target", "note", "issued_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
