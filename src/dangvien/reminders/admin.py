from django.contrib import admin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Read-only: the record of reminders sent is written by `dangvien remind` only."""

    list_display = ("recipient", "as_of", "sent_at", "outcome", "email", "overdue", "due_soon")
    list_filter = ("outcome", "as_of")
    search_fields = ("recipient__username", "email")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
