from django.contrib import admin

from dangvien.core.admin import AuditedModelAdmin

from .models import RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(AuditedModelAdmin):
    list_display = ["short_name", "effective_from", "min_age_months", "max_age_months",
                    "certificate_validity_months", "decision_working_days", "probation_months"]
    fieldsets = [
        (None, {"fields": ["code", "short_name", "name", "effective_from"]}),
        ("Tuổi đời, học vấn", {"fields": ["min_age_months", "max_age_months", "education_minimum",
                                          "mountainous_education_minimum", "elders_literate_only"]}),
        ("Giấy chứng nhận, người giới thiệu", {"fields": [
            "certificate_validity_months", "introducer_min_months", "introducers_required",
            "introducers_with_union_resolution"]}),
        ("Thời hạn", {"fields": ["decision_working_days", "decision_extension_working_days",
                                 "ceremony_working_days", "probation_months",
                                 "recognition_working_days"]}),
        ("Căn cứ", {"fields": ["references"]}),
    ]
