from django.contrib import admin

from dangvien.core.admin import AuditedModelAdmin

from .models import Candidacy, CandidacyEvent, CandidateSurvey, DossierItem, Introducer


class EventInline(admin.TabularInline):
    model = CandidacyEvent
    extra = 0
    can_delete = False
    fields = ["stage", "on", "document_no", "recorded_by", "recorded_at", "override_reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Candidacy)
class CandidacyAdmin(AuditedModelAdmin):
    """Read-mostly: steps are taken on the candidate pages, where the rules are checked."""

    list_display = ["person", "cell", "source", "stage", "stage_on"]
    list_filter = ["stage", "source"]
    search_fields = ["person__search_name"]
    inlines = [EventInline]
    readonly_fields = [f.name for f in Candidacy._meta.concrete_fields]

    def has_add_permission(self, request):
        return False


@admin.register(CandidateSurvey)
class CandidateSurveyAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "quarter", "total", "as_of"]
    list_filter = ["year", "quarter"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register([DossierItem, Introducer], AuditedModelAdmin)
