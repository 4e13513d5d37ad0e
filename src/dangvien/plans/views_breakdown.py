"""The breakdown page (cơ cấu đảng viên mới kết nạp, độ phủ tổ chức đảng ở thôn, bản).

`/ke-hoach/co-cau/?don-vi=CODE&tu=dd/mm/yyyy&den=dd/mm/yyyy`: one unit in the user's
scope (a unit outside it is 404, like one that does not exist; no unit: the first unit
at the top of the scope), over a period (default: 1 January of this year to today).
A wrong date is not an error page: the page says why and shows the default period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangvien.accounts.scope import can, get_unit_or_404, scope_roots
from dangvien.core import vn
from dangvien.org.selectors import ancestors_on, children_on

from .breakdowns import coverage, new_member_breakdown


@dataclass
class Period:
    """Khoảng thời gian xem, đọc từ ?tu=…&den=…; ngày sai thì dùng khoảng mặc định và báo lỗi."""

    start: dt.date
    end: dt.date
    start_value: str
    end_value: str
    errors: list[str] = field(default_factory=list)
    explicit: bool = False

    @property
    def query(self) -> str:
        """Query-string part for links: keeps dates the user chose, nothing for the default."""
        if not self.explicit:
            return ""
        return urlencode({"tu": vn.format_date(self.start), "den": vn.format_date(self.end)},
                         safe="/")


def period_from_request(request: HttpRequest, today: dt.date) -> Period:
    """The period in ?tu= and ?den= (dd/mm/yyyy or ISO); each defaults on its own."""
    defaults = {"tu": dt.date(today.year, 1, 1), "den": today}
    labels = {"tu": "Từ ngày", "den": "Đến ngày"}
    days: dict[str, dt.date] = {}
    values: dict[str, str] = {}
    errors: list[str] = []
    explicit = False
    for name, default in defaults.items():
        raw = request.GET.get(name, "").strip()
        days[name], values[name] = default, vn.format_date(default)
        if not raw:
            continue
        try:
            days[name] = vn.parse_date(raw)
        except ValueError as exc:
            values[name] = raw[:40]
            errors.append(f"{labels[name]}: {exc}")
        else:
            values[name] = vn.format_date(days[name])
            explicit = True
    if not errors and days["tu"] > days["den"]:
        errors.append(
            f"Từ ngày {vn.format_date(days['tu'])} ở sau đến ngày {vn.format_date(days['den'])}; "
            "hãy chọn ngày bắt đầu trước ngày kết thúc."
        )
    if errors:
        return Period(start=defaults["tu"], end=defaults["den"], start_value=values["tu"],
                      end_value=values["den"], errors=errors)
    return Period(start=days["tu"], end=days["den"], start_value=values["tu"],
                  end_value=values["den"], explicit=explicit)


@require_GET
@login_required
def breakdown_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    code = (request.GET.get("don-vi") or "").strip()[:32]
    period = period_from_request(request, timezone.localdate())
    unit = get_unit_or_404(user, code) if code else scope_roots(user).first()
    context: dict = {"period": period, "unit": unit}
    if unit is None:
        return render(request, "plans/breakdown_page.html", context)
    end = period.end
    context.update({
        "breakdown": new_member_breakdown(user=user, unit=unit, start=period.start, end=end),
        "coverage": coverage(user=user, unit=unit, on=end),
        "crumbs": [(v.name, v.unit.code, can(user, v.unit)) for v in ancestors_on(unit, end)],
        "children": [(v.unit.code, v.name) for v in children_on(unit, end)],
        "not_yet": end < unit.valid_from,
        "date_query": f"&{period.query}" if period.query else "",
    })
    return render(request, "plans/breakdown_page.html", context)


#: For the lead to include in plans/urls.py (served under /ke-hoach/).
breakdown_urlpatterns: list = [
    path("co-cau/", breakdown_page, name="breakdown"),
]
