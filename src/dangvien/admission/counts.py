"""Maintained admission counters (bộ đếm kết nạp) behind the progress dashboard.

A national dashboard cannot read every candidacy on every visit, so each unit down to
the depth `DANGVIEN_COUNTED_DEPTH` keeps counters (`AdmissionCount`) that every write
brings up to date: a candidacy's save adds the difference its dates make, and a move,
merge or split of a subtree adds the difference its new place makes. The dashboard of a
unit above that depth reads a few hundred counter rows for its children.

Kinds of counter, per unit:

* ``da`` / ``dc`` (per day): admissions by decision date / by ceremony date, counted in
  the tree of each day. A cell that moves later in the same year takes that year's
  admissions with it (a −1 under the old units and a +1 under the new ones on the day
  of the move), so the sum from 1 January to a date counts the cells where they stood on
  that date, as the exact query does.
* ``da`` / ``dc`` are also added up per month (the month rows, grain ``M``, hold the sum of
  their days' rows, moves included): the rollup a dashboard reads for the months before
  the one of its date, instead of every day since 1 January.
* ``ma`` / ``mc`` (per month): the same, counted where the cell stood when the person
  was admitted, without moves: the unit's own seasonal curve.
* ``p0``…``p4``: open candidacies at each pipeline stage (the stages of `PIPELINE`).
* ``w0``…``w4``: those of them who were admitted later in the same calendar year: with
  ``p`` on the same day of earlier years, the historical conversion rates.

``p`` and ``w`` are balances: rows hold changes (+1 when a candidacy reaches a state,
−1 when it leaves it), written three times, on the day, in the month and in the year, so
the balance on any date is the sum of one year row per earlier year, one month row per
earlier month of its year and the day rows of its month (`balances`), or, when the date
is nearer the end of its month (or year), the rows up to that end minus the rows after
the date: at most 15 day rows and 6 month rows per unit and date.

Every row of the month grain is the sum of the day rows of its month for the per-day
kinds, and every row of the year grain the sum of the month rows of its year for the
balances: the same `_rows` writes all grains of a change in one statement, in the
transaction of the write (a save, a move, a rebuild), so no grain is ever behind another.

Bulk loads (the demo, the benchmark generator) bypass `save()` and call `rebuild()`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.conf import settings
from django.db import connection, connections, router, transaction
from django.db.models import Q

from dangvien.org.models import OrgUnit, OrgUnitVersion

from .models import AdmissionCount, Candidacy, Stage

#: Stages before the decision, in order: the pipeline behind a target.
PIPELINE = [Stage.SOURCE, Stage.CLASS_DONE, Stage.DOSSIER_DONE, Stage.CELL_PROPOSED,
            Stage.GRASSROOTS_PROPOSED]
#: The date column that records reaching each pipeline stage.
STAGE_DATE = {
    Stage.SOURCE: "identified_on",
    Stage.CLASS_DONE: "class_done_on",
    Stage.DOSSIER_DONE: "dossier_done_on",
    Stage.CELL_PROPOSED: "cell_resolution_on",
    Stage.GRASSROOTS_PROPOSED: "grassroots_resolution_on",
}
OPEN = [f"p{i}" for i in range(len(PIPELINE))]
WON = [f"w{i}" for i in range(len(PIPELINE))]
DAILY = {"decision": "da", "ceremony": "dc"}
MONTHLY = {"decision": "ma", "ceremony": "mc"}
#: The counter columns of `AdmissionCount`, one per kind.
KINDS = [*OPEN, *WON, "da", "dc", "ma", "mc"]
_COLUMN = {kind: i for i, kind in enumerate(KINDS)}
STEP = OrgUnit.steplen


class Dates(NamedTuple):
    """What the counters read from one candidacy."""

    cell_id: int
    identified_on: dt.date | None
    class_done_on: dt.date | None
    dossier_done_on: dt.date | None
    cell_resolution_on: dt.date | None
    grassroots_resolution_on: dt.date | None
    decision_on: dt.date | None
    ceremony_on: dt.date | None
    closed_on: dt.date | None


FIELDS = Dates._fields
#: Positions in `Dates` of the pipeline stages' dates, in `PIPELINE` order.
_STAGE_POS = [FIELDS.index(STAGE_DATE[s]) for s in PIPELINE]

#: (valid_from, valid_to or None, the counted units above and including the cell).
Timeline = list[tuple[dt.date, dt.date | None, tuple[int, ...]]]


def counted_depth() -> int:
    return settings.DANGVIEN_COUNTED_DEPTH


def dates_of(candidacy: Candidacy) -> Dates:
    return Dates(*(getattr(candidacy, f) for f in FIELDS))


def stored_dates(pk: int) -> Dates | None:
    row = Candidacy.objects.filter(pk=pk).values_list(*FIELDS).first()
    return Dates(*row) if row else None


# --- what one candidacy contributes -------------------------------------------------------


def _chain_at(timeline: Timeline, day: dt.date) -> tuple[int, ...]:
    for start, end, chain in timeline:
        if start <= day and (end is None or day < end):
            return chain
    return ()


def _stage_then(r: Dates, day: dt.date) -> int | None:
    """Index in PIPELINE of the stage `r` was at on `day`, None if it was not open."""
    if r.identified_on is None or r.identified_on > day:
        return None
    if (r.decision_on is not None and r.decision_on <= day) or (
            r.closed_on is not None and r.closed_on <= day):
        return None
    for i in range(len(PIPELINE) - 1, -1, -1):
        reached = r[_STAGE_POS[i]]
        if reached is not None and reached <= day:
            return i
    return None


def _contribute(r: Dates, timeline: Timeline, out: Counter, sign: int = 1) -> None:
    """Add `r`'s changes to `out`, keyed (units, kind, day)."""
    boundaries = {start for start, _, _ in timeline} | {end for _, end, _ in timeline if end}
    # The balances: open at a stage, and open and admitted later that same year.
    if r.identified_on is not None:
        points = {d for d in r[1:] if d is not None} | {
            b for b in boundaries if b > r.identified_on}
        if r.decision_on is not None:
            points.add(dt.date(r.decision_on.year, 1, 1))
        before: tuple[tuple[int, ...], tuple[str, ...]] = ((), ())
        for day in sorted(p for p in points if p >= r.identified_on):
            chain = _chain_at(timeline, day)
            stage = _stage_then(r, day) if chain else None
            kinds: tuple[str, ...] = ()
            if stage is not None:
                kinds = (OPEN[stage],)
                if r.decision_on is not None and r.decision_on.year == day.year:
                    kinds += (WON[stage],)
            if (chain, kinds) != before:
                for kind in before[1]:
                    out[(before[0], kind, day)] -= sign
                for kind in kinds:
                    out[(chain, kind, day)] += sign
                before = (chain, kinds)
    # Admissions: on the day (following moves until the year ends) and in the month.
    for day, basis in ((r.decision_on, "decision"), (r.ceremony_on, "ceremony")):
        if day is None:
            continue
        chain = _chain_at(timeline, day)
        if chain:
            out[(chain, MONTHLY[basis], day.replace(day=1))] += sign
            out[(chain, DAILY[basis], day)] += sign
        year_end = dt.date(day.year, 12, 31)
        for moved_on in sorted(b for b in boundaries if day < b <= year_end):
            now = _chain_at(timeline, moved_on)
            if now != chain:
                if chain:
                    out[(chain, DAILY[basis], moved_on)] -= sign
                if now:
                    out[(now, DAILY[basis], moved_on)] += sign
                chain = now


def _rows(changes: Counter) -> dict[tuple[int, str, dt.date], list[int]]:
    """Counter rows (unit, grain, day) → the change of each kind (`KINDS`), zeros left out."""
    rows: dict[tuple[int, str, dt.date], list[int]] = {}
    for (chain, kind, day), n in changes.items():
        if not n:
            continue
        if kind[0] in "pw":
            keys = (("D", day), ("M", day.replace(day=1)), ("Y", day.replace(month=1, day=1)))
        elif kind[0] == "d":
            # The day, and the month's rollup of its days: a dashboard reads one row per
            # unit and month, plus the days of at most one month.
            keys = (("D", day), ("M", day.replace(day=1)))
        else:
            keys = (("M", day),)
        column = _COLUMN[kind]
        for unit_id in chain:
            for grain, on in keys:
                row = rows.get((unit_id, grain, on))
                if row is None:
                    row = rows[(unit_id, grain, on)] = [0] * len(KINDS)
                row[column] += n
    return {k: row for k, row in rows.items() if any(row)}


# --- the tree the counters follow ---------------------------------------------------------


def timelines(cell_ids: Iterable[int] | None = None) -> dict[int, Timeline]:
    """For each cell, its versions with the counted units above (and including) it.

    `cell_ids` None: every unit (for `rebuild`)."""
    depth = counted_depth()
    cells = OrgUnitVersion.objects.order_by("unit_id", "valid_from")
    if cell_ids is not None:
        cells = cells.filter(unit_id__in=list(cell_ids))
    cell_versions = list(cells.values_list("unit_id", "path", "depth", "valid_from", "valid_to"))
    wanted = {path[: STEP * k] for _, path, d, _, _ in cell_versions
              for k in range(1, min(d, depth) + 1)}
    holders: dict[str, list[tuple[dt.date, dt.date | None, int]]] = defaultdict(list)
    counted = OrgUnitVersion.objects.filter(depth__lte=depth)
    if cell_ids is not None:
        counted = counted.filter(path__in=wanted)
    for unit_id, path, start, end in counted.values_list("unit_id", "path", "valid_from",
                                                         "valid_to"):
        holders[path].append((start, end, unit_id))

    def holder(path: str, on: dt.date) -> int | None:
        for start, end, unit_id in holders.get(path, ()):
            if start <= on and (end is None or on < end):
                return unit_id
        return None

    out: dict[int, Timeline] = defaultdict(list)
    for unit_id, path, d, start, end in cell_versions:
        chain = tuple(u for k in range(1, min(d, depth) + 1)
                      if (u := holder(path[: STEP * k], start)) is not None)
        out[unit_id].append((start, end, chain))
    return out


# --- writing -------------------------------------------------------------------------------


_COLUMNS = "unit_id, grain, day, " + ", ".join(KINDS)


def _apply(rows: dict[tuple[int, str, dt.date], list[int]]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(AdmissionCount._meta.db_table)
    marks = ", ".join(["%s"] * (3 + len(KINDS)))
    adds = ", ".join(f"{k} = {table}.{k} + excluded.{k}" for k in KINDS)
    sql = (f"INSERT INTO {table} ({_COLUMNS}) VALUES ({marks}) "  # noqa: S608
           f"ON CONFLICT (unit_id, grain, day) DO UPDATE SET {adds}")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*key, *row) for key, row in sorted(rows.items())])


def recount(before: Dates | None, after: Dates | None) -> None:
    """Add to the counters the difference between a candidacy's old and new dates."""
    if before == after:
        return
    cells = {r.cell_id for r in (before, after) if r is not None}
    lines = timelines(cells)
    changes: Counter = Counter()
    if before is not None:
        _contribute(before, lines.get(before.cell_id, []), changes, -1)
    if after is not None:
        _contribute(after, lines.get(after.cell_id, []), changes)
    with transaction.atomic():
        _apply(_rows(changes))


@contextlib.contextmanager
def recounting(roots: Iterable[OrgUnit]) -> Iterator[None]:
    """Around a change of the tree (move, merge, split) under `roots`: the candidacies of
    their cells are counted out before it and counted in after it."""
    paths = sorted({u.path for u in roots})
    where = Q()
    for path in paths:
        where |= Q(path__startswith=path)
    cell_ids = list(OrgUnit.objects.filter(where).values_list("id", flat=True)) if paths else []
    rows = [Dates(*r) for r in Candidacy.objects.filter(cell_id__in=cell_ids)
            .values_list(*FIELDS).iterator(chunk_size=2000)] if cell_ids else []
    changes: Counter = Counter()
    lines = timelines(cell_ids)
    for r in rows:
        _contribute(r, lines.get(r.cell_id, []), changes, -1)
    yield
    lines = timelines(cell_ids)
    for r in rows:
        _contribute(r, lines.get(r.cell_id, []), changes)
    _apply(_rows(changes))


def rebuild(*, progress=None) -> int:
    """Count everything again from the candidacies (after bulk loads). Returns the rows."""
    lines = timelines()
    changes: Counter = Counter()
    qs = Candidacy.objects.order_by().values_list(*FIELDS)
    total = qs.count()
    for i, r in enumerate(qs.iterator(chunk_size=5000), 1):
        r = Dates(*r)
        _contribute(r, lines.get(r.cell_id, []), changes)
        if progress and i % 100_000 == 0:
            progress(i, total)
    rows = _rows(changes)
    table = connection.ops.quote_name(AdmissionCount._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        # In key order: the rows a balance reads lie together on disk.
        values = ((*key, *row) for key, row in sorted(rows.items()))
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({_COLUMNS}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * (3 + len(KINDS)))
            cursor.executemany(f"INSERT INTO {table} ({_COLUMNS}) VALUES ({marks})",  # noqa: S608
                               list(values))
    return len(rows)


# --- reading -------------------------------------------------------------------------------


def _reader():
    """The database the counters are read from: the one the router chooses for reads (a
    replica, when there is one and the user has not just written), else the default."""
    return connections[router.db_for_read(AdmissionCount)]


def covers(depth: int) -> bool:
    """Whether a unit at `depth` has counters for itself and its children."""
    return depth < counted_depth()


def daily(unit_ids: list[int], kind: str, start: dt.date, end: dt.date
          ) -> dict[int, list[tuple[dt.date, int]]]:
    """unit → [(day, change)] of a per-day kind between two dates, by day."""
    out: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for unit_id, day, n in (AdmissionCount.objects
                            .filter(unit_id__in=unit_ids, grain="D", day__gte=start, day__lte=end)
                            .exclude(**{kind: 0})
                            .order_by("unit_id", "day").values_list("unit_id", "day", kind)):
        out[unit_id].append((day, n))
    return out


def monthly(unit_ids: list[int], kind: str, first_year: int, last_year: int
            ) -> dict[int, dict[int, list[int]]]:
    """unit → year → 12 monthly counts of a per-month kind."""
    out: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * 12))
    for unit_id, day, n in (AdmissionCount.objects
                            .filter(unit_id__in=unit_ids, grain="M",
                                    day__gte=dt.date(first_year, 1, 1),
                                    day__lte=dt.date(last_year, 12, 31))
                            .exclude(**{kind: 0})
                            .values_list("unit_id", "day", kind)):
        out[unit_id][day.year][day.month - 1] += n
    return out


@contextlib.contextmanager
def small_reads() -> Iterator[None]:
    """Around the dashboard's reads of the counters: on PostgreSQL, in one transaction
    without parallel workers.

    Each read is a few thousand rows found through the key, but the planner prices a
    dozen index scans of 64 units each high enough to start two parallel workers, which
    cost more than the reading (26 ms instead of 8 ms for the national balances on a
    2-core machine). `SET LOCAL` holds until the end of the transaction, so the setting
    goes back to the session's own once the reads are done, even inside a request's
    transaction."""
    reader = _reader()
    if reader.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=reader.alias, savepoint=False), reader.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather TO DEFAULT")


def id_list(unit_ids: Iterable[int]) -> str:
    """Unit ids written into the statement as integer literals (`int` makes them safe):
    binding a thousand parameters one by one took the client longer than the query."""
    return ", ".join(str(int(u)) for u in unit_ids)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _ranges_to(on: dt.date) -> list[tuple[int, str, dt.date | None, dt.date]]:
    """The rows whose sum is the balance on `on`: (sign, grain, after, up to) — rows with
    ``after < day <= up to`` (no lower bound when `after` is None), added or taken away.

    From whichever end is nearer: the year's start (the months before its month) or its
    end (the year row minus the months after), and the month's start (its days up to
    `on`) or its end (the month row minus its days after `on`)."""
    year, month = dt.date(on.year, 1, 1), on.replace(day=1)
    month_end = _month_end(on)
    late_day = month_end.day - on.day < on.day
    if on.month <= 6:  # from 1 January: the years before and the months before this one
        years_to = year - dt.timedelta(days=1)
        months = (1, year - dt.timedelta(days=1),
                  month_end if late_day else month - dt.timedelta(days=1))
    else:  # from 31 December: this year's row too, less the months after this one
        years_to = year
        months = (-1, month_end if late_day else month - dt.timedelta(days=1),
                  dt.date(on.year, 12, 31))
    days = (-1, on, month_end) if late_day else (1, month - dt.timedelta(days=1), on)
    out = [(1, "Y", None, years_to)]
    if months[1] < months[2]:
        out.append((months[0], "M", months[1], months[2]))
    if days[1] < days[2]:
        out.append((days[0], "D", days[1], days[2]))
    return out


def balances_on(unit_ids: list[int], days: list[dt.date]) -> dict[dt.date, dict[int, dict[str, int]]]:
    """day → unit → kind → balance of the pipeline kinds (``p*``, ``w*``) on that day.

    One statement: per day, at most three ranges of the (unit, grain, day) key
    (`_ranges_to`: the years before, at most 6 months and 15 days per unit). Written as
    SQL because the ORM takes longer to compile it than the database to run it."""
    out: dict[dt.date, dict[int, dict[str, int]]] = {day: {} for day in days}
    if not unit_ids or not days:
        return out
    reader = _reader()
    table = reader.ops.quote_name(AdmissionCount._meta.db_table)
    kinds = OPEN + WON
    sums = ", ".join(f"SUM({k})" for k in kinds)
    units = id_list(unit_ids)
    parts, params = [], []
    for i, on in enumerate(days):
        for sign, grain, after, upto in _ranges_to(on):
            where = [f"unit_id IN ({units})", "grain = %s", "day <= %s"]
            params += [grain, upto]
            if after is not None:
                where.append("day > %s")
                params.append(after)
            parts.append(f"SELECT {i}, {sign}, unit_id, {sums} FROM {table} "  # noqa: S608
                         f"WHERE {' AND '.join(where)} GROUP BY unit_id")
    totals: dict[tuple[int, int], list[int]] = {}
    with reader.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for i, sign, unit_id, *values in cursor.fetchall():
            total = totals.setdefault((i, unit_id), [0] * len(kinds))
            for j, n in enumerate(values):
                total[j] += sign * (n or 0)
    for (i, unit_id), total in totals.items():
        out[days[i]][unit_id] = {k: n for k, n in zip(kinds, total, strict=True) if n}
    return out


def by_month(unit_ids: list[int], kind: str, history_kind: str, year: int, first_year: int,
             as_of: dt.date) -> tuple[dict[int, list[tuple[dt.date, int]]],
                                      dict[int, dict[int, list[int]]]]:
    """The year's admissions month by month up to `as_of`, and the earlier years' curve.

    Returns (unit → [(first day of the month, admissions of `kind` in it up to `as_of`)]
    from January to the month of `as_of`, months with none left out; unit → earlier year
    → 12 monthly counts of `history_kind` from `first_year`). Two statements: the month
    rows from `first_year` to the month of `as_of`, and the days of that month on the
    nearer side of `as_of` (the month row holds the whole month)."""
    months: dict[int, dict[dt.date, int]] = defaultdict(dict)
    history: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * 12))
    if not unit_ids:
        return {}, history
    reader = _reader()
    table = reader.ops.quote_name(AdmissionCount._meta.db_table)
    units = id_list(unit_ids)
    month, month_end = as_of.replace(day=1), _month_end(as_of)
    start = dt.date(year, 1, 1)
    with reader.cursor() as cursor:
        cursor.execute(
            f"SELECT unit_id, day, {kind}, {history_kind} FROM {table} "  # noqa: S608
            f"WHERE unit_id IN ({units}) AND grain = 'M' AND day >= %s AND day <= %s "
            f"AND ({kind} <> 0 OR {history_kind} <> 0)",
            [dt.date(first_year, 1, 1), month])
        for unit_id, day, n, h in cursor.fetchall():
            if day >= start:
                if n:
                    months[unit_id][day] = n
            elif h:
                history[unit_id][day.year][day.month - 1] += h
        late = month_end.day - as_of.day < as_of.day
        if late:  # the month row less the days after as_of
            sign, where, bounds = -1, "day > %s AND day <= %s", [as_of, month_end]
        else:  # the days up to as_of instead of the month row
            sign, where, bounds = 1, "day >= %s AND day <= %s", [month, as_of]
            for unit_months in months.values():
                unit_months.pop(month, None)
        if as_of != month_end:
            cursor.execute(
                f"SELECT unit_id, SUM({kind}) FROM {table} "  # noqa: S608
                f"WHERE unit_id IN ({units}) AND grain = 'D' AND {where} GROUP BY unit_id",
                bounds)
            for unit_id, n in cursor.fetchall():
                months[unit_id][month] = months[unit_id].get(month, 0) + sign * (n or 0)
    out = {u: sorted((d, n) for d, n in m.items() if n) for u, m in months.items()}
    return {u: m for u, m in out.items() if m}, history


def days_in(wanted: dict[int, dt.date], kind: str, as_of: dt.date
            ) -> dict[int, list[tuple[dt.date, int]]]:
    """unit → [(day, change)] of a per-day kind in one month each (`wanted`: unit → the
    first day of its month), up to `as_of`: one statement."""
    out: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    if not wanted:
        return out
    reader = _reader()
    table = reader.ops.quote_name(AdmissionCount._meta.db_table)
    ors, params = [], []
    for unit_id, month in sorted(wanted.items()):
        ors.append("(unit_id = %s AND day >= %s AND day <= %s)")
        params += [unit_id, month, min(_month_end(month), as_of)]
    with reader.cursor() as cursor:
        cursor.execute(f"SELECT unit_id, day, {kind} FROM {table} "  # noqa: S608
                       f"WHERE grain = 'D' AND {kind} <> 0 AND ({' OR '.join(ors)}) "
                       f"ORDER BY unit_id, day", params)
        for unit_id, day, n in cursor.fetchall():
            out[unit_id].append((day, n))
    return out


def balances(unit_ids: list[int], on: dt.date) -> dict[int, dict[str, int]]:
    """unit → kind → balance on `on` of the pipeline kinds (``p*``, ``w*``)."""
    return {u: k for u, k in balances_on(unit_ids, [on])[on].items() if k}
