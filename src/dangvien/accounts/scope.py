"""Scope: which organisation units, and so which people, a user may see or change.

ONE mechanism for pages, exports, commands and the API: every scoped queryset goes
through `scope_filter`, which turns the user's role assignments into path-prefix
conditions on the model's path field (`path` on OrgUnit, `cell__path` on Membership,
`unit__path` on Person). A role on a unit covers its whole subtree.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import ROLE_RANK, Role, RoleAssignment


def _scope_paths(user, role: str | None) -> list[str] | None:
    """Minimal list of subtree roots the user holds `role` (or better) on.

    None means everything (superuser); [] means nothing.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cache = user.__dict__.setdefault("_dv_scope_cache", {})
    key = role or Role.VIEWER
    if key not in cache:
        wanted = ROLE_RANK[Role(key)]
        paths = sorted({p for r, p in role_rows(user) if ROLE_RANK[Role(r)] >= wanted})
        minimal: list[str] = []
        for path in paths:
            if not any(path.startswith(root) for root in minimal):
                minimal.append(path)
        cache[key] = minimal
    return cache[key]


def scope_paths(user, role: str | None = None) -> list[str] | None:
    """Subtree roots where the user holds `role` or better (None: everything)."""
    return _scope_paths(user, role)


def role_rows(user) -> list[tuple[str, str]]:
    """The user's (role, unit path) pairs, read once per user object (one query a request)."""
    cache = user.__dict__.setdefault("_dv_scope_cache", {})
    if "rows" not in cache:
        cache["rows"] = list(
            RoleAssignment.objects.filter(user=user).values_list("role", "unit__path")
        )
    return cache["rows"]


def scope_key(user, role: str | None = None) -> str:
    """A short text that is the same for users who see exactly the same units (for caches)."""
    paths = _scope_paths(user, role) if user is not None else None
    return "*" if paths is None else ",".join(paths) or "-"


def forget_scope(user) -> None:
    """Drop the per-request cache after the user's roles change."""
    user.__dict__.pop("_dv_scope_cache", None)


def scope_filter(qs: QuerySet, user, path_field: str, role: str | None = None) -> QuerySet:
    """Keep only rows whose `path_field` lies inside the user's scope."""
    paths = _scope_paths(user, role)
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in paths)))


class ScopedQuerySet:
    """Mixin for querysets of rows that belong to a unit: `scope_path` names the path
    field (`"cell__path"`), and `for_user` keeps the rows the user may see."""

    scope_path: str = "path"

    def for_user(self, user, role: str | None = None):
        return scope_filter(self, user, self.scope_path, role=role)


def scope_roots(user, role: str | None = None):
    """The units at the top of the user's scope (for the tree browser's first level)."""
    from dangvien.org.models import OrgUnit

    paths = _scope_paths(user, role)
    if paths is None:
        return OrgUnit.objects.get_root_nodes()
    return OrgUnit.objects.filter(path__in=paths).order_by("path")


def can(user, unit, role: str = Role.VIEWER) -> bool:
    """Whether the user holds `role` (or better) on `unit`."""
    paths = _scope_paths(user, role)
    if paths is None:
        return True
    return any(unit.path.startswith(p) for p in paths)


def require(user, unit, role: str = Role.VIEWER) -> None:
    """Raise Http404 (never 403: outsiders learn nothing) unless the user may act on unit."""
    if not can(user, unit, role):
        raise Http404("Không tìm thấy đơn vị.")


def get_unit_or_404(user, code: str, role: str | None = None):
    from dangvien.org.models import OrgUnit

    qs = scope_filter(OrgUnit.objects.all(), user, "path", role=role)
    unit = qs.filter(code=code).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    return unit
