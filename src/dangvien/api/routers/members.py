"""Đảng viên: the rolls of a unit on a date. Never the CCCD, never the biography."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema

from dangvien.people.models import Membership
from dangvien.people.selectors import members_of_unit

from ..common import ERRORS, day_or_today, unit_or_404, user_of
from ..schemas import Day, Id, PageOut, PageParams, page, text

router = Router(tags=["Đảng viên"])


class MemberOut(Schema):
    """Một đảng viên: danh tính tối thiểu (không có số CCCD, không có lý lịch)."""

    id: int = Field(description="Mã hồ sơ sinh hoạt đảng (membership)")
    person_id: int
    full_name: str = Field(description="Họ và tên")
    gender: str = Field(description="Giới tính (mã)")
    birth_date: dt.date = Field(description="Ngày sinh (để phân biệt người trùng tên)")
    cell: str = Field(description="Mã chi bộ")
    cell_name: str = Field(description="Tên chi bộ")
    status: str = Field(description="Tình trạng đảng viên (mã)")
    status_label: str = Field(description="Tình trạng đảng viên")
    decided_on: dt.date | None = Field(description="Ngày quyết định kết nạp")
    admitted_on: dt.date = Field(description="Ngày vào Đảng")
    recognized_on: dt.date | None = Field(description="Ngày chính thức")
    ended_on: dt.date | None = Field(description="Ngày ra khỏi danh sách (nếu có)")


class MemberPage(PageOut):
    items: list[MemberOut]


class MemberFilter(Schema):
    unit: text(32) = Field(examples=["KB"], description="Mã đơn vị: đảng viên của đơn vị và mọi cấp dưới")
    ngay: Day | None = Field(None, description="Ngày xem danh sách (YYYY-MM-DD); mặc định hôm nay")


def _out(m: Membership, cell_name: str | None = None) -> dict:
    p = m.person
    return {"id": m.pk, "person_id": p.pk, "full_name": p.full_name, "gender": p.gender,
            "birth_date": p.birth_date, "cell": m.cell.code,
            "cell_name": cell_name or m.cell.name, "status": m.status,
            "status_label": m.get_status_display(), "decided_on": m.decided_on,
            "admitted_on": m.admitted_on, "recognized_on": m.recognized_on,
            "ended_on": m.ended_on}


@router.get("/members", response={200: MemberPage, **ERRORS}, summary="Danh sách đảng viên")
def members_list(request, filters: Query[MemberFilter], paging: Query[PageParams]):
    """Đảng viên trong danh sách của đơn vị `unit` (và cấp dưới) vào ngày `ngay`, xếp theo tên."""
    unit = unit_or_404(request, filters.unit)
    qs = members_of_unit(user=user_of(request), unit=unit, on=day_or_today(filters.ngay))
    result = page(qs, paging)
    result["items"] = [_out(m, getattr(m, "cell_name_on", None)) for m in result["items"]]
    return result


@router.get("/members/{member_id}", response={200: MemberOut, **ERRORS}, summary="Một đảng viên")
def member_detail(request, member_id: Id):
    """Một hồ sơ sinh hoạt đảng trong phạm vi của người dùng."""
    m = (Membership.objects.for_user(user_of(request)).select_related("person", "cell")
         .filter(pk=member_id).first())
    if m is None:
        raise Http404("Không tìm thấy đảng viên.")
    return _out(m)
