"""Shared pieces of the API's schemas: errors, paging, safe text, dates, ids."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from dangvien.core.http import FIRST_YEAR, YEARS_AHEAD, out_of_range_message

#: Largest id a path or body may carry (PostgreSQL's integer).
MAX_ID = 2_147_483_647
MAX_PAGE = 200
MAX_OFFSET = 10_000_000


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("có ký tự không hợp lệ (NUL)")
    return value


def _in_range(value: dt.date) -> dt.date:
    message = out_of_range_message(value, timezone.localdate())
    if message:
        raise ValueError(message)
    return value


def text(max_length: int, description: str = ""):
    """A string without NUL bytes, at most `max_length` characters."""
    return Annotated[str, Field(max_length=max_length, description=description),
                     AfterValidator(_no_nul)]


#: A date between 1930 and five years from now (core.http's rule for every page).
Day = Annotated[dt.date, AfterValidator(_in_range)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class RuleOut(Schema):
    message: str = Field(description="Điều kiện chưa đạt")
    regulation: str = Field(description="Căn cứ (văn bản quy định)")


class ErrorOut(Schema):
    """Lỗi: thông báo tiếng Việt cho người dùng, mã lỗi cho chương trình."""

    detail: str = Field(description="Thông báo lỗi bằng tiếng Việt")
    code: str = Field(description="Mã lỗi: unauthorized, not_found, invalid, forbidden, "
                                  "stale, rules_failed, throttled…")
    field: str | None = Field(None, description="Trường dữ liệu cần sửa, nếu có")
    rules: list[RuleOut] = Field(default_factory=list,
                                 description="Các điều kiện chưa đạt và căn cứ của chúng")


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_PAGE, description=f"Số dòng một trang (tối đa {MAX_PAGE})")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Bỏ qua bấy nhiêu dòng đầu")


def page(qs_or_list, params: PageParams) -> dict:
    """{count, limit, offset, items} of a queryset or a list."""
    if isinstance(qs_or_list, list):
        count = len(qs_or_list)
    else:
        count = qs_or_list.count()
    items = list(qs_or_list[params.offset:params.offset + params.limit])
    return {"count": count, "limit": params.limit, "offset": params.offset, "items": items}


class PageOut(Schema):
    count: int = Field(description="Tổng số dòng")
    limit: int
    offset: int


__all__ = ["FIRST_YEAR", "YEARS_AHEAD"]
