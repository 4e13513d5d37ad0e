"""`{% load exchange %}`: whether to show the Excel template and import links."""

from __future__ import annotations

from django import template

from dangvien.accounts.models import Role
from dangvien.accounts.scope import scope_paths

register = template.Library()


@register.filter
def may_import(user) -> bool:
    """The user may update some unit (the import pages answer 404 otherwise). Read from
    the roles the request has already loaded for its scope: no query of its own, so the
    menu can show the import hub on every page."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(scope_paths(user, Role.EDITOR))
