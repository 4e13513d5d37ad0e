"""Chỉ tiêu giao: one row per (plan, unit given a target), into the plan's draft.

The rows of one plan are merged with the targets its draft already gives and written
with `plans.services.plan_allocate`, the service of the allocation page: only a draft
takes targets, only the issuing unit's direct subordinates of the plan year receive
them, targets are whole numbers. The template downloaded from a plan's page lists its
subordinates with their current targets.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dangvien.accounts.models import Role
from dangvien.core.errors import DomainError
from dangvien.plans import selectors as plan_selectors
from dangvien.plans.models import Allocation, Plan, PlanStatus
from dangvien.plans.services import normalize_number, plan_allocate

from ..cells import to_int, to_text
from ..models import ChangeOp
from .base import Column, Importer, Kind, Row, register
from .common import UNIT_SEPARATOR, to_unit_code


def _plans(user):
    qs = Plan.objects.all() if user is None else Plan.objects.for_user(user, Role.EDITOR)
    return qs.select_related("unit")


class AllocationsImporter(Importer):
    writes_in_dry_run = True

    def __init__(self, ctx):
        super().__init__(ctx)
        self.plans: dict[tuple[str, int], Any] = {}  # (number, year) -> state or None
        self.seen: dict[tuple[str, int, str], int] = {}

    def _plan(self, number: str, year: int, row: int):
        key = (number, year)
        if key not in self.plans:
            plan = _plans(self.ctx.user).filter(number=number, year=year).first()
            state = None
            if plan is None:
                self.ctx.error(row, "plan", f"không tìm thấy Kế hoạch số {number} năm {year} trong "
                                            "phạm vi bạn được cập nhật.")
            else:
                draft = plan.versions.filter(status=PlanStatus.DRAFT).order_by("-revision").first()
                if draft is None:
                    self.ctx.error(row, "plan", f"Kế hoạch số {number} năm {year} đã ban hành: "
                                                "không sửa được chỉ tiêu giao. Hãy lập bản điều "
                                                "chỉnh trên trang kế hoạch rồi nhập lại.")
                else:
                    children = {c.unit.code.upper(): c.unit for c in
                                plan_selectors.children_in_year(plan.unit, plan.year)}
                    current = {a.unit_id: a.target for a in Allocation.objects.filter(version=draft)}
                    state = {"plan": plan, "draft": draft, "children": children,
                             "targets": dict(current), "before": current, "first_row": row}
            self.plans[key] = state
        return self.plans[key]

    def check(self, rows: list[Row]) -> None:
        ctx = self.ctx
        for row in rows:
            v, n = row.values, row.number
            if not v.get("plan") or not v.get("year") or not v.get("unit"):
                continue
            number = normalize_number(v["plan"])
            state = self._plan(number, v["year"], n)
            if state is None:
                ctx.error(n, "plan", f"không tìm thấy hoặc không sửa được Kế hoạch số {number}.")
                continue
            code = v["unit"].upper()
            first = self.seen.setdefault((number, v["year"], code), n)
            if first != n:
                ctx.error(n, "unit", f"đơn vị này đã có chỉ tiêu ở dòng {first} (dòng {first} và "
                                     f"dòng {n}).")
                continue
            unit = state["children"].get(code)
            if unit is None:
                ctx.error(n, "unit", f"'{v['unit']}' không phải đơn vị trực thuộc trực tiếp của "
                                     f"{state['plan'].unit.name} trong năm {v['year']}: chỉ giao "
                                     "chỉ tiêu cho đơn vị trực thuộc trực tiếp.")
            target = v.get("target")
            if target is not None and target < 0:
                ctx.error(n, "target", "chỉ tiêu không được là số âm.")
            if unit is None or n in ctx.bad_rows:
                continue
            old = state["before"].get(unit.pk)
            if target is None:  # a blank cell keeps the stored target (none: nothing to do)
                ctx.counts.unchanged += 1
                continue
            if old is None:
                ctx.counts.new += 1
            elif old != target:
                ctx.counts.changed += 1
                ctx.change(n, f"{state['plan'].number} ({v['year']}) {unit.code}",
                           {"target": (old, target)})
            else:
                ctx.counts.unchanged += 1
            state["targets"][unit.pk] = target

    def finish(self) -> None:
        if self.ctx.problems:
            return
        for state in self.plans.values():
            if state is None or state["targets"] == state["before"]:
                continue
            units = {u.pk: u for u in state["children"].values()}
            try:
                with transaction.atomic():
                    self.ctx.trace(state["draft"], ChangeOp.CHANGED, before={
                        "targets": {str(pk): t for pk, t in state["before"].items()}})
                    plan_allocate(by=self.ctx.user, version=state["draft"],
                                  allocations={units[pk]: t for pk, t in state["targets"].items()
                                               if pk in units})
            except DomainError as err:
                self.ctx.error(state["first_row"], "plan", err.message)


@register
class Allocations(Kind):
    name = "allocations"
    slug = "chi-tieu"
    label = "Chỉ tiêu giao"
    sheet_title = "Chỉ tiêu giao"
    description = ("Chỉ tiêu kết nạp giao cho các đơn vị trực thuộc trong bản dự thảo của một kế "
                   "hoạch, mỗi đơn vị một dòng; nhận ra theo số kế hoạch, năm và mã đơn vị.")
    importer = AllocationsImporter
    skip_example = False
    blank_keeps = True
    blank_note = ("Ô chỉ tiêu để trống giữ nguyên chỉ tiêu đã giao (đơn vị chưa được giao thì "
                  "chưa giao). Trước khi lưu, trang kiểm tra liệt kê từng chỉ tiêu thay đổi "
                  "(cũ → mới).")
    undoable = True
    columns = [
        Column("plan", "Số kế hoạch", "Bắt buộc. Số, ký hiệu của kế hoạch, ví dụ 77-KH/TU.",
               to_text, required=True, variants=("Kế hoạch", "Số, ký hiệu kế hoạch"), width=14,
               example="77-KH/TU"),
        Column("year", "Năm", "Bắt buộc. Năm của kế hoạch.", to_int, required=True,
               variants=("Năm kế hoạch",), type="int", width=8, example=2022),
        Column("unit", "Đơn vị được giao", "Bắt buộc. Mã đơn vị trực thuộc trực tiếp (hoặc chọn "
               "“mã — tên” như tệp mẫu tải từ trang kế hoạch).", to_unit_code, required=True,
               variants=("Mã đơn vị", "Đơn vị"), dropdown="units", width=40),
        Column("target", "Chỉ tiêu", "Số đảng viên mới giao cho đơn vị (số nguyên). Để trống: "
               "giữ chỉ tiêu đang có.",
               to_int, variants=("Chỉ tiêu giao", "Chỉ tiêu kết nạp"), type="int",
               width=10, example=150),
    ]

    @classmethod
    def _plan(cls, user, plan_id=None, plan=None, year=None):
        if plan_id is not None:
            found = _plans(user).filter(pk=plan_id).first()
        elif plan:
            qs = _plans(user).filter(number=normalize_number(plan))
            found = (qs.filter(year=year) if year else qs.order_by("-year")).first()
        else:
            return None
        if found is None:
            raise ValueError("Không tìm thấy kế hoạch này trong phạm vi bạn được cập nhật.")
        return found

    @classmethod
    def dropdowns(cls, user, **options) -> dict[str, list[str]]:
        plan = cls._plan(user, **options)
        if plan is None:
            return {"units": []}
        return {"units": [f"{c.unit.code}{UNIT_SEPARATOR}{c.name}" for c in
                          plan_selectors.children_in_year(plan.unit, plan.year)]}

    @classmethod
    def example_rows(cls, user, **options) -> list[dict[str, Any]]:
        plan = cls._plan(user, **options)
        if plan is None:
            row = {c.key: c.example for c in cls.columns}
            row["unit"] = "KB"
            return [row]
        draft = plan.versions.filter(status=PlanStatus.DRAFT).order_by("-revision").first()
        version = draft or plan.versions.order_by("-revision").first()
        targets = dict(Allocation.objects.filter(version=version).values_list("unit_id", "target"))
        return [{"plan": plan.number, "year": plan.year,
                 "unit": f"{c.unit.code}{UNIT_SEPARATOR}{c.name}",
                 "target": targets.get(c.unit.pk)}
                for c in plan_selectors.children_in_year(plan.unit, plan.year)]
