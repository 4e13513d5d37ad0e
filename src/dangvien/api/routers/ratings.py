"""Xếp loại chất lượng đảng viên: yearly ratings, by year and unit."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from dangvien.ratings.models import Rating

from ..common import ERRORS, unit_or_404, user_of
from ..schemas import PageOut, PageParams, page, text

router = Router(tags=["Xếp loại"])


class RatingOut(Schema):
    id: int
    member_id: int = Field(description="Mã hồ sơ sinh hoạt đảng")
    full_name: str
    cell: str = Field(description="Mã chi bộ")
    year: int
    level: str = Field(description="Mức xếp loại (mã)")
    level_label: str = Field(description="Mức xếp loại")
    score: int | None = Field(description="Điểm (từ QĐ 366-QĐ/TW)")
    status: str = Field(description="Tình trạng: chi bộ đã nhập, cấp trên đã duyệt (mã)")


class RatingPage(PageOut):
    items: list[RatingOut]


class RatingFilter(Schema):
    year: int = Field(ge=1930, le=2100, description="Năm đánh giá")
    unit: text(32) | None = Field(examples=["KB"], default=None, description="Chỉ đơn vị này và cấp dưới (mã)")


@router.get("/ratings", response={200: RatingPage, **ERRORS}, summary="Kết quả xếp loại một năm")
def ratings_list(request, filters: Query[RatingFilter], paging: Query[PageParams]):
    """Kết quả xếp loại chất lượng đảng viên của năm `year` trong phạm vi người dùng."""
    qs = (Rating.objects.for_user(user_of(request)).filter(year=filters.year)
          .select_related("person", "cell").order_by("cell__path", "person__sort_key", "pk"))
    unit = unit_or_404(request, filters.unit)
    if unit is not None:
        qs = qs.filter(cell__path__startswith=unit.path)
    result = page(qs, paging)
    result["items"] = [{"id": r.pk, "member_id": r.membership_id, "full_name": r.person.full_name,
                        "cell": r.cell.code, "year": r.year, "level": r.level,
                        "level_label": r.get_level_display(), "score": r.score,
                        "status": r.status} for r in result["items"]]
    return result
