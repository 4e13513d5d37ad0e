"""Progress against a plan (tiến độ thực hiện kế hoạch) for a unit and its subordinates,
as of any date: admitted, % of target, expected share, status, date the target was
reached, the pipeline behind it and the forecast for 31/12.

Everything is computed as the tree stood on `as_of` (org versions), within the user's
scope, with a fixed number of queries whatever the number of rows. A unit above the
counted depth that the user sees whole reads the maintained counters
(`admission.counts`, `_from_counters`); other units read the candidacies with grouped
queries (`_from_candidacies`):

1. admissions of the year up to `as_of`, per subordinate and day;
2. admissions of the three previous years, per subordinate and month (seasonal curve);
3. the pipeline on `as_of`, per subordinate and stage (stage from the candidacy's dates);
4. historical conversion, one query per previous year: of the candidacies at each stage
   on the same day of that year, how many were decided by its 31/12 — the chance that a
   candidate now at that stage is admitted this year. A stage that cannot reach a
   decision before 31/12 in the statutory lead time counts zero.

An admission counts on its decision date (setting DANGVIEN_PROGRESS_COUNTS_ON,
"decision" or "ceremony"); the table says which.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, router
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear, Substr

from dangvien.accounts.scope import can, scope_key
from dangvien.admission import counts
from dangvien.admission.counts import PIPELINE, STAGE_DATE
from dangvien.admission.models import Candidacy, Stage
from dangvien.core.calendar import working_calendar
from dangvien.org.models import OrgChange, OrgChangeKind, OrgUnit, OrgUnitVersion
from dangvien.org.selectors import children_on, version_on

from .models import Allocation, Plan, PlanVersion

STEP = OrgUnit.steplen

#: Shortest time, in working days, from each stage to an admission decision: the
#: statutory steps still ahead (class, background check, the cell's and the grassroots
#: committee's meetings, the decision). A candidate who cannot make it before 31/12
#: adds nothing to the forecast. Defaults; settings may override.
MIN_LEAD_WORKING_DAYS = {
    Stage.SOURCE: 45,
    Stage.CLASS_DONE: 30,
    Stage.DOSSIER_DONE: 15,
    Stage.CELL_PROPOSED: 5,
    Stage.GRASSROOTS_PROPOSED: 1,
}
#: Fewer cases than this reaching a stage: use the whole province's rates instead.
MIN_CASES_FOR_OWN_RATE = 20
HISTORY_YEARS = 3


class ProgressStatus:
    """Tình trạng thực hiện chỉ tiêu."""

    DONE = "hoan_thanh"
    AHEAD = "vuot_tien_do"
    ON_TRACK = "dung_tien_do"
    BEHIND = "cham_tien_do"
    AT_RISK = "nguy_co"
    NO_TARGET = "chua_giao"
    ZERO = "khong_giao"

    LABELS = {
        DONE: "Đã hoàn thành",
        AHEAD: "Vượt tiến độ",
        ON_TRACK: "Đúng tiến độ",
        BEHIND: "Chậm tiến độ",
        AT_RISK: "Có nguy cơ không đạt",
        NO_TARGET: "Chưa giao chỉ tiêu",
        ZERO: "Không giao chỉ tiêu",
    }
    #: At-risk rows first, then behind, …
    ORDER = {AT_RISK: 0, BEHIND: 1, ON_TRACK: 2, AHEAD: 3, DONE: 4, NO_TARGET: 5, ZERO: 6}


class ForecastBasis:
    """Căn cứ dự báo: the conversion rates a forecast stands on."""

    OWN = "don_vi"  # the unit's own earlier years
    WIDER = "cap_tren"  # too few cases of its own: its superior's or the province's rates
    NONE = "chua_du"  # no earlier years anywhere: no forecast

    LABELS = {
        OWN: "tỷ lệ các năm trước của chính đơn vị",
        WIDER: "tỷ lệ các năm trước của cấp trên, toàn tỉnh (đơn vị có ít trường hợp)",
        NONE: "chưa đủ số liệu để dự báo",
    }


#: A target this small is not ranked among the units at risk before the others.
TINY_TARGET = 2


EXPECTED_LINEAR = "tuyen_tinh"
EXPECTED_SEASONAL = "mua_vu"


@dataclass
class Progress:
    """Một dòng tiến độ: một đơn vị (hoặc toàn đơn vị) tính đến ngày."""

    unit: OrgUnit
    name: str
    target: int | None
    admitted: int = 0
    percent: float | None = None
    expected_percent: float | None = None
    expected_method: str = EXPECTED_LINEAR
    status: str = ProgressStatus.NO_TARGET
    forecast: float = 0.0
    target_reached_on: dt.date | None = None
    pipeline: dict[str, int] = field(default_factory=dict)
    has_children: bool = False
    #: The unit's place in the tree of the table's day (rows are ordered by it).
    path: str = ""
    forecast_basis: str = ForecastBasis.NONE

    @property
    def has_forecast(self) -> bool:
        return self.forecast_basis != ForecastBasis.NONE

    @property
    def forecast_basis_label(self) -> str:
        return ForecastBasis.LABELS[self.forecast_basis]

    @property
    def status_label(self) -> str:
        return ProgressStatus.LABELS[self.status]

    @property
    def forecast_count(self) -> int:
        return round(self.forecast)

    @property
    def pipeline_total(self) -> int:
        return sum(self.pipeline.values())

    @property
    def expected_count(self) -> float | None:
        if self.target is None or self.expected_percent is None:
            return None
        return self.target * self.expected_percent / 100


@dataclass
class ChartPoint:
    month: int
    admitted: int | None  # cumulative by the end of the month (None after as_of)
    expected: float | None  # cumulative expected by the end of the month


@dataclass
class ProgressTable:
    """Tiến độ của một đơn vị và các đơn vị trực thuộc theo một kế hoạch."""

    plan: Plan
    version: PlanVersion | None
    unit: OrgUnit
    as_of: dt.date
    counts_on: str
    total: Progress
    rows: list[Progress]
    chart: list[ChartPoint]
    unit_plan: Plan | None = None
    #: Changes of the tree under the unit in the plan's year up to `as_of` (moves, merges,
    #: splits, dissolutions): the page and the reports then state `RESTRUCTURE_RULE`.
    org_changes: list = field(default_factory=list)

    @property
    def restructure_rule(self) -> str:
        return RESTRUCTURE_RULE if self.org_changes else ""

    @property
    def at_risk(self) -> list[Progress]:
        return [r for r in self.rows if r.status == ProgressStatus.AT_RISK]

    @property
    def counts_on_label(self) -> str:
        return ("ngày lễ kết nạp" if self.counts_on == "ceremony"
                else "ngày quyết định kết nạp")


#: How a year that spans a change of the tree is counted (stated wherever it applies).
RESTRUCTURE_RULE = (
    "Trong năm có thay đổi tổ chức: số kết nạp của đơn vị đã giải thể, sáp nhập hoặc chia "
    "tách được tính cho đơn vị đó đến trước ngày hiệu lực và cho đơn vị kế thừa từ ngày hiệu "
    "lực; mỗi dòng tính theo cây tổ chức của ngày báo cáo, tổng toàn đơn vị không đổi.")


def _any_move_in(year: int, as_of: dt.date) -> bool:
    """Whether anything moved, merged, split or dissolved anywhere from 1 January to
    `as_of`: one small query; usually not, and then nothing under the unit need be asked."""
    return OrgChange.objects.filter(
        kind__in=[OrgChangeKind.MOVE, OrgChangeKind.MERGE, OrgChangeKind.SPLIT,
                  OrgChangeKind.DISSOLVE],
        effective__gte=dt.date(year, 1, 1), effective__lte=as_of).exists()


def org_changes_in(unit: OrgUnit, year: int, as_of: dt.date) -> list[OrgChange]:
    """Moves, merges, splits and dissolutions under `unit` from 1 January to `as_of`."""
    moves = [OrgChangeKind.MOVE, OrgChangeKind.MERGE, OrgChangeKind.SPLIT,
             OrgChangeKind.DISSOLVE]
    return list(OrgChange.objects.filter(
        kind__in=moves, effective__gte=dt.date(year, 1, 1), effective__lte=as_of,
        units__path__startswith=unit.path).distinct().order_by("effective", "pk"))


# --- expected share of the year ----------------------------------------------------------


def linear_fraction(day: dt.date) -> float:
    """Share of the year gone by `day`, month by month: 31/05 is 5/12 (41,7%)."""
    days_in_month = pycal.monthrange(day.year, day.month)[1]
    return (day.month - 1 + day.day / days_in_month) / 12


def seasonal_fraction(day: dt.date, monthly_shares: list[float]) -> float:
    """Share expected by `day` along a monthly curve (12 shares summing to 1)."""
    days_in_month = pycal.monthrange(day.year, day.month)[1]
    return sum(monthly_shares[: day.month - 1]) + monthly_shares[day.month - 1] * day.day / days_in_month


def monthly_curve(history: dict[int, list[int]]) -> list[float] | None:
    """Average monthly shares over the earlier years that had admissions; None if fewer than two."""
    years = [months for months in history.values() if sum(months) > 0]
    if len(years) < 2:
        return None
    totals = [sum(m) for m in years]
    return [sum(m[i] / t for m, t in zip(years, totals, strict=True)) / len(years)
            for i in range(12)]


# --- status ----------------------------------------------------------------------------


def status_of(row: Progress) -> str:
    """Pace first (done, ahead, on track, behind); "at risk" only for a unit not ahead
    whose forecast stands on earlier years' rates and falls short of the share."""
    if row.target is None:
        return ProgressStatus.NO_TARGET
    if row.target == 0:
        return ProgressStatus.ZERO
    if row.admitted >= row.target:
        return ProgressStatus.DONE
    gap = (row.percent or 0) - (row.expected_percent or 0)
    if gap >= settings.DANGVIEN_PROGRESS_AHEAD:
        return ProgressStatus.AHEAD
    if row.has_forecast and row.forecast < settings.DANGVIEN_PROGRESS_AT_RISK * row.target:
        return ProgressStatus.AT_RISK
    if gap < settings.DANGVIEN_PROGRESS_BEHIND:
        return ProgressStatus.BEHIND
    return ProgressStatus.ON_TRACK


def order_key(row: Progress) -> tuple:
    """At risk first, then behind, …; among the units at risk the tiny targets last."""
    tiny = row.status == ProgressStatus.AT_RISK and (row.target or 0) <= TINY_TARGET
    return (ProgressStatus.ORDER[row.status], tiny, row.path or row.unit.path)


# --- targets -----------------------------------------------------------------------------


def plan_of_unit(plan: Plan, unit: OrgUnit) -> Plan | None:
    """The plan `unit` issued for the year implementing `plan` (or `plan` itself)."""
    if unit.pk == plan.unit_id:
        return plan
    return (Plan.objects.filter(unit=unit, year=plan.year, parent__isnull=False)
            .order_by("pk").first())


def _version_for(plan: Plan, on: dt.date) -> PlanVersion | None:
    """The version in force on `on`; before the first issue, the first issued version."""
    return plan.version_on(on) or plan.versions.filter(issued_on__isnull=False).order_by(
        "issued_on", "revision").first()


def _allocations(plan: Plan | None, on: dt.date) -> tuple[PlanVersion | None, dict[int, int]]:
    if plan is None:
        return None, {}
    version = _version_for(plan, on)
    if version is None:
        return None, {}
    return version, dict(Allocation.objects.filter(version=version).values_list("unit_id", "target"))


def _unit_target(plan: Plan, unit: OrgUnit, on: dt.date, own: Plan | None,
                 parent: OrgUnit | None) -> int | None:
    """Target of `unit`: the plan's own target at its issuing unit; below it, what the
    superior (its parent on `on`) allocated to the unit, or the unit's own plan target."""
    if unit.pk == plan.unit_id:
        version = _version_for(plan, on)
        return version.target if version else None
    parent_plan = plan_of_unit(plan, parent) if parent else None
    _, allocations = _allocations(parent_plan, on)
    if unit.pk in allocations:
        return allocations[unit.pk]
    own_version = _version_for(own, on) if own else None
    return own_version.target if own_version else None


# --- the grouped queries -----------------------------------------------------------------


def _in_subtree_on(path: str, on: dt.date, *, whole: bool = False) -> Q:
    in_force = (Q(cell__versions__valid_from__lte=on)
                & (Q(cell__versions__valid_to__isnull=True) | Q(cell__versions__valid_to__gt=on)))
    # Under the only root every path matches; leaving the condition out lets SQLite start
    # from the candidacies rather than walk the whole path index.
    return in_force if whole else in_force & Q(cell__versions__path__startswith=path)


def _base(user, path: str, on: dt.date, whole: bool = False):
    qs = Candidacy.objects.all() if user is None else Candidacy.objects.for_user(user)
    return qs.filter(_in_subtree_on(path, on, whole=whole)).annotate(
        prefix=Substr("cell__versions__path", 1, len(path) + STEP))


def _admitted_by_day(user, path, year, as_of, counts_on, whole=False):
    col = "ceremony_on" if counts_on == "ceremony" else "decision_on"
    rows = (_base(user, path, as_of, whole)
            .filter(**{f"{col}__gte": dt.date(year, 1, 1), f"{col}__lte": as_of})
            .values("prefix", col).annotate(n=Count("id")).order_by())
    out: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    for r in rows:
        out[r["prefix"]].append((r[col], r["n"]))
    for days in out.values():
        days.sort()
    return out


def _history_by_month(user, path, year, as_of, counts_on, whole=False):
    col = "ceremony_on" if counts_on == "ceremony" else "decision_on"
    rows = (_base(user, path, as_of, whole)
            .filter(**{f"{col}__gte": dt.date(year - HISTORY_YEARS, 1, 1),
                       f"{col}__lte": dt.date(year - 1, 12, 31)})
            .annotate(y=ExtractYear(col), m=ExtractMonth(col))
            .values("prefix", "y", "m").annotate(n=Count("id")).order_by())
    out: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * 12))
    for r in rows:
        out[r["prefix"]][r["y"]][r["m"] - 1] += r["n"]
    return out


def _stage_on(on: dt.date) -> Case:
    """The pipeline stage a candidacy was at on `on`, from its dates."""
    whens = [When(**{f"{STAGE_DATE[s]}__lte": on}, then=Value(s.value))
             for s in reversed(PIPELINE)]
    return Case(*whens, default=Value(""), output_field=CharField())


def _pipeline(user, path, as_of, whole=False):
    rows = (_open_on(_base(user, path, as_of, whole), as_of)
            .annotate(stage_then=_stage_on(as_of))
            .values("prefix", "stage_then").annotate(n=Count("id")).order_by())
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        if r["stage_then"]:
            out[r["prefix"]][r["stage_then"]] = r["n"]
    return out


def _same_day(day: dt.date, year: int) -> dt.date:
    return day.replace(year=year) if not (day.month == 2 and day.day == 29) else dt.date(year, 2, 28)


def _open_on(qs, on: dt.date):
    """Candidacies identified by `on`, not decided and not closed by then."""
    return (qs.filter(identified_on__lte=on)
            .filter(Q(decision_on__isnull=True) | Q(decision_on__gt=on))
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on)))


def _conversion(user, path, year, as_of, *, group: bool,
                whole: bool = False) -> dict[str, dict[str, list[int]]]:
    """Historical conversion: in each of the previous years, of the candidacies at each
    stage on the same day of the year, how many were decided by 31/12 of that year.

    Returns prefix → stage → [at the stage, decided by year end] (prefix "" when not
    grouped). One query per previous year.
    """
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    base = _base(user, path, as_of, whole)
    for y in range(year - HISTORY_YEARS, year):
        day = _same_day(as_of, y)
        qs = _open_on(base, day).annotate(stage_then=_stage_on(day))
        keys = ["prefix", "stage_then"] if group else ["stage_then"]
        rows = qs.values(*keys).annotate(
            n=Count("id"),
            decided=Count("id", filter=Q(decision_on__gt=day, decision_on__lte=dt.date(y, 12, 31))),
        ).order_by()
        for r in rows:
            if r["stage_then"]:
                cell = out[r.get("prefix", "")][r["stage_then"]]
                cell[0] += r["n"]
                cell[1] += r["decided"]
    return out


@dataclass(frozen=True)
class Rates:
    """Share of the candidates at each stage admitted later the same year, with the stages
    whose share is the unit's own (the others come from its superior or the province).
    A stage missing from `values` has no earlier years anywhere."""

    values: dict
    own: frozenset = frozenset()


def _rates(counts: dict[str, list[int]] | None, fallback: Rates | None) -> Rates:
    values, own = {}, set()
    for stage in PIPELINE:
        seen, decided = (counts or {}).get(stage.value, [0, 0])
        if seen >= MIN_CASES_FOR_OWN_RATE:
            values[stage] = decided / seen
            own.add(stage)
        elif fallback is not None and stage in fallback.values:
            values[stage] = fallback.values[stage]
    return Rates(values, frozenset(own))


def _basis(rates: Rates, pipeline: dict[str, int], feasible: dict) -> str:
    """What the forecast stands on: the stages holding people that can still be admitted
    this year; with nobody, the rates the unit would use."""
    used = [s for s in PIPELINE if feasible[s] and pipeline.get(s.value, 0)] or list(PIPELINE)
    known = [s for s in used if s in rates.values]
    if not known:
        return ForecastBasis.NONE
    return ForecastBasis.OWN if all(s in rates.own for s in known) else ForecastBasis.WIDER


# --- previous years, remembered -----------------------------------------------------------


def _data_version() -> str:
    """Changes with every write: each service appends to the audit trail, whose newest
    hash is unique to the whole history before it."""
    from dangvien.audit.models import AuditHead

    return AuditHead.objects.filter(id=1).values_list("last_hash", flat=True).first() or "0"


def _remembered(name: str, version: str, parts: tuple, compute):
    """Previous years' figures, kept in the cache until the next write anywhere.

    They are read over hundreds of thousands of candidacies at national scale and
    change only when someone records something; `version` (`_data_version`) is part of
    the key, so any write forgets them.
    """
    from django.core.cache import cache

    key = "dv:progress:" + name + ":" + ":".join(map(str, (version, *parts)))
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=3600)
    return found


def _plain(nested):
    """defaultdicts (with lambdas, which the cache cannot pickle) as plain dicts."""
    if isinstance(nested, dict):
        return {k: _plain(v) for k, v in nested.items()}
    return nested


# --- the table ---------------------------------------------------------------------------


def _finish(row: Progress, days: list[tuple[dt.date, int]], history: dict[int, list[int]],
            pipeline: dict[str, int], rates: Rates, feasible: dict[str, bool],
            as_of: dt.date) -> Progress:
    running = 0
    for day, n in days:
        running += n
        if row.target is not None and row.target_reached_on is None and running >= row.target > 0:
            row.target_reached_on = day
    row.admitted = running
    curve = monthly_curve(history)
    if curve is not None:
        row.expected_method = EXPECTED_SEASONAL
        fraction = seasonal_fraction(as_of, curve)
    else:
        fraction = linear_fraction(as_of)
    row.pipeline = {s.value: pipeline.get(s.value, 0) for s in PIPELINE}
    row.forecast_basis = _basis(rates, pipeline, feasible)
    row.forecast = running + sum(
        pipeline.get(s.value, 0) * rates.values.get(s, 0.0) for s in PIPELINE if feasible[s])
    if row.target:
        row.percent = round(running * 100 / row.target, 1)
        row.expected_percent = round(fraction * 100, 1)
    row.status = status_of(row)
    return row


@dataclass
class _Figures:
    """What the table is made of, per child (keyed by its path on `as_of`) and in total."""

    days: dict[str, list[tuple[dt.date, int]]]
    history: dict[str, dict[int, list[int]]]
    pipeline: dict[str, dict[str, int]]
    conversion: dict[str, dict[str, list[int]]]
    total_days: list[tuple[dt.date, int]]
    total_history: dict[int, list[int]]
    total_pipeline: dict[str, int]
    total_conversion: dict[str, list[int]]
    province_conversion: dict[str, list[int]] | None  # None: the unit is the province


def _sum_days(parts) -> list[tuple[dt.date, int]]:
    merged: dict[dt.date, int] = defaultdict(int)
    for days in parts:
        for day, n in days:
            merged[day] += n
    return sorted(merged.items())


def _sum_history(parts) -> dict[int, list[int]]:
    merged: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    for history in parts:
        for y, months in history.items():
            merged[y] = [a + b for a, b in zip(merged[y], months, strict=True)]
    return merged


def _sum_pipeline(parts) -> dict[str, int]:
    merged: dict[str, int] = defaultdict(int)
    for pipeline in parts:
        for s, n in pipeline.items():
            merged[s] += n
    return merged


def _sum_conversion(parts) -> dict[str, list[int]]:
    merged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for by_stage in parts:
        for stage, (seen, decided) in by_stage.items():
            merged[stage][0] += seen
            merged[stage][1] += decided
    return merged


def _single_root() -> bool:
    return OrgUnit.objects.filter(depth=1).count() == 1


def _from_candidacies(user, path, year, as_of, counts_on) -> _Figures:
    """Grouped queries over the candidacies, in the tree as it stood on `as_of`."""
    single_root = _single_root()
    whole = single_root and len(path) == STEP
    days = _admitted_by_day(user, path, year, as_of, counts_on, whole)
    scope, data = scope_key(user), _data_version()
    history = _remembered("history", data, (path, year, as_of, counts_on, whole, scope), lambda: _plain(
        _history_by_month(user, path, year, as_of, counts_on, whole)))
    pipeline = _pipeline(user, path, as_of, whole)
    conversion = _remembered("conversion", data, (path, year, as_of, whole, scope), lambda: _plain(
        _conversion(user, path, year, as_of, group=True, whole=whole)))
    root_path = path[:STEP]
    province = None
    if root_path != path:
        # The province's rates are ratios, not people: computed over the whole province
        # whatever the user's scope, as the fallback for units with little history.
        province = _remembered(
            "province", data, (root_path, year, as_of, single_root), lambda: _plain(_conversion(
                None, root_path, year, as_of, group=False, whole=single_root))).get("", {})
    prefixes = set(days) | set(history) | set(pipeline)
    return _Figures(
        days=days, history=history, pipeline=pipeline, conversion=conversion,
        total_days=_sum_days(days.get(p, []) for p in prefixes),
        total_history=_sum_history(history.get(p, {}) for p in prefixes),
        total_pipeline=_sum_pipeline(pipeline.get(p, {}) for p in prefixes),
        total_conversion=_sum_conversion(conversion.values()),
        province_conversion=province)


def _with_subordinates(unit_ids: list[int], on: dt.date) -> set[int]:
    """Which of these units have a subordinate in existence on `on`: one statement that
    stops at the first subordinate of each (`org.selectors.parents_among` lists every
    subordinate first: 700 district committees under TW, 2.000 grassroots organisations
    under Hà Nội, in two statements of 10–25 ms)."""
    if not unit_ids:
        return set()
    reader = connections[router.db_for_read(OrgUnit)]  # the ORM's reads go there too
    units = reader.ops.quote_name(OrgUnit._meta.db_table)
    versions = reader.ops.quote_name(OrgUnitVersion._meta.db_table)
    marks = counts.id_list(unit_ids)
    sql = (f"SELECT p.id FROM {units} p WHERE p.id IN ({marks}) AND EXISTS ("  # noqa: S608
           f"SELECT 1 FROM {versions} v JOIN {units} u ON u.id = v.unit_id "
           f"WHERE v.parent_id = p.id AND v.valid_from <= %s "
           f"AND (v.valid_to IS NULL OR v.valid_to > %s) "
           f"AND u.valid_from <= %s AND (u.valid_to IS NULL OR u.valid_to > %s))")
    with reader.cursor() as cursor:
        cursor.execute(sql, [on, on, on, on])
        return {pk for (pk,) in cursor.fetchall()}


def _moved_within(path: str, start: dt.date, end: dt.date) -> bool:
    """Whether a unit moved into, out of or inside the subtree at `path` between the two
    dates (creations and renames do not count: they move nobody)."""
    moves = [OrgChangeKind.MOVE, OrgChangeKind.MERGE, OrgChangeKind.SPLIT,
             OrgChangeKind.DISSOLVE]
    if not OrgChange.objects.filter(kind__in=moves, effective__gt=start,
                                    effective__lte=end).exists():
        return False  # the usual case: one small query
    same_before = OrgUnitVersion.objects.filter(
        unit=OuterRef("unit"), valid_to=OuterRef("valid_from"), path=OuterRef("path"))
    same_after = OrgUnitVersion.objects.filter(
        unit=OuterRef("unit"), valid_from=OuterRef("valid_to"), path=OuterRef("path"))
    below = OrgUnitVersion.objects.filter(path__startswith=path).exclude(path=path)
    moved_in = (below.filter(valid_from__gt=start, valid_from__lte=end)
                .exclude(valid_from=F("unit__valid_from")).exclude(Exists(same_before)))
    moved_out = below.filter(valid_to__gt=start, valid_to__lte=end).exclude(Exists(same_after))
    return moved_in.exists() or moved_out.exists()


def _the_reaching_month_by_day(months: dict[int, list[tuple[dt.date, int]]],
                               targets: dict[int, int | None], kind: str, as_of: dt.date) -> None:
    """In each unit's months, the month in which the running total reached the unit's
    target replaced by its days (one statement for all units): `_finish` then finds the
    day the target was reached, the other months need no days.

    Without a move under the unit since 1 January no day holds a negative change, so the
    running total only grows and the first month whose end reaches the target holds that day.
    """
    wanted: dict[int, dt.date] = {}
    for unit_id, entries in months.items():
        target = targets.get(unit_id)
        if not target or target <= 0:
            continue
        running = 0
        for month, n in entries:
            running += n
            if running >= target:
                wanted[unit_id] = month
                break
    found = counts.days_in(wanted, kind, as_of)
    for unit_id, month in wanted.items():
        entries = months[unit_id]
        i = next(i for i, (m, _) in enumerate(entries) if m == month)
        months[unit_id] = [*entries[:i], *found.get(unit_id, []), *entries[i + 1:]]


def _from_counters(unit: OrgUnit, path: str, children, year, as_of, counts_on,
                   user, targets: dict[int, int | None], any_move: bool = True) -> _Figures:
    """The same figures from the maintained counters (admission.counts): a few hundred
    rows for the unit and its children, whatever the number of candidacies below.

    The year's admissions are read per month (the month rows add up their days), the days
    only of the month of `as_of` (on its nearer side) and of the month in which a unit
    reached its target (`targets`: unit → target), for the day it was reached.
    The day-by-day admissions of the year follow moves only from the day of the move;
    when something moved under the unit this year before `as_of`, they are read from
    the candidacies, in the tree of `as_of` (the day the target was reached, the chart).
    """
    key = {c.unit_id: c.path for c in children}
    ids = [*key, unit.pk]
    root = unit.pk if len(path) == STEP else (
        OrgUnit.objects.filter(path=path[:STEP]).values_list("pk", flat=True).first())
    kind = counts.DAILY[counts_on]
    asked = ids if root is None or root in ids else [*ids, root]
    earlier = [_same_day(as_of, y) for y in range(year - HISTORY_YEARS, year)]
    moved = any_move and _moved_within(path, dt.date(year, 1, 1), as_of)
    with counts.small_reads():
        months, monthly = counts.by_month(ids, kind, counts.MONTHLY[counts_on], year,
                                          year - HISTORY_YEARS, as_of)
        on = counts.balances_on(asked, [as_of, *earlier])
        if not moved:
            _the_reaching_month_by_day(months, targets, kind, as_of)
    if moved:
        whole = len(path) == STEP and _single_root()
        by_prefix = _admitted_by_day(user, path, year, as_of, counts_on, whole)
        by_key = {c.path: c.unit_id for c in children}
        daily = {by_key[p]: d for p, d in by_prefix.items() if p in by_key}
        daily[unit.pk] = _sum_days(by_prefix.values())
    else:
        daily = months
    now = on[as_of]
    conversion: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for day in earlier:
        for unit_id, kinds in on[day].items():
            for i, stage in enumerate(PIPELINE):
                conversion[unit_id][stage.value][0] += kinds.get(counts.OPEN[i], 0)
                conversion[unit_id][stage.value][1] += kinds.get(counts.WON[i], 0)

    def stages(kinds: dict[str, int]) -> dict[str, int]:
        return {stage.value: kinds[counts.OPEN[i]] for i, stage in enumerate(PIPELINE)
                if kinds.get(counts.OPEN[i])}

    return _Figures(
        days={key[u]: d for u, d in daily.items() if u in key},
        # Nothing here goes to the cache: the defaultdicts stay (only read with .get).
        history={key[u]: h for u, h in monthly.items() if u in key},
        pipeline={key[u]: stages(k) for u, k in now.items() if u in key},
        conversion={key[u]: c for u, c in conversion.items() if u in key},
        total_days=daily.get(unit.pk, []),
        total_history=monthly.get(unit.pk, {}),
        total_pipeline=stages(now.get(unit.pk, {})),
        total_conversion=conversion.get(unit.pk, {}),
        province_conversion=None if root == unit.pk else conversion.get(root, {}))


def progress_table(*, plan: Plan, unit: OrgUnit, as_of: dt.date, user=None,
                   counts_on: str | None = None) -> ProgressTable:
    """Tiến độ của `unit` và các đơn vị trực thuộc theo kế hoạch `plan`, tính đến `as_of`."""
    counts_on = counts_on or settings.DANGVIEN_PROGRESS_COUNTS_ON
    year = plan.year
    # A plan is about its own year: a date outside it is read as the nearest end of it.
    as_of = min(max(as_of, dt.date(year, 1, 1)), dt.date(year, 12, 31))
    version = version_on(unit, as_of) or OrgUnitVersion(unit=unit, name=unit.name, path=unit.path,
                                                        depth=unit.depth, valid_from=as_of)
    path = version.path
    own_plan = plan_of_unit(plan, unit)
    plan_version, allocations = _allocations(own_plan, as_of)
    children = children_on(unit, as_of)
    parents = _with_subordinates([c.unit_id for c in children], as_of)

    year_end = dt.date(year, 12, 31)
    cal = working_calendar()
    feasible = {s: as_of <= year_end and cal.add_working_days(as_of, MIN_LEAD_WORKING_DAYS[s]) <= year_end
                for s in PIPELINE}

    # A large unit wholly in the user's scope reads the counters; below the counted
    # depth (small subtrees) the candidacies themselves are read.
    if unit.pk == plan.unit_id and own_plan is not None and own_plan.pk == plan.pk:
        total_target = plan_version.target if plan_version else None  # read just above
    else:
        total_target = _unit_target(plan, unit, as_of, own_plan, version.parent)
    any_move = _any_move_in(year, as_of)
    if counts.covers(version.depth) and (user is None or can(user, unit)):
        targets = {c.unit_id: allocations.get(c.unit_id) for c in children}
        targets[unit.pk] = total_target
        figures = _from_counters(unit, path, children, year, as_of, counts_on, user, targets,
                                 any_move)
    else:
        figures = _from_candidacies(user, path, year, as_of, counts_on)
    province_rates = _rates(figures.province_conversion
                            if figures.province_conversion is not None
                            else figures.total_conversion, None)
    unit_rates = _rates(figures.total_conversion, province_rates)

    rows = []
    for child in children:
        target = allocations.get(child.unit_id)
        row = Progress(unit=child.unit, name=child.name, target=target,
                       has_children=child.unit_id in parents, path=child.path)
        rates = _rates(figures.conversion.get(child.path), unit_rates)
        rows.append(_finish(row, figures.days.get(child.path, []),
                            figures.history.get(child.path, {}),
                            figures.pipeline.get(child.path, {}), rates, feasible, as_of))
    rows.sort(key=order_key)

    total = Progress(unit=unit, name=version.name, target=total_target,
                     has_children=bool(children))
    _finish(total, figures.total_days, figures.total_history, figures.total_pipeline,
            unit_rates, feasible, as_of)
    chart = _chart(total, figures.total_days, figures.total_history, as_of)
    return ProgressTable(plan=plan, version=plan_version, unit=unit, as_of=as_of,
                         counts_on=counts_on, total=total, rows=rows, chart=chart,
                         unit_plan=own_plan, org_changes=org_changes_in(unit, year, as_of) if any_move else [])


def _chart(total: Progress, days, history, as_of: dt.date) -> list[ChartPoint]:
    curve = monthly_curve(history)
    points = []
    running, i = 0, 0
    for month in range(1, 13):
        last = dt.date(as_of.year, month, pycal.monthrange(as_of.year, month)[1])
        while i < len(days) and days[i][0] <= last:
            running += days[i][1]
            i += 1
        fraction = sum(curve[:month]) if curve else month / 12
        points.append(ChartPoint(
            month=month,
            admitted=running if dt.date(as_of.year, month, 1) <= as_of else None,
            expected=total.target * fraction if total.target else None,
        ))
    return points
