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
from dangvien.core.http import as_of_from_request
from dangvien.org.selectors import children_on

from . import surveys as sv
from .deadlines import (
    CERTIFICATE_WARNING_DAYS,
    Status,
    deadline_counts,
    deadlines,
    status_sections,
)

HORIZON_DAYS = 7
#: Rows shown per kind in a section; the rest are counted, and a unit narrows the list.
ROWS_PER_KIND = 200
SURVEY_YEARS_SHOWN = 1


def _unit_param(request: HttpRequest) -> str:
    return (request.GET.get("don-vi") or request.POST.get("don-vi") or "").strip()[:32]


@require_http_methods(["GET"])
@login_required
def deadlines_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    code = _unit_param(request)
    unit = get_unit_or_404(user, code) if code else None
    as_of = as_of_from_request(request)
    error = ""
    try:
        items = deadlines(user=user, as_of=as_of.on, unit=unit, horizon_days=HORIZON_DAYS)
    except DomainError as exc:
        items, error = [], exc.message
    sections = status_sections(items)
    for groups in sections.values():
        for group in groups:
            group.limit = ROWS_PER_KIND
    if unit is not None:
        nearby = [(v.unit.code, v.name) for v in children_on(unit, as_of.on)]
    else:
        nearby = [(u.code, u.name) for u in scope_roots(user)]
    counts = deadline_counts(items)
    day = vn.format_date(as_of.on)
    keep = {"ngay": vn.format_date(as_of.on)} if as_of.explicit else {}
    return render(request, "admission/deadlines.html", {
        "as_of": as_of,
        "unit": unit,
        "keep": [("don-vi", unit.code)] if unit else [],
        "error": error,
        "counts": counts,
        "sections": [
            {"id": "qua-han", "title": "Quá hạn", "tone": "bad", "overdue": True,
             "count": counts["overdue"], "groups": sections[Status.OVERDUE.value],
             "empty": f"Không có việc nào quá hạn vào ngày {day}."},
            {"id": "sap-den-han", "title": "Sắp đến hạn",
             "note": (f"Hạn trong {HORIZON_DAYS} ngày tới; giấy chứng nhận sắp hết hạn và lớp "
                      f"đảng viên mới: trong {CERTIFICATE_WARNING_DAYS} ngày tới."),
             "tone": "soon", "overdue": False, "count": counts["due_soon"],
             "groups": sections[Status.DUE_SOON.value],
             "empty": f"Không có việc nào sắp đến hạn kể từ ngày {day}."},
        ],
        "horizon": HORIZON_DAYS,
        "rows_per_kind": ROWS_PER_KIND,
        "nearby": nearby,
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
