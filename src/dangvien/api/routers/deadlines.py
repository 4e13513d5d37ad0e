"""Thời hạn: what is due and overdue on a date, the same items as /ket-nap/thoi-han/."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from dangvien.admission.deadlines import deadlines, horizon_for

from ..common import ERRORS, day_or_today, unit_or_404, user_of
from ..schemas import Day, PageOut, PageParams, page, text

router = Router(tags=["Thời hạn"])


class DeadlineOut(Schema):
    """Một việc đến hạn hoặc quá hạn (như `dangvien deadlines --format json`)."""

    kind: str = Field(description="Loại việc (mã)")
    status: str = Field(description="Tình trạng: quá hạn, sắp đến hạn…")
    due_on: dt.date = Field(description="Hạn")
    days_late: int | None = Field(description="Số ngày quá hạn")
    days_late_unit: str | None = Field(description="Đơn vị đếm: ngày làm việc hoặc ngày")
    person: str = Field(description="Họ và tên")
    cell: str = Field(description="Tên chi bộ")
    unit_code: str = Field(description="Mã chi bộ")
    candidacy_id: int
    message: str = Field(description="Nội dung")
    regulation: str = Field(description="Căn cứ")


class DeadlinePage(PageOut):
    ngay: dt.date = Field(description="Ngày tính")
    items: list[DeadlineOut]


class DeadlineFilter(Schema):
    ngay: Day | None = Field(None, description="Ngày tính (YYYY-MM-DD); mặc định hôm nay")
    unit: text(32) | None = Field(examples=["KB"], default=None, description="Chỉ đơn vị này và cấp dưới (mã)")


@router.get("/deadlines", response={200: DeadlinePage, **ERRORS}, summary="Việc đến hạn và quá hạn")
def deadlines_list(request, filters: Query[DeadlineFilter], paging: Query[PageParams]):
    """Việc quá hạn (trễ nhất trước) rồi việc sắp đến hạn, như trang Thời hạn."""
    day = day_or_today(filters.ngay)
    items = deadlines(user=user_of(request), as_of=day,
                      unit=unit_or_404(request, filters.unit), horizon_days=horizon_for(day))
    result = page(items, paging)
    result["items"] = [i.as_dict() for i in result["items"]]
    result["ngay"] = day
    return result
