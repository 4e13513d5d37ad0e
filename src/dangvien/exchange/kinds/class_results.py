"""Kết quả lớp bồi dưỡng: one file = one class and its learners, a learner per row.

The class (name, kind, organising unit, start, end) is written on the first data row;
the next rows leave those cells blank or repeat them. A class that does not exist yet
(same organiser, same name, same start) is created, as on the "Mở lớp" page. Learners are
found by CCCD among the people the user may update (as the ratings file finds members),
enrolled (an ended class too: entering the past, by an editor of the organiser) and their
result recorded, all through the pages' services (`training.services`), so the rules are
the page's: certificate dates, validity by the rule set of the day, a recorded result
corrected only with a reason by the level that recorded it or above. A blank cell keeps
the stored value; a blank certificate date of a pass is the class's last day. The dry run
is the real run rolled back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from dangvien.audit.services import mask
from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit
from dangvien.people.models import Person
from dangvien.training import services
from dangvien.training.models import ClassKind, Enrolment, Result, TrainingClass
from dangvien.training.selectors import classes_visible

from ..cells import Choices, to_cccd, to_date, to_text
from .base import Column, Importer, Kind, Row, register
from .common import UNIT_SEPARATOR, may_edit, out_of_scope, to_unit_code, units_in_scope

KINDS = Choices(ClassKind.choices, what="loại lớp")
RESULTS = Choices([(r.value, r.label) for r in Result]
                  + [(Result.PASSED.value, "Đạt"), (Result.ABSENT.value, "Vắng"),
                     (Result.ABSENT.value, "Bỏ học")], what="kết quả")
CLASS_KEYS = ("class_name", "class_kind", "organiser", "starts_on", "ends_on")
#: The services' field names -> the file's columns.
_FIELDS = {"name": "class_name", "kind": "class_kind", "starts_on": "starts_on",
           "ends_on": "ends_on", "result": "result", "certificate_on": "certificate_on",
           "certificate_number": "certificate_number", "reason": "reason", "person": "cccd",
           "training_class": "ends_on"}
_NOT_FOUND = ("không có ai có số CCCD này trong các đơn vị bạn được cập nhật. Hãy kiểm tra lại "
              "số CCCD (đủ 12 chữ số), hoặc nhập người đó trước (tệp đảng viên / quần chúng).")
_CHANGED = {"result": "kết quả", "certificate_number": "số giấy chứng nhận",
            "certificate_on": "ngày cấp giấy chứng nhận"}


class ClassResultsImporter(Importer):
    writes_in_dry_run = True
    batch_size = 500

    def __init__(self, ctx):
        super().__init__(ctx)
        self.first: int | None = None  # the row that names the class
        self.spec: dict[str, Any] = {}
        self.klass: TrainingClass | None = None
        self.class_bad = False
        self.seen: dict[str, int] = {}

    # --- the class ------------------------------------------------------------------

    def _class(self, row: Row) -> None:
        ctx, v, n = self.ctx, row.values, row.number
        if self.first is None:
            self.first = n
            missing = [k for k in CLASS_KEYS if v.get(k) is None]
            for key in missing:
                if (n, key) not in ctx._seen:
                    ctx.error(n, key, "dòng đầu tiên phải ghi đủ thông tin của lớp (tên lớp, loại "
                                      "lớp, đơn vị tổ chức, ngày khai giảng, ngày bế giảng).")
            self.spec = {k: v.get(k) for k in CLASS_KEYS}
            if missing or n in ctx.bad_rows:
                self.class_bad = True
                return
            self._find_or_create(n)
            return
        for key in CLASS_KEYS:
            value = v.get(key)
            if value is not None and self.spec.get(key) is not None and not _same(
                    key, value, self.spec[key]):
                ctx.error(n, key, f"mỗi tệp là một lớp: ô này khác dòng {self.first} "
                                  f"({_shown(self.spec[key])}). Để trống hoặc ghi giống dòng "
                                  f"{self.first}; lớp khác nhập bằng tệp khác.")

    def _find_or_create(self, n: int) -> None:
        ctx, spec = self.ctx, self.spec
        name = spec["class_name"]
        if len(name) > 200:
            self._bad(n, "class_name", "tên lớp dài quá 200 ký tự: hãy viết gọn lại.")
            return
        code = spec["organiser"]
        # An existing class of a unit above the user's (the district's class his commune
        # sent people to) is found too; a new one is opened only in his editor scope.
        visible = classes_visible(ctx.user) if ctx.user is not None else TrainingClass.objects
        found = [k for k in visible.filter(organiser__code__iexact=code,
                                           starts_on=spec["starts_on"]).select_related("organiser")
                 if vn.fold(k.name) == vn.fold(name)]
        if found:
            klass = found[0]
            if klass.kind != spec["class_kind"]:
                self._bad(n, "class_kind", f"lớp '{klass.name}' đã có, là lớp "
                                           f"{klass.get_kind_display().lower()}: sửa loại lớp "
                                           "trong tệp cho đúng.")
                return
            if klass.ends_on != spec["ends_on"]:
                self._bad(n, "ends_on", f"lớp '{klass.name}' đã có với ngày bế giảng "
                                        f"{vn.format_date(klass.ends_on)}: sửa ngày trong tệp "
                                        "cho đúng.")
                return
            self.klass = klass
            return
        info = units_in_scope(ctx.user).get(code.upper())
        if info is None or info.is_cell:
            self._bad(n, "organiser", out_of_scope(code))
            return
        organiser = OrgUnit.objects.get(pk=info.id)
        try:
            with transaction.atomic():
                self.klass = services.class_create(
                    by=ctx.user, organiser=organiser, kind=spec["class_kind"], name=name,
                    starts_on=spec["starts_on"], ends_on=spec["ends_on"], today=ctx.today)
        except DomainError as err:
            field = _FIELDS.get(err.field or "", "organiser")
            self._bad(n, field, _lower(err.message))
            return
        ctx.warn(n, None, f"lớp '{self.klass.name}' ({vn.format_date(self.klass.starts_on)} – "
                          f"{vn.format_date(self.klass.ends_on)}, {organiser.name}) chưa có: "
                          "sẽ được tạo khi lưu.")

    def _bad(self, n: int, key: str, message: str) -> None:
        self.class_bad = True
        self.ctx.error(n, key, message)

    # --- the learners ---------------------------------------------------------------

    def check(self, rows: list[Row]) -> None:
        cccds = {r.values["cccd"] for r in rows if r.values.get("cccd")}
        people = Person.objects.filter(cccd__in=cccds).select_related("unit")
        people = {p.cccd: p for p in people.defer("home_address")}
        for row in rows:
            self._class(row)
            self._learner(row, people)

    def _learner(self, row: Row, people: dict[str, Person]) -> None:
        ctx, v, n = self.ctx, row.values, row.number
        cccd = v.get("cccd")
        if not cccd:
            return
        first = self.seen.setdefault(cccd, n)
        if first != n:
            ctx.error(n, "cccd", f"trùng số CCCD với dòng {first}: mỗi học viên một dòng.")
            return
        person = people.get(cccd)
        if person is None or not may_edit(ctx.user, person.unit.path):
            ctx.error(n, "cccd", _NOT_FOUND)
            return
        if v.get("full_name") and vn.fold(v["full_name"]) != vn.fold(person.full_name):
            ctx.error(n, "full_name", f"số CCCD này là của {person.full_name}, không phải "
                                      f"{v['full_name']}. Hãy kiểm tra lại số CCCD hoặc họ tên.")
            return
        for key in ("certificate_number", "reason"):
            if v.get(key) and "\x00" in v[key]:
                ctx.error(n, key, "ô có ký tự không hợp lệ (NUL): hãy gõ lại.")
        if n in ctx.bad_rows or self.klass is None:
            return
        try:
            with transaction.atomic():
                self._write(n, v, person)
        except DomainError as err:
            ctx.error(n, _FIELDS.get(err.field or "", "result"), _lower(err.message))

    def _write(self, n: int, v: dict, person: Person) -> None:
        ctx, klass = self.ctx, self.klass
        enrolment = Enrolment.objects.filter(training_class=klass, person=person).first()
        created = enrolment is None
        if created:
            enrolment = services.enrol(by=ctx.user, training_class=klass, person=person,
                                       today=ctx.today, past=True)
        old = (enrolment.result, enrolment.certificate_number, enrolment.certificate_on)
        result = v.get("result") or enrolment.result
        keep = result == enrolment.result
        number = v.get("certificate_number") or (enrolment.certificate_number if keep else "")
        on = v.get("certificate_on") or (enrolment.certificate_on if keep else None)
        if result == Result.PASSED and on is None:
            on = klass.ends_on  # a pass without its own date: the class's last day
        if result != Result.PASSED and (v.get("certificate_number") or v.get("certificate_on")):
            raise DomainError(f"chỉ học viên đạt mới có giấy chứng nhận (kết quả: "
                              f"{Result(result).label.lower()}).", field="result")
        new = (result, number if result == Result.PASSED else "",
               on if result == Result.PASSED else None)
        if new != old:
            services.enrolment_record_result(
                by=ctx.user, enrolment=enrolment, result=result, certificate_number=number,
                certificate_on=on, today=ctx.today, reason=v.get("reason") or "")
        if created:
            ctx.counts.new += 1
        elif new == old:
            ctx.counts.unchanged += 1
        else:
            ctx.counts.changed += 1
            labels = dict(Result.choices)
            shown_old = (labels[old[0]], old[1], old[2])
            shown_new = (labels[new[0]], new[1], new[2])
            ctx.change(n, mask("cccd", person.cccd), {
                key: (a, b) for key, a, b in zip(_CHANGED, shown_old, shown_new, strict=True)
                if a != b})

    def finish(self) -> None:
        if self.first is None:
            return
        if self.klass is None and not self.class_bad:
            self.ctx.error(self.first, "class_name", "không xác định được lớp của tệp.")


def _same(key: str, a, b) -> bool:
    if key == "class_name" or key == "organiser":
        return vn.fold(str(a)) == vn.fold(str(b))
    return a == b


def _shown(value) -> str:
    if isinstance(value, dt.date):
        return vn.format_date(value)
    if value in ClassKind.values:
        return ClassKind(value).label
    return str(value)


def _lower(message: str) -> str:
    """A service's sentence as a cell's message ("Dòng 3, cột 'Kết quả': …")."""
    return message[:1].lower() + message[1:] if message[:2] != message[:2].upper() else message


@register
class ClassResults(Kind):
    name = "class_results"
    slug = "ket-qua-lop"
    label = "Kết quả lớp bồi dưỡng"
    sheet_title = "Kết quả lớp"
    description = ("Một lớp bồi dưỡng (kể cả lớp đã học từ nhiều năm trước) và học viên của lớp: "
                   "kết quả, số và ngày cấp giấy chứng nhận; nhận ra học viên theo số CCCD. Lớp "
                   "chưa có thì được tạo.")
    importer = ClassResultsImporter
    blank_keeps = True
    blank_note = ("Thông tin lớp ghi ở dòng đầu; các dòng sau để trống hoặc ghi giống dòng đầu. "
                  "Với học viên đã có trong lớp, ô để trống giữ nguyên giá trị đã lưu; sửa kết quả "
                  "đã ghi phải ghi lý do. Học viên đạt mà để trống ngày cấp: lấy ngày bế giảng. "
                  "Trước khi lưu, trang kiểm tra liệt kê từng thay đổi (cũ → mới).")
    columns = [
        Column("class_name", "Tên lớp", "Ghi ở dòng đầu. Ví dụ: Lớp bồi dưỡng nhận thức về Đảng "
               "khóa 2 năm 2017.", to_text, variants=("Lớp", "Tên lớp bồi dưỡng"), width=36,
               example="Lớp bồi dưỡng nhận thức về Đảng khóa 2 năm 2017"),
        Column("class_kind", "Loại lớp", "Ghi ở dòng đầu. Chọn trong danh sách.", KINDS,
               dropdown="class_kinds", width=26, example=ClassKind.AWARENESS.label),
        Column("organiser", "Đơn vị tổ chức", "Ghi ở dòng đầu. Mã đơn vị mở lớp (chọn trong danh "
               "sách), ví dụ KB.", to_unit_code, variants=("Mã đơn vị tổ chức", "Đơn vị mở lớp"),
               dropdown="organisers", width=30),
        Column("starts_on", "Ngày khai giảng", "Ghi ở dòng đầu. Ngày/tháng/năm, từ năm 1990.",
               to_date, variants=("Khai giảng", "Từ ngày"), type="date", width=13,
               example=dt.date(2017, 6, 5)),
        Column("ends_on", "Ngày bế giảng", "Ghi ở dòng đầu. Ngày/tháng/năm.", to_date,
               variants=("Bế giảng", "Đến ngày"), type="date", width=13,
               example=dt.date(2017, 6, 10)),
        Column("cccd", "Số CCCD", "Bắt buộc. Số căn cước công dân của học viên, đủ 12 chữ số "
               "(người đã có trong hệ thống).", to_cccd, required=True,
               variants=("CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh cá nhân"),
               width=16, example="017190000123"),
        Column("full_name", "Họ và tên", "Không bắt buộc; nếu ghi, phải khớp với hồ sơ.", to_text,
               variants=("Họ tên", "Họ và tên học viên"), width=26, example="Bùi Thị Hoa"),
        Column("result", "Kết quả", "Đạt, Không đạt, Bỏ học, vắng, hoặc Đang học. Để trống: giữ "
               "nguyên.", RESULTS, variants=("Kết quả học tập", "Xếp loại"), dropdown="results",
               width=22, example="Đạt"),
        Column("certificate_number", "Số giấy chứng nhận", "Không bắt buộc.", to_text,
               variants=("Số giấy", "Số GCN", "Số chứng nhận"), width=16, example="CN-17/2017"),
        Column("certificate_on", "Ngày cấp giấy chứng nhận", "Học viên đạt: ngày/tháng/năm; để "
               "trống thì lấy ngày bế giảng.", to_date, variants=("Ngày cấp", "Ngày cấp GCN"),
               type="date", width=14, example=dt.date(2017, 6, 10)),
        Column("reason", "Lý do sửa", "Chỉ khi sửa kết quả đã ghi: ít nhất 10 ký tự.", to_text,
               variants=("Lý do",), width=28),
    ]

    @classmethod
    def dropdowns(cls, user, **options) -> dict[str, list[str]]:
        units = units_in_scope(user)
        return {"class_kinds": KINDS.labels, "results": [r.label for r in Result],
                "organisers": [f"{u.code}{UNIT_SEPARATOR}{u.name}" for u in units.values()
                               if u.valid_to is None and not u.is_cell]}

    @classmethod
    def example_rows(cls, user, **options) -> list[dict[str, Any]]:
        row = {c.key: c.example for c in cls.columns}
        organisers = cls.dropdowns(user)["organisers"]
        row["organiser"] = organisers[0] if organisers else "KB"
        return [row]
