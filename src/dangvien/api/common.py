"""Helpers every router uses: the token's user, the date asked for, a unit in scope."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from dangvien.accounts.scope import get_unit_or_404
from dangvien.org.models import OrgUnit

from .schemas import ErrorOut

#: Every operation may answer these besides its success, all as `ErrorOut` JSON.
ERROR_CODES = (400, 401, 403, 404, 409, 413, 422, 429)
ERRORS = dict.fromkeys(ERROR_CODES, ErrorOut)


def user_of(request):
    return request.auth.user


def day_or_today(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


def unit_or_404(request, code: str | None) -> OrgUnit | None:
    """The unit of `code` when the token's user may see it; 404 otherwise (never 403)."""
    if code is None or code == "":
        return None
    if len(code) > 32:
        raise Http404("Không tìm thấy đơn vị.")
    return get_unit_or_404(user_of(request), code)
