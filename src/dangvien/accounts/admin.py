from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User

from dangvien.core.admin import AuditedModelAdmin, SameSearchMixin

from .models import RoleAssignment


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__code", "unit__name"]
    autocomplete_fields = ["unit"]


# Other apps' admins (Django's users and groups, django-axes' login records), with the
# search that ignores case on SQLite too: usernames, names, e-mail addresses.
for _model in [User, Group, AccessAttempt, AccessLog, AccessFailureLog]:
    if admin.site.is_registered(_model):
        _base = type(admin.site.get_model_admin(_model))
        admin.site.unregister(_model)
        admin.site.register(_model, type(_base.__name__, (SameSearchMixin, _base), {}))
