"""Writes for training classes and enrolments.

A class is recorded as it is opened (dates ahead) or after it happened (entering the
past: any start from `EARLIEST_CLASS_DAY`). Sending people to a class that has ended is
refused on the live page (`enrol`); entering a past class's attendance list
(`enrol(..., past=True)`: the results page, the "kết quả lớp" import) is allowed to an
editor of the unit that organised it. A result is recorded once; changing a recorded
result is a correction with a reason, by the level that recorded it or a level above,
kept in `ResultCorrection` and in the audit. An awareness-class result moves the
person's candidacy (its "class done" date) at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, scope_paths
from dangvien.accounts.services import full_name
from dangvien.audit.services import audit_record, snapshot
from dangvien.core import reasons, versions, vn
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.rules.models import RuleSet, rule_set_on

from .models import ClassKind, Enrolment, Result, ResultCorrection, TrainingClass

#: The oldest class the system takes (certificates of 1990 onwards are still on file).
EARLIEST_CLASS_DAY = dt.date(1990, 1, 1)
#: How far ahead a class may be planned, and the longest a class may last (days).
MAX_DAYS_AHEAD = 366
MAX_CLASS_DAYS = 366


def _require(by, unit, role=Role.EDITOR) -> None:
    if by is not None and not can(by, unit, role):
        raise DomainError(f"Bạn không có quyền cập nhật dữ liệu của {unit.name}.")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _name(by) -> str:
    if not getattr(by, "pk", None):
        return ""
    return (full_name(by) or by.get_username())[:150]


def check_class_dates(starts_on: dt.date, ends_on: dt.date, *, today: dt.date) -> None:
    """Dates of a class, recorded ahead or after it happened."""
    if starts_on < EARLIEST_CLASS_DAY:
        raise DomainError(
            f"Ngày khai giảng {vn.format_date(starts_on)} quá xa: hệ thống nhận lớp từ ngày "
            f"{vn.format_date(EARLIEST_CLASS_DAY)}.", field="starts_on")
    if starts_on > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(
            f"Ngày khai giảng {vn.format_date(starts_on)} quá xa trong tương lai: chỉ mở trước "
            "được lớp khai giảng trong vòng một năm tới.", field="starts_on")
    if ends_on < starts_on:
        raise DomainError(
            f"Ngày bế giảng ({vn.format_date(ends_on)}) trước ngày khai giảng "
            f"({vn.format_date(starts_on)}).", field="ends_on")
    if (ends_on - starts_on).days > MAX_CLASS_DAYS:
        raise DomainError(
            f"Lớp từ {vn.format_date(starts_on)} đến {vn.format_date(ends_on)} dài hơn một năm: "
            "hãy kiểm tra lại ngày bế giảng.", field="ends_on")


@transaction.atomic
def class_create(*, by, organiser, kind: str, name: str, starts_on: dt.date,
                 ends_on: dt.date, today: dt.date | None = None) -> TrainingClass:
    """Mở lớp bồi dưỡng, hoặc ghi lại một lớp đã học (ngày trong quá khứ)."""
    _require(by, organiser)
    name = vn.normalize_spaces(name)
    if not name:
        raise DomainError("Tên lớp không được để trống.", field="name")
    if len(name) > TrainingClass._meta.get_field("name").max_length:
        raise DomainError("Tên lớp dài quá 200 ký tự: hãy viết gọn lại.", field="name")
    if kind not in ClassKind.values:
        raise DomainError("Loại lớp không có trong danh mục.", field="kind")
    check_class_dates(starts_on, ends_on, today=_today(today))
    training_class = TrainingClass.objects.create(
        organiser=organiser, kind=kind, name=name, starts_on=starts_on, ends_on=ends_on)
    audit_record(by=by, action="training.class_create", obj=training_class,
                 after=snapshot(training_class), unit_path=organiser.path)
    return training_class


def may_enter_past(by, training_class: TrainingClass) -> bool:
    """Who may enter a past class's learners: an editor of the organiser (or above)."""
    return by is None or can(by, training_class.organiser, Role.EDITOR)


@transaction.atomic
def enrol(*, by, training_class: TrainingClass, person, today: dt.date | None = None,
          past: bool = False) -> Enrolment:
    """Cử một người đi học. Lớp đã bế giảng chỉ nhận thêm khi ghi lại lớp đã học (`past`),
    do người cập nhật được đơn vị tổ chức lớp."""
    today = _today(today)
    _require(by, person.unit)
    if training_class.ends_on < today and not (past and may_enter_past(by, training_class)):
        tail = ("Hãy chọn một lớp đang mở hoặc sắp mở; để ghi lại lớp đã học, đơn vị tổ chức "
                "lớp dùng trang Nhập kết quả lớp.")
        raise DomainError(
            f"Lớp '{training_class.name}' đã bế giảng ngày {vn.format_date(training_class.ends_on)}; "
            f"không thể ghi danh thêm. {tail}", field="training_class")
    if person.birth_date and person.birth_date >= training_class.starts_on:
        raise DomainError(f"{person.full_name} sinh sau ngày khai giảng lớp.", field="person")
    if Enrolment.objects.filter(training_class=training_class, person=person).exists():
        raise DomainError(f"{person.full_name} đã có trong danh sách lớp này.", field="person")
    enrolment = Enrolment.objects.create(training_class=training_class, person=person,
                                         recorded_by=by if getattr(by, "pk", None) else None)
    action = "training.enrol_past" if training_class.ends_on < today else "training.enrol"
    audit_record(by=by, action=action, obj=enrolment, after=snapshot(enrolment),
                 unit_path=person.unit.path)
    return enrolment


def _result_unit(by, enrolment: Enrolment):
    """The level recording a result: the top of the user's editor scope above the person
    (the person's unit for the command line)."""
    unit = enrolment.person.unit
    paths = scope_paths(by, Role.EDITOR) if by is not None else None
    if paths is None:
        return unit
    from dangvien.org.models import OrgUnit

    roots = [p for p in paths if unit.path.startswith(p)]
    if not roots:
        return unit
    return OrgUnit.objects.filter(path=min(roots, key=len)).first() or unit


def certificate_validity_months(on: dt.date) -> tuple[int, RuleSet]:
    """Months an awareness certificate issued on `on` is valid, by the rules then in force.
    Before the first rule set on file, the oldest one's figure (unchanged since 2016)."""
    try:
        rule_set = rule_set_on(on)
    except DomainError:
        rule_set = RuleSet.objects.order_by("effective_from").first()
        if rule_set is None:
            raise
    return rule_set.certificate_validity_months, rule_set


def _clean_result(klass: TrainingClass, result: str, number: str, on: dt.date | None,
                  today: dt.date) -> tuple[str, dt.date | None, dt.date | None]:
    if result not in Result.values:
        raise DomainError("Kết quả không có trong danh mục.", field="result")
    number = vn.normalize_spaces(number or "")
    if "\x00" in number:
        raise DomainError("Số giấy chứng nhận có ký tự không hợp lệ.", field="certificate_number")
    if len(number) > 50:
        raise DomainError("Số giấy chứng nhận dài quá 50 ký tự.", field="certificate_number")
    if result != Result.PASSED:
        return "", None, None
    if on is None:
        raise DomainError("Hãy nhập ngày cấp giấy chứng nhận.", field="certificate_on")
    if on > today:
        raise DomainError(
            f"Ngày cấp giấy chứng nhận {vn.format_date(on)} ở sau hôm nay.", field="certificate_on")
    if on < klass.starts_on:
        raise DomainError(
            f"Ngày cấp giấy chứng nhận {vn.format_date(on)} trước ngày khai giảng "
            f"lớp ({vn.format_date(klass.starts_on)}).", field="certificate_on")
    expires = None
    if klass.kind == ClassKind.AWARENESS:
        months, _ = certificate_validity_months(on)
        expires = add_months(on, months)
    return number, on, expires


def _stale_check(enrolment: Enrolment, version: str | None) -> None:
    try:
        versions.check(enrolment, version,
                       what=f"kết quả học của {enrolment.person.full_name}")
    except versions.StaleRecord as err:
        hidden = {"người ghi", "cấp ghi kết quả"}  # ids of who and which level: not for the page
        for change in err.changes:
            change.fields = [f for f in change.fields if f[0] not in hidden]
        raise


@transaction.atomic
def enrolment_record_result(
    *, by, enrolment: Enrolment, result: str, certificate_number: str = "",
    certificate_on: dt.date | None = None, today: dt.date | None = None,
    version: str | None = None, reason: str = "",
) -> Enrolment:
    """Ghi kết quả học và giấy chứng nhận; sửa kết quả đã ghi thì phải có lý do.

    The certificate's expiry follows the rule set in force on the day it was issued. A
    result already recorded (not "Đang học") changes only as a correction: a reason of at
    least `core.reasons.MIN_REASON` characters, by an editor of the level that recorded it or above; the
    old values stay in `ResultCorrection` and in the audit. The same values again change
    nothing. The person's candidacy follows an awareness-class result at once.
    """
    today = _today(today)
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related(
        "training_class__organiser", "person__unit", "result_unit").get(pk=enrolment.pk)
    _require(by, enrolment.person.unit)
    klass = enrolment.training_class
    number, on, expires = _clean_result(klass, result, certificate_number, certificate_on, today)
    if (enrolment.result, enrolment.certificate_number, enrolment.certificate_on) == (
            result, number, on):
        return enrolment  # what the page asks is what is stored: no conflict, no write
    _stale_check(enrolment, version)
    before = snapshot(enrolment)
    correcting = enrolment.has_result
    if correcting:
        reason = reasons.clean_reason(reason, message=(
            f"Kết quả của {enrolment.person.full_name} đã được ghi; muốn sửa hãy ghi lý do "
            f"(ít nhất {reasons.MIN_REASON} ký tự), ví dụ: ghi nhầm người, theo sổ lớp."))
        level = enrolment.result_unit or enrolment.person.unit
        if by is not None and not can(by, level, Role.EDITOR):
            raise DomainError(
                f"Kết quả này do {level.name} ghi: chỉ {level.name} hoặc cấp trên được sửa.",
                field="reason")
        ResultCorrection.objects.create(
            enrolment=enrolment, old_result=enrolment.result, new_result=result,
            old_certificate_number=enrolment.certificate_number, new_certificate_number=number,
            old_certificate_on=enrolment.certificate_on, new_certificate_on=on,
            reason=reason[:500], corrected_by=by if getattr(by, "pk", None) else None,
            corrected_by_name=_name(by))
    else:
        enrolment.result_unit = _result_unit(by, enrolment)
        enrolment.recorded_by = by if getattr(by, "pk", None) else enrolment.recorded_by
    enrolment.result = result
    enrolment.certificate_number = number
    enrolment.certificate_on = on
    enrolment.certificate_expires_on = expires
    enrolment.save()
    after = snapshot(enrolment)
    if correcting:
        after["reason"] = reason
    audit_record(by=by, action="training.result_correct" if correcting else "training.result",
                 obj=enrolment, before=before, after=after, unit_path=enrolment.person.unit.path)
    if klass.kind == ClassKind.AWARENESS:
        from .follow import candidacy_follows

        candidacy_follows(by=by, enrolment=enrolment, reason=reason if correcting else "",
                          today=today)
    return enrolment


# --- the results page: many learners in one save ----------------------------------------


@dataclass
class ResultEntry:
    """One learner's line as sent by the results page or an import: blanks keep."""

    enrolment_id: int
    result: str = ""  # "" keeps the stored result
    certificate_number: str = ""  # "" keeps
    certificate_on: dt.date | None = None  # None keeps
    version: str = ""

    @property
    def blank(self) -> bool:
        return not self.result and not self.certificate_number and self.certificate_on is None


class ResultsRefused(DomainError):
    """Một số dòng sai; không dòng nào được lưu. `lines`: enrolment id → message."""

    def __init__(self, lines: dict[int, str]):
        self.lines = lines
        self.stale: dict[int, versions.StaleRecord] = {}
        super().__init__(
            f"Không lưu: {vn.format_number(len(lines))} học viên chưa ghi được (xem từng dòng "
            "dưới đây). Chưa có kết quả nào được lưu; sửa các dòng đó rồi bấm lưu lần nữa.",
            code="results_refused")


@dataclass
class ResultsSaved:
    recorded: int = 0
    corrected: int = 0
    unchanged: int = 0
    #: Lines not saved because someone else changed them since the page was loaded.
    conflicts: dict[int, versions.StaleRecord] = field(default_factory=dict)


@transaction.atomic
def class_results_save(*, by, training_class: TrainingClass, entries: list[ResultEntry],
                       all_passed: bool = False, certificate_on: dt.date | None = None,
                       reason: str = "", today: dt.date | None = None) -> ResultsSaved:
    """Ghi kết quả cả lớp trong một lần lưu: "Tất cả đạt" cho mọi học viên chưa có kết quả
    (ngày cấp chung, mặc định ngày bế giảng), trừ những dòng ghi kết quả khác.

    Each line carries its own version token: lines that keep everything are not touched,
    so two officers entering different learners both succeed. A line someone else changed
    since the page was loaded is not saved (`conflicts`, with their change) while the
    other lines are; any other refused line saves nothing at all (`ResultsRefused`).
    """
    today = _today(today)
    common_on = certificate_on or training_class.ends_on
    wanted = {e.enrolment_id: e for e in entries}
    rows = {e.pk: e for e in Enrolment.objects.filter(training_class=training_class,
                                                      pk__in=list(wanted))
            .select_related("person__unit")}
    saved = ResultsSaved()
    lines: dict[int, str] = {}
    for enrolment_id, entry in wanted.items():
        enrolment = rows.get(enrolment_id)
        if enrolment is None or (by is not None and not can(by, enrolment.person.unit, Role.EDITOR)):
            lines[enrolment_id] = "Không tìm thấy học viên này trong lớp."
            continue
        if entry.blank and not (all_passed and not enrolment.has_result):
            saved.unchanged += 1
            continue
        result = entry.result or (Result.PASSED if all_passed and not enrolment.has_result
                                  else enrolment.result)
        number = entry.certificate_number or (enrolment.certificate_number
                                              if result == enrolment.result else "")
        on = entry.certificate_on or (enrolment.certificate_on if result == enrolment.result
                                      and enrolment.certificate_on else common_on)
        was = (enrolment.row_version, enrolment.result)
        try:
            with transaction.atomic():
                done = enrolment_record_result(
                    by=by, enrolment=enrolment, result=result, certificate_number=number,
                    certificate_on=on, today=today, version=entry.version, reason=reason)
        except versions.StaleRecord as err:
            saved.conflicts[enrolment_id] = err
            continue
        except DomainError as err:
            lines[enrolment_id] = err.message
            continue
        if done.row_version == was[0]:
            saved.unchanged += 1
        elif was[1] != Result.ENROLLED:
            saved.corrected += 1
        else:
            saved.recorded += 1
    if lines:
        raise ResultsRefused(lines)
    return saved


@transaction.atomic
def class_learners_add(*, by, training_class: TrainingClass, people: list,
                       today: dt.date | None = None) -> list[Enrolment]:
    """Ghi danh nhiều người một lần (ghi lại danh sách lớp đã học, hoặc lớp đang mở)."""
    return [enrol(by=by, training_class=training_class, person=p, today=today, past=True)
            for p in people]
