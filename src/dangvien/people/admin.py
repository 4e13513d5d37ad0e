from django.contrib import admin

from dangvien.core.admin import AuditedModelAdmin

from .models import Membership, MembershipEvent, Person, Transfer


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    list_display = ["full_name", "gender", "birth_date", "ethnicity", "unit"]
    list_filter = ["gender", "ethnicity"]
    search_fields = ["search_name"]
    autocomplete_fields = ["unit"]

    def get_search_results(self, request, queryset, search_term):
        # Search without diacritics, the same way as the people page.
        return queryset.search(search_term), False


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["person", "cell", "status", "admitted_on", "recognized_on"]
    list_filter = ["status"]
    autocomplete_fields = ["person", "cell"]
    search_fields = ["person__search_name", "card_number"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin):
    """Read-only: events are written by the services, with the membership columns."""

    list_display = ["person", "kind", "on", "cell", "decision_no"]
    list_filter = ["kind"]
    raw_id_fields = ["membership", "person", "cell", "transfer", "recorded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transfer)
class TransferAdmin(MembershipEventAdmin):
    list_display = ["person", "kind", "status", "letter_no", "letter_on", "from_cell", "to_cell",
                    "received_on"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["person", "membership", "new_membership", "from_cell", "to_cell", "created_by",
                     "answered_by"]
