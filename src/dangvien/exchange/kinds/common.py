"""Pieces the kinds share: the person columns, unit lookups in the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.org.models import CELL_KINDS, OrgUnit
from dangvien.people.choices import ETHNIC_GROUPS, Education, Gender, Occupation, Religion

from ..cells import Choices, is_empty, shown, to_cccd, to_date, to_text
from .base import Column

#: "KB.01.01 — Chi bộ xóm Mớ Đá": what the units dropdown offers.
UNIT_SEPARATOR = " — "

GENDERS = Choices(Gender.choices, what="giới tính")
ETHNICITIES = Choices([(e, e) for e in ETHNIC_GROUPS], what="54 dân tộc Việt Nam",
                      list_in_message=False)
RELIGIONS = Choices(Religion.choices, what="tôn giáo")
EDUCATIONS = Choices(Education.choices, what="trình độ giáo dục phổ thông")
OCCUPATIONS = Choices(Occupation.choices, what="nghề nghiệp")


def to_unit_code(value) -> str | None:
    """"KB.01.01" or the dropdown's "KB.01.01 — Chi bộ xóm Mớ Đá"."""
    if is_empty(value):
        return None
    text = shown(value)
    return text.split(UNIT_SEPARATOR)[0].split(" - ")[0].strip()


def person_columns() -> list[Column]:
    return [
        Column("full_name", "Họ và tên", "Bắt buộc. Họ, tên đệm và tên, có dấu. Ví dụ: Bùi Thị Hoa.",
               to_text, required=True, variants=("Họ tên", "Họ và tên đảng viên", "Tên",
                                                 "Họ và tên khai sinh"), width=26,
               example="Bùi Thị Hoa"),
        Column("gender", "Giới tính", "Bắt buộc. Chọn Nam hoặc Nữ.", GENDERS, required=True,
               variants=("Nam/Nữ", "Nam nữ", "Phái"), dropdown="genders", width=10,
               example="Nữ"),
        Column("birth_date", "Ngày sinh", "Bắt buộc. Ngày/tháng/năm, ví dụ 31/05/1990 (ô ngày "
               "của Excel hoặc chữ đều được).", to_date, required=True,
               variants=("Sinh ngày", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh"),
               type="date", width=13, example=dt.date(1990, 3, 9)),
        Column("cccd", "Số CCCD", "Bắt buộc. Số căn cước công dân, đủ 12 chữ số (kể cả số 0 ở "
               "đầu). Dùng để nhận ra người đã có hồ sơ khi tải lên lại.", to_cccd, required=True,
               variants=("CCCD", "Số căn cước", "Số căn cước công dân", "Số CCCD/CMND",
                         "Căn cước công dân", "Số định danh cá nhân"),
               width=16, example="017190000123"),
        Column("ethnicity", "Dân tộc", "Chọn trong danh mục 54 dân tộc. Để trống: Kinh.",
               ETHNICITIES, dropdown="ethnicities", width=12, example="Mường"),
        Column("religion", "Tôn giáo", "Chọn trong danh mục. Để trống: Không.", RELIGIONS,
               dropdown="religions", width=14, example="Không"),
        Column("education", "Trình độ giáo dục phổ thông", "Chọn trong danh mục. Để trống: "
               "Trung học phổ thông.", EDUCATIONS, dropdown="educations",
               variants=("Trình độ văn hóa", "Học vấn", "Trình độ học vấn", "GDPT"), width=22,
               example=Education.UPPER_SECONDARY.label),
        Column("occupation", "Nghề nghiệp", "Chọn trong danh mục. Để trống: Nghề khác.",
               OCCUPATIONS, dropdown="occupations", variants=("Nghề nghiệp hiện nay",),
               width=24, example=Occupation.FARMER.label),
        Column("home_address", "Quê quán, nơi ở", "Không bắt buộc.", to_text,
               variants=("Quê quán", "Nơi ở", "Nơi ở hiện nay", "Địa chỉ"), width=30,
               example="Xóm Mớ Đá, xã Vĩnh Đồng, huyện Kim Bôi"),
    ]


def base_dropdowns() -> dict[str, list[str]]:
    return {
        "genders": GENDERS.labels, "ethnicities": ETHNICITIES.labels,
        "religions": RELIGIONS.labels, "educations": EDUCATIONS.labels,
        "occupations": OCCUPATIONS.labels,
    }


@dataclass
class UnitInfo:
    id: int
    code: str
    name: str
    kind: str
    path: str
    valid_to: object
    is_mountainous: bool
    _unit: OrgUnit | None = None

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    def as_unit(self) -> OrgUnit:
        """An unsaved stand-in carrying what the shared rule functions read (made once)."""
        if self._unit is None:
            self._unit = self._make()
        return self._unit

    def _make(self) -> OrgUnit:
        return OrgUnit(id=self.id, code=self.code, name=self.name, kind=self.kind,
                       path=self.path, valid_to=self.valid_to,
                       is_mountainous=self.is_mountainous)


def units_in_scope(user, role: str = Role.EDITOR, *, cells_only: bool = False) -> dict[str, UnitInfo]:
    """Code (upper case) -> unit, for every unit the user may write to (all without a user)."""
    qs = OrgUnit.objects.all() if user is None else OrgUnit.objects.for_user(user, role)
    if cells_only:
        qs = qs.filter(kind__in=list(CELL_KINDS))
    rows = qs.order_by("path").values_list("id", "code", "name", "kind", "path", "valid_to",
                                           "is_mountainous")
    return {r[1].upper(): UnitInfo(*r) for r in rows}


def unit_choices(units: dict[str, UnitInfo], *, cells: bool) -> list[str]:
    return [f"{u.code}{UNIT_SEPARATOR}{u.name}" for u in units.values()
            if u.valid_to is None and u.is_cell == cells]


def may_edit(user, path: str) -> bool:
    return user is None or can(user, SimpleNamespace(path=path), Role.EDITOR)


def out_of_scope(code: str) -> str:
    # The same words whether the unit exists elsewhere or not at all: outsiders learn nothing.
    return (f"không có đơn vị mã '{code}' trong phạm vi bạn được cập nhật. Hãy chọn đơn vị trong "
            "danh sách của tệp mẫu.")
