"""Admin pieces shared by the apps: every change made in the admin is audited too."""

from functools import reduce
from operator import or_

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.admin.widgets import AdminDateWidget
from django.db import transaction
from django.db.models import Q
from django.db.models.lookups import Contains
from django.utils.text import smart_split, unescape_string_literal

from dangvien.audit.services import audit_record, snapshot

from . import vn
from .calendar import WEEKDAY_NAMES
from .db import UpperText
from .models import CalendarDay


class SameSearchMixin:
    """Admin search that finds the same rows on SQLite and PostgreSQL.

    Django's admin searches with `icontains`, which is LIKE on SQLite, and LIKE is
    case-sensitive there (PRAGMA case_sensitive_like, settings.py). Here, as in Django,
    every word (or "quoted phrase") must occur in one of `search_fields`, ignoring case:
    both sides are compared in upper case (`UpperText`). A `search_name` field holds the
    folded name (lower case, no diacritics), so the word is folded too: "Nguyễn" finds
    "nguyen". Search fields take no "^", "=" or "@" prefix.
    """

    def get_search_results(self, request, queryset, search_term):
        fields = list(self.get_search_fields(request))
        if not fields or not search_term:
            return queryset, False
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            queryset = queryset.filter(reduce(or_, (_contains(f, bit) for f in fields)))
        return queryset, any(lookup_spawns_duplicates(self.opts, f) for f in fields)


def _contains(field: str, word: str) -> Q:
    if field.split("__")[-1] == "search_name":
        return Q(**{f"{field}__contains": vn.fold(word)})
    return Q(Contains(UpperText(field), word.upper()))


class AuditMixin:
    """Saves and deletes in the admin append to the audit trail in the same transaction."""

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


    def user_change_password(self, request, id, form_url=""):
        """Django's UserAdmin sets a password outside save_model: audited here."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_record(by=request.user, action="admin.password_change",
                         object_type="auth.user", object_id=id)
        return response


class AuditedModelAdmin(AuditMixin, SameSearchMixin, admin.ModelAdmin):
    """ModelAdmin whose saves and deletes append to the audit trail in the same transaction."""


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
