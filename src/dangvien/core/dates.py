"""Month arithmetic as the regulations count it (tuổi tính theo tháng, 12 tháng dự bị)."""

from __future__ import annotations

import datetime as dt


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end`: 18 years 0 months is 216."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when that day does not exist)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - the 28th always exists
