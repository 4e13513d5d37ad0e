"""`{% load exchange %}`: whether to show the Excel template and import links."""

from __future__ import annotations

from django import template

from dangvien.accounts.models import Role
from dangvien.org.models import OrgUnit

register = template.Library()


@register.filter
def may_import(user) -> bool:
    """The user may update some unit (the import pages answer 404 otherwise)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cached = user.__dict__.get("_dv_may_import")
    if cached is None:
        cached = user.__dict__["_dv_may_import"] = OrgUnit.objects.for_user(
            user, Role.EDITOR).exists()
    return cached
