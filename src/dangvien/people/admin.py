from django.contrib import admin

from dangvien.core.admin import AuditedModelAdmin

from .models import Membership, Person


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
