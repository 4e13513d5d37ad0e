"""Progress dashboard (bảng theo dõi tiến độ thực hiện chỉ tiêu kết nạp).

`/ke-hoach/tien-do/?ke-hoach=<pk>&ngay=31/05/2022&don-vi=KB`: a unit's progress against a
plan as of a date, with its subordinate units, the at-risk list, a chart, and drill-down
within the user's scope. The figures are `progress.progress_table`'s; this module only
chooses the plan, unit and date, and checks scope:

- a plan is visible when its issuing unit is in the user's scope or above it (the Kim Bôi
  officer follows the province's 77-KH/TU for Kim Bôi); any other plan is 404;
- the unit must be in the user's scope (404 otherwise, as everywhere) and under the plan's
  issuing unit, as the tree stood on the day or stands now;
- the day is kept inside the plan's year: a later day reads 31/12, an earlier one 1/1.

The `report` command uses the same functions, so `--user` sees exactly what the page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from dangvien.accounts.scope import can, get_unit_or_404, scope_roots
from dangvien.core import vn
from dangvien.core.http import as_of_from_request
from dangvien.org.models import OrgUnit
from dangvien.org.selectors import ancestors_on

from . import charts, reports
from .models import IN_FORCE, Plan
from .progress import Progress, ProgressStatus, ProgressTable, progress_table

STEP = OrgUnit.steplen


# --- choosing the plan, the unit and the day (shared with the report command) -------------


def _issued(qs):
    return qs.filter(versions__status__in=IN_FORCE).distinct()


def default_plan(user, year: int) -> Plan | None:
    """The plan of `year` issued by the user's top scope unit, or else by its nearest
    superior that has one (issued plans only). None when there is none."""
    top = scope_roots(user).first()
    if top is None:
        return None
    prefixes = [top.path[:i] for i in range(STEP, len(top.path) + 1, STEP)]
    plans = list(_issued(Plan.objects.filter(unit__path__in=prefixes, year=year))
                 .select_related("unit"))
    if not plans:
        return None
    return max(plans, key=lambda p: (len(p.unit.path), -p.pk))


def plan_visible(user, plan: Plan) -> bool:
    """Whether the user may follow `plan`: its issuing unit is in their scope or above it."""
    if user is None:
        return True
    if can(user, plan.unit):
        return True
    return OrgUnit.objects.for_user(user).filter(path__startswith=plan.unit.path).exists()


def same_unit_plan(plan: Plan, year: int) -> Plan | None:
    """The issued plan of `plan`'s issuing unit for another year."""
    return (_issued(Plan.objects.filter(unit_id=plan.unit_id, year=year)).select_related("unit")
            .order_by("pk").first())


def default_unit(user, plan: Plan) -> OrgUnit | None:
    """The plan's issuing unit if the user may see it, else the top of their scope under it."""
    if user is None or can(user, plan.unit):
        return plan.unit
    return scope_roots(user).filter(path__startswith=plan.unit.path).first()


def plan_day(plan: Plan, day: dt.date) -> dt.date:
    """`day` kept inside the plan's year."""
    return min(max(day, dt.date(plan.year, 1, 1)), dt.date(plan.year, 12, 31))


def unit_in_plan(plan: Plan, unit: OrgUnit, ancestors) -> bool:
    """`unit` is the plan's issuing unit or under it, on the day (`ancestors`, from
    `ancestors_on`) or today."""
    if unit.pk == plan.unit_id or unit.path.startswith(plan.unit.path):
        return True
    return any(a.unit_id == plan.unit_id for a in ancestors)


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
    top = scope_roots(request.user).first()
    others = []
    if top is None:
        message = ("Tài khoản của bạn chưa được phân quyền xem đơn vị nào. Hãy liên hệ Ban Tổ "
                   "chức cấp trên.")
    else:
        prefixes = [top.path[:i] for i in range(STEP, len(top.path) + 1, STEP)]
        others = list(_issued(Plan.objects.filter(unit__path__in=prefixes))
                      .select_related("unit").order_by("-year", "-unit__path")[:12])
    links = [(p, _query(p, plan_day(p, as_of.on))) for p in others]
    return render(request, "plans/progress_none.html", {
        "as_of": as_of, "year": year, "message": message, "links": links,
    }, status=200)


def _plan_from_request(request: HttpRequest, user, as_of) -> tuple[Plan | None, str]:
    """The plan asked for (404 when not visible), or the default; with a note when the
    date asked for belongs to another year and the plan was switched."""
    raw = request.GET.get("ke-hoach", "").strip()
    if not raw:
        return default_plan(user, as_of.on.year), ""
    if not raw.isdigit():
        raise Http404("Không tìm thấy kế hoạch.")
    plan = Plan.objects.select_related("unit").filter(pk=int(raw)).first()
    if plan is None or not plan_visible(user, plan):
        raise Http404("Không tìm thấy kế hoạch.")
    if as_of.explicit and as_of.on.year != plan.year:
        other = same_unit_plan(plan, as_of.on.year) or default_plan(user, as_of.on.year)
        if other is None:
            return None, ""
        return other, (f"Ngày {vn.format_date(as_of.on)} thuộc năm {as_of.on.year}: đang xem "
                       f"Kế hoạch số {other.number} của năm đó.")
    return plan, ""


@require_http_methods(["GET"])
@login_required
def progress_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    as_of = as_of_from_request(request)
    plan, switched = _plan_from_request(request, user, as_of)
    if plan is None:
        year = as_of.on.year
        return _no_plan(request, as_of, year,
                        f"Chưa có kế hoạch phát triển đảng viên năm {year} đã ban hành của đơn "
                        "vị bạn phụ trách hoặc cấp trên.")
    day = plan_day(plan, as_of.on)
    code = request.GET.get("don-vi", "").strip()[:32]
    unit = get_unit_or_404(user, code) if code else default_unit(user, plan)
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    ups = ancestors_on(unit, day)
    if not unit_in_plan(plan, unit, ups):
        raise Http404("Không tìm thấy đơn vị.")
    table = progress_table(plan=plan, unit=unit, as_of=day, user=user)
    heading = reports.plan_heading(plan, day)

    # Breadcrumbs from the plan's issuing unit down to the unit's superior; links only
    # where the user may look.
    crumbs, started = [], False
    for a in ups:
        started = started or a.unit_id == plan.unit_id
        if started:
            crumbs.append((a.name, _query(plan, day, a.unit.code) if can(user, a.unit) else ""))

    lines = [_line(p, plan=plan, day=day, user=user, link=True) for p in table.rows]
    return render(request, "plans/progress.html", {
        "as_of": as_of,
        "day": day,
        "keep": [("ke-hoach", plan.pk), ("don-vi", unit.code)],
        "plan": plan,
        "heading": heading,
        "unit": unit,
        "table": table,
        "total": _line(table.total, plan=plan, day=day, user=user, link=False),
        "lines": lines,
        "at_risk": [ln for ln in lines if ln.p.status == ProgressStatus.AT_RISK],
        "crumbs": crumbs,
        "chart": _chart(table),
        "switched": switched,
        "clamped": day != as_of.on and not switched,
        "not_yet": unit.valid_from > day,
        "own_plan": table.unit_plan if table.unit_plan and table.unit_plan.pk != plan.pk else None,
        "year_end": dt.date(plan.year, 12, 31),
        "is_today": day == timezone.localdate(),
    })


progress_urlpatterns: list = [
    path("tien-do/", progress_page, name="progress"),
]
