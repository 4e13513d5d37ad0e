"""The day's work (việc cần làm): what the home page shows a user, by role and scope.

`todo_for(user, as_of)` reads, for the top unit of the user's scope:
- the plan's key figures for that unit (the dashboard's selector `plans.in_view`), and for
  a committee the subordinate units at risk;
- the deadlines in scope, overdue or due within 15 working days, as the reminders digest
  (`reminders.selectors.digest_for`) has them: for a cell its candidates, one line each
  with who must act; for a committee a line per subordinate unit with its counts;
- the year's ratings completion (cells that have entered ratings / cells in scope);
- transfers waiting to be received and the user's own imports waiting to be saved;
- the period reports: for a committee, how its subordinate units stand in the period being
  reported; the unit's own report to submit, or returned to it (`periods.selectors`).

Every part is a fixed number of queries, whatever the number of units or people in scope.
Dates are passed in; nothing here reads "today".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import Q
from django.http import Http404

from dangvien.accounts.scope import scope_roots
from dangvien.admission.deadlines import DeadlineItem
from dangvien.core.errors import DomainError
from dangvien.org.models import CELL_KINDS, OrgUnit, UnitKind
from dangvien.periods.selectors import home_work
from dangvien.ratings.selectors import Completion, rating_completion
from dangvien.reminders.selectors import Digest, digest_for

#: Lines shown per list; the rest are behind "Xem tất cả".
SHOWN = 8


class Level:
    """Cấp của người dùng trên trang Việc cần làm."""

    CELL = "chi_bo"
    COMMITTEE = "cap_uy"  # grassroots committee, district, bloc
    PROVINCE = "tinh"


@dataclass
class Figures:
    """Số liệu chính của kế hoạch cho đơn vị: 46 / 150 · 30,7% · chậm tiến độ."""

    plan: object
    unit: OrgUnit
    day: dt.date
    total: object  # plans.progress.Progress
    at_risk: list = field(default_factory=list)  # Progress rows of subordinate units


@dataclass
class Todo:
    """Việc cần làm của một người dùng tại một ngày."""

    level: str
    unit: OrgUnit | None
    as_of: dt.date
    figures: Figures | None = None
    no_plan: str = ""
    digest: Digest | None = None
    #: Units with something due beyond those the page lists.
    more_units: int = 0
    items: list[DeadlineItem] = field(default_factory=list)
    deadline_error: str = ""
    ratings: Completion | None = None  # of `rating_year`, as the ratings report counts
    rating_year: int = 0
    transfers: int = 0
    imports: list = field(default_factory=list)
    periods: object = None  # periods.selectors.HomeWork: the period reports to do

    @property
    def shown_items(self) -> list[DeadlineItem]:
        return self.items[:SHOWN]

    @property
    def overdue(self) -> int:
        return self.digest.overdue if self.digest else 0

    @property
    def due_soon(self) -> int:
        return self.digest.due_soon if self.digest else 0


@dataclass(frozen=True)
class CompletenessCounts:
    """Tình hình nộp báo cáo của đơn vị cấp dưới, chỉ các con số trang Việc cần làm hiện."""

    period: object  # periods.models.ReportingPeriod
    unit: OrgUnit
    total: int
    submitted: int
    approved: int
    overdue: int

    @classmethod
    def of(cls, table) -> CompletenessCounts:
        return cls(period=table.period, unit=table.unit, total=table.total,
                   submitted=table.submitted, approved=table.approved, overdue=table.overdue)


def level_of(unit: OrgUnit | None) -> str:
    if unit is None or unit.kind in CELL_KINDS:
        return Level.CELL
    if unit.kind == UnitKind.PROVINCE or unit.depth == 1:
        return Level.PROVINCE
    return Level.COMMITTEE


def rating_year(on: dt.date) -> int:
    """The year whose ratings are being entered on `on`: ratings are made at the year's
    end (from November) and finished in the first months of the next year."""
    return on.year if on.month >= 11 else on.year - 1


def _figures(user, unit: OrgUnit, on: dt.date, explicit: bool) -> tuple[Figures | None, str]:
    from dangvien.plans.in_view import NoPlan, progress_in_view
    from dangvien.plans.progress import order_key, progress_table

    try:
        view = progress_in_view(user, unit=unit.code, on=on, explicit=explicit)
    except NoPlan as exc:
        return None, exc.message
    except Http404:
        return None, (f"Kế hoạch phát triển đảng viên năm {on.year} không giao chỉ tiêu cho "
                      f"{unit.name}.")
    table = progress_table(plan=view.plan, unit=view.unit, as_of=view.day, user=user)
    return Figures(plan=view.plan, unit=view.unit, day=view.day, total=table.total,
                   at_risk=sorted(table.at_risk, key=order_key)), ""


def _transfers(user) -> int:
    from dangvien.people.models import Transfer, TransferStatus

    return Transfer.objects.incoming_for(user).filter(status=TransferStatus.PENDING).count()


def _imports(user) -> list:
    from dangvien.exchange.models import ACTIVE, ImportJob, JobStatus

    waiting = Q(status__in=ACTIVE) | Q(status=JobStatus.CHECKED)
    return list(ImportJob.objects.filter(waiting, user=user)
                .only("pk", "kind", "file_name", "status", "rows", "created_at")
                .order_by("-pk")[:SHOWN])


def todo_for(user, *, as_of: dt.date, explicit: bool = False) -> Todo:
    """What `user` has to do as of `as_of` (see the module's docstring).

    Everything but the user's own transfers and imports is the same for every user with
    the same rights, so it is a fragment (`core.fragments`) keyed by the user's scope at
    every role, the day and the data versions of both areas (ratings completion is in it).
    """
    from dangvien.core.fragments import AREAS, cached, rights_key

    todo = cached("todo", scope=rights_key(user), parts=(as_of.isoformat(), explicit),
                  compute=lambda: _shared_todo(user, as_of=as_of, explicit=explicit),
                  areas=AREAS)
    if todo.unit is not None:
        todo.transfers = _transfers(user)
        todo.imports = _imports(user)
    return todo


def _shared_todo(user, *, as_of: dt.date, explicit: bool) -> Todo:
    unit = scope_roots(user).first()
    todo = Todo(level=level_of(unit), unit=unit, as_of=as_of)
    if unit is None:
        return todo
    todo.figures, todo.no_plan = _figures(user, unit, as_of, explicit)
    cell = todo.level == Level.CELL
    try:
        todo.digest = digest_for(user, as_of=as_of, items_per_unit=None if cell else 0,
                                 explicit_date=explicit, responsible_only=False)
    except DomainError as exc:
        todo.deadline_error = exc.message
    if cell and todo.digest:
        todo.items = sorted((i for u in todo.digest.units for i in u.items),
                            key=DeadlineItem.sort_key)
    elif todo.digest:
        # A phone's screen, not the whole district: the most overdue units first.
        units = sorted(todo.digest.units, key=lambda u: (-u.overdue, -u.total, u.code))
        todo.more_units = max(len(units) - SHOWN, 0)
        todo.digest = replace(todo.digest, units=units[:SHOWN])
    todo.rating_year = rating_year(as_of)
    todo.ratings = rating_completion(unit=unit, year=todo.rating_year)
    todo.periods = home_work(user=user, unit=unit, as_of=as_of)
    if todo.periods is not None and todo.periods.completeness is not None:
        # The page shows the counts only; hundreds of rows need not be cached.
        todo.periods = replace(todo.periods,
                               completeness=CompletenessCounts.of(todo.periods.completeness))
    return todo
