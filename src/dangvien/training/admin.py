from django.contrib import admin

from dangvien.core.admin import AuditedModelAdmin

from .models import Enrolment, TrainingClass


@admin.register(TrainingClass)
class TrainingClassAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "organiser", "starts_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["organiser"]


@admin.register(Enrolment)
class EnrolmentAdmin(AuditedModelAdmin):
    list_display = ["person", "training_class", "result", "certificate_number", "certificate_on",
                    "certificate_expires_on"]
    list_filter = ["result", "training_class__kind"]
    autocomplete_fields = ["person", "training_class"]
