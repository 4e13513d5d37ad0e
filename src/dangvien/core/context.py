"""Template context shared by every page: the date in view (ngày đang xem) for the header."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from .http import date_in_view as _date_in_view


def date_in_view(request: HttpRequest) -> dict:
    """`date_in_view`: the day chosen for the session (None when it is today);
    `date_in_view_next`: where "về hôm nay" comes back to, the path without `?ngay=`."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    day = _date_in_view(request)
    if day is None or day == timezone.localdate():
        return {"date_in_view": None}
    return {"date_in_view": day, "date_in_view_next": request.path}
