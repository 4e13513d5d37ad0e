"""Reads of plans: lists in scope, a plan's allocations against its children's own plans.

Plain functions with a fixed number of queries each, whatever the number of subordinate
units. Dates are passed in; nothing here reads "today".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, scope_filter
from dangvien.org.models import OrgUnit, OrgUnitVersion, UnitKind
from dangvien.org.selectors import ancestors_on, version_on

from .models import IN_FORCE, Allocation, Plan, PlanStatus, PlanVersion

# --- the tree during a plan year -------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """[1 January, 1 January of the next year): the half-open range of a plan year."""
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _overlapping(qs, year: int, prefix: str = ""):
    start, end = year_bounds(year)
    return qs.filter(**{f"{prefix}valid_from__lt": end}).filter(
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": start}))


def active_in_year(unit: OrgUnit, year: int) -> bool:
    start, end = year_bounds(year)
    return unit.valid_from < end and (unit.valid_to is None or unit.valid_to > start)


@dataclass
class Child:
    """Một đơn vị trực thuộc trực tiếp trong năm kế hoạch (tên theo năm đó)."""

    unit: OrgUnit
    name: str
    path: str


def children_in_year(unit: OrgUnit, year: int) -> list[Child]:
    """Direct subordinates of `unit` at some time during `year`, in tree order (one query).

    Like `org.selectors.children_on(unit, day)` over the whole year, so a unit created or
    closed mid-year can still be given (or keep) its target. The name and place are those
    of the latest version within the year.
    """
    versions = (_overlapping(OrgUnitVersion.objects.filter(parent=unit), year)
                .filter(unit__valid_from__lt=year_bounds(year)[1])
                .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gt=year_bounds(year)[0]))
                .select_related("unit").order_by("unit_id", "valid_from"))
    latest: dict[int, OrgUnitVersion] = {}
    for v in versions:
        latest[v.unit_id] = v
    return sorted((Child(v.unit, v.name, v.path) for v in latest.values()),
                  key=lambda c: c.path)


def is_ancestor_in_year(ancestor: OrgUnit, unit: OrgUnit, year: int) -> bool:
    """Whether `ancestor` stood above `unit` at some time during `year` (two queries)."""
    if ancestor.pk == unit.pk:
        return False
    mine = list(_overlapping(OrgUnitVersion.objects.filter(unit=unit), year))
    theirs = list(_overlapping(OrgUnitVersion.objects.filter(unit=ancestor), year))
    for m in mine:
        for t in theirs:
            overlap = (max(m.valid_from, t.valid_from)
                       < min(m.valid_to or dt.date.max, t.valid_to or dt.date.max))
            if overlap and len(m.path) > len(t.path) and m.path.startswith(t.path):
                return True
    return False


def _reference_day(unit: OrgUnit, year: int, on: dt.date | None = None) -> dt.date:
    """A day of the plan year on which the unit existed (for names as of that year)."""
    start, end = year_bounds(year)
    day = on or start
    day = max(day, unit.valid_from, start)
    if unit.valid_to is not None and day >= unit.valid_to:
        day = unit.valid_to - dt.timedelta(days=1)
    return min(day, end - dt.timedelta(days=1))


# --- document symbols and headings -----------------------------------------------------


def issuer_symbol(unit: OrgUnit) -> str:
    """The issuer part of a plan number (DOMAIN §7): TU, HU, TH.U, or ĐU."""
    if unit.kind == UnitKind.PROVINCE:
        return "TU"
    if unit.kind == UnitKind.DISTRICT:
        return "TH.U" if unit.name.startswith("Thành ủy") else "HU"
    if unit.kind in (UnitKind.GRASSROOTS_CELL, UnitKind.CELL):
        return "CB"
    return "ĐU"


#: Name prefixes of the committee names, and the place that follows them.
_PLACE_PREFIXES = ("Tỉnh ủy ", "Thành ủy ", "Huyện ủy ", "Thị ủy ", "Quận ủy ",
                   "Đảng bộ xã ", "Đảng bộ phường ", "Đảng bộ thị trấn ",
                   "Đảng ủy xã ", "Đảng ủy phường ", "Đảng ủy thị trấn ")
#: The party organisation (đảng bộ) a committee leads: the superior line of a heading.
_ORGANISATION = (("Tỉnh ủy ", "Đảng bộ tỉnh "), ("Thành ủy ", "Đảng bộ thành phố "),
                 ("Huyện ủy ", "Đảng bộ huyện "), ("Thị ủy ", "Đảng bộ thị xã "),
                 ("Quận ủy ", "Đảng bộ quận "))


def place_of(name: str) -> str:
    """"Huyện ủy Kim Bôi" -> "Kim Bôi"; "" when the name does not say where."""
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return ""


def organisation_of(name: str) -> str:
    """"Tỉnh ủy Hòa Bình" -> "Đảng bộ tỉnh Hòa Bình" (the heading's superior line)."""
    for committee, organisation in _ORGANISATION:
        if name.startswith(committee):
            return organisation + name[len(committee):]
    return name


def issuing_body(name: str) -> str:
    """The committee that signs for a party organisation: "Đảng bộ xã X" -> "Đảng ủy xã X"."""
    if name.startswith("Đảng bộ "):
        return "Đảng ủy " + name[len("Đảng bộ "):]
    return name


@dataclass
class Heading:
    """Tiêu đề văn bản theo Hướng dẫn 36-HD/VPTW: cấp trên, cơ quan ban hành, địa danh."""

    superior: str
    issuer: str
    place: str


def heading(unit: OrgUnit, day: dt.date) -> Heading:
    """The document heading of a plan of `unit` issued on `day` (names as of that day)."""
    ups = ancestors_on(unit, day)
    mine = version_on(unit, day)
    name = mine.name if mine else unit.name
    place = place_of(name)
    for up in reversed(ups):
        if place:
            break
        place = place_of(up.name)
    superior = organisation_of(ups[-1].name) if ups else ""
    return Heading(superior=superior, issuer=issuing_body(name), place=place)


# --- plans -----------------------------------------------------------------------------


def plans_for_user(*, user, year: int | None = None) -> QuerySet[Plan]:
    """Plans issued by units in the user's scope (all for None: commands), newest year first,
    with their versions prefetched (oldest first)."""
    qs = Plan.objects.all() if user is None else scope_filter(Plan.objects.all(), user,
                                                              "unit__path")
    if year is not None:
        qs = qs.filter(year=year)
    return (qs.select_related("unit", "parent", "parent__unit")
            .prefetch_related(Prefetch("versions", PlanVersion.objects.order_by("revision")))
            .order_by("-year", "unit__path", "number"))


def years_for_user(*, user) -> list[int]:
    qs = Plan.objects.all() if user is None else scope_filter(Plan.objects.all(), user,
                                                              "unit__path")
    return sorted(set(qs.values_list("year", flat=True)), reverse=True)


def get_plan_or_404(user, pk: int) -> Plan:
    """The plan if its issuing unit is in the user's scope; otherwise 404, as if absent."""
    qs = scope_filter(Plan.objects.all(), user, "unit__path")
    found = qs.select_related("unit", "parent", "parent__unit").filter(pk=pk).first()
    if found is None:
        raise Http404("Không tìm thấy kế hoạch.")
    return found


def version_in_force(plan: Plan, day: dt.date) -> PlanVersion | None:
    """Lần ban hành có hiệu lực vào ngày `day` (None trước lần ban hành đầu tiên)."""
    return plan.version_on(day)


def child_plan(*, plan: Plan, unit: OrgUnit) -> Plan | None:
    """The plan of `unit` for the same year that implements `plan`, if it has one."""
    return Plan.objects.filter(unit=unit, year=plan.year, parent=plan).order_by("pk").first()


def allocation_for(*, version: PlanVersion, unit: OrgUnit) -> int | None:
    """The target `version` gives `unit`; None when it gives it none."""
    return (Allocation.objects.filter(version=version, unit=unit)
            .values_list("target", flat=True).first())


def _latest(versions: list[PlanVersion]) -> PlanVersion | None:
    """The newest issued version, or the draft when none has been issued."""
    issued = [v for v in versions if v.status == PlanStatus.ISSUED]
    if issued:
        return max(issued, key=lambda v: (v.issued_on, v.revision))
    return max(versions, key=lambda v: v.revision, default=None)


@dataclass
class PlanRow:
    """Một dòng trong danh sách kế hoạch."""

    plan: Plan
    current: PlanVersion | None  # the newest issued version (or the draft)
    draft: PlanVersion | None
    first_issued_on: dt.date | None

    @property
    def issued(self) -> bool:
        return self.current is not None and self.current.status == PlanStatus.ISSUED

    @property
    def revisions(self) -> int:
        """How many times the plan was revised after its first issue."""
        return max(0, sum(1 for v in self.plan.versions.all() if v.status in IN_FORCE) - 1)


def plan_rows(plans) -> list[PlanRow]:
    """Rows for the list, from plans with prefetched versions (no further query)."""
    rows = []
    for plan in plans:
        versions = list(plan.versions.all())
        draft = next((v for v in versions if v.status == PlanStatus.DRAFT), None)
        issued = [v.issued_on for v in versions if v.status in IN_FORCE]
        rows.append(PlanRow(plan, _latest(versions), draft, min(issued, default=None)))
    return rows


# --- one plan: its allocations against its children's own plans --------------------------


@dataclass
class ChildRow:
    """Một đơn vị trực thuộc: chỉ tiêu được giao, kế hoạch và chỉ tiêu của chính đơn vị."""

    unit: OrgUnit
    name: str
    allocated: int | None
    plan: Plan | None = None
    plan_version: PlanVersion | None = None  # its newest issued version, else its draft

    @property
    def own_target(self) -> int | None:
        return self.plan_version.target if self.plan_version else None

    @property
    def covered(self) -> bool | None:
        """Whether the unit's own target reaches what it was given (None: nothing to compare)."""
        if self.allocated is None or self.plan_version is None:
            return None
        return self.plan_version.target >= self.allocated

    @property
    def own_is_draft(self) -> bool:
        return self.plan_version is not None and self.plan_version.status == PlanStatus.DRAFT


@dataclass
class PlanSummary:
    """Chỉ tiêu của một lần ban hành, tổng đã giao, phần còn thiếu hoặc giao vượt."""

    version: PlanVersion
    rows: list[ChildRow] = field(default_factory=list)

    @property
    def target(self) -> int:
        return self.version.target

    @property
    def allocated(self) -> int:
        return sum(r.allocated or 0 for r in self.rows)

    @property
    def remainder(self) -> int:
        """Chưa giao hết: target minus allocated, when positive."""
        return max(0, self.target - self.allocated)

    @property
    def surplus(self) -> int:
        """Giao vượt: allocated minus target, when positive."""
        return max(0, self.allocated - self.target)

    @property
    def own_targets(self) -> int:
        return sum(r.own_target or 0 for r in self.rows)

    @property
    def uncovered(self) -> list[ChildRow]:
        return [r for r in self.rows if r.covered is False]

    @property
    def has_children(self) -> bool:
        return bool(self.rows)

    @property
    def has_own_plans(self) -> bool:
        """Whether any subordinate has a plan of its own for the year (else the page omits
        those columns)."""
        return any(r.plan is not None for r in self.rows)


def plan_summary(*, version: PlanVersion) -> PlanSummary:
    """Allocated sum, remainder or surplus, and per child its own plan for the year and
    whether that plan's target covers the allocation (four queries)."""
    plan = version.plan
    children = children_in_year(plan.unit, plan.year)
    given = dict(Allocation.objects.filter(version=version).values_list("unit_id", "target"))
    rows = [ChildRow(c.unit, c.name, given.pop(c.unit.pk, None)) for c in children]
    if given:  # allocated to a unit no longer found under it (history rewritten by hand)
        for unit in OrgUnit.objects.filter(pk__in=list(given)).order_by("path"):
            rows.append(ChildRow(unit, unit.name, given[unit.pk]))
    own = (Plan.objects.filter(unit_id__in=[r.unit.pk for r in rows], year=plan.year)
           .prefetch_related("versions").order_by("pk"))
    chosen: dict[int, Plan] = {}
    for p in own:  # the plan implementing this one first, else the unit's first of the year
        if p.unit_id not in chosen or (p.parent_id == plan.pk and chosen[p.unit_id].parent_id != plan.pk):
            chosen[p.unit_id] = p
    for row in rows:
        row.plan = chosen.get(row.unit.pk)
        if row.plan is not None:
            row.plan_version = _latest(list(row.plan.versions.all()))
    return PlanSummary(version=version, rows=rows)


@dataclass
class VersionRow:
    version: PlanVersion
    allocated: int


@dataclass
class PlanPage:
    """Everything the plan page shows."""

    plan: Plan
    versions: list[VersionRow]
    shown: PlanVersion
    summary: PlanSummary
    heading: Heading
    draft: PlanVersion | None
    current: PlanVersion | None  # the newest issued version
    parent_visible: bool
    parent_version: PlanVersion | None  # the superior's plan in force when this one was issued
    parent_allocation: int | None  # what that plan gave this unit
    can_edit: bool
    can_issue: bool

    @property
    def shown_is_draft(self) -> bool:
        return self.shown.status == PlanStatus.DRAFT

    @property
    def subject(self) -> str:
        """The title after "Kế hoạch", for the heading under "KẾ HOẠCH"."""
        title = self.plan.title
        return title[len("Kế hoạch "):] if title.lower().startswith("kế hoạch ") else title

    @property
    def parent_covered(self) -> bool | None:
        if self.parent_allocation is None:
            return None
        return self.shown.target >= self.parent_allocation

    @property
    def may_revise(self) -> bool:
        return self.can_edit and self.draft is None and self.current is not None


def plan_page(*, user, plan: Plan, revision: int | None = None, today: dt.date) -> PlanPage:
    """The plan, its versions, the shown version's allocations (the draft by default, else
    the newest issued), the superior's allocation to this unit. A fixed number of queries."""
    versions = list(plan.versions.annotate(allocated=Sum("allocations__target"))
                    .select_related("issued_by").order_by("revision"))
    by_revision = {v.revision: v for v in versions}
    draft = next((v for v in versions if v.status == PlanStatus.DRAFT), None)
    issued = [v for v in versions if v.status == PlanStatus.ISSUED]
    current = issued[-1] if issued else None
    shown = by_revision.get(revision) if revision is not None else None
    if shown is None:
        shown = draft or current or versions[-1]
    summary = plan_summary(version=shown)
    day = _reference_day(plan.unit, plan.year, shown.issued_on or (current.issued_on if current else None))
    parent_version = parent_allocation = None
    if plan.parent is not None:
        parent_version = plan.parent.version_on(shown.issued_on or today)
        if parent_version is not None:
            parent_allocation = allocation_for(version=parent_version, unit=plan.unit)
    return PlanPage(
        plan=plan, versions=[VersionRow(v, v.allocated or 0) for v in versions], shown=shown,
        summary=summary, heading=heading(plan.unit, day), draft=draft, current=current,
        parent_visible=plan.parent is not None and can(user, plan.parent.unit),
        parent_version=parent_version, parent_allocation=parent_allocation,
        can_edit=can(user, plan.unit, Role.EDITOR), can_issue=can(user, plan.unit, Role.APPROVER),
    )


# --- creating a plan -------------------------------------------------------------------


def unit_choices(user) -> list[tuple[str, str]]:
    """Units the user may write plans for: those in the editor scope above the cells, and
    the top of the scope."""
    from dangvien.accounts.scope import scope_roots

    roots = [u.path for u in scope_roots(user, Role.EDITOR)]
    units = list(scope_filter(OrgUnit.objects.filter(valid_to__isnull=True), user, "path",
                              role=Role.EDITOR)
                 .filter(~Q(kind=UnitKind.CELL) | Q(path__in=roots))
                 .only("code", "name", "depth", "path").order_by("path"))
    top = min((u.depth for u in units), default=1)
    return [(u.code, "\u2003" * (u.depth - top) + u.name) for u in units]


def parent_choices(*, unit: OrgUnit, year: int) -> list[Plan]:
    """Plans of `year` issued by the units above `unit` that year, nearest first. They may
    lie outside the user's scope: a unit names the superior plan it implements."""
    day = _reference_day(unit, year)
    ups = [v.unit_id for v in ancestors_on(unit, day)]
    plans = list(Plan.objects.filter(unit_id__in=ups, year=year).select_related("unit"))
    rank = {pk: i for i, pk in enumerate(reversed(ups))}
    return sorted(plans, key=lambda p: (rank[p.unit_id], p.number))
