"""Small helpers shared by the pages: reading the "as of" date from the query string.

Every page answers "as of" a date (`?ngay=31/05/2022`, default today). A bad date is
not an error page: the page shows today's figures and says why.
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


def as_of_from_request(request: HttpRequest, name: str = "ngay") -> AsOf:
    """The date asked for in `?ngay=` (dd/mm/yyyy or ISO); today when absent or wrong."""
    today = timezone.localdate()
    raw = request.GET.get(name, "").strip()
    if not raw:
        return AsOf(on=today, value=vn.format_date(today))
    try:
        day = vn.parse_date(raw)
    except ValueError as exc:
        return AsOf(on=today, value=raw[:40], error=str(exc))
    return AsOf(on=day, value=vn.format_date(day), explicit=True)
