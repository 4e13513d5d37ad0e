"""Đơn vị: the organisation tree as it stood on a date, within the token's scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import Http404
from ninja import Field, Query, Router, Schema

from dangvien.accounts.scope import scope_filter
from dangvien.org.models import OrgUnit, OrgUnitVersion
from dangvien.org.selectors import version_on

from ..common import ERRORS, day_or_today, unit_or_404, user_of
from ..schemas import Day, PageOut, PageParams, page, text

router = Router(tags=["Đơn vị"])


class UnitOut(Schema):
    code: str = Field(description="Mã đơn vị")
    name: str = Field(description="Tên đơn vị vào ngày được hỏi")
    kind: str = Field(description="Loại tổ chức (mã)")
    kind_label: str = Field(description="Loại tổ chức")
    parent: str | None = Field(description="Mã đơn vị cấp trên vào ngày được hỏi")
    depth: int = Field(description="Cấp trong cây (1: cao nhất)")
    valid_from: dt.date = Field(description="Hoạt động từ ngày")
    valid_to: dt.date | None = Field(description="Thôi hoạt động từ ngày")
    is_mountainous: bool = Field(description="Vùng cao, miền núi, dân tộc thiểu số")


class UnitPage(PageOut):
    items: list[UnitOut]


class UnitFilter(Schema):
    ngay: Day | None = Field(None, description="Ngày xem cây tổ chức (YYYY-MM-DD); mặc định hôm nay")
    unit: text(32) | None = Field(examples=["KB"], default=None, description="Chỉ đơn vị này và các cấp dưới (mã)")
    parent: text(32) | None = Field(None, description="Chỉ các đơn vị trực thuộc đơn vị này (mã)")


def _out(version: OrgUnitVersion) -> dict:
    unit = version.unit
    return {"code": unit.code, "name": version.name, "kind": unit.kind,
            "kind_label": unit.get_kind_display(),
            "parent": version.parent.code if version.parent_id else None,
            "depth": version.depth, "valid_from": unit.valid_from, "valid_to": unit.valid_to,
            "is_mountainous": unit.is_mountainous}


def _versions(request, day: dt.date):
    visible = scope_filter(OrgUnit.objects.all(), user_of(request), "path")
    return (OrgUnitVersion.objects.on(day)
            .filter(unit__in=visible.values("pk"), unit__valid_from__lte=day)
            .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gt=day))
            .select_related("unit", "parent").order_by("path"))


@router.get("/units", response={200: UnitPage, **ERRORS}, summary="Cây tổ chức vào một ngày")
def units_list(request, filters: Query[UnitFilter], paging: Query[PageParams]):
    """Các đơn vị trong phạm vi của người dùng, theo thứ tự cây, vào ngày `ngay`."""
    day = day_or_today(filters.ngay)
    qs = _versions(request, day)
    unit = unit_or_404(request, filters.unit)
    if unit is not None:
        version = version_on(unit, day)
        qs = qs.filter(path__startswith=version.path) if version else qs.none()
    parent = unit_or_404(request, filters.parent)
    if parent is not None:
        qs = qs.filter(parent=parent)
    result = page(qs, paging)
    result["items"] = [_out(v) for v in result["items"]]
    return result


@router.get("/units/{code}", response={200: UnitOut, **ERRORS}, summary="Một đơn vị")
def unit_detail(request, code: str, ngay: Day | None = None):
    """Một đơn vị vào ngày `ngay` (404 khi ngoài phạm vi hoặc chưa, thôi hoạt động)."""
    day = day_or_today(ngay)
    unit = unit_or_404(request, code)
    version = _versions(request, day).filter(unit=unit).first()
    if version is None:
        raise Http404("Đơn vị không hoạt động vào ngày này.")
    return _out(version)
