"""Admin pieces shared by the apps: every change made in the admin is audited too."""

from django.contrib import admin
from django.db import transaction

from dangvien.audit.services import audit_record, snapshot


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
