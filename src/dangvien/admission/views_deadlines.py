"""Deadlines page (thời hạn) and quarterly candidate surveys (khảo sát nguồn theo quý).

Both pages answer for one unit in the user's scope (`?don-vi=CODE`; a unit outside the
scope is 404, like one that does not exist) or, for deadlines, for the whole scope.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, get_unit_or_404, scope_roots
from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.core.fragments import lazy_values
from dangvien.core.http import as_of_from_request
from dangvien.org.selectors import children_on, parent_on

from . import surveys as sv
from .deadlines import (
    CERTIFICATE_WARNING_DAYS,
    DUE_SOON_WORKING_DAYS,
    Kind,
    deadlines_listing,
)

#: Rows per page of the item list; the summary above it counts every item.
PER_PAGE = 40
SURVEY_YEARS_SHOWN = 1


def _unit_param(request: HttpRequest) -> str:
    return (request.GET.get("don-vi") or request.POST.get("don-vi") or "").strip()[:32]


@require_http_methods(["GET"])
@login_required
def deadlines_page(request: HttpRequest) -> HttpResponse:
    """A summary per subordinate unit (drill down with ?don-vi=), the counts by kind with
    each kind's legal basis once, then every item, paged."""
    user = request.user
    code = _unit_param(request)
    unit = get_unit_or_404(user, code) if code else None
    as_of = as_of_from_request(request)
    if unit is not None:
        parent = parent_on(unit, as_of.on)
        up = parent if parent is not None and can(user, parent) else None
    else:
        up = None
    day = vn.format_date(as_of.on)
    keep = {"ngay": day} if as_of.explicit else {}
    page_keep = ({"don-vi": unit.code} if unit else {}) | keep

    # Only the cached page body ({% fragment "deadlines" %}) reads these: on a hit the
    # deadlines are neither read nor counted.
    listing = lazy_values(lambda: deadlines_listing(
        user=user, on=as_of.on, unit=unit, page_number=request.GET.get("trang"),
        per_page=PER_PAGE), ("error", "counts", "kinds", "regulations", "summaries", "page"))
    return render(request, "admission/deadlines.html", {
        "as_of": as_of,
        "unit": unit,
        "up": up,
        "keep": [("don-vi", unit.code)] if unit else [],
        "kind_labels": [kind.label for kind in Kind],
        **listing,
        "page_query": f"{urlencode(page_keep, safe='/')}&" if page_keep else "",
        "empty": f"Không có việc nào quá hạn hoặc sắp đến hạn vào ngày {day}.",
        "soon_days": DUE_SOON_WORKING_DAYS,
        "certificate_days": CERTIFICATE_WARNING_DAYS,
        "date_query": f"&{urlencode(keep, safe='/')}" if keep else "",
    })


def _year(request: HttpRequest, today) -> tuple[int, str]:
    raw = (request.GET.get("nam") or request.POST.get("nam") or "").strip()
    if not raw:
        return today.year, ""
    if raw.isdigit() and sv.FIRST_YEAR <= int(raw) <= sv.LAST_YEAR:
        return int(raw), ""
    return today.year, f"'{raw[:20]}' không phải năm hợp lệ; đang hiển thị năm {today.year}."


def _surveys_url(code: str, year: int) -> str:
    return f"{reverse('admission:surveys')}?{urlencode({'don-vi': code, 'nam': year})}"


@require_http_methods(["GET", "POST"])
@login_required
def surveys_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    year, year_error = _year(request, today)
    code = _unit_param(request)
    if request.method == "POST":
        return _survey_take(request, code, year, today)
    if code:
        unit = get_unit_or_404(user, code)
    else:
        unit = scope_roots(user).first()
        if unit is None:
            return render(request, "admission/surveys.html", {"unit": None, "year": year})
    table = sv.surveys_for_unit(user=user, unit=unit, year_from=year - SURVEY_YEARS_SHOWN + 1,
                                year_to=year, today=today)
    ended = [c for c in table.columns if c.ended]
    return render(request, "admission/surveys.html", {
        "unit": unit,
        "year": year,
        "year_error": year_error,
        "table": table,
        "can_take": can(user, unit, Role.EDITOR) and bool(ended),
        "ended": ended,
        "default_quarter": ended[-1].quarter if ended else None,
        "children": [(v.unit.code, v.name) for v in children_on(unit, today)],
        "prev_url": _surveys_url(unit.code, year - 1),
        "next_url": _surveys_url(unit.code, year + 1) if year < today.year else "",
    })


def _survey_take(request: HttpRequest, code: str, year: int, today) -> HttpResponse:
    # Only an editor of the unit may take its survey; anyone else gets the same 404 as
    # for a unit outside their scope.
    unit = get_unit_or_404(request.user, code, role=Role.EDITOR)
    raw_quarter = request.POST.get("quy", "").strip()
    try:
        quarter = int(raw_quarter)
        taken = sv.survey_take_all(by=request.user, unit=unit, year=year, quarter=quarter,
                                   today=today)
    except ValueError:
        messages.error(request, "Hãy chọn quý cần lập khảo sát.")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Đã lập khảo sát nguồn kết nạp quý {quarter}/{year} (số liệu đến hết ngày "
            f"{vn.format_date(sv.quarter_bounds(year, quarter)[1])}) cho "
            f"{vn.format_number(len(taken))} đơn vị thuộc {unit.name}.")
    return HttpResponseRedirect(_surveys_url(unit.code, year))


urlpatterns: list = [
    path("thoi-han/", deadlines_page, name="deadlines"),
    path("khao-sat/", surveys_page, name="surveys"),
]
