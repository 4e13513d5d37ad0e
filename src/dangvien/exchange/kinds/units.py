"""Danh sách tổ chức đảng: one row per unit, keyed by its code.

Few rows (a province has a few thousand units), each written through the org services
the pages use (`unit_create`, `unit_rename`, `unit_update_details`), so the rights
(an administrator of the parent unit), codes and history follow the same rules. A unit
may sit under a unit created by an earlier row of the same file.

A row without a parent creates the top unit (Tỉnh ủy): only for a superuser (or the
command line without --user), only while the tree is still empty, and once per file, so
a province can be started from Excel and the rest of the file hangs under it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.db import transaction

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.core.errors import DomainError
from dangvien.org.models import CELL_KINDS, OrgChange, OrgUnit, OrgUnitVersion, PlaceKind, UnitKind
from dangvien.org.selectors import unit_by_code
from dangvien.org.services import unit_create, unit_rename, unit_update_details

from ..cells import Choices, to_bool, to_date, to_int, to_text
from ..models import ChangeOp
from .base import Column, Importer, Kind, Row, register
from .common import UNIT_SEPARATOR, out_of_scope, to_unit_code

KINDS = Choices(UnitKind.choices, what="loại tổ chức")
PLACES = Choices(PlaceKind.choices, what="loại hình")


class UnitsImporter(Importer):
    writes_in_dry_run = True
    batch_size = 200

    def __init__(self, ctx):
        super().__init__(ctx)
        # Read before any row is written: the file's own top unit does not count.
        self.tree_was_empty = not OrgUnit.objects.exists()
        self.top_row: int | None = None

    def check(self, rows: list[Row]) -> None:
        for row in rows:
            if row.number in self.ctx.bad_rows:
                continue
            try:
                with transaction.atomic():
                    self._one(row)
            except DomainError as err:
                self.ctx.error(row.number, _FIELDS.get(err.field, err.field), err.message)

    def _one(self, row: Row) -> None:
        ctx, v, user = self.ctx, row.values, self.ctx.user
        code = v["code"]
        existing = unit_by_code(code)
        if existing is not None and user is not None and not can(user, existing):
            raise DomainError(f"Mã đơn vị '{code}' đã được dùng. Hãy chọn mã khác.", field="code")
        parent_code = v.get("parent")
        parent = unit_by_code(parent_code) if parent_code else None
        if parent_code and (parent is None or (user is not None and not can(user, parent))):
            raise DomainError(out_of_scope(parent_code), field="parent")
        if parent is None:
            self._without_parent(row, existing)
        if existing is None:
            unit = unit_create(
                by=user, parent=parent, code=code, name=v["name"], kind=v["kind"],
                valid_from=v["valid_from"], place_kind=v.get("place_kind") or "",
                is_mountainous=bool(v.get("is_mountainous")))
            if v.get("village_count") is not None:
                unit_update_details(by=user, unit=unit, village_count=v["village_count"])
            ctx.trace(unit, ChangeOp.CREATED)
            for change in OrgChange.objects.filter(units=unit):
                ctx.trace(change, ChangeOp.CREATED)
            ctx.counts.new += 1
            return
        # Every reason the row cannot be taken, at once.
        refused = []
        if parent is not None and not (existing.path.startswith(parent.path)
                                       and len(existing.path) == len(parent.path) + OrgUnit.steplen):
            refused.append(("parent",
                f"{existing.name} đang trực thuộc đơn vị khác: điều chuyển đơn vị làm trên trang "
                "tổ chức (có ngày hiệu lực và số quyết định), không qua tệp nhập."))
        if v["kind"] != existing.kind:
            refused.append(("kind",
                f"Loại tổ chức của {existing.name} là '{existing.get_kind_display()}', không sửa "
                "qua tệp nhập."))
        if v["valid_from"] != existing.valid_from:
            refused.append(("valid_from",
                f"{existing.name} thành lập ngày {existing.valid_from:%d/%m/%Y}; ngày thành lập "
                "không sửa qua tệp nhập."))
        for key, message in refused:
            ctx.error(row.number, key, message)
        if refused:
            return
        # A blank cell keeps what is stored (the guide says so).
        diff = {key: (getattr(existing, key), v[key]) for key in _KEPT
                if v.get(key) is not None and v[key] != getattr(existing, key)}
        if not diff:
            ctx.counts.unchanged += 1
            return
        ctx.counts.changed += 1
        ctx.change(row.number, existing.code, diff)
        before = {key: getattr(existing, key) for key in _KEPT}
        before["versions"] = [
            {**r, "valid_from": r["valid_from"].isoformat(),
             "valid_to": r["valid_to"] and r["valid_to"].isoformat()}
            for r in OrgUnitVersion.objects.filter(unit=existing).values(
                "id", "name", "parent_id", "path", "depth", "valid_from", "valid_to")]
        ctx.trace(existing, ChangeOp.CHANGED, before=before)
        changes_before = OrgChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if "name" in diff:
            unit_rename(by=user, unit=existing, name=v["name"],
                        effective=v.get("effective") or ctx.today)
        details = {key: v.get(key) for key in _KEPT if key != "name"}
        if any(key in diff for key in details):
            unit_update_details(by=user, unit=existing, **details)
        known = {r["id"] for r in before["versions"]}
        for version in OrgUnitVersion.objects.filter(unit=existing).exclude(id__in=known):
            ctx.trace(version, ChangeOp.CREATED)
        for change in OrgChange.objects.filter(units=existing, id__gt=changes_before):
            ctx.trace(change, ChangeOp.CREATED)

    def _without_parent(self, row: Row, existing: OrgUnit | None) -> None:
        """No parent given: right for an existing top unit (the file that built the tree,
        again). A new unit so is the file's one top unit, in an empty tree, by a superuser."""
        if existing is not None and existing.is_root():
            return
        user = self.ctx.user
        if existing is not None or (user is not None and not user.is_superuser):
            raise DomainError("Hãy ghi đơn vị cấp trên.", field="parent")
        if not self.tree_was_empty:
            top = OrgUnit.objects.get_root_nodes().first()
            raise DomainError(
                f"Hãy ghi đơn vị cấp trên. Hệ thống đã có đơn vị cấp cao nhất ({top.name}): "
                "chỉ được để trống đơn vị cấp trên khi hệ thống chưa có tổ chức đảng nào.",
                field="parent")
        if self.top_row is not None:
            raise DomainError(
                f"Hãy ghi đơn vị cấp trên. Tệp chỉ được có một đơn vị cấp cao nhất (để trống "
                f"đơn vị cấp trên): đó là đơn vị ở dòng {self.top_row}.", field="parent")
        self.top_row = row.number


_FIELDS = {"effective": "effective", "into": "parent", None: None}
#: What a file may change on an existing unit (a blank cell keeps the stored value).
_KEPT = ("name", "place_kind", "is_mountainous", "village_count")


@register
class Units(Kind):
    name = "units"
    slug = "to-chuc"
    label = "Tổ chức đảng"
    sheet_title = "Tổ chức đảng"
    description = ("Danh sách tổ chức đảng (đảng bộ, chi bộ) thuộc phạm vi quản lý, mỗi đơn vị "
                   "một dòng, nhận ra đơn vị đã có theo mã đơn vị. Cần quyền quản trị ở đơn vị "
                   "cấp trên. Khi hệ thống chưa có tổ chức nào, quản trị viên hệ thống nhập "
                   "đơn vị cấp cao nhất ở một dòng để trống đơn vị cấp trên.")
    importer = UnitsImporter
    role = Role.ADMIN
    blank_keeps = True
    blank_note = ("Với đơn vị đã có, ô để trống giữ nguyên giá trị đã lưu. Trước khi lưu, trang "
                  "kiểm tra liệt kê từng thay đổi (cũ → mới).")
    undoable = True
    columns = [
        Column("code", "Mã đơn vị", "Bắt buộc. Mã duy nhất, chữ không dấu, số, dấu chấm, ví dụ "
               "KB.01.03.", to_text, required=True, variants=("Mã", "Mã tổ chức", "Mã số"),
               width=14, example="KB.01.99"),
        Column("name", "Tên đơn vị", "Bắt buộc. Tên đầy đủ, ví dụ Chi bộ xóm Đồi.", to_text,
               required=True, variants=("Tên tổ chức đảng", "Tên tổ chức", "Tên"), width=36,
               example="Chi bộ xóm Đồi"),
        Column("parent", "Đơn vị cấp trên", "Bắt buộc, trừ đơn vị cấp cao nhất. Chọn trong danh "
               "sách hoặc ghi mã đơn vị cấp trên (có thể là đơn vị ở dòng phía trên trong tệp). "
               "Chỉ để trống ở một dòng, cho đơn vị cấp cao nhất (Tỉnh ủy), khi hệ thống chưa "
               "có tổ chức đảng nào; chỉ quản trị viên hệ thống được nhập dòng đó.", to_unit_code,
               variants=("Mã đơn vị cấp trên", "Trực thuộc", "Cấp trên"),
               dropdown="parents", width=40),
        Column("kind", "Loại tổ chức", "Bắt buộc. Chọn trong danh mục.", KINDS, required=True,
               variants=("Loại",), dropdown="kinds", width=30, example=UnitKind.CELL.label),
        Column("place_kind", "Loại hình", "Không bắt buộc. Nơi tổ chức đảng hoạt động.", PLACES,
               dropdown="places", width=24, example=PlaceKind.VILLAGE.label),
        Column("is_mountainous", "Vùng cao, miền núi", "Có hoặc Không (vùng cao, miền núi, dân "
               "tộc thiểu số: được áp dụng ngoại lệ học vấn khi kết nạp).", to_bool,
               variants=("Miền núi", "Vùng cao"), dropdown="yesno", width=12, example="Có"),
        Column("valid_from", "Ngày thành lập", "Bắt buộc. Ngày đơn vị bắt đầu hoạt động, "
               "ngày/tháng/năm.", to_date, required=True,
               variants=("Hiệu lực từ ngày", "Ngày hiệu lực"), type="date", width=14,
               example=dt.date(2020, 10, 1)),
        Column("village_count", "Số thôn, bản, tổ dân phố", "Chỉ cho đảng bộ xã, phường, thị "
               "trấn: số thôn, bản, tổ dân phố trên địa bàn.", to_int,
               variants=("Số thôn bản",), type="int", width=12),
        Column("effective", "Ngày đổi tên", "Chỉ dùng khi sửa tên đơn vị đã có: tên mới có hiệu "
               "lực từ ngày này (để trống: hôm nay).", to_date,
               variants=("Ngày hiệu lực đổi tên",), type="date", width=14),
    ]

    @classmethod
    def dropdowns(cls, user, **options) -> dict[str, list[str]]:
        qs = OrgUnit.objects.all() if user is None else OrgUnit.objects.for_user(user, Role.ADMIN)
        parents = [f"{code}{UNIT_SEPARATOR}{name}" for code, name in
                   qs.exclude(kind__in=list(CELL_KINDS)).filter(valid_to__isnull=True)
                   .order_by("path").values_list("code", "name")]
        return {"parents": parents, "kinds": KINDS.labels, "places": PLACES.labels,
                "yesno": ["Có", "Không"]}

    #: The example of a template made on an empty tree: the top unit, with no parent.
    top_example: ClassVar[dict[str, Any]] = {
        "code": "TINH", "name": "Tỉnh ủy Hòa Bình", "kind": UnitKind.PROVINCE.label,
        "valid_from": dt.date(2020, 10, 1)}

    @classmethod
    def example_rows(cls, user, **options) -> list[dict[str, Any]]:
        parents = cls.dropdowns(user)["parents"]
        if not parents and not OrgUnit.objects.exists():
            return [dict(cls.top_example)]
        row = {c.key: c.example for c in cls.columns}
        row["parent"] = parents[-1] if parents else "KB.01"
        return [row]

    @classmethod
    def examples(cls) -> list[dict[str, Any]]:
        return [*super().examples(), cls.top_example]
