from django.contrib import admin

from dangvien.core.admin import AuditedModelAdmin, SameSearchMixin

from .models import (
    ActivityLapse,
    Discipline,
    Rating,
    RatingCorrection,
    RatingRuleSet,
    ScreeningCase,
)


@admin.register(RatingRuleSet)
class RatingRuleSetAdmin(AuditedModelAdmin):
    """The figures that are settings: bands, the 20% cap, the vote share, the education period."""

    list_display = ["short_name", "from_year", "uses_score", "excellent_cap_percent",
                    "vote_numerator", "vote_denominator", "vote_strictly_more", "education_months"]
    fieldsets = [
        (None, {"fields": ["code", "short_name", "name", "from_year", "references"]}),
        ("Xếp loại", {"fields": ["uses_score", "excellent_min_score", "good_min_score",
                                 "done_min_score", "excellent_cap_percent"]}),
        ("Sàng lọc", {"fields": ["vote_numerator", "vote_denominator", "vote_strictly_more",
                                 "education_months", "lapse_months"]}),
    ]


class _ReadOnly(SameSearchMixin, admin.ModelAdmin):
    """Read-only: written by the ratings and screening pages, whose services check and audit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(_ReadOnly):
    list_display = ["person", "year", "level", "score", "cell", "status"]
    list_filter = ["year", "level", "status"]
    search_fields = ["person__search_name", "cell__code", "cell__name"]
    list_select_related = ["person", "cell"]


@admin.register(RatingCorrection)
class RatingCorrectionAdmin(_ReadOnly):
    list_display = ["rating", "old_level", "new_level", "after_approval", "by_name", "created_at"]
    list_filter = ["after_approval"]
    search_fields = ["rating__person__search_name", "by_name"]
    list_select_related = ["rating__person"]


@admin.register(ScreeningCase)
class ScreeningCaseAdmin(_ReadOnly):
    list_display = ["person", "year", "cell", "status", "outcome"]
    list_filter = ["year", "status", "outcome"]
    search_fields = ["person__search_name", "cell__code", "cell__name"]
    list_select_related = ["person", "cell"]


@admin.register(Discipline)
class DisciplineAdmin(_ReadOnly):
    list_display = ["person", "form", "decided_on", "until", "cell"]
    search_fields = ["person__search_name", "cell__code"]
    list_select_related = ["person", "cell"]


@admin.register(ActivityLapse)
class ActivityLapseAdmin(_ReadOnly):
    list_display = ["person", "year", "month", "kind", "with_reason", "cell"]
    list_filter = ["year", "kind", "with_reason"]
    search_fields = ["person__search_name", "cell__code"]
    list_select_related = ["person", "cell"]
