"""Reads of the organisation tree, for any date.

Every function takes `on` (a date) and answers with the tree as it stood that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr

from dangvien.core.db import UpperText
from dangvien.people.choices import KINH, Gender
from dangvien.people.models import Membership

from .models import OrgUnit, OrgUnitVersion

STEP = OrgUnit.steplen



def unit_by_code(code: str) -> OrgUnit | None:
    """The unit with this code, ignoring case ("kb" is "KB"), or None. Upper case rather
    than code__iexact, which is LIKE on SQLite and case-sensitive there (settings.py)."""
    return OrgUnit.objects.alias(code_upper=UpperText("code")).filter(
        code_upper=code.upper()).first()


#: At most this many units are offered in a change page's list (a datalist of codes).
TARGETS_LIMIT = 1000


def change_targets(user) -> list[OrgUnit]:
    """Units a change page offers as a new superior or successor: active units above
    the cells where the user is an administrator (the services check each choice)."""
    from dangvien.accounts.models import Role

    from .models import CELL_KINDS

    return list(OrgUnit.objects.for_user(user, Role.ADMIN).filter(valid_to__isnull=True)
                .exclude(kind__in=CELL_KINDS).only("code", "name", "path")
                .order_by("path")[:TARGETS_LIMIT])


def changes_of(unit: OrgUnit, limit: int = 20) -> list:
    """The recorded changes that concern the unit, latest first (lịch sử thay đổi tổ chức)."""
    from .models import OrgChange

    return list(OrgChange.objects.filter(units=unit).order_by("-effective", "-pk")[:limit])


def version_on(unit: OrgUnit, on: dt.date) -> OrgUnitVersion | None:
    """The unit's name, parent and path on `on` (None if it did not exist yet)."""
    return OrgUnitVersion.objects.on(on).filter(unit=unit).first()


def shape_on(unit: OrgUnit, on: dt.date) -> OrgUnitVersion | None:
    """The unit's version on `on`; before the unit's first recorded day, its first version
    (a province that records its tree from 2020 still enters 2016 admissions)."""
    return version_on(unit, on) or unit.versions.order_by("valid_from").first()


def stood_above(upper: OrgUnit, unit: OrgUnit, on: dt.date) -> bool:
    """Whether `upper` was `unit` itself or one of its superiors on `on` (two queries):
    a 2016 decision of a district dissolved in 2025 was its cells' superior's."""
    mine, theirs = shape_on(unit, on), shape_on(upper, on)
    if mine is None or theirs is None:
        return unit.path.startswith(upper.path)
    return mine.path.startswith(theirs.path)


def parent_on(unit: OrgUnit, on: dt.date) -> OrgUnit | None:
    """The unit's superior on `on` (see `shape_on`)."""
    version = shape_on(unit, on)
    if version is None:
        return OrgUnit.objects.get_parent(unit)
    return version.parent


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


def _counts_by_prefix(version: OrgUnitVersion, on: dt.date, user) -> dict[str, MemberCounts]:
    """Members under `version` on `on`, grouped by their cell's path cut one level below it.

    One grouped query. Members of the unit itself (a cell) group under its own path.
    """
    in_force = Q(cell__versions__valid_from__lte=on) & (
        Q(cell__versions__valid_to__isnull=True) | Q(cell__versions__valid_to__gt=on)
    )
    rows = (
        members_on(on, user)
        .filter(in_force, cell__versions__path__startswith=version.path)
        .annotate(prefix=Substr("cell__versions__path", 1, len(version.path) + STEP))
        .values("prefix")
        .annotate(
            total=Count("id"),
            probationary=Count("id", filter=Q(recognized_on__isnull=True) | Q(recognized_on__gt=on)),
            women=Count("id", filter=Q(person__gender=Gender.FEMALE)),
            minorities=Count("id", filter=~Q(person__ethnicity=KINH)),
        )
    )
    return {
        r["prefix"]: MemberCounts(r["total"], r["probationary"], r["women"], r["minorities"])
        for r in rows
    }


def _total(by_prefix: dict[str, MemberCounts]) -> MemberCounts:
    whole = MemberCounts()
    for counts in by_prefix.values():
        whole.add(counts)
    return whole


def member_counts_by_child(
    unit: OrgUnit, on: dt.date, user=None
) -> tuple[MemberCounts, dict[int, MemberCounts]]:
    """Counts for the unit's whole subtree and for each direct subordinate's subtree."""
    branch = branch_on(unit, on, user)
    return branch.counts, {row.unit.pk: row.counts for row in branch.rows}


@dataclass
class Row:
    """Một đơn vị trực thuộc với số đảng viên của cả nhánh."""

    unit: OrgUnit
    name: str
    counts: MemberCounts
    has_children: bool


@dataclass
class Branch:
    """Một đơn vị, tổng số đảng viên và các đơn vị trực thuộc, vào một ngày."""

    unit: OrgUnit
    version: OrgUnitVersion | None
    counts: MemberCounts = field(default_factory=MemberCounts)
    rows: list[Row] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.version.name if self.version else self.unit.name


def branch_cached(unit: OrgUnit, on: dt.date, user) -> Branch:
    """`branch_on` for pages: a fragment shared by the users of one scope, keyed by the
    unit, the day and the data version (`core.fragments`), so the grouped count over
    every member under a province is made once per write, not once per visit."""
    from dangvien.accounts.scope import scope_key
    from dangvien.core.fragments import cached

    return cached("branch", scope=scope_key(user), parts=(unit.pk, on.isoformat()),
                  compute=lambda: branch_on(unit, on, user))


def parents_among(unit_ids: list[int], on: dt.date) -> set[int]:
    """Which of these units have subordinates in existence on `on` (one query)."""
    if not unit_ids:
        return set()
    # Two small queries rather than a join: joined, PostgreSQL hashes the whole unit
    # table (100+ ms at national scale) to check a few thousand units.
    below = dict(OrgUnitVersion.objects.on(on).filter(parent_id__in=unit_ids)
                 .values_list("unit_id", "parent_id"))
    alive = (OrgUnit.objects.filter(pk__in=list(below), valid_from__lte=on)
             .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
             .values_list("pk", flat=True))
    return {below[pk] for pk in alive}


def branch_on(unit: OrgUnit, on: dt.date, user=None) -> Branch:
    """A unit, its whole count and each subordinate with its count, on `on` (4 queries).

    `user` limits the counts to the user's scope; None counts everything (commands).
    """
    version = version_on(unit, on)
    if version is None:
        return Branch(unit=unit, version=None)
    by_prefix = _counts_by_prefix(version, on, user)
    children = children_on(unit, on)
    parents = parents_among([c.unit_id for c in children], on)
    rows = [
        Row(
            unit=c.unit,
            name=c.name,
            counts=by_prefix.get(c.path, MemberCounts()),
            has_children=c.unit_id in parents,
        )
        for c in children
    ]
    return Branch(unit=unit, version=version, counts=_total(by_prefix), rows=rows)
