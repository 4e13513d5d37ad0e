"""Kết quả xếp loại đảng viên: one row per (member, year), the member found by CCCD.

Each row goes through `ratings.services.ratings_enter_batch`, the service of the cell's
entry page, so the file obeys the page's rules: only a member on the cell's rolls that
year, one rating per member per year, a level under QĐ 132/124 or a 0–100 score under
QĐ 366, no change once approved. Re-importing the same file changes nothing. The 20%
check is a warning per cell, as on the page. Rows are small and few (a cell's 30, a
district's few thousand), so the dry run is the real run rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit
from dangvien.people.models import Membership, Person
from dangvien.ratings.models import RatingLevel
from dangvien.ratings.selectors import level_counts
from dangvien.ratings.services import (
    Entry,
    cap_check,
    on_rolls_in_year,
    ratings_enter_batch,
    rule_set_for_year,
)

from ..cells import Choices, to_cccd, to_int, to_text
from .base import Column, Importer, Kind, Row, register
from .common import to_unit_code, unit_choices, units_in_scope

LEVELS = Choices(RatingLevel.choices, what="mức xếp loại")
#: The service's field names -> the file's columns.
_FIELDS = {"membership": "cccd", "score": "score", "level": "level", "cell": "cell", "year": "year"}
_NOT_FOUND = ("không có đảng viên nào có số CCCD này trong phạm vi bạn được cập nhật. Hãy kiểm "
              "tra lại số CCCD (đủ 12 chữ số).")


class RatingsImporter(Importer):
    writes_in_dry_run = True
    batch_size = 500

    def __init__(self, ctx):
        super().__init__(ctx)
        self.units = units_in_scope(ctx.user)
        self.seen: dict[tuple[str, int], int] = {}  # (CCCD, year) -> first row
        self.touched: set[tuple[int, int]] = set()  # (cell id, year)

    def check(self, rows: list[Row]) -> None:
        cccds = {r.values["cccd"] for r in rows if r.values.get("cccd")}
        people = {p.cccd: p for p in Person.objects.filter(cccd__in=cccds)}
        memberships: dict[int, list[Membership]] = {}
        for m in (Membership.objects.filter(person__in=people.values())
                  .select_related("cell").order_by("started_on", "pk")):
            memberships.setdefault(m.person_id, []).append(m)
        for row in rows:
            self._one(row, people, memberships)

    def _one(self, row: Row, people: dict, memberships: dict) -> None:
        ctx, v, n = self.ctx, row.values, row.number
        if n in ctx.bad_rows or not v.get("cccd") or not v.get("year"):
            return
        year = v["year"]
        first = self.seen.setdefault((v["cccd"], year), n)
        if first != n:
            ctx.error(n, "cccd", f"đảng viên này đã có kết quả năm {year} ở dòng {first} (mỗi "
                                 "đảng viên một dòng mỗi năm).")
            return
        person = people.get(v["cccd"])
        # Only records in the user's scope count; someone else's member is "not found", in
        # the same words as a CCCD nobody holds (outsiders learn nothing).
        mine = [m for m in memberships.get(person.pk, []) if m.cell.code.upper() in self.units] \
            if person else []
        if not mine:
            ctx.error(n, "cccd", _NOT_FOUND)
            return
        in_scope = [m for m in mine if self._in_year(m, year)]
        if not in_scope:
            ctx.error(n, "cccd", f"{person.full_name} không sinh hoạt ở chi bộ nào bạn được cập "
                                 f"nhật trong năm {year}: chỉ xếp loại đảng viên của chi bộ mình.")
            return
        if v.get("full_name") and vn.fold(v["full_name"]) != vn.fold(person.full_name):
            ctx.error(n, "full_name", f"số CCCD này là của {person.full_name}, không phải "
                                      f"{v['full_name']}. Hãy kiểm tra lại số CCCD hoặc họ tên.")
            return
        membership = in_scope[-1]
        if v.get("cell"):
            chosen = [m for m in in_scope if m.cell.code.upper() == v["cell"].upper()]
            if not chosen:
                ctx.error(n, "cell", f"{person.full_name} không sinh hoạt ở chi bộ '{v['cell']}' "
                                     f"trong năm {year} (năm đó ở {membership.cell.name}).")
                return
            membership = chosen[-1]
        if v.get("level") is None and v.get("score") is None:
            ctx.error(n, "level", "hãy chọn mức xếp loại (hoặc ghi điểm từ năm 2025).")
            return
        try:
            with transaction.atomic():
                result = ratings_enter_batch(
                    by=ctx.user, cell=membership.cell, year=year, today=ctx.today,
                    entries=[Entry(membership.pk, level=v.get("level"), score=v.get("score"),
                                   note=v.get("note") or "")])
        except DomainError as err:
            ctx.error(n, _FIELDS.get(err.field or "", "level"), err.message)
            return
        ctx.counts.new += result.created
        ctx.counts.changed += result.changed
        ctx.counts.unchanged += result.unchanged
        self.touched.add((membership.cell_id, year))

    @staticmethod
    def _in_year(m: Membership, year: int) -> bool:
        return on_rolls_in_year(m, year)

    def finish(self) -> None:
        if self.ctx.problems or not self.touched:
            return
        cells = {u.pk: u for u in OrgUnit.objects.filter(pk__in={c for c, _ in self.touched})}
        for cell_id, year in sorted(self.touched, key=lambda t: (cells[t[0]].path, t[1])):
            try:
                rule_set = rule_set_for_year(year)
            except DomainError:
                continue
            cap = cap_check(level_counts(unit=cells[cell_id], year=year), rule_set)
            if cap.exceeded:
                self.ctx.warn(None, None, f"{cells[cell_id].name}, năm {year}: {cap.message}")


@register
class Ratings(Kind):
    name = "ratings"
    slug = "xep-loai"
    label = "Kết quả xếp loại đảng viên"
    sheet_title = "Xếp loại"
    description = ("Kết quả đánh giá, xếp loại chất lượng đảng viên hằng năm, mỗi đảng viên một "
                   "dòng mỗi năm; nhận ra theo số CCCD. Đến năm 2024 chọn mức xếp loại; từ năm "
                   "2025 ghi điểm (thang 100, QĐ 366-QĐ/TW).")
    importer = RatingsImporter
    columns = [
        Column("cccd", "Số CCCD", "Bắt buộc. Số căn cước công dân của đảng viên, đủ 12 chữ số.",
               to_cccd, required=True, variants=("CCCD", "Số căn cước", "Số căn cước công dân",
                                                 "Số định danh cá nhân"),
               width=16, example="017190000123"),
        Column("full_name", "Họ và tên", "Không bắt buộc; nếu ghi, phải khớp với hồ sơ.", to_text,
               variants=("Họ tên", "Họ và tên đảng viên"), width=26, example="Bùi Thị Hoa"),
        Column("cell", "Chi bộ", "Không bắt buộc. Mã chi bộ nơi đảng viên sinh hoạt trong năm.",
               to_unit_code, variants=("Mã chi bộ", "Đơn vị"), dropdown="cells", width=36),
        Column("year", "Năm", "Bắt buộc. Năm đánh giá.", to_int, required=True,
               variants=("Năm đánh giá", "Năm xếp loại"), type="int", width=8, example=2021),
        Column("level", "Mức xếp loại", "Đến năm 2024: chọn một trong bốn mức. Từ năm 2025 có "
               "thể để trống: mức suy ra từ điểm.", LEVELS,
               variants=("Xếp loại", "Kết quả xếp loại", "Mức"), dropdown="levels", width=30,
               example=RatingLevel.GOOD.label),
        Column("score", "Điểm", "Từ năm 2025: điểm thang 100 (0–100).", to_int,
               variants=("Điểm đánh giá", "Tổng điểm"), type="int", width=8),
        Column("note", "Ghi chú", "Không bắt buộc.", to_text, width=24),
    ]

    @classmethod
    def dropdowns(cls, user, **options) -> dict[str, list[str]]:
        return {"levels": LEVELS.labels,
                "cells": unit_choices(units_in_scope(user, cells_only=True), cells=True)}

    @classmethod
    def example_rows(cls, user, **options) -> list[dict[str, Any]]:
        row = {c.key: c.example for c in cls.columns}
        cells = unit_choices(units_in_scope(user, cells_only=True), cells=True)
        row["cell"] = cells[0] if cells else "KB.01.01"
        return [row]

