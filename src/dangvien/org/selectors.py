"""Reads of the organisation tree, for any date.

Every function takes `on` (a date) and answers with the tree as it stood that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr

from dangvien.people.choices import KINH, Gender
from dangvien.people.models import Membership

from .models import OrgUnit, OrgUnitVersion

STEP = OrgUnit.steplen


def version_on(unit: OrgUnit, on: dt.date) -> OrgUnitVersion | None:
    """The unit's name, parent and path on `on` (None if it did not exist yet)."""
    return OrgUnitVersion.objects.on(on).filter(unit=unit).first()


def ancestors_on(unit: OrgUnit, on: dt.date) -> list[OrgUnitVersion]:
    """The unit's superiors on `on`, top first (the unit itself excluded)."""
    version = version_on(unit, on)
    if version is None:
        return []
    prefixes = [version.path[:i] for i in range(STEP, len(version.path), STEP)]
    return list(
        OrgUnitVersion.objects.on(on)
        .filter(path__in=prefixes)
        .select_related("unit")
        .order_by("depth")
    )


def subtree_unit_ids(unit: OrgUnit, on: dt.date):
    """Ids of the unit and every unit under it on `on` (a subquery, not a list).

    Includes units closed earlier by a merge or split into this subtree: their members
    and events count under their successor.
    """
    version = version_on(unit, on)
    if version is None:
        return OrgUnitVersion.objects.none().values("unit_id")
    return OrgUnitVersion.objects.on(on).filter(path__startswith=version.path).values("unit_id")


def children_on(unit: OrgUnit, on: dt.date) -> list[OrgUnitVersion]:
    """Direct subordinates in existence on `on`, in tree order."""
    return list(
        OrgUnitVersion.objects.on(on)
        .filter(parent=unit, unit__valid_from__lte=on)
        .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gt=on))
        .select_related("unit")
        .order_by("path")
    )


@dataclass
class MemberCounts:
    """Số đảng viên: tổng, dự bị, chính thức, nữ, dân tộc thiểu số."""

    total: int = 0
    probationary: int = 0
    women: int = 0
    minorities: int = 0

    @property
    def official(self) -> int:
        return self.total - self.probationary

    def add(self, other: MemberCounts) -> None:
        self.total += other.total
        self.probationary += other.probationary
        self.women += other.women
        self.minorities += other.minorities


def members_on(on: dt.date, user=None):
    """Memberships on the rolls on `on`, within the user's scope (all when user is None)."""
    qs = Membership.objects.active_on(on)
    if user is not None:
        qs = qs.for_user(user)
    return qs


def member_counts_by_child(unit: OrgUnit, on: dt.date, user=None) -> tuple[MemberCounts, dict[int, MemberCounts]]:
    """Counts for the unit's whole subtree and for each direct subordinate's subtree.

    One grouped query: each member's cell path on `on`, cut to the children's depth.
    """
    version = version_on(unit, on)
    if version is None:
        return MemberCounts(), {}
    children = children_on(unit, on)
    prefix_len = len(version.path) + STEP
    in_force = Q(cell__versions__valid_from__lte=on) & (
        Q(cell__versions__valid_to__isnull=True) | Q(cell__versions__valid_to__gt=on)
    )
    rows = (
        members_on(on, user)
        .filter(in_force, cell__versions__path__startswith=version.path)
        .annotate(prefix=Substr("cell__versions__path", 1, prefix_len))
        .values("prefix")
        .annotate(
            total=Count("id"),
            probationary=Count("id", filter=Q(recognized_on__isnull=True) | Q(recognized_on__gt=on)),
            women=Count("id", filter=Q(person__gender=Gender.FEMALE)),
            minorities=Count("id", filter=~Q(person__ethnicity=KINH)),
        )
    )
    by_prefix = {
        r["prefix"]: MemberCounts(r["total"], r["probationary"], r["women"], r["minorities"])
        for r in rows
    }
    whole = MemberCounts()
    for counts in by_prefix.values():
        whole.add(counts)
    per_child = {c.unit_id: by_prefix.get(c.path, MemberCounts()) for c in children}
    return whole, per_child
