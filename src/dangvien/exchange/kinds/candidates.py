"""Danh sách quần chúng ưu tú (nguồn kết nạp): one row per person, keyed by CCCD.

Each row goes through the services of the registration page (`candidate_register`,
`person_update`), so scope, the person's record, the cell, the source and the dates are
judged exactly as there. The rule set in force on the day the person was put on the list
is applied too (age and education, with the cell's mountainous exception and the village
elders' one): at this stage a failed rule does not refuse the row (the cell judges it
when it considers the candidate) but is reported as a warning with its regulation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from dangvien.admission import checks
from dangvien.admission.models import Candidacy, Source
from dangvien.admission.registration import candidate_register
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit
from dangvien.people.models import Person
from dangvien.people.services import PERSON_FIELDS, person_update
from dangvien.rules.models import RuleCode, rule_set_on

from ..cells import Choices, to_bool, to_date
from .base import Column, Importer, Kind, Row, register
from .common import (
    base_dropdowns,
    may_edit,
    out_of_scope,
    person_columns,
    to_unit_code,
    unit_choices,
    units_in_scope,
)

SOURCES = Choices(Source.choices, what="nguồn giới thiệu")
WARNED_RULES = {RuleCode.AGE_MIN, RuleCode.AGE_MAX, RuleCode.EDUCATION}
_FIELDS = {"unit": "cell", "person": "cccd", "on": "identified_on"}


class CandidatesImporter(Importer):
    writes_in_dry_run = True
    batch_size = 500

    def __init__(self, ctx):
        super().__init__(ctx)
        self.units = units_in_scope(ctx.user)
        self.seen: dict[str, int] = {}

    def check(self, rows: list[Row]) -> None:
        for row in rows:
            cccd = row.values.get("cccd")
            if cccd:
                first = self.seen.setdefault(cccd, row.number)
                if first != row.number:
                    self.ctx.error(row.number, "cccd",
                                   f"trùng số CCCD với dòng {first}: mỗi người chỉ ghi một dòng "
                                   f"(dòng {first} và dòng {row.number}).")
                    continue
            if row.number in self.ctx.bad_rows:
                continue
            try:
                with transaction.atomic():
                    self._one(row)
            except DomainError as err:
                self.ctx.error(row.number, _FIELDS.get(err.field, err.field), err.message)

    def _one(self, row: Row) -> None:
        ctx, v, n = self.ctx, row.values, row.number
        code = v["cell"]
        info = self.units.get(code.upper())
        if info is None:
            raise DomainError(out_of_scope(code), field="cell")
        cell = OrgUnit.objects.get(pk=info.id)
        data = {f: v[f] for f in PERSON_FIELDS if v.get(f) is not None}
        person = Person.objects.filter(cccd=v["cccd"]).select_related("unit").first()
        elder = bool(v.get("is_village_elder"))
        if person is None:
            candidacy = candidate_register(by=ctx.user, cell=cell, source=v["source"],
                                           identified_on=v["identified_on"], person_data=data,
                                           is_village_elder=elder, today=ctx.today)
            ctx.counts.new += 1
            self._warn(n, candidacy)
            return
        if not may_edit(ctx.user, person.unit.path):
            ctx.elsewhere.append((n, person.cccd, person.pk))
            raise DomainError("số CCCD này đã được đăng ký trong hệ thống (ở đơn vị bạn không quản "
                              "lý). Hãy liên hệ Ban Tổ chức cấp trên để chuyển hồ sơ.", field="cccd")
        person_changed = any(data[f] != getattr(person, f) for f in data
                             if f != "full_name") or (
            "full_name" in data and " ".join(data["full_name"].split()) != person.full_name)
        if person_changed:
            person = person_update(by=ctx.user, person=person, data=data, today=ctx.today)
        open_one = Candidacy.objects.open().filter(person=person).first()
        if open_one is None:
            candidacy = candidate_register(by=ctx.user, cell=cell, source=v["source"],
                                           identified_on=v["identified_on"], person=person,
                                           is_village_elder=elder, today=ctx.today)
            ctx.counts.new += 1
            self._warn(n, candidacy)
            return
        same = (open_one.cell_id == cell.pk and open_one.source == v["source"]
                and open_one.identified_on == v["identified_on"]
                and (v.get("is_village_elder") is None or open_one.is_village_elder == elder))
        if not same:
            raise DomainError(
                f"{person.full_name} đã có hồ sơ kết nạp (ở {open_one.cell.name}, nguồn "
                f"{open_one.get_source_display()}, từ ngày {open_one.identified_on:%d/%m/%Y}): "
                "sửa hồ sơ đó trên trang hồ sơ kết nạp, không qua tệp nhập.", field="cccd")
        if person_changed:
            ctx.counts.changed += 1
        else:
            ctx.counts.unchanged += 1

    def _warn(self, number: int, candidacy: Candidacy) -> None:
        on = candidacy.identified_on
        try:
            rule_set = rule_set_on(on)
        except DomainError as err:
            self.ctx.warn(number, "identified_on", err.message)
            return
        results = checks.check_admission(candidacy, on=on, rule_set=rule_set, introducers=[],
                                         items=[])
        for r in results:
            if r.code in WARNED_RULES and not r.passed:
                self.ctx.warn(number, None, f"{r.message} ({r.regulation}; theo {rule_set.short_name}"
                                            f" tại ngày {on:%d/%m/%Y}).")


@register
class Candidates(Kind):
    name = "candidates"
    slug = "quan-chung"
    label = "Quần chúng ưu tú"
    sheet_title = "Quần chúng ưu tú"
    description = ("Danh sách quần chúng ưu tú đưa vào nguồn kết nạp: lý lịch, chi bộ, nguồn giới "
                   "thiệu, ngày đưa vào danh sách; nhận ra người đã có hồ sơ theo số CCCD.")
    importer = CandidatesImporter
    columns = [
        *person_columns(),
        Column("cell", "Chi bộ", "Bắt buộc. Chọn chi bộ trong danh sách (chỉ các chi bộ bạn "
               "quản lý), hoặc ghi mã chi bộ.", to_unit_code, required=True,
               variants=("Mã chi bộ", "Đơn vị", "Mã đơn vị"), dropdown="cells", width=40),
        Column("source", "Nguồn giới thiệu", "Bắt buộc. Tổ chức giới thiệu quần chúng.", SOURCES,
               required=True, variants=("Nguồn", "Tổ chức giới thiệu"), dropdown="sources",
               width=26, example=Source.YOUTH_UNION.label),
        Column("identified_on", "Ngày đưa vào danh sách nguồn", "Bắt buộc. Ngày chi bộ đưa vào "
               "danh sách quần chúng ưu tú, ngày/tháng/năm.", to_date, required=True,
               variants=("Ngày vào danh sách nguồn", "Ngày đưa vào nguồn"), type="date",
               width=14, example=dt.date(2022, 1, 10)),
        Column("is_village_elder", "Già làng, trưởng bản", "Có hoặc Không: già làng, trưởng bản "
               "có uy tín (chỉ cần biết đọc, biết viết).", to_bool,
               variants=("Già làng", "Trưởng bản"), dropdown="yesno", width=12, example="Không"),
    ]

    @classmethod
    def dropdowns(cls, user, **options) -> dict[str, list[str]]:
        units = units_in_scope(user, cells_only=True)
        return base_dropdowns() | {"cells": unit_choices(units, cells=True),
                                   "sources": SOURCES.labels, "yesno": ["Có", "Không"]}

    @classmethod
    def example_rows(cls, user, **options) -> list[dict[str, Any]]:
        cells = cls.dropdowns(user)["cells"]
        row = {c.key: c.example for c in cls.columns}
        row["cell"] = cells[0] if cells else "KB.01.01"
        return [row]
