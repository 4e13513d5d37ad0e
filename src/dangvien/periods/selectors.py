"""Reads of the period reports: who reports to whom, a report's page, completeness.

Who reports: every unit holding an `Allocation` in the version of the year's plans in
force on the period's end (the first issued version when the plan came later), and the
top issuing unit of those plans, which reports to itself. A unit reports to the unit
whose plan allocated to it (`Reporter.above`). The whole list costs two queries,
whatever the number of units, and is shared by completeness, the home page and the
report page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, get_unit_or_404
from dangvien.org.models import CELL_KINDS, GRASSROOTS_KINDS, OrgUnit, UnitKind
from dangvien.plans.models import IN_FORCE, Allocation, Plan, PlanVersion

from .models import (
    EDITABLE,
    Level,
    PeriodKind,
    PeriodReport,
    ReportingPeriod,
    ReportStatus,
)

LEVEL_ORDER = [Level.PROVINCE, Level.DISTRICT, Level.GRASSROOTS, Level.CELL]
#: When two periods end on the same day, the shorter one is the one being worked on.
KIND_ORDER = {PeriodKind.QUARTER: 0, PeriodKind.HALF: 1, PeriodKind.YEAR: 2}


def level_of(unit: OrgUnit) -> str:
    """Cấp của đơn vị, để biết hạn nộp nào áp dụng."""
    if unit.kind == UnitKind.PROVINCE:
        return Level.PROVINCE
    if unit.kind in GRASSROOTS_KINDS:
        return Level.GRASSROOTS
    if unit.kind in CELL_KINDS:
        return Level.CELL
    return Level.DISTRICT


@dataclass
class Reporter:
    """Một đơn vị phải nộp báo cáo trong kỳ, cấp duyệt và kế hoạch giao chỉ tiêu."""

    unit: OrgUnit
    above: OrgUnit
    plan: Plan
    level: str
    due: dt.date

    @property
    def is_top(self) -> bool:
        return self.unit.pk == self.above.pk


def periods_all() -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.order_by("-ends_on", "kind", "pk"))


def period_or_404(pk) -> ReportingPeriod:
    raw = str(pk)
    period = (ReportingPeriod.objects.filter(pk=int(raw)).first()
              if raw.isdigit() and len(raw) <= 12 else None)
    if period is None:
        raise Http404("Không tìm thấy kỳ báo cáo.")
    return period


def period_in_view(*, on: dt.date) -> ReportingPeriod | None:
    """The period being reported on `on`: the newest one ended by then (the shortest kind
    when several end the same day), else the one `on` falls in."""
    ended = list(ReportingPeriod.objects.filter(ends_on__lte=on).order_by("-ends_on")[:3])
    if ended:
        last = [p for p in ended if p.ends_on == ended[0].ends_on]
        return min(last, key=lambda p: KIND_ORDER.get(p.kind, 9))
    return (ReportingPeriod.objects.filter(starts_on__lte=on, ends_on__gte=on)
            .order_by("ends_on").first())


def _versions(year: int, end: dt.date) -> list[PlanVersion]:
    """Each issued plan of `year`: its version in force on `end`, else its first one."""
    by_plan: dict[int, list[PlanVersion]] = {}
    for v in (PlanVersion.objects.filter(plan__year=year, status__in=IN_FORCE)
              .select_related("plan__unit").order_by("plan_id", "issued_on", "revision")):
        by_plan.setdefault(v.plan_id, []).append(v)
    out = []
    for vs in by_plan.values():
        before = [v for v in vs if v.issued_on <= end]
        out.append(before[-1] if before else vs[0])
    return out


def reporters(*, period: ReportingPeriod) -> list[Reporter]:
    """Every unit that reports in `period`, in tree order (two queries)."""
    versions = _versions(period.year, period.ends_on)
    by_unit: dict[int, Reporter] = {}
    allocs = (Allocation.objects.filter(version__in=versions)
              .select_related("unit", "version__plan__unit"))
    for a in sorted(allocs, key=lambda a: len(a.version.plan.unit.path)):
        if a.unit_id not in by_unit:
            level = level_of(a.unit)
            by_unit[a.unit_id] = Reporter(unit=a.unit, above=a.version.plan.unit,
                                          plan=a.version.plan, level=level,
                                          due=period.due_for(level))
    for v in sorted(versions, key=lambda v: len(v.plan.unit.path)):
        top = v.plan.unit
        if top.pk not in by_unit:
            level = level_of(top)
            by_unit[top.pk] = Reporter(unit=top, above=top, plan=v.plan, level=level,
                                       due=period.due_for(level))
    return sorted(by_unit.values(), key=lambda r: r.unit.path)


def reporter_for(*, period: ReportingPeriod, unit: OrgUnit,
                 every: list[Reporter] | None = None) -> Reporter | None:
    for r in every if every is not None else reporters(period=period):
        if r.unit.pk == unit.pk:
            return r
    return None


def report_of(*, period: ReportingPeriod, unit: OrgUnit) -> PeriodReport | None:
    return (PeriodReport.objects.select_related("unit", "above", "approved_by", "submitted_by",
                                                "period")
            .filter(period=period, unit=unit).first())


def report_or_404(user, *, period: ReportingPeriod, code: str) -> tuple[OrgUnit, Reporter]:
    """The unit (in the user's scope) and its place among the period's reporters; 404 for
    a unit outside the scope or one that does not report in this period."""
    unit = get_unit_or_404(user, (code or "")[:32])
    reporter = reporter_for(period=period, unit=unit)
    if reporter is None:
        raise Http404("Đơn vị này không có chỉ tiêu trong kỳ báo cáo.")
    return unit, reporter


def _can(user, unit: OrgUnit, role: str = Role.VIEWER) -> bool:
    """`scope.can`, with None (a command, the demo) allowed everything."""
    return user is None or can(user, unit, role)


def may_edit(user, reporter: Reporter) -> bool:
    return _can(user, reporter.unit, Role.EDITOR)


def may_review(user, reporter: Reporter) -> bool:
    """Cấp trên duyệt: an approver on the unit that allocated to it (on itself, at the top)."""
    return _can(user, reporter.above, Role.APPROVER)


# --- completeness ----------------------------------------------------------------------------


STATE_LABELS = {"da_nop": "Đã nộp", "da_duyet": "Đã duyệt", "chua_nop": "Chưa nộp",
                "qua_han": "Quá hạn"}


@dataclass
class LevelRow:
    """Một cấp trong bảng tình hình nộp báo cáo."""

    level: str
    label: str
    due: dt.date
    total: int = 0
    submitted: list = field(default_factory=list)  # (Reporter, status) submitted or approved
    approved: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # not submitted (draft, returned, reopened)
    overdue: list = field(default_factory=list)  # missing and past the due date

    def units(self, state: str) -> list:
        return {"da_nop": self.submitted, "da_duyet": self.approved, "chua_nop": self.missing,
                "qua_han": self.overdue}.get(state, [])


@dataclass
class Completeness:
    """Tình hình nộp báo cáo của các đơn vị cấp dưới trong một kỳ, tính đến ngày."""

    period: ReportingPeriod
    unit: OrgUnit
    as_of: dt.date
    levels: list[LevelRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.levels)

    @property
    def overdue(self) -> int:
        return sum(len(r.overdue) for r in self.levels)

    @property
    def submitted(self) -> int:
        return sum(len(r.submitted) for r in self.levels)

    @property
    def approved(self) -> int:
        return sum(len(r.approved) for r in self.levels)


def completeness(*, user, period: ReportingPeriod, unit: OrgUnit, as_of: dt.date,
                 every: list[Reporter] | None = None) -> Completeness:
    """The reporters under `unit` (not itself) that the user may see, per level, with what
    they have done by `as_of` (three queries, whatever the number of units)."""
    every = reporters(period=period) if every is None else every
    mine = [r for r in every if r.unit.path.startswith(unit.path) and r.unit.pk != unit.pk
            and _can(user, r.unit)]
    statuses = dict(PeriodReport.objects.filter(period=period, unit__in=[r.unit for r in mine])
                    .values_list("unit_id", "status"))
    rows = {lv: LevelRow(level=lv, label=Level(lv).label, due=period.due_for(lv))
            for lv in LEVEL_ORDER}
    for r in mine:
        row = rows[r.level]
        row.total += 1
        status = statuses.get(r.unit.pk, "")
        pair = (r, status)
        if status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
            row.submitted.append(pair)
            if status == ReportStatus.APPROVED:
                row.approved.append(pair)
        else:
            row.missing.append(pair)
            if as_of > r.due:
                row.overdue.append(pair)
    return Completeness(period=period, unit=unit, as_of=as_of,
                        levels=[rows[lv] for lv in LEVEL_ORDER if rows[lv].total])


# --- the report page ---------------------------------------------------------------------------


@dataclass
class Lower:
    """Báo cáo của các đơn vị trực thuộc (theo cây giao chỉ tiêu), để tổng hợp."""

    approved: list = field(default_factory=list)  # PeriodReport
    not_approved: list = field(default_factory=list)  # (Reporter, status label)


def lower_reports(*, period: ReportingPeriod, unit: OrgUnit,
                  every: list[Reporter] | None = None) -> Lower:
    """The reports of the units `unit` allocated to: the approved ones (quoted in its own
    report) and the names of those not approved yet."""
    every = reporters(period=period) if every is None else every
    below = [r for r in every if r.above.pk == unit.pk and not r.is_top]
    reports = {p.unit_id: p for p in PeriodReport.objects.filter(
        period=period, unit__in=[r.unit for r in below]).select_related("unit", "approved_by")}
    out = Lower()
    for r in below:
        p = reports.get(r.unit.pk)
        if p is not None and p.status == ReportStatus.APPROVED:
            out.approved.append(p)
        else:
            out.not_approved.append((r, p.get_status_display() if p else "Chưa nộp"))
    return out


@dataclass
class Pending:
    """Báo cáo của chính đơn vị cần làm (chưa nộp, bị trả lại, mở lại)."""

    period: ReportingPeriod
    unit: OrgUnit
    status: str
    status_label: str
    due: dt.date
    overdue: bool


def pending_for(*, user, unit: OrgUnit, period: ReportingPeriod | None, as_of: dt.date,
                every: list[Reporter] | None = None) -> list[Pending]:
    """The unit's own report to submit in `period` (when its period has ended or is due),
    and its reports returned or reopened in any period, for the home page."""
    out: list[Pending] = []
    seen: set[int] = set()
    if period is not None and _can(user, unit, Role.EDITOR):
        every = reporters(period=period) if every is None else every
        r = reporter_for(period=period, unit=unit, every=every)
        if r is not None:
            p = PeriodReport.objects.filter(period=period, unit=unit).first()
            status = p.status if p else ReportStatus.DRAFT
            if status in EDITABLE:
                out.append(Pending(period=period, unit=unit, status=status,
                                   status_label=ReportStatus(status).label, due=r.due,
                                   overdue=as_of > r.due))
                seen.add(period.pk)
    if _can(user, unit, Role.EDITOR):
        for p in (PeriodReport.objects.filter(unit=unit, status__in=(ReportStatus.RETURNED,
                                                                     ReportStatus.REOPENED))
                  .exclude(period_id__in=seen).select_related("period")[:5]):
            level = level_of(unit)
            due = p.period.due_for(level)
            out.append(Pending(period=p.period, unit=unit, status=p.status,
                               status_label=p.get_status_display(), due=due,
                               overdue=as_of > due))
    return out


@dataclass
class ReportPage:
    """Trang báo cáo của một đơn vị trong một kỳ."""

    report: PeriodReport | None
    status: str
    status_label: str
    figures: dict | None  # the frozen snapshot, or the figures as they stand (live)
    live: bool
    draft: str
    actions: list
    lower: Lower
    can_edit: bool
    can_review: bool
    can_reopen: bool
    overdue: bool


def report_page(*, user, period: ReportingPeriod, reporter: Reporter,
                report: PeriodReport | None, as_of: dt.date) -> ReportPage:
    """What the report page shows and offers `user` (the services judge again on POST)."""
    from .services import draft_narrative, figures

    status = report.status if report else ReportStatus.DRAFT
    editable = status in EDITABLE
    can_edit = editable and may_edit(user, reporter)
    reviewer = report is not None and may_review(user, reporter)
    frozen = report is not None and report.snapshot and not editable
    draft = ""
    if can_edit:
        draft = (report.narrative if report and report.narrative
                 else draft_narrative(period=period, reporter=reporter))
    return ReportPage(
        report=report, status=status, status_label=ReportStatus(status).label,
        figures=report.snapshot if frozen else figures(period=period, reporter=reporter),
        live=not frozen, draft=draft,
        actions=list(report.actions.select_related("by").order_by("at", "pk")) if report else [],
        lower=lower_reports(period=period, unit=reporter.unit),
        can_edit=can_edit,
        can_review=reviewer and status == ReportStatus.SUBMITTED,
        can_reopen=reviewer and status == ReportStatus.APPROVED,
        overdue=editable and as_of > reporter.due,
    )


@dataclass
class HomeWork:
    """Phần “Báo cáo định kỳ” của trang Việc cần làm."""

    period: ReportingPeriod | None
    completeness: Completeness | None  # for a committee: its subordinate units
    pending: list[Pending] = field(default_factory=list)


def home_work(*, user, unit: OrgUnit, as_of: dt.date) -> HomeWork | None:
    """The period being reported on `as_of`, the completeness under `unit` (a committee),
    and the unit's own reports to submit or correct; None when there is nothing to say.
    A fixed number of queries, whatever the number of units."""
    period = period_in_view(on=as_of)
    every = reporters(period=period) if period is not None else None
    table = None
    if period is not None and unit.kind not in CELL_KINDS:
        table = completeness(user=user, period=period, unit=unit, as_of=as_of, every=every)
        if not table.levels:
            table = None
    pending = pending_for(user=user, unit=unit, period=period, as_of=as_of, every=every)
    if table is None and not pending:
        return None
    return HomeWork(period=period, completeness=table, pending=pending)


# --- the API's list ----------------------------------------------------------------------------


@dataclass
class ReportRow:
    """Một đơn vị phải báo cáo trong kỳ và tình trạng báo cáo của nó (danh sách của API)."""

    reporter: Reporter
    report: PeriodReport | None
    as_of: dt.date

    @property
    def status(self) -> str:
        return self.report.status if self.report else ReportStatus.DRAFT

    @property
    def overdue(self) -> bool:
        return self.status in EDITABLE and self.as_of > self.reporter.due


def report_rows(*, user, period: ReportingPeriod, unit: OrgUnit | None, as_of: dt.date,
                status: str | None = None) -> list[ReportRow]:
    """Every unit that reports in `period`, inside `unit` (itself included) and the user's
    scope, with its report or None when it has not started one (three queries)."""
    every = [r for r in reporters(period=period) if _can(user, r.unit)
             and (unit is None or r.unit.path.startswith(unit.path))]
    reports = {p.unit_id: p for p in PeriodReport.objects.filter(
        period=period, unit__in=[r.unit for r in every]).select_related("submitted_by",
                                                                        "approved_by")}
    rows = [ReportRow(reporter=r, report=reports.get(r.unit.pk), as_of=as_of) for r in every]
    return [row for row in rows if not status or row.status == status]
