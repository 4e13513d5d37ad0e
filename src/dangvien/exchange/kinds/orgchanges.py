"""Thay đổi tổ chức: one row per change of the organisation tree, applied in file order.

Each row is one decision (thành lập, đổi tên, chuyển, sáp nhập, chia tách, giải thể) made
through the service the organisation pages use (`org.services`, and `org.splitoff` for a
unit split off beside another), so rights (the superior's administrator), dates (in
order, not far in the future), merge levels and history follow the same rules, and each
records one `OrgChange` and one audit record. A row may use a unit created by a row above
it; a row naming a unit that a LATER row creates is refused with both row numbers.

All or nothing, as every import: the check is the real run rolled back, so the preview
lists what each row will do (the change's summary and what follows it: subordinates,
members, allocations, roles) exactly as the save will. A saved change is not undone
with the import (`Kind.undo_refusal`): a wrong change is corrected by a new change.
Re-importing the same file changes nothing: a row whose change is already recorded (same
kind, unit and effective date, same result) counts as unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, forget_scope
from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.org.base import CODE_RE
from dangvien.org.forms import USUAL_CHILD_KIND
from dangvien.org.models import OrgChange, OrgChangeKind, OrgUnit, UnitKind
from dangvien.org.selectors import unit_by_code, version_on
from dangvien.org.services import (
    unit_create,
    unit_dissolve,
    unit_merge,
    unit_move,
    unit_rename,
)
from dangvien.org.splitoff import unit_split_off

from ..cells import CellError, Choices, is_empty, quoted, to_date, to_text
from .base import Column, Importer, Kind, Row, register
from .common import UNIT_SEPARATOR, out_of_scope, to_unit_code

# --- the kinds of change ------------------------------------------------------------------

CREATE, RENAME, MOVE, MERGE, SPLIT, DISSOLVE = (
    "tao_moi", "doi_ten", "chuyen", "sap_nhap", "chia_tach", "giai_the")
#: What a row writes in "Loại thay đổi" (its label; the value itself is accepted too).
LABELS = {CREATE: "Tạo mới", RENAME: "Đổi tên", MOVE: "Chuyển", MERGE: "Sáp nhập",
          SPLIT: "Chia tách", DISSOLVE: "Giải thể"}
#: Other words officials use for the same change (the decision's wording, OrgChangeKind).
_SYNONYMS = {"thanh lap": CREATE, "dieu chuyen": MOVE, "dieu chuyen truc thuoc": MOVE,
             "chuyen truc thuoc": MOVE}
#: The OrgChange each kind of row records.
RECORDS = {CREATE: OrgChangeKind.CREATE, RENAME: OrgChangeKind.RENAME, MOVE: OrgChangeKind.MOVE,
           MERGE: OrgChangeKind.MERGE, SPLIT: OrgChangeKind.SPLIT,
           DISSOLVE: OrgChangeKind.DISSOLVE}

#: The columns each kind of change needs besides the change, the unit and the date, with
#: what goes in them (said when one is blank).
NEEDS: dict[str, dict[str, str]] = {
    CREATE: {"name": "tên của đơn vị mới", "parent": "mã đơn vị mà đơn vị mới trực thuộc"},
    RENAME: {"name": "tên mới của đơn vị"},
    MOVE: {"parent": "mã đơn vị cấp trên mới"},
    MERGE: {"successor": "mã đơn vị nhận sáp nhập"},
    SPLIT: {"successor": "mã của đơn vị mới tách ra", "name": "tên của đơn vị mới tách ra"},
    DISSOLVE: {"successor": "mã đơn vị kế thừa, nhận các tổ chức trực thuộc hoặc đảng viên"},
}
#: Columns a kind of change may also fill (the others stay blank).
MAY = {CREATE: {"unit_kind"}, SPLIT: {"unit_kind"}}
#: The columns that say what a row changes (the rest: date and decision, for every row).
_WHAT = ("name", "parent", "successor", "unit_kind")

# --- cells ----------------------------------------------------------------------------------

#: What spreadsheet programs take for the start of a formula.
_FORMULA_START = ("=", "+", "-", "@")


def _clean(value, limit: int, what: str) -> str | None:
    text = to_text(value)
    if text is None:
        return None
    if len(text) > limit:
        raise CellError(f"ô dài {vn.format_number(len(text))} ký tự, quá {limit} ký tự cho "
                        f"phép của {what}. Hãy kiểm tra lại ô này.")
    return text


def _no_formula(text: str, what: str) -> str:
    if text.startswith(_FORMULA_START):
        raise CellError(f"{what} bắt đầu bằng dấu '{text[0]}' như một công thức Excel: hãy ghi "
                        "bằng chữ, không dùng công thức.")
    return text


def to_change(value) -> str | None:
    """"Tạo mới", "tao_moi", "TAO MOI", "Thành lập"… -> "tao_moi"."""
    if is_empty(value):
        return None
    text = to_text(value) or ""
    key = " ".join(vn.fold(text).replace("_", " ").replace("-", " ").split())
    found = _CHANGES.get(key)
    if found is None:
        raise CellError(
            f"'{quoted(text)}' không phải loại thay đổi: ghi một trong "
            f"{', '.join(LABELS.values())} (hoặc {', '.join(LABELS)}).")
    return found


_CHANGES = {**{" ".join(vn.fold(label).split()): slug for slug, label in LABELS.items()},
            **{slug.replace("_", " "): slug for slug in LABELS}, **_SYNONYMS}


def to_code(value) -> str | None:
    """A unit code ("KB.01", or the dropdown's "KB.01 — Đảng bộ xã Vĩnh Đồng")."""
    if is_empty(value):
        return None
    code = to_unit_code(value) or ""
    if not CODE_RE.match(code):
        raise CellError(
            f"'{quoted(code)}' không phải mã đơn vị hợp lệ: mã gồm 1–32 ký tự chữ không dấu, số, "
            "dấu chấm, gạch ngang hoặc gạch dưới, ví dụ KB.01.03.")
    return code


def to_name(value) -> str | None:
    text = _clean(value, 200, "tên đơn vị")
    return text and _no_formula(text, "tên")


def to_decision(value) -> str | None:
    text = _clean(value, 100, "số quyết định")
    return text and _no_formula(text, "số quyết định")


UNIT_KINDS = Choices(UnitKind.choices, what="loại tổ chức")


def to_unit_kind(value) -> str | None:
    text = _clean(value, 60, "loại tổ chức")
    return text and UNIT_KINDS(text)


# --- the import -----------------------------------------------------------------------------


@dataclass
class _Founding:
    """The first row of the file that founds a code (Tạo mới, or the new unit of Chia tách)."""

    row: int
    done: bool = False


#: A service's refusal names the field to fix: which column of the row that is.
_FIELDS = {"effective": "effective", "decision_date": "decision_date", "name": "name",
           "kind": "unit_kind", "parent": "parent", "into": "successor",
           "successor": "successor"}


class OrgChangesImporter(Importer):
    writes_in_dry_run = True
    batch_size = 100

    def __init__(self, ctx):
        super().__init__(ctx)
        self.founded: dict[str, _Founding] = {}  # code (upper case) -> the row founding it
        #: (row, column, code) of codes not found: said at the end, once every row that
        #: founds a unit is known (a later row founding it is named).
        self.missing: list[tuple[int, str, str]] = []

    def check(self, rows: list[Row]) -> None:
        for row in rows:
            self._row(row)

    def finish(self) -> None:
        for n, key, code in self.missing:
            self.ctx.error(n, key, self._not_found(n, code))

    def _not_found(self, n: int, code: str) -> str:
        founding = self.founded.get(code.upper())
        if founding is not None and founding.row > n:
            return (f"Mã đơn vị {code} chưa có ở dòng {n}; dòng {founding.row} mới tạo đơn vị "
                    "này: hãy xếp dòng tạo lên trước.")
        if founding is not None and founding.row < n and not founding.done:
            return (f"Mã đơn vị {code} chưa có: dòng {founding.row} tạo đơn vị này nhưng dòng đó "
                    f"có lỗi. Hãy sửa dòng {founding.row} trước.")
        return out_of_scope(code)

    # --- one row ------------------------------------------------------------------------

    def _row(self, row: Row) -> None:
        ctx, v, n = self.ctx, row.values, row.number
        change = v.get("change")
        founding = self._founds(n, change, v)
        if change is None:
            return
        self._columns(n, change, v)
        if n in ctx.bad_rows:
            return
        units = self._units(n, change, v)
        if units is None:
            return
        if self._recorded(change, v, units):
            ctx.counts.unchanged += 1
            if founding is not None:
                founding.done = True
            return
        last = OrgChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        try:
            with transaction.atomic():
                unit = self._apply(change, v, units)
        except DomainError as err:
            # A new code is in "Mã đơn vị", or in "Mã đơn vị kế thừa" for a split.
            key = ("successor" if change == SPLIT else "code") if err.field == "code" \
                else _FIELDS.get(err.field or "")
            ctx.error(n, key, err.message)
            return
        finally:
            if ctx.user is not None:
                forget_scope(ctx.user)  # roles ended, units moved: paths changed
        if founding is not None:
            founding.done = True
        if change in (CREATE, SPLIT):
            ctx.counts.new += 1
        else:
            ctx.counts.changed += 1
        # (Its unit too: on PostgreSQL another import's change may have come in meanwhile.)
        for recorded in OrgChange.objects.filter(pk__gt=last, units=unit).order_by("pk"):
            ctx.change(n, v["code"], _preview(recorded))

    def _founds(self, n: int, change: str | None, v: dict) -> _Founding | None:
        code = v.get("code") if change == CREATE else v.get("successor") if change == SPLIT \
            else None
        if not code:
            return None
        founding = self.founded.setdefault(code.upper(), _Founding(n))
        return founding if founding.row == n else None

    def _columns(self, n: int, change: str, v: dict) -> None:
        """Every column this kind of change needs is filled, and no other says anything."""
        label = LABELS[change]
        needs = NEEDS[change]
        for key in _WHAT:
            if key in needs:
                if v.get(key) is None:  # (a cell that could not be read already said so)
                    self.ctx.error(n, key, f"ô bắt buộc với loại thay đổi '{label}' "
                                           f"({needs[key]}), chưa nhập.")
            elif v.get(key) is not None and key not in MAY.get(change, ()):
                self.ctx.error(n, key, f"loại thay đổi '{label}' không dùng cột này: hãy để "
                                       "trống ô này (mỗi dòng ghi một thay đổi).")

    def _units(self, n: int, change: str, v: dict) -> dict[str, OrgUnit] | None:
        """The existing units the row names, each in the user's scope (or noted missing)."""
        keys = {CREATE: ("parent",), MOVE: ("code", "parent"), MERGE: ("code", "successor"),
                DISSOLVE: ("code", "successor")}.get(change, ("code",))
        found: dict[str, OrgUnit] = {}
        for key in keys:
            unit = unit_by_code(v[key])
            if unit is None or (self.ctx.user is not None and not can(self.ctx.user, unit)):
                self.missing.append((n, key, v[key]))
            else:
                found[key] = unit
        return found if len(found) == len(keys) else None

    def _recorded(self, change: str, v: dict, units: dict[str, OrgUnit]) -> bool:
        """The change this row asks for is already recorded (the same file, again)."""
        effective = v["effective"]
        if change == CREATE:
            unit = unit_by_code(v["code"])
            if unit is None or unit.valid_from != effective:
                return False
            first = version_on(unit, effective)
            return first is not None and first.parent_id == units["parent"].pk \
                and first.name == vn.normalize_spaces(v["name"])
        unit = units["code"]
        changes = OrgChange.objects.filter(kind=RECORDS[change], effective=effective, units=unit)
        if change == SPLIT:
            new = unit_by_code(v["successor"])
            return new is not None and changes.filter(units=new).exists()
        if not changes.exists():
            return False
        if change in (MERGE, DISSOLVE):
            return unit.valid_to == effective and unit.successor_id == units["successor"].pk
        shape = version_on(unit, effective)
        if shape is None:
            return False
        if change == RENAME:
            return shape.name == vn.normalize_spaces(v["name"])
        return shape.parent_id == units["parent"].pk  # MOVE

    def _apply(self, change: str, v: dict, units: dict[str, OrgUnit]) -> OrgUnit:
        """Make the change through its service; returns the unit the change is about."""
        ctx = self.ctx
        common = {"by": ctx.user, "effective": v["effective"], "decision": v.get("decision") or "",
                  "decision_date": v.get("decision_date"), "today": ctx.today}
        if change == CREATE:
            parent = units["parent"]
            kind = v.get("unit_kind") or USUAL_CHILD_KIND.get(parent.kind) or parent.kind
            return unit_create(
                by=ctx.user, parent=parent, code=v["code"], name=v["name"], kind=kind,
                valid_from=v["effective"], is_mountainous=parent.is_mountainous,
                decision=common["decision"], decision_date=common["decision_date"],
                today=ctx.today)
        if change == RENAME:
            unit_rename(unit=units["code"], name=v["name"], **common)
        elif change == MOVE:
            unit_move(unit=units["code"], new_parent=units["parent"], **common)
        elif change == MERGE:
            unit_merge(units=[units["code"]], into=units["successor"], **common)
        elif change == SPLIT:
            unit_split_off(unit=units["code"], code=v["successor"], name=v["name"],
                           kind=v.get("unit_kind"), **common)
        else:
            unit_dissolve(unit=units["code"], successor=units["successor"], **common)
        return units["code"]


#: Items of a section the preview quotes (the count says how many there are).
PREVIEW_ITEMS = 5


def _preview(change: OrgChange) -> dict[str, tuple[Any, Any]]:
    """What the check page and `--format json` show for a row: the change, then each
    section of what followed it (subordinates, members, allocations, roles) with its count."""
    what = f"{change.summary}, từ {vn.format_date(change.effective)}"
    if change.decision:
        what += f" (Quyết định số {change.decision})"
    fields: dict[str, tuple[Any, Any]] = {"change": (None, what)}
    for section in change.details.get("sections", []):
        count, items = section.get("count") or 0, section.get("items") or []
        if count:
            text = f"{vn.format_number(count)}: " + "; ".join(items[:PREVIEW_ITEMS])
            if count > PREVIEW_ITEMS:
                text += f"; … và {vn.format_number(count - min(len(items), PREVIEW_ITEMS))} khác"
        else:
            text = section.get("note") or ""
        fields[section.get("title") or "…"] = (None, text)
    return fields


def _guide_ahead() -> int:
    return settings.DANGVIEN_ORG_CHANGE_MAX_DAYS_AHEAD


@register
class OrgChanges(Kind):
    name = "orgchanges"
    slug = "thay-doi-to-chuc"
    label = "Thay đổi tổ chức (thành lập, đổi tên, chuyển, sáp nhập, chia tách, giải thể)"
    sheet_title = "Thay đổi tổ chức"
    description = ("Các quyết định thay đổi tổ chức đảng, mỗi thay đổi một dòng: thành lập, "
                   "đổi tên, chuyển trực thuộc, sáp nhập, chia tách, giải thể. Các dòng được "
                   "áp dụng lần lượt theo thứ tự trong tệp. Cần quyền quản trị ở đơn vị cấp "
                   "trên của đơn vị thay đổi.")
    importer = OrgChangesImporter
    role = Role.ADMIN
    lists_new_changes = True
    note = ("Thay đổi tổ chức đã lưu không hoàn tác được bằng một thao tác: nếu ghi sai, hãy "
            "sửa bằng một thay đổi mới (đổi tên lại, chuyển lại…).")
    undo_refusal = ("Lượt nhập thay đổi tổ chức không hoàn tác được: mỗi thay đổi đã có hiệu lực "
                    "và đã vào lịch sử tổ chức. Nếu ghi sai, hãy sửa bằng một thay đổi mới (đổi "
                    "tên lại, chuyển lại…) trên trang tổ chức hoặc bằng một tệp thay đổi tổ "
                    "chức mới.")
    columns = [
        Column("change", "Loại thay đổi", "Bắt buộc. Tạo mới, Đổi tên, Chuyển, Sáp nhập, Chia "
               "tách hoặc Giải thể (hoặc tao_moi, doi_ten, chuyen, sap_nhap, chia_tach, "
               "giai_the). Xem trang Hướng dẫn.", to_change, required=True,
               variants=("Thay đổi", "Loại thay đổi tổ chức", "Hình thức"), dropdown="changes",
               list_only=False, width=16, example=LABELS[RENAME]),
        Column("code", "Mã đơn vị", "Bắt buộc. Mã của đơn vị thay đổi; với Tạo mới: mã của đơn "
               "vị mới (chữ không dấu, số, dấu chấm, ví dụ KB.01.03).", to_code, required=True,
               variants=("Mã", "Mã tổ chức", "Mã đơn vị thay đổi"), width=14,
               example="KB.01.99"),
        Column("name", "Tên mới", "Tạo mới: tên đơn vị mới. Đổi tên: tên mới. Chia tách: tên "
               "của đơn vị mới tách ra. Các loại khác để trống.", to_name,
               variants=("Tên đơn vị", "Tên đơn vị mới", "Tên"), width=36,
               example="Chi bộ xóm Đồi Mới"),
        Column("parent", "Mã đơn vị cấp trên mới", "Tạo mới: đơn vị mà đơn vị mới trực thuộc. "
               "Chuyển: đơn vị cấp trên mới. Các loại khác để trống.", to_code,
               variants=("Đơn vị cấp trên mới", "Mã đơn vị cấp trên", "Đơn vị cấp trên",
                         "Cấp trên mới"), dropdown="units", width=30),
        Column("successor", "Mã đơn vị kế thừa", "Sáp nhập: đơn vị nhận sáp nhập. Giải thể: "
               "đơn vị kế thừa. Chia tách: mã của đơn vị mới tách ra. Các loại khác để trống.",
               to_code, variants=("Đơn vị kế thừa", "Kế thừa", "Đơn vị nhận sáp nhập"),
               dropdown="units", width=30),
        Column("effective", "Ngày hiệu lực", "Bắt buộc. Ngày thay đổi có hiệu lực, ngày/tháng/"
               "năm; với Tạo mới: ngày thành lập.", to_date, required=True,
               variants=("Hiệu lực từ ngày", "Ngày"), type="date", width=14,
               example=dt.date(2025, 7, 1)),
        Column("decision", "Số quyết định", "Không bắt buộc. Số, ký hiệu quyết định, ví dụ "
               "125-QĐ/HU.", to_decision,
               variants=("Quyết định", "Số, ký hiệu quyết định", "Số hiệu quyết định"), width=16,
               example="125-QĐ/HU"),
        Column("unit_kind", "Loại tổ chức", "Không bắt buộc, chỉ cho Tạo mới và Chia tách. Để "
               "trống: Tạo mới lấy loại thường có dưới đơn vị cấp trên (dưới huyện ủy là đảng "
               "bộ cơ sở, dưới đảng bộ cơ sở là chi bộ); Chia tách lấy loại của đơn vị bị chia "
               "tách.", to_unit_kind, variants=("Loại đơn vị",), dropdown="kinds", width=28),
        Column("decision_date", "Ngày quyết định", "Không bắt buộc. Ngày ký quyết định, "
               "ngày/tháng/năm.", to_date, variants=("Ngày ký quyết định", "Ngày ký"),
               type="date", width=14),
    ]

    @classmethod
    def dropdowns(cls, user, **options) -> dict[str, list[str]]:
        qs = OrgUnit.objects.all() if user is None else OrgUnit.objects.for_user(user, Role.ADMIN)
        units = [f"{code}{UNIT_SEPARATOR}{name}" for code, name in
                 qs.filter(valid_to__isnull=True).order_by("path").values_list("code", "name")]
        return {"changes": list(LABELS.values()), "units": units, "kinds": UNIT_KINDS.labels}

    @classmethod
    def guide_sections(cls) -> list[tuple[str, list[list[str]]]]:
        headers = [c.header for c in cls.columns[:7]]
        ahead = _guide_ahead()
        return [
            ("Các loại thay đổi", [
                ["Loại thay đổi", "Ghi là", "Nghĩa và các cột cần ghi"],
                [LABELS[CREATE], CREATE,
                 "Thành lập tổ chức đảng mới. Mã đơn vị: mã của đơn vị mới. Tên mới: tên đơn vị. "
                 "Mã đơn vị cấp trên mới: đơn vị mà nó trực thuộc. Ngày hiệu lực: ngày thành "
                 "lập. Loại tổ chức (không bắt buộc): để trống thì lấy loại thường có dưới đơn "
                 "vị cấp trên. Đơn vị mới là vùng cao, miền núi nếu đơn vị cấp trên là vùng cao, "
                 "miền núi."],
                [LABELS[RENAME], RENAME,
                 "Đổi tên đơn vị. Mã đơn vị, Tên mới, Ngày hiệu lực. Tên cũ vẫn dùng cho các "
                 "ngày trước ngày hiệu lực (báo cáo các năm trước giữ tên cũ)."],
                [LABELS[MOVE], MOVE,
                 "Chuyển đơn vị, cùng toàn bộ tổ chức trực thuộc và đảng viên, sang trực thuộc "
                 "đơn vị khác. Mã đơn vị, Mã đơn vị cấp trên mới, Ngày hiệu lực. Không chuyển "
                 "được một đơn vị vào chính nó hoặc vào đơn vị trực thuộc nó."],
                [LABELS[MERGE], MERGE,
                 "Sáp nhập đơn vị vào một đơn vị cùng cấp (đảng bộ huyện, khối, trực thuộc với "
                 "nhau; đảng bộ cơ sở với đảng bộ cơ sở; chi bộ với chi bộ). Mã đơn vị: đơn vị "
                 "bị sáp nhập. Mã đơn vị kế thừa: đơn vị nhận sáp nhập. Ngày hiệu lực. Tổ chức "
                 "trực thuộc (hoặc đảng viên, nếu là chi bộ) chuyển sang đơn vị nhận sáp nhập; "
                 "đơn vị bị sáp nhập thôi hoạt động từ ngày hiệu lực. Sáp nhập nhiều đơn vị: "
                 "mỗi đơn vị một dòng."],
                [LABELS[SPLIT], SPLIT,
                 "Tách một phần của đơn vị thành đơn vị mới đứng cạnh nó (cùng cấp trên, cùng "
                 "loại tổ chức, trừ khi ghi Loại tổ chức). Mã đơn vị: đơn vị bị chia tách. Mã "
                 "đơn vị kế thừa: mã của đơn vị mới. Tên mới: tên đơn vị mới. Ngày hiệu lực. "
                 "Đơn vị cũ vẫn giữ mọi thứ của mình: các tổ chức trực thuộc sang đơn vị mới "
                 "được ghi bằng các dòng Chuyển ngay sau đó; nếu đơn vị cũ thôi hoạt động, ghi "
                 "thêm một dòng Giải thể. Chia một chi bộ mà đảng viên phải chia cho các chi bộ "
                 "mới: hãy dùng chức năng Chia tách trên trang tổ chức."],
                [LABELS[DISSOLVE], DISSOLVE,
                 "Giải thể đơn vị. Mã đơn vị, Mã đơn vị kế thừa, Ngày hiệu lực. Tổ chức trực "
                 "thuộc (hoặc đảng viên, nếu là chi bộ: khi đó đơn vị kế thừa phải là một chi "
                 "bộ) chuyển sang đơn vị kế thừa; đơn vị thôi hoạt động từ ngày hiệu lực."],
            ]),
            ("Ví dụ: sắp xếp lại tổ chức trong một tệp (mỗi dòng một thay đổi, theo thứ tự)", [
                headers,
                [LABELS[CREATE], "KB.03", "Đảng bộ xã Hợp Tiến", "KB", "", "01/03/2025",
                 "120-QĐ/HU"],
                [LABELS[SPLIT], "KB.01", "Đảng bộ xã Vĩnh Tiến", "", "KB.04", "01/07/2025",
                 "121-QĐ/HU"],
                [LABELS[MOVE], "KB.01.02", "", "KB.04", "", "01/07/2025", "121-QĐ/HU"],
                [LABELS[MERGE], "KB.01.03", "", "", "KB.01.01", "01/07/2025", "122-QĐ/ĐU"],
                [LABELS[RENAME], "KB.01", "Đảng bộ xã Vĩnh Đồng", "", "", "01/07/2025",
                 "123-QĐ/HU"],
                [LABELS[DISSOLVE], "KB", "", "", "TU", "01/07/2025", "45-QĐ/TU"],
                ["Dòng cuối giải thể Huyện ủy KB: các đảng bộ xã của huyện chuyển sang trực "
                 "thuộc Tỉnh ủy (TU) từ 01/07/2025."],
            ]),
            ("Quy tắc", [
                ["Các dòng được áp dụng lần lượt theo thứ tự trong tệp: một dòng dùng được đơn "
                 "vị do dòng phía trên tạo ra, nên dòng tạo đơn vị phải đứng trước các dòng dùng "
                 "nó."],
                ["Tất cả hoặc không có gì: nếu có dòng lỗi thì không thay đổi nào được lưu; "
                 "trang kiểm tra liệt kê lỗi của từng dòng, và với tệp không lỗi thì liệt kê "
                 "từng thay đổi cùng những gì đi theo (tổ chức trực thuộc, đảng viên, chỉ tiêu, "
                 "phân quyền)."],
                ["Ngày hiệu lực ghi theo thứ tự thời gian: không sớm hơn thay đổi đã ghi của "
                 f"đơn vị, và không quá {ahead} ngày sau hôm nay."],
                ["Quyền: cần quyền quản trị ở đơn vị cấp trên của đơn vị thay đổi, ở đơn vị "
                 "cấp trên mới và ở đơn vị kế thừa."],
                ["Giải thể, sáp nhập: phân quyền của cán bộ tại đơn vị thôi hoạt động chấm dứt "
                 "(muốn chuyển quyền sang đơn vị kế thừa, hãy làm trên trang tổ chức); chỉ tiêu "
                 "năm đang chạy chuyển sang đơn vị kế thừa."],
                ["Thay đổi tổ chức đã lưu không hoàn tác được bằng một thao tác: nếu ghi sai, "
                 "hãy sửa bằng một thay đổi mới (đổi tên lại, chuyển lại…)."],
                ["Tải lên lại cùng một tệp: các dòng đã được ghi (cùng loại thay đổi, cùng đơn "
                 "vị, cùng ngày hiệu lực) được tính là Không đổi, không ghi lần hai."],
            ]),
        ]
