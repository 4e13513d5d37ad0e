"""Kết quả xếp loại đảng viên: one row per (member, year), the member found by CCCD.

Each row goes through `ratings.services.ratings_enter_batch`, the service of the cell's
entry page, so the file obeys the page's rules: only a member on the cell's rolls that
year, one rating per member per year, a level under QĐ 132/124 or a 0–100 score under
QĐ 366, no change once approved (that is a correction with a reason, on the page).
Re-importing the same file changes nothing; a blank cell of a member already rated keeps
the stored value. Every error of a row is reported at once, and the check lists each
changed field old → new. The 20% check is a warning per cell, as on the page. Rows are
small and few (a cell's 30, a district's few thousand), so the dry run is the real run
rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dangvien.audit.services import mask
from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit
from dangvien.people.models import Membership, Person
from dangvien.ratings.models import Rating, RatingLevel, RatingRuleSet, RatingStatus
from dangvien.ratings.selectors import level_counts
from dangvien.ratings.services import (
    Entry,
    cap_check,
    check_year,
    on_rolls_in_year,
    ratings_enter_batch,
    resolve_level,
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


def _shown(key: str, value: Any) -> Any:
    """A changed value as the preview shows it: a level by its name."""
    if key == "level" and value in RatingLevel.values:
        return RatingLevel(value).label
    return value


class RatingsImporter(Importer):
    writes_in_dry_run = True
    batch_size = 500

    def __init__(self, ctx):
        super().__init__(ctx)
        self.units = units_in_scope(ctx.user)
        self.seen: dict[tuple[str, int], int] = {}  # (CCCD, year) -> first row
        self.touched: set[tuple[int, int]] = set()  # (cell id, year)
        self.rule_sets: dict[int, RatingRuleSet | None] = {}

    def check(self, rows: list[Row]) -> None:
        cccds = {r.values["cccd"] for r in rows if r.values.get("cccd")}
        people = {p.cccd: p for p in Person.objects.filter(cccd__in=cccds)}
        memberships: dict[int, list[Membership]] = {}
        for m in (Membership.objects.filter(person__in=people.values())
                  .select_related("cell").order_by("started_on", "pk")):
            memberships.setdefault(m.person_id, []).append(m)
        years = {r.values["year"] for r in rows if isinstance(r.values.get("year"), int)}
        stored = {(r.person_id, r.year): r for r in Rating.objects.filter(
            person__in=people.values(), year__in=years)}
        for row in rows:
            self._one(row, people, memberships, stored)

    def _rule_set(self, n: int, year: int) -> RatingRuleSet | None:
        """The year's rule set, or None with the year's error on the row."""
        try:
            check_year(year, self.ctx.today)
            if year not in self.rule_sets:
                self.rule_sets[year] = rule_set_for_year(year)
        except DomainError as err:
            self.ctx.error(n, "year", err.message)
            return None
        return self.rule_sets[year]

    def _membership(self, n: int, v: dict, person: Person | None,
                    memberships: dict) -> Membership | None:
        """The row's membership in the user's scope, or None with the reason on the row."""
        ctx, year = self.ctx, v["year"]
        # Only records in the user's scope count; someone else's member is "not found", in
        # the same words as a CCCD nobody holds (outsiders learn nothing).
        mine = [m for m in memberships.get(person.pk, []) if m.cell.code.upper() in self.units] \
            if person else []
        if not mine:
            ctx.error(n, "cccd", _NOT_FOUND)
            return None
        if v.get("full_name") and vn.fold(v["full_name"]) != vn.fold(person.full_name):
            ctx.error(n, "full_name", f"số CCCD này là của {person.full_name}, không phải "
                                      f"{v['full_name']}. Hãy kiểm tra lại số CCCD hoặc họ tên.")
        in_year = [m for m in mine if self._in_year(m, year)]
        if not in_year:
            ctx.error(n, "cccd", f"{person.full_name} không sinh hoạt ở chi bộ nào bạn được cập "
                                 f"nhật trong năm {year}: chỉ xếp loại đảng viên của chi bộ mình.")
            return None
        membership = in_year[-1]
        if v.get("cell"):
            chosen = [m for m in in_year if m.cell.code.upper() == v["cell"].upper()]
            if not chosen:
                ctx.error(n, "cell", f"{person.full_name} không sinh hoạt ở chi bộ '{v['cell']}' "
                                     f"trong năm {year} (năm đó ở {membership.cell.name}).")
                return None
            membership = chosen[-1]
        return membership

    def _one(self, row: Row, people: dict, memberships: dict, stored: dict) -> None:
        """Every error of the row at once; a blank cell keeps the stored value; then the row
        goes through the entry page's service (rolled back in a dry run) and its changes
        are listed old → new."""
        ctx, v, n = self.ctx, row.values, row.number
        cccd, year = v.get("cccd"), v.get("year")
        if not cccd or not isinstance(year, int):
            return  # a required cell is missing or wrong: already said
        first = self.seen.setdefault((cccd, year), n)
        if first != n:
            ctx.error(n, "cccd", f"đảng viên này đã có kết quả năm {year} ở dòng {first} (mỗi "
                                 "đảng viên một dòng mỗi năm).")
            return
        rule_set = self._rule_set(n, year)
        person = people.get(cccd)
        membership = self._membership(n, v, person, memberships)
        rating = stored.get((person.pk, year)) if person and membership else None
        level, score = v.get("level"), v.get("score")
        if rating is not None:  # blank keeps: the stored level or score fills the gap
            if level is None and score is None:
                level, score = rating.level, rating.score
            elif rule_set is not None and rule_set.uses_score and score is None:
                score = rating.score
        if level is None and score is None:
            ctx.error(n, "level", "hãy chọn mức xếp loại (hoặc ghi điểm từ năm 2025).")
        elif rule_set is not None:
            name = person.full_name if person and membership else ""
            try:
                level, score = resolve_level(rule_set, level=level, score=score, name=name)
            except DomainError as err:
                ctx.error(n, _FIELDS.get(err.field or "", "level"), err.message)
        note = v.get("note")
        kept_note = rating.note if rating is not None and note is None else (note or "").strip()[:300]
        if (rating is not None and rating.status == RatingStatus.APPROVED
                and (level, score, kept_note) != (rating.level, rating.score, rating.note)):
            ctx.error(n, "level", f"kết quả xếp loại năm {year} của {person.full_name} đã được "
                                  "cấp ủy cấp trên duyệt: không sửa qua tệp nhập; cấp đã duyệt "
                                  "sửa trên trang xếp loại, với lý do.")
        if n in ctx.bad_rows or membership is None:
            return
        try:
            with transaction.atomic():
                result = ratings_enter_batch(
                    by=ctx.user, cell=membership.cell, year=year, today=ctx.today,
                    entries=[Entry(membership.pk, level=level, score=score, note=note)])
        except DomainError as err:
            ctx.error(n, _FIELDS.get(err.field or "", "level"), err.message)
            return
        ctx.counts.new += result.created
        ctx.counts.changed += result.changed
        ctx.counts.unchanged += result.unchanged
        if result.changed:
            for _, diff in result.changes:
                ctx.change(n, mask("cccd", cccd), {
                    key: (_shown(key, old), _shown(key, new)) for key, (old, new) in diff.items()})
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
    blank_keeps = True
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
               "thể để trống: mức suy ra từ điểm. Kết quả đã được duyệt không sửa qua tệp: cấp "
               "đã duyệt sửa trên trang, với lý do.", LEVELS,
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

