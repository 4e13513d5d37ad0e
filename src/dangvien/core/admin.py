"""Admin pieces shared by the apps: every change made in the admin is audited too."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.db import transaction

from dangvien.audit.services import audit_record, snapshot

from .calendar import WEEKDAY_NAMES
from .models import CalendarDay


class AuditedModelAdmin(admin.ModelAdmin):
    """ModelAdmin whose saves and deletes append to the audit trail in the same transaction."""

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = snapshot(type(obj).objects.get(pk=obj.pk))
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                by=request.user, action="admin.change" if change else "admin.add", obj=obj,
                before=before, after=snapshot(obj),
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(by=request.user, action="admin.delete", obj=obj, before=snapshot(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(by=request.user, action="admin.delete", obj=obj, before=snapshot(obj))
            super().delete_queryset(request, queryset)


class CalendarDayForm(forms.ModelForm):
    # Django's "vi" locale has no input formats, so a bare DateField reads "09/03/2022"
    # as 3 September (%m/%d/%Y); a Vietnamese officer means 9 March.
    day = forms.DateField(
        label="ngày", input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=AdminDateWidget(format="%d/%m/%Y"),
        help_text="Dạng ngày/tháng/năm, ví dụ 02/01/2026.",
    )

    class Meta:
        model = CalendarDay
        fields = ["day", "kind", "note"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    """Days off and make-up days the government announces each year (lịch nghỉ bù, làm bù)."""

    form = CalendarDayForm
    list_display = ["day", "weekday", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["note"]

    @admin.display(description="thứ")
    def weekday(self, obj: CalendarDay) -> str:
        return WEEKDAY_NAMES[obj.day.weekday()]
