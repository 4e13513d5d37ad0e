"""The demo's candidate pipeline and admission history, 2020 to 31/12/2022 (DATA_DATE).

Three steps, all in memory before anything is written:

1. `plan_admissions` (no database): for each committee and year, how many admission
   decisions (quyết định kết nạp) and on which days, with the seasonal peaks before
   3/2, 19/5 and 2/9 and the year-end push; which cell each one falls in; which few
   are late on purpose (deadline pages need overdue cases); and the candidacies that
   end without admission (withdrawn, refused, certificate lapsed). Kim Bôi's numbers
   are fixed: exactly 46 decisions from 01/01 to 31/05/2022 (scaled at `--scale`
   below 1), about 150 in 2022, and its 2021 target reached by the end of October.
   Decisions of 2023 and the first half of 2024 are planned too, only so that the
   people who will be admitted then are already sources, in class or proposed on
   31/12/2022; nothing dated after DATA_DATE is ever written. `extend_admissions`
   plans the years after that (`dangvien demo --through-2025`, `demo.through2025`)
   with the same planner and its own random stream, so the plan above never changes.
2. `PathMaker.make`: every slot becomes a `Path`, the candidate's whole route with its
   dates (identified, awareness class, dossier forms, introducers' letters, cell and
   grassroots resolutions, decision, ceremony, new-member class, recognition), chosen
   so that each step satisfies what the services check (dates in order, age 18–60 in
   months on the cell's day, certificate valid that day, one or two introducers known
   for 12 months, ceremony within 30 working days unless an override reason is
   recorded, recognition within 30 working days unless flagged late).
3. `number_documents`: resolution and decision numbers in the party style
   ("12-NQ/CB", "45-NQ/ĐU", "311-QĐ/HU", "…-QĐ/TU" for the Thành ủy, "…-QĐ/ĐU" for
   the Quân sự, Công an and Khối committees), increasing through each unit's year, so
   they are unique per unit and year; admission, recognition and removal decisions
   share one series per committee, as in a real register.

The builder turns the paths into rows (`builder._write_admissions`).
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from dangvien.admission.models import Source, Stage, UnionRoute
from dangvien.core.dates import add_months, months_between
from dangvien.org.models import UnitKind
from dangvien.people.choices import Occupation

from . import names as N

#: The day the demo's tree and member totals describe ("as of 31/05/2022").
REF_DATE = dt.date(2022, 5, 31)
#: The demo's data date: no event, form or decision is dated after it.
DATA_DATE = dt.date(2022, 12, 31)
FIRST_YEAR = 2020
#: QĐ 24-QĐ/TW takes effect: the first seeded rule set.
QD24_FROM = dt.date(2021, 7, 30)

KB = "KB"
#: Kim Bôi, 2022: target 150, 46 admitted after five months (30,7%), as the press reported.
KB_JAN_MAY_2022 = 46
KB_JAN_MAY_END = dt.date(2022, 5, 31)
#: Kim Bôi's targets (chỉ tiêu). 2022 is the published one; 2021 is the demo's own.
KB_TARGETS = {2021: 140, 2022: 150}
#: In 2021 Kim Bôi reached its target two months early.
KB_2021_REACHED_BY = dt.date(2021, 10, 31)

#: Admission decisions a year for the whole province at scale 1 (Kim Bôi's included).
#: 2025 and 2026 serve only `--through-2025` (the former Kim Bôi area from July 2025).
PROVINCE_DECISIONS = {2020: 1612, 2021: 1738, 2022: 1694, 2023: 1705, 2024: 1720,
                      2025: 1688, 2026: 1710}
KB_DECISIONS = {2020: 139, 2021: 152, 2022: 151, 2023: 158, 2024: 160, 2025: 154, 2026: 157}
#: 2024 is planned only up to 30/06: those candidates are sources on 31/12/2022.
LAST_PLANNED = dt.date(2024, 6, 30)
#: Share of a year's decisions taken by 30/06, when a year is planned only that far.
FIRST_HALF = 0.42
#: Admissions per member relative to the province: soldiers and police admit more.
COMMITTEE_FACTOR = {N.QS: 1.7, N.CA: 1.3, N.KCQ: 0.75, "HB": 0.85}

#: Lunar New Year's day (mùng 1 Tết): little is decided in the days around it.
TET = {
    2016: dt.date(2016, 2, 8), 2017: dt.date(2017, 1, 28), 2018: dt.date(2018, 2, 16),
    2019: dt.date(2019, 2, 5), 2020: dt.date(2020, 1, 25), 2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1), 2023: dt.date(2023, 1, 22), 2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29), 2026: dt.date(2026, 2, 17),
}
#: Ceremonies are held on the anniversaries when the decision allows: Party founding
#: (3/2), President Hồ Chí Minh's birthday (19/5), National Day (2/9).
ANNIVERSARIES = ((2, 3), (5, 19), (9, 2))

#: Candidacy outcomes planned besides admission.
ADMIT, WITHDRAWN, REFUSED, LAPSED = "admit", "withdrawn", "refused", "lapsed"
#: Deliberately late cases, so the deadline pages have something to show.
LATE_RECOGNITION = "late_recognition"  # recognised after 31/05/2022, long overdue then
NO_RECOGNITION = "no_recognition"  # probation ended, still not recognised on DATA_DATE
LATE_DECISION_REF = "late_decision_ref"  # decision pending > 60 working days on 31/05/2022
LATE_DECISION_END = "late_decision_end"  # pending > 60 working days on 31/12/2022
LATE_CEREMONY = "late_ceremony"  # ceremony after 30 working days, with an override reason
LATE_CEREMONY_REF = "late_ceremony_ref"  # …and still not held on 31/05/2022
REMOVED = "removed"  # probationary member removed (xóa tên)
LATE_DECISION_2025 = "late_decision_2025"  # pending > 60 working days on 31/12/2025
#: The cell's day of a deliberately late decision (the decision falls months later).
LATE_CELL_DAYS = {
    LATE_DECISION_REF: (dt.date(2022, 1, 5), dt.date(2022, 2, 14)),
    LATE_DECISION_END: (dt.date(2022, 7, 1), dt.date(2022, 9, 15)),
    LATE_DECISION_2025: (dt.date(2025, 7, 1), dt.date(2025, 9, 15)),
}

ONE_DAY = dt.timedelta(days=1)


class WorkingDays(Protocol):
    """What the demo needs of `dangvien.core.calendar` (the module itself fits)."""

    def is_working_day(self, day: dt.date) -> bool: ...
    def add_working_days(self, start: dt.date, n: int) -> dt.date: ...
    def working_days_between(self, start: dt.date, end: dt.date) -> int: ...


def scaled(count: int, scale: float) -> int:
    return count if scale >= 1 else round(count * scale)


def kb_jan_may_target(scale: float = 1.0) -> int:
    """Kim Bôi's admission decisions dated 01/01–31/05/2022 in the demo at `scale`."""
    return scaled(KB_JAN_MAY_2022, scale)


def _days(a: dt.date, b: dt.date):
    day = a
    while day <= b:
        yield day
        day += ONE_DAY


#: Days on which nobody decides admissions: the district committees' last week and the
#: new committees' first (the 2025 reorganisation, `--through-2025`).
QUIET = (dt.date(2025, 6, 26), dt.date(2025, 7, 7))


def _season(day: dt.date) -> float:
    """How busy a standing board is with admissions on `day` (1 = an ordinary day)."""
    if QUIET[0] <= day <= QUIET[1]:
        return 0.0
    y = day.year
    tet = TET.get(y, dt.date(y, 2, 1))
    if tet - dt.timedelta(days=3) <= day <= tet + dt.timedelta(days=10):
        return 0.3
    if dt.date(y, 1, 6) <= day <= dt.date(y, 2, 2):
        return 2.2  # before 3/2
    if dt.date(y, 4, 20) <= day <= dt.date(y, 5, 18):
        return 2.0  # before 19/5
    if dt.date(y, 8, 5) <= day <= dt.date(y, 9, 1):
        return 2.0  # before 2/9
    if dt.date(y, 11, 10) <= day <= dt.date(y, 12, 28):
        return 2.4  # year-end push
    return 1.0


# --- the plan ----------------------------------------------------------------------


@dataclass(eq=False)
class Slot:
    """One planned candidacy: its cell and the day its admission decision is (or would be)."""

    kind: str
    committee: Any  # builder._Unit: the deciding committee (đảng bộ trực thuộc Tỉnh ủy)
    grassroots: Any  # the grassroots organisation (the cell itself for a chi bộ cơ sở)
    cell: Any
    decided_on: dt.date | None
    flag: str = ""


@dataclass
class AdmissionPlan:
    """Every candidacy of the demo, planned in memory."""

    slots: list[Slot]  # admissions, by decision date
    extras: list[Slot]  # withdrawn, refused, lapsed
    scale: float
    meetings: dict[str, tuple[int, ...]] = field(default_factory=dict)  # weekdays, per committee

    def decisions(self, code: str, start: dt.date, end: dt.date) -> int:
        """Admission decisions of committee `code` dated start..end (both included)."""
        return sum(
            1 for s in self.slots
            if s.committee.code == code and start <= s.decided_on <= end
        )

    def by_year(self, code: str | None = None) -> dict[int, int]:
        out: dict[int, int] = {}
        for s in self.slots:
            if s.decided_on <= DATA_DATE and (code is None or s.committee.code == code):
                out[s.decided_on.year] = out.get(s.decided_on.year, 0) + 1
        return out


def _committee_members() -> dict[str, int]:
    out = {spec.code: spec.members for spec in N.DISTRICTS}
    out.update({code: members for code, _name, members in N.OTHER_COMMITTEES})
    return out


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` shared in proportion to `weights` (largest remainder; ties by key order)."""
    whole = sum(weights.values())
    raw = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = total - sum(out.values())
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], k))[:rest]:
        out[k] += 1
    return out


def yearly_decisions(year: int) -> dict[str, int]:
    """Admission decisions of each committee in `year` at scale 1."""
    members = _committee_members()
    weights = {code: m * COMMITTEE_FACTOR.get(code, 1.0) for code, m in members.items() if code != KB}
    out = _split(PROVINCE_DECISIONS[year] - KB_DECISIONS[year], weights)
    out[KB] = KB_DECISIONS[year]
    return out


def _periods(code: str, year: int, total: int, last: dt.date = LAST_PLANNED
             ) -> list[tuple[dt.date, dt.date, int]]:
    """The year cut into periods with a fixed count each (cumulative at scale 1).

    `last` (a 30 June) is the end of planning: its year gets only its first half."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if end > last:
        return [(start, last, round(total * FIRST_HALF))]
    if year == LAST_PLANNED.year:  # planned further: the first half stays as it was
        return [(start, LAST_PLANNED, round(total * FIRST_HALF)),
                (LAST_PLANNED + ONE_DAY, end, total)]
    if code == KB and year == 2022:
        return [(start, KB_JAN_MAY_END, KB_JAN_MAY_2022), (KB_JAN_MAY_END + ONE_DAY, end, total)]
    if code == KB and year == 2021:
        by_oct = KB_TARGETS[2021] + 1
        return [(start, KB_2021_REACHED_BY, by_oct), (KB_2021_REACHED_BY + ONE_DAY, end, total)]
    return [(start, end, total)]


#: How readily a kind of cell admits (young soldiers and police most, retirees' streets least).
_CELL_FACTOR = {
    "village": 1.0, "street": 0.45, "commune_office": 1.0, "commune_school": 1.2,
    "commune_police": 1.6, "commune_military": 1.6, "school": 1.2, "high_school": 1.3,
    "office": 0.8, "health": 1.1, "state_enterprise": 1.1, "private_enterprise": 1.4,
    "military": 1.6, "police": 1.5, "army": 2.2, "province_police": 1.4,
    "province_office": 0.7, "province_agency": 0.8,
}
#: Members a cell keeps who were official before 2020 (its introducers).
KEEP_LEGACY = 3


def committee_cells(committee) -> list[tuple[Any, Any]]:
    """(cell, grassroots organisation) of a committee, in tree order."""
    out = []
    for grassroots in committee.children:
        if grassroots.profile is not None:
            out.append((grassroots, grassroots))
        else:
            out.extend((cell, grassroots) for cell in grassroots.children if cell.profile is not None)
    return out


class _CellPicker:
    """Weighted choice of a committee's cell; cells keep KEEP_LEGACY older members."""

    def __init__(self, committee, rng: random.Random):
        self.rng = rng
        self.cells = committee_cells(committee)
        weights = [c.members * _CELL_FACTOR.get(c.profile.key, 1.0) for c, _ in self.cells]
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.room = {id(c): max(0, c.members - KEEP_LEGACY) for c, _ in self.cells}

    def pick(self, *, admitted_by_ref: bool) -> tuple[Any, Any] | None:
        if not self.cells:
            return None
        for _ in range(200):
            cell, grassroots = self.rng.choices(self.cells, cum_weights=self.cum)[0]
            if not admitted_by_ref:
                return cell, grassroots
            if self.room[id(cell)] > 0:
                self.room[id(cell)] -= 1
                return cell, grassroots
        for cell, grassroots in self.cells:  # nearly full: the first with room
            if self.room[id(cell)] > 0:
                self.room[id(cell)] -= 1
                return cell, grassroots
        raise AssertionError(f"no room for another admission in {self.cells[0][1].name}")


def _meeting_days(is_working_day: Callable[[dt.date], bool], weekdays: tuple[int, ...],
                  start: dt.date, end: dt.date) -> list[dt.date]:
    return [d for d in _days(start, end) if d.weekday() in weekdays and is_working_day(d)]


def _decisions(committees, pickers: dict, meetings: dict, rng: random.Random, *, years,
               scale: float, is_working_day: Callable[[dt.date], bool],
               last: dt.date = LAST_PLANNED, after: dt.date | None = None) -> list[Slot]:
    """The admission slots of `years` (planned up to `last`; periods ending on or before
    `after` were planned already and are only counted), by decision date."""
    slots: list[Slot] = []
    for year in years:
        totals = yearly_decisions(year)
        for committee in committees:
            code = committee.code
            done = 0
            for start, end, cumulative in _periods(code, year, totals[code], last):
                want = scaled(cumulative, scale) - done
                done += want
                if want <= 0 or (after is not None and end <= after):
                    continue
                days = _meeting_days(is_working_day, meetings[code], start, end)
                for day in sorted(rng.choices(days, weights=[_season(d) for d in days], k=want)):
                    picked = pickers[code].pick(admitted_by_ref=day <= REF_DATE)
                    if picked is None:
                        continue
                    slots.append(Slot(ADMIT, committee, picked[1], picked[0], day))
    slots.sort(key=lambda s: (s.decided_on, s.committee.path, s.cell.path))
    return slots


def _flagger(slots: list[Slot], rng: random.Random) -> Callable[..., None]:
    """flag(name, count, start, end, code=None): mark `count` unflagged slots decided
    start..end (of committee `code`) as deliberately late or removed."""
    def flag(name: str, count: int, start: dt.date, end: dt.date, code: str | None = None) -> None:
        eligible = [s for s in slots if not s.flag and start <= s.decided_on <= end
                    and (code is None or s.committee.code == code)]
        for s in rng.sample(eligible, min(count, len(eligible))):
            s.flag = name
    return flag


def _at_least(n: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(n * scale)) if scale < 1 else n


def _extra_maker(committees, pickers: dict, rng: random.Random,
                 is_working_day: Callable[[dt.date], bool], extras: list[Slot]):
    """extra(kind, start, end): one candidacy of a committee (weighted by its members)
    that ends without admission, planned on a working day start..end."""
    members = _committee_members()
    weights = [members[c.code] for c in committees]

    def extra(kind: str, start: dt.date, end: dt.date) -> None:
        committee = rng.choices(committees, weights=weights)[0]
        picked = pickers[committee.code].pick(admitted_by_ref=False)
        if picked is None:
            return
        span = (end - start).days
        day = start + dt.timedelta(days=rng.randint(0, span))
        while not is_working_day(day):
            day -= ONE_DAY
        extras.append(Slot(kind, committee, picked[1], picked[0], day))
    return extra


def plan_admissions(plan, *, is_working_day: Callable[[dt.date], bool], scale: float = 1.0,
                    seed: int = 2022) -> AdmissionPlan:
    """Plan every candidacy of the demo from the planned tree (`builder.plan_demo`).

    Needs no database: `is_working_day` is `dangvien.core.calendar.is_working_day` in the
    build, or any calendar's method in a test.
    """
    rng = random.Random(seed * 104_729 + 3)
    committees = list(plan.root.children)
    pickers = {c.code: _CellPicker(c, rng) for c in committees}
    # Each standing board meets on two weekdays; decisions are signed on those days.
    meetings = {c.code: tuple(sorted(rng.sample(range(5), 2))) for c in committees}

    years = [y for y in sorted(PROVINCE_DECISIONS) if y <= LAST_PLANNED.year]
    slots = _decisions(committees, pickers, meetings, rng, years=years, scale=scale,
                       is_working_day=is_working_day)
    flag = _flagger(slots, rng)

    def at_least(n: int, minimum: int = 1) -> int:
        return _at_least(n, scale, minimum)

    late_recognitions = at_least(8, 2)
    flag(NO_RECOGNITION, max(1, late_recognitions // 4), dt.date(2020, 11, 2), dt.date(2021, 2, 10))
    flag(LATE_RECOGNITION, late_recognitions - max(1, late_recognitions // 4),
         dt.date(2020, 11, 2), dt.date(2021, 2, 10))
    flag(LATE_DECISION_REF, at_least(6), dt.date(2022, 6, 6), dt.date(2022, 7, 29))
    flag(LATE_DECISION_END, at_least(4), dt.date(2023, 1, 9), dt.date(2023, 3, 15))
    flag(LATE_CEREMONY_REF, at_least(3), dt.date(2022, 2, 21), dt.date(2022, 3, 25))
    flag(LATE_CEREMONY, at_least(5), dt.date(2020, 3, 2), dt.date(2022, 11, 15))
    flag(REMOVED, at_least(3, 2), dt.date(2020, 5, 4), dt.date(2021, 8, 31))
    # Kim Bôi, the district the demo's story follows, has late cases of its own on 31/05/2022.
    flag(LATE_RECOGNITION, 1, dt.date(2020, 11, 2), dt.date(2021, 2, 10), code="KB")
    flag(LATE_DECISION_REF, 1, dt.date(2022, 6, 6), dt.date(2022, 7, 29), code="KB")

    # Candidacies that end without admission.
    extras: list[Slot] = []
    extra = _extra_maker(committees, pickers, rng, is_working_day, extras)
    for _ in range(at_least(80, 3)):
        extra(WITHDRAWN, dt.date(2020, 3, 2), dt.date(2023, 6, 30))
    for _ in range(at_least(22, 2)):
        extra(REFUSED, dt.date(2020, 2, 10), dt.date(2022, 12, 20))
    for _ in range(at_least(8, 2)):
        extra(LAPSED, dt.date(2017, 6, 5), dt.date(2017, 8, 25))
    return AdmissionPlan(slots, extras, scale, meetings)


def extend_admissions(plan, base: AdmissionPlan, *, is_working_day: Callable[[dt.date], bool],
                      scale: float, seed: int, last: dt.date) -> AdmissionPlan:
    """The candidacies after `base` (planned to LAST_PLANNED): decisions from 01/07/2024 up
    to `last` (a 30 June), a few deliberately late, and candidacies that end without
    admission from mid-2023. Same planner, same meeting days, its own random stream, so
    `base` and everything it leads to stay exactly as they are.
    """
    rng = random.Random(seed * 86_969 + 29)
    committees = list(plan.root.children)
    pickers = {c.code: _CellPicker(c, rng) for c in committees}
    years = range(LAST_PLANNED.year, last.year + 1)
    slots = _decisions(committees, pickers, base.meetings, rng, years=years, scale=scale,
                       is_working_day=is_working_day, last=last, after=LAST_PLANNED)
    flag = _flagger(slots, rng)
    flag(LATE_CEREMONY, _at_least(5, scale), dt.date(2024, 7, 1), dt.date(2025, 11, 14))
    flag(NO_RECOGNITION, _at_least(3, scale), dt.date(2024, 7, 15), dt.date(2024, 9, 30))
    flag(LATE_DECISION_2025, _at_least(4, scale), dt.date(2026, 1, 12), dt.date(2026, 3, 13))
    extras: list[Slot] = []
    extra = _extra_maker(committees, pickers, rng, is_working_day, extras)
    # From April 2024: their cells' days are then late enough that no class of 2022 (when
    # the base demo's data stop) can be theirs.
    for _ in range(_at_least(80, scale, 3)):
        extra(WITHDRAWN, dt.date(2024, 4, 1), dt.date(last.year, 6, 30))
    for _ in range(_at_least(22, scale, 2)):
        extra(REFUSED, dt.date(2024, 4, 1), dt.date(last.year - 1, 12, 18))
    return AdmissionPlan(slots, extras, scale, base.meetings)


# --- training classes ----------------------------------------------------------------


@dataclass(eq=False)
class TClass:
    """A planned training class (lớp bồi dưỡng) of a committee."""

    kind: str  # training.ClassKind value
    committee: Any
    year: int
    number: int  # khóa number within its year
    starts_on: dt.date
    ends_on: dt.date
    students: list = field(default_factory=list)  # Paths, in enrolment order
    row: Any = None
    organiser: Any = None  # who holds it, when not the committee (its successor)
    area: str = ""  # whose candidates, when the organiser is not their committee
    enrolments: dict = field(default_factory=dict)  # id(path) -> Enrolment row, once written

    @property
    def name(self) -> str:
        what = "nhận thức về Đảng" if self.kind == AWARENESS else "đảng viên mới"
        name = f"Lớp bồi dưỡng {what} khóa {self.number} năm {self.year}"
        return f"{name} ({self.area})" if self.area else name

    @property
    def held_by(self):
        return self.organiser or self.committee


AWARENESS, NEW_MEMBER = "nhan_thuc", "dang_vien_moi"


class Classes:
    """Each committee's awareness and new-member classes, a few a year, evenly spread.

    `certificates` counts the certificates given per (committee, kind, year), so a later
    run (`--through-2025`) numbers on where the first stopped."""

    def __init__(self, committees, *, scale: float, rng: random.Random):
        self.rng = rng
        self.scale = scale
        self.by_key: dict[tuple[str, str], list[TClass]] = {}
        self.certificates: dict[tuple, int] = {}
        self._plan(committees, range(2016, 2025), range(2019, 2025))

    def _plan(self, committees, awareness_years, new_member_years) -> None:
        rng = self.rng
        members = _committee_members()
        for committee in committees:
            per_year = min(8, max(3, round(members[committee.code] / 900)))
            if self.scale < 1:
                per_year = max(2, min(per_year, round(per_year * self.scale * 4)))
            for kind, years, count in (
                (AWARENESS, awareness_years, per_year),
                (NEW_MEMBER, new_member_years, max(2, per_year - 1)),
            ):
                classes = []
                for year in years:
                    for i in range(count):
                        month = min(12, max(1, int((i + 0.5) * 12 / count + rng.uniform(-0.4, 0.4)) + 1))
                        start = dt.date(year, month, rng.randint(1, 20))
                        start += dt.timedelta(days=(7 - start.weekday()) % 7)  # a Monday
                        tet = TET.get(start.year)
                        if tet and abs((start - tet).days) < 10:
                            start += dt.timedelta(days=14)
                        classes.append(self._held(TClass(kind, committee, start.year, 0, start,
                                                         start + dt.timedelta(days=4))))
                self._store(committee.code, kind, [*self.by_key.get((committee.code, kind), []),
                                                   *classes])

    @staticmethod
    def _held(klass: TClass) -> TClass:
        """A class starting after its committee closed is held by the committee's successor
        for the committee's former area (the 2025 reorganisation)."""
        committee = klass.committee
        ends_on = getattr(committee, "ends_on", None)
        if ends_on is not None and klass.starts_on >= ends_on:
            klass.organiser, klass.area = committee.successor, committee.area
        return klass

    def extend(self, committees, years, rng: random.Random) -> None:
        """More classes for `years`, drawn from `rng` (the classes planned so far stay)."""
        self.rng = rng
        self._plan(committees, years, years)

    def _store(self, code: str, kind: str, classes: list[TClass]) -> None:
        classes.sort(key=lambda c: c.ends_on)
        counters: dict[int, int] = {}
        for c in classes:
            c.year = c.starts_on.year
            counters[c.year] = counters.get(c.year, 0) + 1
            c.number = counters[c.year]
        self.by_key[(code, kind)] = classes

    def _ends(self, code: str, kind: str) -> list[dt.date]:
        return [c.ends_on for c in self.by_key[(code, kind)]]

    def awareness_for(self, committee, cell_day: dt.date) -> TClass:
        """A class that ended 3 weeks to 13 months before the cell's day (the later, the likelier)."""
        classes = self.by_key[(committee.code, AWARENESS)]
        ends = self._ends(committee.code, AWARENESS)
        hi = bisect_right(ends, cell_day - dt.timedelta(days=21))
        lo = bisect_left(ends, cell_day - dt.timedelta(days=400))
        if hi > lo:
            return self.rng.choice(classes[max(lo, hi - 3):hi])
        if hi > 0 and ends[hi - 1] > add_months(cell_day, -58):
            return classes[hi - 1]
        return self.add(committee, AWARENESS, cell_day - dt.timedelta(days=60))

    def awareness_between(self, committee, start: dt.date, end: dt.date) -> TClass:
        classes = self.by_key[(committee.code, AWARENESS)]
        found = [c for c in classes if start <= c.ends_on <= end]
        if found:
            return self.rng.choice(found)
        return self.add(committee, AWARENESS, start + dt.timedelta(days=(end - start).days // 2))

    def new_member_after(self, committee, day: dt.date, skip: int = 0) -> TClass:
        """The (skip+1)-th new-member class starting on or after `day`."""
        classes = self.by_key[(committee.code, NEW_MEMBER)]
        starts = [c.starts_on for c in classes]
        i = bisect_left(starts, day) + skip
        if i < len(classes):
            return classes[i]
        return self.add(committee, NEW_MEMBER, day + dt.timedelta(days=30))

    def add(self, committee, kind: str, ends_on: dt.date) -> TClass:
        start = ends_on - dt.timedelta(days=ends_on.weekday())  # the Monday of that week
        new = self._held(TClass(kind, committee, start.year, 0, start, start + dt.timedelta(days=4)))
        self._store(committee.code, kind, [*self.by_key[(committee.code, kind)], new])
        return new

    def all(self) -> list[TClass]:
        out = [c for key in sorted(self.by_key) for c in self.by_key[key]]
        return out


# --- paths ---------------------------------------------------------------------------


@dataclass
class Step:
    """One event of a path: stage, day, document number, note, override reason."""

    stage: str
    on: dt.date
    doc: str = ""
    note: str = ""
    override: str = ""


@dataclass(eq=False)
class Path:
    """A candidate's whole route, dates first; rows are made from it after numbering."""

    slot: Slot
    source: str
    union_route: str
    female: bool
    birth: dt.date
    identified_on: dt.date
    awareness: TClass | None = None
    certificate_on: dt.date | None = None
    items: list[tuple[str, dt.date]] = field(default_factory=list)  # admission forms
    letters: list[tuple[dt.date, dt.date]] = field(default_factory=list)  # (known since, letter)
    cell_res_on: dt.date | None = None
    grassroots_res_on: dt.date | None = None
    decided_on: dt.date | None = None
    received_on: dt.date | None = None
    ceremony_on: dt.date | None = None
    ceremony_override: str = ""
    probation_ends_on: dt.date | None = None
    new_member: TClass | None = None
    recognition_items: list[tuple[str, dt.date]] = field(default_factory=list)
    recognised_on: dt.date | None = None  # the recognition decision's date
    closed_stage: str = ""  # WITHDRAWN, REFUSED or REMOVED
    closed_on: dt.date | None = None
    close_reason: str = ""
    # numbers, filled by number_documents
    cell_res_no: str = ""
    grassroots_res_no: str = ""
    decision_no: str = ""
    recognition_no: str = ""
    close_no: str = ""
    recognition_refs: dict[str, str] = field(default_factory=dict)
    certificate_no: str = ""
    # rows, filled by the builder (kept, so a later window brings them up to date)
    person: Any = None
    membership: Any = None
    candidacy: Any = None
    awareness_enrolment: Any = None
    new_member_on: dt.date | None = None  # the new-member class's certificate
    item_rows: list = field(default_factory=list)  # admission forms written so far
    introducer_rows: list = field(default_factory=list)  # Introducer rows written so far

    @property
    def cell(self):
        return self.slot.cell

    @property
    def committee(self):
        return self.slot.committee

    @property
    def class_done_on(self) -> dt.date | None:
        if self.certificate_on is None:
            return None
        return max(self.certificate_on, self.identified_on)

    @property
    def dossier_done_on(self) -> dt.date | None:
        needed = {"1-KNĐ", "2-KNĐ", "TTLL", "5-KNĐ"}
        if self.union_route == UnionRoute.YOUTH_UNION:
            needed.add("4-KNĐ")
        have = {form for form, _ in self.items}
        if self.class_done_on is None or not needed <= have:
            return None
        return max(self.class_done_on, *(on for _, on in self.items))

    @property
    def skips_grassroots(self) -> bool:
        """A chi bộ cơ sở goes straight from the cell's resolution to the decision."""
        return self.slot.grassroots is self.slot.cell

    def steps(self) -> list[Step]:
        """Every event of the path in order, including those after DATA_DATE."""
        out = [Step(Stage.SOURCE, self.identified_on, note=f"Nguồn: {Source(self.source).label}")]
        if self.class_done_on is not None:
            out.append(Step(Stage.CLASS_DONE, self.class_done_on))
        if self.dossier_done_on is not None:
            out.append(Step(Stage.DOSSIER_DONE, self.dossier_done_on))
        if self.cell_res_on is not None:
            out.append(Step(Stage.CELL_PROPOSED, self.cell_res_on, self.cell_res_no))
        if self.grassroots_res_on is not None:
            out.append(Step(Stage.GRASSROOTS_PROPOSED, self.grassroots_res_on, self.grassroots_res_no))
        if self.decided_on is not None:
            out.append(Step(Stage.DECIDED, self.decided_on, self.decision_no))
        if self.ceremony_on is not None:
            out.append(Step(Stage.ON_PROBATION, self.ceremony_on, override=self.ceremony_override))
        if self.recognised_on is not None:
            out.append(Step(Stage.RECOGNISED, self.recognised_on, self.recognition_no))
        if self.closed_stage:
            out.append(Step(self.closed_stage, self.closed_on, self.close_no, self.close_reason))
        return out

    def steps_until(self, day: dt.date) -> list[Step]:
        return [s for s in self.steps() if s.on <= day]

    def stage_on(self, day: dt.date) -> str | None:
        steps = self.steps_until(day)
        return steps[-1].stage if steps else None


#: Sources by kind of cell: the Youth Union most, then unions and associations.
_Y, _T, _W, _F, _V, _O = (Source.YOUTH_UNION, Source.TRADE_UNION, Source.WOMEN, Source.FARMERS,
                          Source.VETERANS, Source.OTHER)
_SOURCES = {
    "village": ((_Y, 40), (_T, 5), (_W, 21), (_F, 24), (_V, 8), (_O, 2)),
    "street": ((_Y, 34), (_T, 22), (_W, 22), (_F, 2), (_V, 12), (_O, 8)),
    "work": ((_Y, 44), (_T, 50), (_W, 4), (_O, 2)),
    "armed": ((_Y, 92), (_T, 6), (_O, 2)),
}
#: Age on the cell's day (lowest, highest, most common) by source.
_AGES = {
    _Y: (18.1, 30.8, 22.0), _T: (23.0, 48.0, 30.0), _W: (21.0, 50.0, 31.0),
    _F: (22.0, 55.0, 33.0), _V: (32.0, 58.0, 44.0), _O: (20.0, 55.0, 30.0),
}

WITHDRAWN_REASONS = (
    "Đi làm ăn xa, không còn sinh hoạt tại địa phương.",
    "Chuyển công tác ra ngoài tỉnh.",
    "Xin dừng phấn đấu vì hoàn cảnh gia đình khó khăn.",
    "Đi lao động có thời hạn ở nước ngoài.",
    "Vi phạm chính sách dân số - kế hoạch hóa gia đình.",
    "Chưa gương mẫu ở nơi cư trú; chi bộ đưa ra khỏi danh sách nguồn, tiếp tục bồi dưỡng.",
)
REFUSED_REASONS = (
    "Kết quả thẩm tra lý lịch chưa làm rõ được lịch sử chính trị của người thân.",
    "Còn ý kiến phản ánh ở nơi cư trú chưa được xác minh, làm rõ.",
    "Lý lịch khai chưa đầy đủ, chưa được xác nhận đúng thẩm quyền.",
)
REMOVED_REASONS = (
    "Trong thời gian dự bị bỏ sinh hoạt đảng 3 tháng trong năm không có lý do chính đáng.",
    "Vi phạm tư cách đảng viên trong thời gian dự bị; chi bộ không đề nghị công nhận chính thức.",
    "Không đóng đảng phí 3 tháng trong năm không có lý do chính đáng.",
    "Tự ý đi làm ăn xa, không báo cáo chi bộ, không giữ liên lạc với tổ chức đảng.",
)
LATE_CEREMONY_REASONS = (
    "Quần chúng được cử đi học tập, công tác dài ngày; cấp ủy cấp trên đồng ý lùi thời gian "
    "tổ chức lễ kết nạp.",
    "Quần chúng ốm phải điều trị dài ngày; cấp ủy cấp trên đồng ý lùi thời gian tổ chức lễ "
    "kết nạp.",
    "Chi bộ đề nghị tổ chức lễ kết nạp cùng đợt với quần chúng khác; cấp ủy cấp trên đồng ý.",
)
LAPSED_REASON = (
    "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng đã hết hạn; quần chúng chưa học lại, "
    "chi bộ đưa ra khỏi danh sách nguồn."
)


def _cell_kind(cell) -> str:
    key = cell.profile.key
    if key in ("village", "street"):
        return key
    if cell.profile.occupation == Occupation.ARMED_FORCES:
        return "armed"
    return "work"


class PathMaker:
    """Turns planned slots into paths, with the calendar's working days.

    `data_date`: the day the written data stop (withdrawals happen before it);
    `identified_after`: no one is identified as a source on or before it (the paths
    `extend_admissions` plans, whose history must begin after the base demo's data date);
    `no_ceremony_on`: days with no admission ceremony (the day of a reorganisation, so the
    member totals either side of it are the same).
    """

    def __init__(self, *, cal: WorkingDays, classes: Classes, rng: random.Random,
                 data_date: dt.date = DATA_DATE, identified_after: dt.date | None = None,
                 no_ceremony_on: frozenset[dt.date] = frozenset()):
        self.cal = cal
        self.classes = classes
        self.rng = rng
        self.data_date = data_date
        self.identified_after = identified_after
        self.no_ceremony_on = no_ceremony_on
        self._sources = {k: ([v for v, _ in mix], [w for _, w in mix]) for k, mix in _SOURCES.items()}

    # -- dates

    def wd(self, start: dt.date, n: int) -> dt.date:
        return self.cal.add_working_days(start, n)

    def back_to_working(self, day: dt.date) -> dt.date:
        while not self.cal.is_working_day(day):
            day -= ONE_DAY
        return day

    def on_to_working(self, day: dt.date) -> dt.date:
        while not self.cal.is_working_day(day):
            day += ONE_DAY
        return day

    def between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    # -- the person

    def _who(self, slot: Slot, cell_day: dt.date) -> tuple[str, str, bool, dt.date]:
        rng = self.rng
        values, weights = self._sources[_cell_kind(slot.cell)]
        source = rng.choices(values, weights=weights)[0]
        route = UnionRoute.YOUTH_UNION if source == Source.YOUTH_UNION else UnionRoute.NONE
        if source == Source.WOMEN:
            female = True
        elif source == Source.VETERANS:
            female = rng.random() < 0.05
        else:
            female = rng.random() < min(0.75, slot.cell.profile.female + 0.08)
        lo, hi, mode = _AGES[source]
        if _cell_kind(slot.cell) == "armed" and source == _Y:
            mode = 21.0
        birth = cell_day - dt.timedelta(days=int(rng.triangular(lo, hi, mode) * 365.25))
        # Whole months on the cell's day: from 18 years 1 month to 59 years 11 months
        # (30 years 11 months for the Youth Union).
        top = 30 * 12 + 11 if route == UnionRoute.YOUTH_UNION else 59 * 12 + 11
        if months_between(birth, cell_day) < 18 * 12 + 1:
            birth = add_months(cell_day, -(18 * 12 + 1)) - dt.timedelta(days=rng.randint(0, 25))
        if months_between(birth, cell_day) > top:
            birth = add_months(cell_day, -top) + dt.timedelta(days=rng.randint(1, 25))
        return source, route, female, birth

    # -- the path

    def make(self, slot: Slot) -> Path:
        if slot.kind == LAPSED:
            return self._lapsed(slot)
        rng, cal = self.rng, self.cal
        decided = slot.decided_on
        late = LATE_CELL_DAYS.get(slot.flag)
        if late is not None:
            cell_day = self.back_to_working(self.between(*late))
        else:
            cell_day = self.back_to_working(decided - dt.timedelta(days=rng.randint(12, 50)))
            if cell_day < QD24_FROM and decided >= QD24_FROM + dt.timedelta(days=4):
                # Judged under QĐ 24 whenever decided after it took effect (no seeded
                # rule set before it: see NO_RULE_SET_NOTE in the builder).
                cell_day = self.on_to_working(QD24_FROM + dt.timedelta(days=rng.randint(0, 3)))
        source, route, female, birth = self._who(slot, cell_day)

        awareness = self.classes.awareness_for(slot.committee, cell_day)
        certificate_on = awareness.ends_on
        identified = awareness.starts_on - dt.timedelta(days=rng.randint(25, 420))
        if self.identified_after is not None and identified <= self.identified_after:
            identified = min(self.identified_after + dt.timedelta(days=rng.randint(1, 30)),
                             awareness.starts_on - ONE_DAY)
        path = Path(slot, source, route, female, birth, identified, awareness, certificate_on)

        # The dossier: forms between the class and the cell's day, letters of introduction.
        done = path.class_done_on
        window = (cell_day - done).days

        def at(lo: float, hi: float) -> dt.date:
            return min(cell_day - ONE_DAY, done + dt.timedelta(days=max(1, int(window * rng.uniform(lo, hi)))))

        first = at(0.05, 0.3)
        path.items = [("1-KNĐ", first), ("2-KNĐ", min(cell_day - ONE_DAY, first + dt.timedelta(days=rng.randint(0, 7))))]
        path.items.append(("TTLL", at(0.5, 0.85)))
        if route == UnionRoute.YOUTH_UNION:
            path.items.append(("4-KNĐ", at(0.3, 0.8)))
        path.items.append(("5-KNĐ", at(0.55, 0.9)))
        for _ in range(1 if route != UnionRoute.NONE else 2):
            known = add_months(cell_day, -rng.randint(14, 96)) - dt.timedelta(days=rng.randint(0, 27))
            path.letters.append((known, at(0.4, 0.95)))

        path.cell_res_on = cell_day
        if slot.kind == WITHDRAWN:
            return self._withdraw(path)
        if not path.skips_grassroots:
            gap = (decided - cell_day).days
            day = self.on_to_working(cell_day + dt.timedelta(days=rng.randint(2, max(2, gap * 2 // 3))))
            if day >= decided:
                day = max(cell_day, self.back_to_working(decided - ONE_DAY))
            path.grassroots_res_on = day
        if slot.kind == REFUSED:
            path.closed_stage, path.closed_on = Stage.REFUSED, decided
            path.close_reason = rng.choice(REFUSED_REASONS)
            return path

        path.decided_on = decided
        path.received_on = self.wd(decided, rng.randint(1, 5))
        received = path.received_on
        if slot.flag == LATE_CEREMONY:
            path.ceremony_on = self.wd(received, rng.randint(33, 45))
            path.ceremony_override = rng.choice(LATE_CEREMONY_REASONS)
        elif slot.flag == LATE_CEREMONY_REF:
            waited = cal.working_days_between(received, REF_DATE)
            path.ceremony_on = self.wd(received, max(33, waited + 2) + rng.randint(0, 8))
            path.ceremony_override = rng.choice(LATE_CEREMONY_REASONS)
        else:
            latest = self.wd(received, 28)
            anniversaries = [
                dt.date(y, m, d) for y in (received.year, received.year + 1) for m, d in ANNIVERSARIES
                if received < dt.date(y, m, d) <= latest
                and abs((dt.date(y, m, d) - TET.get(y, dt.date(y, 2, 1))).days) > 6  # not in Tết
            ]
            if anniversaries and rng.random() < 0.65:
                path.ceremony_on = anniversaries[0]
            else:
                path.ceremony_on = self.wd(received, rng.randint(3, 24))
        while path.ceremony_on in self.no_ceremony_on:
            path.ceremony_on = self.wd(path.ceremony_on, 1)
        self._probation(path)
        return path

    def _probation(self, path: Path) -> None:
        rng, slot = self.rng, path.slot
        ceremony = path.ceremony_on
        end = path.probation_ends_on = add_months(ceremony, 12)
        # The new-member class: most attend the first one after the ceremony.
        if slot.flag in (NO_RECOGNITION,) or (slot.flag == REMOVED and rng.random() < 0.7):
            path.new_member = None
        elif slot.flag == LATE_RECOGNITION:
            path.new_member = self.classes.new_member_after(slot.committee, end + dt.timedelta(days=10))
        else:
            skip = 1 if rng.random() < 0.1 else 0
            path.new_member = self.classes.new_member_after(
                slot.committee, ceremony + dt.timedelta(days=14), skip)
            if skip and path.new_member.ends_on >= end - dt.timedelta(days=3):
                path.new_member = self.classes.new_member_after(
                    slot.committee, ceremony + dt.timedelta(days=14))
        cert = path.new_member.ends_on if path.new_member else None

        r10 = end - dt.timedelta(days=rng.randint(6, 20))
        path.recognition_items = [
            ("10-KNĐ", r10), ("11-KNĐ", r10 + dt.timedelta(days=rng.randint(0, 3))),
            ("12-KNĐ", end - dt.timedelta(days=rng.randint(1, 5))),
        ]
        if slot.flag == REMOVED:
            path.recognition_items = path.recognition_items[:1]
            path.closed_stage = Stage.REMOVED
            path.closed_on = self.wd(end, rng.randint(5, 25))
            path.close_reason = rng.choice(REMOVED_REASONS)
            return
        if slot.flag == NO_RECOGNITION:
            return
        if slot.flag == LATE_RECOGNITION:
            r13 = self.wd(max(cert, REF_DATE), rng.randint(2, 40))
        elif cert is not None and cert >= end:
            r13 = self.wd(cert, rng.randint(1, 6))
        else:
            r13 = self.wd(end, rng.randint(1, 8))
        r15 = self.wd(r13, rng.randint(2, 6))
        path.recognition_items += [("13-KNĐ", r13), ("15-KNĐ", r15)]
        path.recognised_on = self.wd(r15, rng.randint(2, 10))

    def _withdraw(self, path: Path) -> Path:
        """Stop at some stage before the decision, then leave the source list."""
        rng = self.rng
        reached = [s for s in path.steps() if s.on <= self.data_date - dt.timedelta(days=10)]
        if not reached:
            reached = path.steps()[:1]
        weights = {Stage.SOURCE: 30, Stage.CLASS_DONE: 30, Stage.DOSSIER_DONE: 25,
                   Stage.CELL_PROPOSED: 10}
        stop = rng.choices(reached, weights=[weights.get(s.stage, 5) for s in reached])[0]
        later = [s.on for s in path.steps() if s.on > stop.on]
        last = min([self.data_date, *(d - ONE_DAY for d in later)])
        if stop.stage == Stage.SOURCE:
            path.awareness = path.certificate_on = None
        if stop.stage in (Stage.SOURCE, Stage.CLASS_DONE):  # forms come after the class
            path.items, path.letters = [], []
        if stop.stage != Stage.CELL_PROPOSED:
            path.cell_res_on = None
            path.letters = [(k, d) for k, d in path.letters if d <= stop.on]
        path.closed_stage = Stage.WITHDRAWN
        path.closed_on = max(stop.on, min(last, stop.on + dt.timedelta(days=rng.randint(10, 150))))
        path.close_reason = rng.choice(WITHDRAWN_REASONS)
        return path

    def _lapsed(self, slot: Slot) -> Path:
        """A source from 2016–2017 whose certificate runs out within 90 days of 31/05/2022."""
        rng = self.rng
        source, route, female, birth = self._who(slot, REF_DATE - dt.timedelta(days=rng.randint(200, 3000)))
        klass = self.classes.awareness_between(slot.committee, dt.date(2017, 6, 5), dt.date(2017, 8, 25))
        identified = klass.starts_on - dt.timedelta(days=rng.randint(60, 300))
        path = Path(slot, source, route, female, birth, identified, klass, klass.ends_on)
        first = klass.ends_on + dt.timedelta(days=rng.randint(20, 120))
        path.items = [("1-KNĐ", first), ("2-KNĐ", first + dt.timedelta(days=rng.randint(3, 20)))]
        if rng.random() < 0.5:  # the background check came back; the cell never met on it
            path.items.append(("TTLL", first + dt.timedelta(days=rng.randint(60, 200))))
            if route == UnionRoute.YOUTH_UNION:
                path.items.append(("4-KNĐ", first + dt.timedelta(days=rng.randint(30, 200))))
            path.items.append(("5-KNĐ", first + dt.timedelta(days=rng.randint(200, 260))))
        if rng.random() < 0.5:
            expired = add_months(klass.ends_on, 60)
            path.closed_stage = Stage.WITHDRAWN
            path.closed_on = self.on_to_working(expired + dt.timedelta(days=rng.randint(20, 90)))
            path.close_reason = LAPSED_REASON
        return path


# --- numbers -------------------------------------------------------------------------


def committee_symbol(committee) -> str:
    """The issuer part of a committee's document numbers: HU, TU (Thành ủy, Tỉnh ủy) or ĐU."""
    if committee.kind == UnitKind.DISTRICT:
        return "TU" if committee.name.startswith("Thành ủy") else "HU"
    if committee.kind == UnitKind.PROVINCE:
        return "TU"
    return "ĐU"


def decider(slot: Slot, day: dt.date):
    """Who decides admissions and recognitions for the slot's cell on `day`: its committee
    while that exists; after it closed (a district on 01/07/2025, `--through-2025`), the
    grassroots committee, which has the superior's power from then (đảng ủy cơ sở được giao
    quyền cấp trên cơ sở), or, for a grassroots cell, the committee's successor."""
    committee = slot.committee
    ends_on = getattr(committee, "ends_on", None)
    if ends_on is None or day < ends_on:
        return committee
    if slot.grassroots.kind == UnitKind.GRASSROOTS_COMMITTEE:
        return slot.grassroots
    return committee.successor


class _Register:
    """Increasing numbers per (unit, series, year): unique, with gaps for other documents.

    Only documents dated in (since, until] are numbered: each year has its own series,
    so a later run numbers later years without touching earlier numbers."""

    def __init__(self, rng: random.Random, since: dt.date | None = None,
                 until: dt.date = DATA_DATE):
        self.rng = rng
        self.since, self.until = since, until
        self.entries: list[tuple[tuple, dt.date, int, Callable[[int], None]]] = []

    def add(self, key: tuple, on: dt.date | None, setter: Callable[[int], None]) -> None:
        if on is not None and on <= self.until and (self.since is None or on > self.since):
            self.entries.append((key, on, len(self.entries), setter))

    def assign(self, per_day: dict[str, float]) -> None:
        entries = sorted(self.entries, key=lambda e: (e[0], e[1].year, e[1], e[2]))
        last: dict[tuple, int] = {}
        for key, on, _, setter in entries:
            year_key = (*key, on.year)
            base = int(on.timetuple().tm_yday * per_day[key[1]])
            number = max(last.get(year_key, 0) + 1, base) + self.rng.randint(0, 2)
            last[year_key] = number
            setter(number)


def number_documents(paths: list[Path], rng: random.Random, *, since: dt.date | None = None,
                     until: dt.date = DATA_DATE) -> None:
    """Give every resolution and decision dated in (since, until] its number; a decision
    is numbered in the series of the committee deciding on its day (`decider`)."""
    reg = _Register(rng, since, until)
    for p in paths:
        cell, grassroots = p.slot.cell, p.slot.grassroots

        def put(attr, fmt, p=p):
            return lambda n: setattr(p, attr, fmt.format(n))

        def ref(form, fmt, p=p):
            return lambda n: p.recognition_refs.__setitem__(form, fmt.format(n))

        def by(day, series, attr, p=p):
            committee = decider(p.slot, day) if day is not None else p.slot.committee
            kind = "QĐ" if series == "QĐ" else "TB"
            reg.add((committee.path, series), day,
                    put(attr, "{}-" + kind + "/" + committee_symbol(committee)))

        reg.add((cell.path, "CB"), p.cell_res_on, put("cell_res_no", "{}-NQ/CB"))
        reg.add((grassroots.path, "ĐU"), p.grassroots_res_on, put("grassroots_res_no", "{}-NQ/ĐU"))
        by(p.decided_on, "QĐ", "decision_no")
        by(p.recognised_on, "QĐ", "recognition_no")
        if p.closed_stage == Stage.REMOVED:
            by(p.closed_on, "QĐ", "close_no")
        elif p.closed_stage == Stage.REFUSED:
            by(p.closed_on, "TB", "close_no")
        for form, on in p.recognition_items:
            if form == "13-KNĐ" or (form == "15-KNĐ" and p.skips_grassroots):
                reg.add((cell.path, "CB"), on, ref(form, "{}-NQ/CB"))
            elif form == "15-KNĐ":
                reg.add((grassroots.path, "ĐU"), on, ref(form, "{}-NQ/ĐU"))
    reg.assign({"CB": 0.03, "ĐU": 0.12, "QĐ": 1.1, "TB": 0.2})
