"""Danh sách quần chúng ưu tú (nguồn kết nạp): one row per person, keyed by CCCD.

Each row goes through the services of the registration page (`candidate_register`,
`person_update`), so scope, the person's record, the cell, the source and the dates are
judged exactly as there. The rule set in force on the day the person was put on the list
is applied too (age and education, with the cell's mountainous exception and the village
elders' one): at this stage a failed rule does not refuse the row (the cell judges it
when it considers the candidate) but is reported as a warning with its regulation.

An old record comes with its past steps (`admission.history`): resolutions, the
decision, the ceremony, the recognition, the over-60 agreement, each judged by the rule
set in force on its own date. A blank cell keeps what is stored; a different value for a
recorded step is refused (a correction is made on the candidate page, with a reason).
The preview lists each field a row adds or changes, old → new, and every error of a row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from dangvien.admission import checks, corrections, history
from dangvien.admission.models import Candidacy, Source
from dangvien.admission.registration import candidate_register
from dangvien.audit.services import mask
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit
from dangvien.people.models import Person
from dangvien.people.services import PERSON_FIELDS, clean_person_fields, person_update
from dangvien.rules.models import RuleCode, rule_set_on

from ..cells import Choices, to_bool, to_date, to_text
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
            except history.HistoryRefused as refused:
                for problem in refused.problems:
                    self.ctx.error(row.number, _FIELDS.get(problem.field, problem.field),
                                   problem.message)
            except DomainError as err:
                self.ctx.error(row.number, _FIELDS.get(err.field, err.field), err.message)

    def _one(self, row: Row) -> None:
        """One row: the person, the candidacy, then its past steps; every error at once."""
        ctx, v, n = self.ctx, row.values, row.number
        code = v["cell"]
        info = self.units.get(code.upper())
        if info is None:
            raise DomainError(out_of_scope(code), field="cell")
        cell = OrgUnit.objects.get(pk=info.id)
        data = {f: v[f] for f in PERSON_FIELDS if v.get(f) is not None}
        steps, problems = self._steps(v)
        person = Person.objects.filter(cccd=v["cccd"]).select_related("unit").first()
        elder = bool(v.get("is_village_elder"))
        if person is not None and not may_edit(ctx.user, person.unit.path):
            ctx.elsewhere.append((n, person.cccd, person.pk))
            raise DomainError("số CCCD này đã được đăng ký trong hệ thống (ở đơn vị bạn không quản "
                              "lý). Hãy liên hệ Ban Tổ chức cấp trên để chuyển hồ sơ.", field="cccd")
        merged = data if person is None else {
            f: getattr(person, f) for f in PERSON_FIELDS} | data
        _, person_problems = clean_person_fields(merged, today=ctx.today)
        problems += person_problems
        if problems:
            raise history.HistoryRefused(problems)
        changes: dict[str, tuple] = {}
        if person is None:
            candidacy = candidate_register(by=ctx.user, cell=cell, source=v["source"],
                                           identified_on=v["identified_on"], person_data=data,
                                           is_village_elder=elder, today=ctx.today)
            self._history(n, candidacy, steps, v)
            ctx.counts.new += 1
            self._warn(n, candidacy)
            return
        person_changed = {f: (getattr(person, f), data[f]) for f in data
                          if data[f] != getattr(person, f)}
        if "full_name" in person_changed and " ".join(data["full_name"].split()) == person.full_name:
            del person_changed["full_name"]
        if person_changed:
            person = person_update(by=ctx.user, person=person, data=data, today=ctx.today)
            changes |= {f: pair for f, pair in person_changed.items() if f != "cccd"}
        candidacy = (Candidacy.objects.open().filter(person=person).first()
                     or Candidacy.objects.filter(person=person, identified_on=v["identified_on"])
                     .order_by("-pk").first())
        if candidacy is None:
            candidacy = candidate_register(by=ctx.user, cell=cell, source=v["source"],
                                           identified_on=v["identified_on"], person=person,
                                           is_village_elder=elder, today=ctx.today)
            self._history(n, candidacy, steps, v)
            ctx.counts.new += 1
            self._warn(n, candidacy)
            return
        same = (candidacy.cell_id == cell.pk and candidacy.source == v["source"]
                and candidacy.identified_on == v["identified_on"]
                and (v.get("is_village_elder") is None or candidacy.is_village_elder == elder))
        if not same:
            raise DomainError(
                f"{person.full_name} đã có hồ sơ kết nạp (ở {candidacy.cell.name}, nguồn "
                f"{candidacy.get_source_display()}, từ ngày {candidacy.identified_on:%d/%m/%Y}): "
                "sửa hồ sơ đó trên trang hồ sơ kết nạp, không qua tệp nhập.", field="cccd")
        changes |= self._history(n, candidacy, steps, v)
        if changes:
            ctx.counts.changed += 1
            ctx.change(n, mask("cccd", person.cccd), changes)
        else:
            ctx.counts.unchanged += 1

    def _steps(self, v: dict) -> tuple[dict, list[DomainError]]:
        """The past steps the row gives, and the problems of its cells (lengths, units)."""
        steps = {k: v.get(k) for k in history.FIELDS if v.get(k) is not None}
        problems = []
        for key in history.FIELDS:
            text = steps.get(key)
            if isinstance(text, str):
                most = Candidacy._meta.get_field(key).max_length
                if most and len(text) > most:
                    problems.append(DomainError(f"dài quá {most} ký tự.", field=key))
        code = steps.get("decision_unit")
        if code is not None:
            unit = OrgUnit.objects.filter(code__iexact=code).first()
            if unit is None:
                problems.append(DomainError(f"không có cấp ủy mã '{code}'.", field="decision_unit"))
            steps["decision_unit"] = unit
        return steps, problems

    def _history(self, number: int, candidacy: Candidacy, steps: dict, v: dict) -> dict:
        if not steps:
            return {}
        if steps.get("over60_approval") and not steps.get("over60_approval_by") \
                and not candidacy.over60_approval_by:
            steps["over60_approval_by"] = corrections.default_over60_issuer(candidacy)
        added = history.candidacy_record_history(
            by=self.ctx.user, candidacy=candidacy, values=steps,
            late_reason=v.get("late_reason") or "", today=self.ctx.today)
        return {k: pair for k, pair in added.items()}

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


def _date(key, header, note, variants=(), width=14) -> Column:
    # Neighbouring date columns differ in width: Excel readers merge identical columns.
    return Column(key, header, note + " Ngày/tháng/năm; để trống nếu chưa có (ô trống giữ giá trị "
                  "đã ghi).", to_date, variants=variants, type="date", width=width)


def _text(key, header, note, variants=(), width=18) -> Column:
    return Column(key, header, note, to_text, variants=variants, width=width)


def _step_columns() -> list[Column]:
    """The past steps of a candidacy entered after the fact (nhập hồ sơ cũ)."""
    return [
        _date("class_done_on", "Ngày học xong lớp nhận thức về Đảng", "Ngày cấp giấy chứng nhận."),
        _date("dossier_done_on", "Ngày hoàn thiện hồ sơ", "Ngày hồ sơ xin vào Đảng đủ các mẫu.",
              width=15),
        _date("cell_resolution_on", "Ngày chi bộ xét kết nạp", "Ngày nghị quyết chi bộ (6-KNĐ); "
              "tuổi và học vấn tính tại ngày này, theo quy định có hiệu lực ngày đó.",
              ("Ngày nghị quyết chi bộ",), width=16),
        _text("cell_resolution_no", "Số nghị quyết chi bộ", "Ví dụ: 15-NQ/CB."),
        _date("grassroots_resolution_on", "Ngày đảng ủy cơ sở xét", "Nghị quyết 8-KNĐ; để trống "
              "với chi bộ cơ sở.", ("Ngày nghị quyết đảng ủy cơ sở",)),
        _text("grassroots_resolution_no", "Số nghị quyết đảng ủy cơ sở", "Ví dụ: 42-NQ/ĐU."),
        _date("decision_on", "Ngày quyết định kết nạp", "Quyết định 9-KNĐ."),
        _text("decision_no", "Số quyết định kết nạp", "Ví dụ: 311-QĐ/HU. Mỗi số chỉ dùng một "
              "lần trong năm của cấp ủy ra quyết định."),
        Column("decision_unit", "Cấp ủy ra quyết định", "Mã cấp ủy; để trống: cấp ủy cấp trên "
               "trực tiếp của tổ chức cơ sở đảng.", to_unit_code, width=14),
        _date("decision_received_on", "Ngày chi bộ nhận quyết định", "Để trống: nhận ngay ngày ký."),
        _date("ceremony_on", "Ngày lễ kết nạp (ngày vào Đảng)", "Tính 12 tháng dự bị từ ngày này.",
              ("Ngày lễ kết nạp", "Ngày vào Đảng"), width=16),
        _date("recognition_decided_on", "Ngày quyết định công nhận chính thức", "Chính thức tính "
              "từ ngày hết dự bị, dù quyết định muộn.", width=15),
        _text("recognition_no", "Số quyết định công nhận chính thức", "Ví dụ: 520-QĐ/HU."),
        _text("over60_approval", "Số văn bản đồng ý kết nạp người trên 60 tuổi", "Chỉ với người "
              "quá 60 tuổi ngày chi bộ xét: văn bản của ban thường vụ tỉnh ủy, ban hành trước "
              "ngày quyết định kết nạp."),
        _date("over60_approval_on", "Ngày văn bản đồng ý (trên 60 tuổi)", "Trước ngày quyết định."),
        _text("over60_approval_by", "Cấp ủy ban hành văn bản đồng ý", "Để trống: Ban Thường vụ "
              "tỉnh ủy của chi bộ.", width=26),
        _text("late_reason", "Lý do làm muộn", "Khi lễ kết nạp hoặc công nhận chính thức sau "
              "thời hạn: ý kiến của cấp ủy cấp trên, lý do (ít nhất 15 ký tự).", width=30),
    ]


@register
class Candidates(Kind):
    name = "candidates"
    slug = "quan-chung"
    label = "Quần chúng ưu tú"
    sheet_title = "Quần chúng ưu tú"
    description = ("Danh sách quần chúng ưu tú đưa vào nguồn kết nạp: lý lịch, chi bộ, nguồn giới "
                   "thiệu, ngày đưa vào danh sách, và các bước đã qua của hồ sơ cũ (nghị quyết, "
                   "quyết định kết nạp, lễ kết nạp, công nhận chính thức); nhận ra người đã có "
                   "hồ sơ theo số CCCD.")
    importer = CandidatesImporter
    blank_keeps = True
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
        *_step_columns(),
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
