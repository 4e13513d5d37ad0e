"""Progress dashboard (bảng theo dõi tiến độ thực hiện chỉ tiêu kết nạp).

`/ke-hoach/tien-do/?ke-hoach=<pk>&ngay=31/05/2022&don-vi=KB`: a unit's progress against a
plan as of a date, with its subordinate units, the at-risk list, a chart, and drill-down
within the user's scope. The figures are `progress.progress_table`'s; this module only
asks `in_view.progress_in_view` which plan, unit and day the request means (the selector
the Excel, Word and PDF files, the `report` command and the home page share), then lays
out the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from dangvien.accounts.scope import can, scope_roots
from dangvien.core import vn
from dangvien.core.fragments import lazy_values
from dangvien.core.http import as_of_from_request

from . import charts, reports
from .in_view import NoPlan, plan_day, plans_above, progress_in_view
from .models import Plan
from .progress import Progress, ProgressStatus, ProgressTable, progress_table

# --- the page ------------------------------------------------------------------------------


@dataclass
class Line:
    """Một dòng của bảng: số liệu và những gì trang cần để hiển thị nó."""

    p: Progress
    href: str
    early: str
    forecast_percent: float | None
    pipeline: list[reports.StageCount]
    bar: SafeString

    @property
    def expected_label(self) -> str:
        return reports.EXPECTED_LABELS.get(self.p.expected_method, "")

    @property
    def expected_help(self) -> str:
        return reports.EXPECTED_HELP.get(self.p.expected_method, "")


def _row(ln: Line, *, is_total: bool = False) -> SafeString:
    """One row of the table, as `plans/_progress_row.html` rendered it: written here
    because the template's 3.000 variable look-ups for a country's 64 rows took longer than
    reading the figures."""
    p = ln.p
    so, pct = vn.format_number, vn.format_percent
    if is_total:
        who = "Toàn đơn vị"
    elif ln.href:
        who = f'<a href="{escape(ln.href)}">{escape(p.name)}</a>'
    else:
        who = escape(p.name)
    expected = escape(pct(p.expected_percent) or "—")
    if p.expected_percent is not None:
        expected += f' <span class="pg-sub">{escape(ln.expected_label)}</span>'
    if p.has_forecast:
        forecast = escape(so(p.forecast_count))
        if ln.forecast_percent is not None:
            forecast += f' <span class="pg-sub">{escape(pct(ln.forecast_percent))}</span>'
        forecast = f'<span title="Căn cứ: {escape(p.forecast_basis_label)}">{forecast}</span>'
    else:
        forecast = '<span class="muted">chưa đủ số liệu để dự báo</span>'
    if p.target_reached_on:
        reached = f'<span class="nw">ngày {escape(vn.format_date(p.target_reached_on))}</span>'
        if ln.early:
            reached += f' <span class="pg-sub">{escape(ln.early)}</span>'
        reached = f"<span>{reached}</span>"
    else:
        reached = '<span class="muted">chưa</span>'
    stages = ", ".join(f'<span class="nw"><abbr title="{escape(s.label)}">{escape(s.short)}</abbr> '
                       f'{escape(so(s.count))}</span>' for s in ln.pipeline)
    pipe = (f"<b>{escape(so(p.pipeline_total))}</b>: {stages}" if ln.pipeline
            else '<span class="muted">không có</span>')
    tr = '<tr class="pg-tot">' if is_total else "<tr>"
    return SafeString(
        f'{tr}\n'
        f'  <td data-label="Đơn vị" class="who">{who}</td>\n'
        f'  <td data-label="Chỉ tiêu" class="r">{escape(so(p.target) or "—")}</td>\n'
        f'  <td data-label="Đã kết nạp" class="r">{escape(so(p.admitted))}</td>\n'
        f'  <td data-label="Tỷ lệ"><span><b>{escape(pct(p.percent) or "—")}</b>{ln.bar}</span></td>\n'
        f'  <td data-label="Dự kiến đến ngày"><span title="{escape(ln.expected_help)}">{expected}'
        f'</span></td>\n'
        f'  <td data-label="Tình trạng"><span><span class="st st-{escape(p.status)}">'
        f'{escape(p.status_label)}</span></span></td>\n'
        f'  <td data-label="Dự báo 31/12" class="r">{forecast}</td>\n'
        f'  <td data-label="Hoàn thành chỉ tiêu">{reached}</td>\n'
        f'  <td data-label="Nguồn đang theo dõi" class="pg-pipe"><span>{pipe}</span></td>\n'
        f'</tr>\n')


def _query(plan: Plan, day: dt.date, code: str = "") -> str:
    params = {"ke-hoach": plan.pk, "ngay": vn.format_date(day)}
    if code:
        params["don-vi"] = code
    return "?" + urlencode(params, safe="/")


def _line(p: Progress, *, plan: Plan, day: dt.date, user, link: bool) -> Line:
    href = _query(plan, day, p.unit.code) if link and p.has_children and can(user, p.unit) else ""
    return Line(p=p, href=href, early=reports.early_text(p.target_reached_on, plan.year),
                forecast_percent=reports.forecast_percent(p),
                pipeline=reports.pipeline_items(p),
                bar=charts.progress_bar(p.percent, p.expected_percent))


def _chart(table: ProgressTable) -> SafeString:
    total = table.total
    day = vn.format_date(table.as_of)
    title = f"Kết nạp đảng viên lũy kế theo tháng năm {table.plan.year}: {total.name}"
    parts = [f"Đến ngày {day} đã kết nạp {vn.format_number(total.admitted)} đảng viên"]
    if total.target:
        parts.append(f"bằng {vn.format_percent(total.percent)} chỉ tiêu "
                     f"{vn.format_number(total.target)}")
        parts.append(f"theo tiến độ dự kiến ({reports.EXPECTED_LABELS[total.expected_method]}) "
                     f"cần đạt {vn.format_percent(total.expected_percent)}")
        parts.append(f"dự báo đến 31/12 đạt khoảng {vn.format_number(total.forecast_count)}")
    desc = "; ".join(parts) + "."
    return charts.progress_chart(points=table.chart, target=total.target, as_of=table.as_of,
                                 title=title, desc=desc)


def _no_plan(request: HttpRequest, as_of, year: int, message: str) -> HttpResponse:
    if scope_roots(request.user).first() is None:
        message = ("Tài khoản của bạn chưa được phân quyền xem đơn vị nào. Hãy liên hệ Ban Tổ "
                   "chức cấp trên.")
    links = [(p, _query(p, plan_day(p, as_of.on))) for p in plans_above(request.user)]
    return render(request, "plans/progress_none.html", {
        "as_of": as_of, "year": year, "message": message, "links": links,
    }, status=200)


@require_http_methods(["GET"])
@login_required
def progress_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    as_of = as_of_from_request(request)
    try:
        view = progress_in_view(user, plan=request.GET.get("ke-hoach", ""),
                                unit=request.GET.get("don-vi", ""), on=as_of.on,
                                explicit=as_of.explicit)
    except NoPlan as exc:
        return _no_plan(request, as_of, exc.year, exc.message)
    # The page's title and body are cached fragments ({% fragment "progress" %}): on a hit
    # none of what follows is computed.
    return render(request, "plans/progress.html", {
        "as_of": as_of, **lazy_values(lambda: _laid_out(user, view), _LAID_OUT),
    })


_LAID_OUT = ("day", "keep", "plan", "heading", "unit", "table", "total", "lines", "rows",
             "at_risk", "crumbs", "chart", "switched", "clamped", "not_yet", "own_plan",
             "year_end", "is_today")


def _laid_out(user, view) -> dict:
    """Everything the page's body shows of the plan, unit and day the request means."""
    plan, unit, day = view.plan, view.unit, view.day
    table = progress_table(plan=plan, unit=unit, as_of=day, user=user)

    # Breadcrumbs from the plan's issuing unit down to the unit's superior; links only
    # where the user may look.
    crumbs, started = [], False
    for a in view.ancestors:
        started = started or a.unit_id == plan.unit_id
        if started:
            crumbs.append((a.name, _query(plan, day, a.unit.code) if can(user, a.unit) else ""))

    lines = [_line(p, plan=plan, day=day, user=user, link=True) for p in table.rows]
    total = _line(table.total, plan=plan, day=day, user=user, link=False)
    rows = SafeString("".join([_row(total, is_total=True), *map(_row, lines)]))
    return {
        "day": day,
        "keep": [("ke-hoach", plan.pk), ("don-vi", unit.code)],
        "plan": plan,
        "heading": reports.plan_heading(plan, day),
        "unit": unit,
        "table": table,
        "total": total,
        "lines": lines,
        "rows": rows,
        "at_risk": [ln for ln in lines if ln.p.status == ProgressStatus.AT_RISK],
        "crumbs": crumbs,
        "chart": _chart(table),
        "switched": view.switched,
        "clamped": view.clamped,
        "not_yet": unit.valid_from > day,
        "own_plan": table.unit_plan if table.unit_plan and table.unit_plan.pk != plan.pk else None,
        "year_end": dt.date(plan.year, 12, 31),
        "is_today": day == timezone.localdate(),
    }


progress_urlpatterns: list = [
    path("tien-do/", progress_page, name="progress"),
]
