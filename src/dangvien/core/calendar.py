"""Lịch ngày làm việc: the working-day calendar every "N working days" deadline uses.

A day is a working day (ngày làm việc) when it is Monday to Friday and not a public
holiday, unless the government announced otherwise for that day.

Sources, in the order they decide:

1. `CalendarDay` rows (core admin: "ngày nghỉ bù, nghỉ thêm, làm bù"), entered by the
   provincial administrator from each year's announcement. A row decides its day:
   DAY_OFF ("nghỉ") makes it a day off, WORKING ("làm bù") makes it a working day, even
   on a Saturday and even where the package says holiday (so a wrong package entry can be
   corrected without a release).
2. The `holidays` package, Vietnam, in Vietnamese: Tết Dương lịch, the five statutory Tết
   Nguyên đán days (and, when one of them falls on a Saturday or Sunday, the extra weekday
   the Labour Code gives instead), Giỗ Tổ Hùng Vương (10/3 âm lịch), 30/4, 1/5, Quốc khánh
   (2/9 and the adjacent day), from 2026 Ngày Văn hóa Việt Nam (24/11), the compensatory
   day (nghỉ bù) when a holiday falls on a weekend, and the swaps the package already
   knows (for example 29/4/2024 off, Saturday 4/5/2024 worked).
3. Saturdays and Sundays are days off.

Speed. For each year a sorted list of the ordinals of its working days is built once;
`add_working_days` and `working_days_between` are then a `bisect` in one or two of these
lists (plus a length per whole year in between). No query runs per date.

Caching, and seeing changes. The `CalendarDay` table is tiny (a few rows a year), so the
whole table is read in one query into a `WorkingCalendar` snapshot kept per process:

- in this process, saving or deleting a `CalendarDay` (admin, services, tests) drops
  the snapshot at once through `post_save`/`post_delete`, and again when the transaction
  commits, so the next call sees the change;
- another process's change (a second server process, `migrate`, `QuerySet.update()` or
  `bulk_create`, which send no signals) is seen within `REFRESH_SECONDS`: a call finding
  a snapshot older than that re-reads the table (one small query) and rebuilds only if
  the rows differ. A change rolled back after it was read is likewise forgotten within
  `REFRESH_SECONDS` (tests drop the snapshot themselves with `invalidate()`).

So a request computing tens of thousands of deadlines runs at most one query every
`REFRESH_SECONDS`. A caller that needs one consistent view for a whole batch takes
`working_calendar()` once and calls the same methods on it.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from bisect import bisect_right

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import CalendarDay, CalendarDayKind

#: How long a process trusts its snapshot of `CalendarDay` before re-reading the table.
REFRESH_SECONDS = 5.0

#: Years the `holidays` package computes Vietnam's lunar holidays for
#: (`holidays.Vietnam.start_year`, `end_year`; a test keeps them in step). The package is
#: imported on first use: it takes a quarter of a second, and every command loads the admin.
FIRST_YEAR = 1901
LAST_YEAR = 2100

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

_DAY_OFF = CalendarDayKind.DAY_OFF.value
_WORKING = CalendarDayKind.WORKING.value

#: day -> (kind, note), as read from `CalendarDay`.
Rows = dict[dt.date, tuple[str, str]]


@functools.cache
def _statutory(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """The package's holidays of `year` (date -> Vietnamese name) and its worked weekend days.

    The next year is built too: a swap announced for January may move a working day into
    this year's December.
    """
    import holidays

    vn = holidays.country_holidays("VN", years=(year, year + 1), language="vi")
    names = {day: name for day, name in vn.items() if day.year == year}
    weekend_workdays = frozenset(day for day in vn.weekend_workdays if day.year == year)
    return names, weekend_workdays


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            f"Lịch ngày làm việc chỉ tính được cho các năm {FIRST_YEAR}–{LAST_YEAR}, "
            f"không tính được năm {year}."
        )


def _check_date(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"Cần một ngày (datetime.date), không phải {type(day).__name__}.")
    _check_year(day.year)
    return day


class WorkingCalendar:
    """One snapshot of the calendar: the package's holidays plus the given `CalendarDay` rows."""

    def __init__(self, rows: Rows):
        self.rows: Rows = dict(rows)
        self._kinds = {day: kind for day, (kind, _note) in self.rows.items()}
        self._years: dict[int, list[int]] = {}

    # --- one day ---------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        _check_date(day)
        kind = self._kinds.get(day)
        if kind is not None:
            return kind == _WORKING
        names, weekend_workdays = _statutory(day.year)
        if day.weekday() >= 5:
            return day in weekend_workdays
        return day not in names

    # --- counting --------------------------------------------------------------------

    def _work(self, year: int) -> list[int]:
        """Sorted ordinals of the working days of `year`, built once per snapshot."""
        work = self._years.get(year)
        if work is None:
            _check_year(year)
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year, 12, 31).toordinal()
            work = [o for o in range(first, last + 1) if self.is_working_day(dt.date.fromordinal(o))]
            self._years[year] = work
        return work

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself not counted); n == 0 gives start."""
        _check_date(start)
        if n < 0:
            raise ValueError(f"Số ngày làm việc phải từ 0 trở lên, không phải {n}.")
        if n == 0:
            return start
        year = start.year
        work = self._work(year)
        index = bisect_right(work, start.toordinal())
        remaining = n
        while index + remaining > len(work):
            remaining -= len(work) - index
            year += 1
            work = self._work(year)
            index = 0
        return dt.date.fromordinal(work[index + remaining - 1])

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: 0 if end <= start."""
        _check_date(start)
        _check_date(end)
        if end <= start:
            return 0
        first = self._work(start.year)
        after_start = bisect_right(first, start.toordinal())
        if start.year == end.year:
            return bisect_right(first, end.toordinal()) - after_start
        total = len(first) - after_start
        for year in range(start.year + 1, end.year):
            total += len(self._work(year))
        return total + bisect_right(self._work(end.year), end.toordinal())

    # --- lists for pages -------------------------------------------------------------

    def holidays_in(self, year: int) -> list[tuple[dt.date, str]]:
        """Public holidays and announced days off of `year`, by date, with Vietnamese names.

        A holiday an administrator marked as worked is left out; an announced day off
        shows its note (or "Ngày nghỉ bù / nghỉ thêm" when it has none).
        """
        _check_year(year)
        names, _ = _statutory(year)
        out = {day: name for day, name in names.items() if self._kinds.get(day) != _WORKING}
        for day, (kind, note) in self.rows.items():
            if day.year == year and kind == _DAY_OFF:
                out[day] = note or CalendarDayKind.DAY_OFF.label
        return sorted(out.items())

    def make_up_days_in(self, year: int) -> list[tuple[dt.date, str]]:
        """Saturdays and Sundays of `year` that are worked (ngày làm bù), with their note."""
        _check_year(year)
        _, weekend_workdays = _statutory(year)
        # The package names the day off "Ngày nghỉ (thay cho ngày 04/05/2024)"; find it.
        swapped = {**_statutory(year)[0], **_statutory(min(year + 1, LAST_YEAR))[0]}
        out = {}
        for day in weekend_workdays:
            if day in self._kinds:
                continue
            label = day.strftime("%d/%m/%Y")
            off = next((d for d, name in sorted(swapped.items()) if label in name), None)
            out[day] = CalendarDayKind.WORKING.label + (
                f" cho ngày {off.strftime('%d/%m/%Y')}" if off else ""
            )
        for day, (kind, note) in self.rows.items():
            if day.year == year and kind == _WORKING and day.weekday() >= 5:
                out[day] = note or CalendarDayKind.WORKING.label
        return sorted(out.items())


# --- the per-process snapshot ---------------------------------------------------------

_lock = threading.Lock()
_snapshot: WorkingCalendar | None = None
_checked_at = 0.0
_generation = 0
_clock = time.monotonic  # tests replace it to move time on


def _read_rows() -> Rows:
    return {
        day: (kind, note)
        for day, kind, note in CalendarDay.objects.values_list("day", "kind", "note")
    }


def working_calendar() -> WorkingCalendar:
    """The current snapshot; re-reads `CalendarDay` when older than `REFRESH_SECONDS`."""
    global _snapshot, _checked_at
    snapshot, now = _snapshot, _clock()
    if snapshot is not None and now - _checked_at < REFRESH_SECONDS:
        return snapshot
    generation = _generation
    rows = _read_rows()
    with _lock:
        if _snapshot is None or _snapshot.rows != rows:
            _snapshot = WorkingCalendar(rows)
        if generation == _generation:  # no change was signalled while we were reading
            _checked_at = now
        else:
            _checked_at = float("-inf")
        return _snapshot


def invalidate() -> None:
    """Forget the snapshot: the next call re-reads `CalendarDay`."""
    global _snapshot, _generation
    with _lock:
        _snapshot = None
        _generation += 1


def _on_calendar_day_change(sender, using=None, **kwargs) -> None:
    invalidate()
    # Other threads may read the old rows until the commit; read again after it.
    transaction.on_commit(invalidate, using=using)


post_save.connect(_on_calendar_day_change, sender=CalendarDay, dispatch_uid="core.calendar.save")
post_delete.connect(
    _on_calendar_day_change, sender=CalendarDay, dispatch_uid="core.calendar.delete"
)


# --- the functions the rest of the product calls ----------------------------------------


def is_working_day(day: dt.date) -> bool:
    """Monday–Friday, not a public holiday, not an announced day off; or an announced make-up day."""
    return working_calendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The deadline "within n working days of start": the n-th working day after start."""
    return working_calendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie in (start, end]; 0 if end <= start."""
    return working_calendar().working_days_between(start, end)


def holidays_in(year: int) -> list[tuple[dt.date, str]]:
    """Public holidays and announced days off of `year`, with Vietnamese names, by date."""
    return working_calendar().holidays_in(year)


def make_up_days_in(year: int) -> list[tuple[dt.date, str]]:
    """Worked Saturdays and Sundays (ngày làm bù) of `year`, by date."""
    return working_calendar().make_up_days_in(year)
