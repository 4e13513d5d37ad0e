"""Small helpers shared by the pages: reading the "as of" date from the query string.

Every page answers "as of" a date (`?ngay=31/05/2022`, default today). A bad date is
not an error page: the page shows today's figures and says why.

The date in view (ngày đang xem) lasts for the session: a page asked with `?ngay=` keeps
that day in the session, and a later page asked without it reads the same day, until
the user chooses today again (the header's "về hôm nay", `clear_date_in_view`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils import timezone

from dangvien.core import vn


@dataclass
class AsOf:
    """Ngày xem số liệu, đọc từ ?ngay=…; ngày sai thì dùng hôm nay và báo lỗi."""

    on: dt.date
    value: str
    error: str = ""
    explicit: bool = False

    @property
    def param(self) -> str:
        return urlencode({"ngay": vn.format_date(self.on)}, safe="/")

    @property
    def suffix(self) -> str:
        """Query string for links: keeps a date the user chose, nothing for today."""
        return f"?{self.param}" if self.explicit else ""


SESSION_KEY = "dv_ngay"
FIRST_YEAR = 1930  # the Party's founding: no record is older
YEARS_AHEAD = 5  # plans are made a year or two ahead; a day further on is a typing slip


def _in_range(day: dt.date, today: dt.date) -> bool:
    return FIRST_YEAR <= day.year <= today.year + YEARS_AHEAD


def out_of_range_message(day: dt.date, today: dt.date) -> str:
    """Why `day` is refused (outside 1930..today + 5 years), or "" when it is in range."""
    if _in_range(day, today):
        return ""
    return (f"Ngày {vn.format_date(day)} nằm ngoài khoảng có số liệu (từ năm {FIRST_YEAR} "
            f"đến năm {today.year + YEARS_AHEAD}).")


def date_in_view(request: HttpRequest) -> dt.date | None:
    """The day the user chose for this session, or None (today)."""
    session = getattr(request, "session", None)
    raw = session.get(SESSION_KEY) if session is not None else None
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        return None
    return day if _in_range(day, timezone.localdate()) else None


def _keep(request: HttpRequest, day: dt.date, today: dt.date) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if day == today:
        session.pop(SESSION_KEY, None)
    elif session.get(SESSION_KEY) != day.isoformat():
        session[SESSION_KEY] = day.isoformat()


def clear_date_in_view(request: HttpRequest) -> None:
    """Back to today: forget the day chosen for the session."""
    request.session.pop(SESSION_KEY, None)


def as_of_from_request(request: HttpRequest, name: str = "ngay") -> AsOf:
    """The date asked for in `?ngay=` (dd/mm/yyyy or ISO), kept for the session; without
    it the session's date in view; today when neither is there or the date is wrong."""
    today = timezone.localdate()
    raw = request.GET.get(name, "").strip()
    if not raw:
        kept = date_in_view(request) if name == "ngay" else None
        if kept is not None and kept != today:
            return AsOf(on=kept, value=vn.format_date(kept), explicit=True)
        return AsOf(on=today, value=vn.format_date(today))
    try:
        day = vn.parse_date(raw)
    except ValueError as exc:
        return AsOf(on=today, value=raw[:40], error=str(exc))
    if not _in_range(day, today):
        return AsOf(on=today, value=raw[:40], error=out_of_range_message(day, today))
    if name == "ngay":
        _keep(request, day, today)
    return AsOf(on=day, value=vn.format_date(day), explicit=True)


def params_in_view(request: HttpRequest):
    """The query string with the date in view added when it has none: a file made from a
    page (Excel, Word) means the day the page showed, even when the day came from the
    session rather than from `?ngay=`."""
    params = request.GET
    day = date_in_view(request)
    if day is None or params.get("ngay", "").strip():
        return params
    params = params.copy()
    params["ngay"] = vn.format_date(day)
    return params
