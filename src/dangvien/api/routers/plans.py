"""Kế hoạch: plans, their allocations (chỉ tiêu giao) and progress (tiến độ)."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.http import Http404
from ninja import Field, Query, Router, Schema

from dangvien.accounts.scope import can, scope_paths
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit
from dangvien.org.selectors import ancestors_on
from dangvien.plans import reports
from dangvien.plans.in_view import default_unit, plan_day, plan_visible, unit_in_plan
from dangvien.plans.models import Plan
from dangvien.plans.progress import progress_table
from dangvien.plans.selectors import version_in_force

from ..common import ERRORS, day_or_today, unit_or_404, user_of
from ..schemas import Day, Id, PageOut, PageParams, page, text

router = Router(tags=["Kế hoạch"])


class AllocationOut(Schema):
    unit: str = Field(description="Mã đơn vị được giao")
    unit_name: str
    target: int = Field(description="Chỉ tiêu kết nạp được giao")


class PlanOut(Schema):
    """Một kế hoạch phát triển đảng viên và lần ban hành có hiệu lực vào ngày hỏi."""

    id: int
    number: str = Field(description="Số, ký hiệu (ví dụ 77-KH/TU)")
    year: int
    title: str = Field(description="Trích yếu")
    unit: str = Field(description="Mã cấp ủy ban hành")
    unit_name: str
    parent_id: int | None = Field(description="Kế hoạch cấp trên")
    revision: int | None = Field(description="Lần ban hành, điều chỉnh có hiệu lực")
    status: str | None
    issued_on: dt.date | None
    target: int | None = Field(description="Chỉ tiêu kết nạp (trở lên)")


class PlanDetailOut(PlanOut):
    allocations: list[AllocationOut] = Field(description="Chỉ tiêu giao cho các đơn vị trong "
                                                         "phạm vi của người dùng")


class PlanPage(PageOut):
    items: list[PlanOut]


class PlanFilter(Schema):
    year: int | None = Field(None, ge=1930, le=2100, description="Năm của kế hoạch")
    unit: text(32) | None = Field(examples=["KB"], default=None, description="Chỉ kế hoạch do đơn vị này hoặc cấp dưới ban hành")
    ngay: Day | None = Field(None, description="Lần ban hành có hiệu lực vào ngày này")


def visible_plans(user):
    """Plans whose issuing unit is in the user's scope or above it (as `plan_visible`)."""
    paths = scope_paths(user)
    qs = Plan.objects.select_related("unit")
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    step = OrgUnit.steplen
    above = {p[:i] for p in paths for i in range(step, len(p) + 1, step)}
    return qs.filter(reduce(or_, [Q(unit__path__startswith=p) for p in paths])
                     | Q(unit__path__in=sorted(above)))


def _plan_or_404(request, plan_id: int) -> Plan:
    plan = Plan.objects.select_related("unit").filter(pk=plan_id).first()
    if plan is None or not plan_visible(user_of(request), plan):
        raise Http404("Không tìm thấy kế hoạch.")
    return plan


def _out(plan: Plan, day: dt.date) -> dict:
    version = version_in_force(plan, plan_day(plan, day))
    return {"id": plan.pk, "number": plan.number, "year": plan.year, "title": plan.title,
            "unit": plan.unit.code, "unit_name": plan.unit.name, "parent_id": plan.parent_id,
            "revision": version.revision if version else None,
            "status": version.status if version else None,
            "issued_on": version.issued_on if version else None,
            "target": version.target if version else None}


def _allocations(request, plan: Plan, day: dt.date, unit: OrgUnit | None) -> list[dict]:
    version = version_in_force(plan, plan_day(plan, day))
    if version is None:
        return []
    user = user_of(request)
    rows = version.allocations.select_related("unit").order_by("unit__path")
    return [{"unit": a.unit.code, "unit_name": a.unit.name, "target": a.target}
            for a in rows if can(user, a.unit)
            and (unit is None or a.unit.path.startswith(unit.path))]


@router.get("/plans", response={200: PlanPage, **ERRORS}, summary="Danh sách kế hoạch")
def plans_list(request, filters: Query[PlanFilter], paging: Query[PageParams]):
    """Kế hoạch của các cấp ủy trong phạm vi người dùng và của cấp trên, năm mới trước."""
    qs = visible_plans(user_of(request))
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    unit = unit_or_404(request, filters.unit)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    day = day_or_today(filters.ngay)
    result = page(qs.order_by("-year", "unit__path", "number", "pk"), paging)
    result["items"] = [_out(p, day) for p in result["items"]]
    return result


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS}, summary="Một kế hoạch")
def plan_detail(request, plan_id: Id, ngay: Day | None = None):
    """Kế hoạch, lần ban hành có hiệu lực vào ngày `ngay` và chỉ tiêu giao trong phạm vi."""
    plan = _plan_or_404(request, plan_id)
    day = day_or_today(ngay)
    return _out(plan, day) | {"allocations": _allocations(request, plan, day, None)}


@router.get("/plans/{plan_id}/allocations", response={200: list[AllocationOut], **ERRORS},
            summary="Chỉ tiêu giao")
def plan_allocations(request, plan_id: Id, unit: text(32) | None = None,
                     ngay: Day | None = None):
    """Chỉ tiêu giao của kế hoạch cho các đơn vị trong phạm vi (`unit`: chỉ đơn vị đó và cấp dưới)."""
    plan = _plan_or_404(request, plan_id)
    return _allocations(request, plan, day_or_today(ngay), unit_or_404(request, unit))


@router.get("/plans/{plan_id}/progress", response={200: dict[str, Any], **ERRORS},
            summary="Tiến độ thực hiện chỉ tiêu")
def plan_progress(request, plan_id: Id, unit: text(32) | None = None, ngay: Day | None = None):
    """Đúng dữ liệu của `dangvien report progress --format json`: chỉ tiêu, đã kết nạp, tỷ lệ,
    mức dự kiến, tình trạng, dự báo, nguồn, theo đơn vị trực thuộc, tính đến ngày `ngay`."""
    user = user_of(request)
    plan = _plan_or_404(request, plan_id)
    day = plan_day(plan, day_or_today(ngay))
    target = unit_or_404(request, unit)
    if target is None:
        target = default_unit(user, plan)
        if target is None:
            raise Http404("Không tìm thấy đơn vị.")
    elif not unit_in_plan(plan, target, ancestors_on(target, day)):
        raise DomainError(f"Đơn vị {target.code} không thuộc phạm vi của Kế hoạch số "
                          f"{plan.number} ({plan.unit.name}).", field="unit")
    table = progress_table(plan=plan, unit=target, as_of=day, user=user)
    return reports.progress_dict(table, reports.plan_heading(plan, day))
