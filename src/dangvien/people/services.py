"""Writes to people and membership records. Same rules for web, import and commands."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.audit.services import audit_record, mask, snapshot
from dangvien.core import reasons, refusals, versions, vn
from dangvien.core.errors import DomainError
from dangvien.org.models import CELL_KINDS, OrgUnit

from .choices import (
    ACTIVE_STATUSES,
    CANCELLABLE_ENDINGS,
    ETHNIC_GROUPS,
    Education,
    Gender,
    MemberStatus,
    Occupation,
    Religion,
)
from .events import check_after_last_event, current_membership, record_event
from .models import (
    EventKind,
    Membership,
    Person,
    Transfer,
    TransferKind,
    TransferStatus,
    cccd_validator,
)

PERSON_FIELDS = (
    "full_name", "gender", "birth_date", "ethnicity", "religion", "cccd", "home_address",
    "education", "occupation",
)


def _clean_cccd(value: Any) -> str | None:
    text = "" if value is None else str(value).strip().replace(" ", "")
    if not text:
        return None
    try:
        cccd_validator(text)
    except ValidationError:
        raise DomainError(
            "Số CCCD phải gồm đúng 12 chữ số (không có chữ, dấu cách hay dấu chấm); "
            f"giá trị đã nhập có {len(text)} ký tự.",
            field="cccd",
        ) from None
    return text


def _check_cccd_free(cccd: str | None, *, by, exclude_pk: int | None = None) -> None:
    """Refuse a CCCD already registered, naming the holder's unit only to those who may see it."""
    if not cccd:
        return
    holder = Person.objects.filter(cccd=cccd).exclude(pk=exclude_pk).select_related("unit").first()
    if holder is None:
        return
    if by is None or can(by, holder.unit):
        raise DomainError(
            f"Số CCCD này đã được đăng ký cho {holder.full_name} thuộc {holder.unit.name}. "
            "Mỗi người chỉ có một hồ sơ: hãy tìm và cập nhật hồ sơ đó.",
            field="cccd", code="duplicate",
        )
    # Someone outside the holder's unit typed a registered CCCD: the message says nowhere,
    # and the attempt is audited (after the refused transaction, core.refusals).
    refusals.note(by=by, action="person.cccd_elsewhere.refused", object_type="people.person",
                  after={"cccd": mask("cccd", cccd), "holder": holder.pk})
    raise DomainError(
        "Số CCCD này đã được đăng ký trong hệ thống (ở đơn vị bạn không quản lý). "
        "Hãy liên hệ Ban Tổ chức cấp trên để chuyển hồ sơ.",
        field="cccd", code="duplicate",
    )


# Sets built once: the Excel import checks every row of large files with these.
_GENDERS = frozenset(Gender.values)
_ETHNIC_GROUPS = frozenset(ETHNIC_GROUPS)
_RELIGIONS = frozenset(Religion.values)
_EDUCATIONS = frozenset(Education.values)
_OCCUPATIONS = frozenset(Occupation.values)


def clean_person_fields(
    data: dict[str, Any], *, today: dt.date
) -> tuple[dict[str, Any], list[DomainError]]:
    """Check every field of a person's record; return the clean values and every error.

    The pages stop at the first error (`_clean_person`); the Excel import reports them
    all. Same rules, same messages.
    """
    clean: dict[str, Any] = {}
    errors: list[DomainError] = []
    name = vn.normalize_spaces(data.get("full_name", ""))
    if not name or len(name.split()) < 2:
        errors.append(DomainError("Họ và tên phải có ít nhất họ và tên (hai từ).", field="full_name"))
    clean["full_name"] = name
    gender = data.get("gender")
    if gender not in _GENDERS:
        errors.append(DomainError("Giới tính phải là Nam hoặc Nữ.", field="gender"))
    clean["gender"] = gender
    birth = data.get("birth_date")
    if not isinstance(birth, dt.date):
        errors.append(DomainError("Ngày sinh chưa nhập hoặc không hợp lệ.", field="birth_date"))
    elif birth > today:
        errors.append(DomainError(
            f"Ngày sinh {vn.format_date(birth)} ở sau ngày hôm nay ({vn.format_date(today)}). "
            "Hãy kiểm tra lại năm sinh.",
            field="birth_date",
        ))
    elif birth.year < 1900:
        errors.append(DomainError(f"Năm sinh {birth.year} không hợp lệ.", field="birth_date"))
    clean["birth_date"] = birth
    ethnicity = data.get("ethnicity") or "Kinh"
    if ethnicity not in _ETHNIC_GROUPS:
        errors.append(DomainError(
            f"Dân tộc '{ethnicity}' không có trong danh mục 54 dân tộc Việt Nam.", field="ethnicity"
        ))
    clean["ethnicity"] = ethnicity
    for name_, choices, default in (
        ("religion", _RELIGIONS, Religion.NONE),
        ("education", _EDUCATIONS, Education.UPPER_SECONDARY),
        ("occupation", _OCCUPATIONS, Occupation.OTHER),
    ):
        value = data.get(name_) or default
        if value not in choices:
            errors.append(DomainError(f"Giá trị '{value}' không có trong danh mục.", field=name_))
        clean[name_] = value
    try:
        clean["cccd"] = _clean_cccd(data.get("cccd"))
    except DomainError as err:
        errors.append(err)
        clean["cccd"] = None
    clean["home_address"] = vn.normalize_spaces(data.get("home_address", ""))
    return clean, errors


def _clean_person(data: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    clean, errors = clean_person_fields(data, today=today)
    if errors:
        raise errors[0]
    return clean


def _require_editor(by, unit: OrgUnit) -> None:
    if by is not None and not can(by, unit, Role.EDITOR):
        raise DomainError(f"Bạn không có quyền cập nhật hồ sơ của {unit.name}.", field="unit",
                          code="forbidden")


@transaction.atomic
def person_create(*, by, unit: OrgUnit, data: dict[str, Any], today: dt.date | None = None) -> Person:
    """Tạo hồ sơ người mới do `unit` quản lý."""
    _require_editor(by, unit)
    clean = _clean_person(data, today=today or timezone.localdate())
    _check_cccd_free(clean["cccd"], by=by)
    try:
        with transaction.atomic():
            person = Person.objects.create(unit=unit, **clean)
    except IntegrityError:  # a concurrent registration of the same CCCD
        _check_cccd_free(clean["cccd"], by=by)
        raise
    audit_record(by=by, action="person.create", obj=person, after=snapshot(person),
                 unit_path=unit.path)
    return person


@transaction.atomic
def person_update(*, by, person: Person, data: dict[str, Any], today: dt.date | None = None) -> Person:
    """Sửa lý lịch; các trường không có trong `data` giữ nguyên."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _require_editor(by, person.unit)
    merged = {f: getattr(person, f) for f in PERSON_FIELDS} | data
    clean = _clean_person(merged, today=today or timezone.localdate())
    _check_cccd_free(clean["cccd"], by=by, exclude_pk=person.pk)
    before = snapshot(person)
    for key, value in clean.items():
        setattr(person, key, value)
    person.save()
    audit_record(by=by, action="person.update", obj=person, before=before,
                 after=snapshot(person), unit_path=person.unit.path)
    return person


def clean_reason(reason: Any) -> str:
    """A correction's reason on people's records (`core.reasons`), at most 500 characters."""
    return reasons.clean_reason(reason, example="ghi nhầm năm sinh so với lý lịch gốc",
                                limit=500)


@transaction.atomic
def person_correct(*, by, person: Person, data: dict[str, Any], reason: str,
                   token: str | None = None, today: dt.date | None = None) -> Person:
    """Sửa lý lịch có lý do: biography fields corrected on the person's page.

    By an editor of the unit that keeps the record or of a unit above it (the level
    that recorded it or the level above). The old values stay in the audit trail, which
    the person's page shows as its correction history; a save over a record changed
    since the page was loaded (`token`) is refused, naming who changed what.
    """
    locked = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    _require_editor(by, locked.unit)
    versions.check(locked, token, what=f"Lý lịch của {locked.full_name}")
    reason = clean_reason(reason)
    merged = {f: getattr(locked, f) for f in PERSON_FIELDS} | data
    clean = _clean_person(merged, today=today or timezone.localdate())
    if all(getattr(locked, k) == v for k, v in clean.items()):
        raise DomainError("Không có trường nào thay đổi: không có gì để lưu.")
    _check_cccd_free(clean["cccd"], by=by, exclude_pk=locked.pk)
    before = snapshot(locked)
    for key, value in clean.items():
        setattr(locked, key, value)
    locked.save()
    audit_record(by=by, action="person.correct", obj=locked, before=before,
                 after=snapshot(locked) | {"reason": reason}, unit_path=locked.unit.path)
    return locked


def membership_field_errors(
    *, cell: OrgUnit, person: Person, admitted_on: dt.date, recognized_on: dt.date | None
) -> list[DomainError]:
    """Every rule a new membership record breaks (the page and the Excel import share them)."""
    errors: list[DomainError] = []
    if cell.kind not in CELL_KINDS:
        errors.append(DomainError(
            f"{cell.name} không phải chi bộ; đảng viên phải sinh hoạt ở một chi bộ.", field="cell"
        ))
    elif cell.valid_to is not None:
        # Admission may predate the cell (members transfer in); the cell must exist now.
        errors.append(DomainError(
            f"{cell.name} đã thôi hoạt động từ {vn.format_date(cell.valid_to)}; "
            "hãy chọn chi bộ kế thừa.",
            field="cell",
        ))
    if person.age_on(admitted_on) < 18:
        errors.append(DomainError("Ngày vào Đảng phải sau khi người này đủ 18 tuổi.",
                                  field="admitted_on"))
    if recognized_on is not None and recognized_on < admitted_on:
        errors.append(DomainError("Ngày chính thức không được trước ngày vào Đảng.",
                                  field="recognized_on"))
    return errors


@transaction.atomic
def membership_create(
    *,
    by,
    person: Person,
    cell: OrgUnit,
    admitted_on: dt.date,
    decided_on: dt.date | None = None,
    recognized_on: dt.date | None = None,
    card_number: str = "",
) -> Membership:
    """Ghi nhận hồ sơ đảng viên (dự bị, hoặc chính thức khi đã có ngày công nhận)."""
    _require_editor(by, cell)
    problems = membership_field_errors(cell=cell, person=person, admitted_on=admitted_on,
                                       recognized_on=recognized_on)
    if problems:
        raise problems[0]
    if Membership.objects.filter(person=person, ended_on__isnull=True).exists():
        raise DomainError(f"{person.full_name} đang là đảng viên; không thể ghi thêm hồ sơ.")
    membership = Membership.objects.create(
        person=person, cell=cell, admitted_on=admitted_on, decided_on=decided_on,
        recognized_on=recognized_on, card_number=card_number.strip(),
        status=MemberStatus.OFFICIAL if recognized_on else MemberStatus.PROBATIONARY,
        started_on=admitted_on,
    )
    record_event(membership=membership, kind=EventKind.ADMITTED, on=admitted_on, by=by,
                 decision_on=decided_on)
    if recognized_on is not None:
        record_event(membership=membership, kind=EventKind.RECOGNISED, on=recognized_on, by=by)
    if person.unit_id != cell.pk:
        person.unit = cell
        person.save(update_fields=["unit", "updated_at"])
    audit_record(by=by, action="membership.create", obj=membership, after=snapshot(membership),
                 unit_path=cell.path)
    return membership




def _require_editor_of_either(by, given: Membership, current: Membership) -> None:
    """Rights on the member's cell now, or on the record the caller holds: a probationary
    member transferred since admission is still recognised (or removed) through the
    admission case of the cell that admitted them."""
    if by is None or can(by, current.cell, Role.EDITOR) or can(by, given.cell, Role.EDITOR):
        return
    _require_editor(by, current.cell)


@transaction.atomic
def membership_recognise(*, by, membership: Membership, recognized_on: dt.date,
                         decision_no: str = "", decision_on: dt.date | None = None) -> Membership:
    """Công nhận đảng viên chính thức từ ngày `recognized_on` (ngày hết dự bị).

    Recognition counts from the end of probation even when decided later, so it may
    predate a transfer: every record of the member since admission (the chain of
    transferred records) gets the date, and the event goes on the record held now.
    """
    given = Membership.objects.select_related("cell").get(pk=membership.pk)
    membership = current_membership(given)
    membership = Membership.objects.select_for_update(of=("self",)).select_related("cell").get(pk=membership.pk)
    _require_editor_of_either(by, given, membership)
    if membership.recognized_on is not None:
        raise DomainError("Đảng viên này đã được công nhận chính thức.")
    if membership.ended_on is not None:
        raise DomainError(
            f"Đảng viên này đã thôi sinh hoạt từ ngày {vn.format_date(membership.ended_on)} "
            f"({membership.get_status_display().lower()}); không thể công nhận chính thức.")
    if recognized_on < membership.admitted_on:
        raise DomainError("Ngày chính thức không được trước ngày vào Đảng.", field="recognized_on")
    before = snapshot(membership)
    chain = [membership.pk]
    row = membership
    while row.previous_id is not None:
        chain.append(row.previous_id)
        row = Membership.objects.only("pk", "previous_id").get(pk=row.previous_id)
    Membership.objects.filter(pk__in=chain[1:], recognized_on__isnull=True).update(
        recognized_on=recognized_on, updated_at=timezone.now(), row_version=F("row_version") + 1)
    membership.recognized_on = recognized_on
    membership.status = MemberStatus.OFFICIAL
    membership.save(update_fields=["recognized_on", "status", "updated_at"])
    record_event(membership=membership, kind=EventKind.RECOGNISED, on=recognized_on, by=by,
                 decision_no=decision_no, decision_on=decision_on)
    audit_record(by=by, action="membership.recognise", obj=membership, before=before,
                 after=snapshot(membership), unit_path=membership.cell.path)
    return membership


#: Endings `membership_end` records (a transfer goes through `people.transfers`, which
#: also accepts TRANSFERRED_OUT here for a letter recorded without a transfer row).
ENDING_STATUSES = frozenset(
    set(MemberStatus.values) - {str(s) for s in ACTIVE_STATUSES}
)


@transaction.atomic
def membership_end(*, by, membership: Membership, status: str, ended_on: dt.date,
                   decision_no: str = "", decision_on: dt.date | None = None, note: str = "",
                   today: dt.date | None = None, token: str | None = None) -> Membership:
    """Thôi sinh hoạt: xóa tên, ra khỏi Đảng, khai trừ, từ trần, chuyển đi.

    From `ended_on` the member is no longer counted (counts as of an earlier day still
    include them); the record and its events stay, and the event names the decision.
    With `token` (the member page's version), a record changed since is not ended.
    """
    if status in ACTIVE_STATUSES or status not in ENDING_STATUSES:
        raise DomainError("Tình trạng thôi sinh hoạt không hợp lệ.", field="status")
    given = Membership.objects.select_related("cell").get(pk=membership.pk)
    membership = current_membership(given)
    membership = Membership.objects.select_for_update(of=("self",)).select_related("cell", "person").get(
        pk=membership.pk)
    _require_editor_of_either(by, given, membership)
    versions.check(membership, token, what=f"Hồ sơ đảng viên của {membership.person.full_name}")
    if membership.ended_on is not None:
        raise DomainError(
            f"Đảng viên này đã thôi sinh hoạt từ ngày {vn.format_date(membership.ended_on)} "
            f"({membership.get_status_display().lower()}).")
    if ended_on < membership.admitted_on:
        raise DomainError("Ngày thôi sinh hoạt không được trước ngày vào Đảng.", field="ended_on")
    pending = Transfer.objects.filter(person_id=membership.person_id,
                                      status=TransferStatus.PENDING).first()
    if pending is not None:
        raise DomainError(
            f"{membership.person.full_name} đang chờ chi bộ nơi đến tiếp nhận theo giấy giới thiệu "
            f"số {pending.letter_no}. Nơi đến cần tiếp nhận hoặc từ chối trước khi ghi biến động khác.")
    check_after_last_event(membership, ended_on, what="thôi sinh hoạt",
                           today=today or timezone.localdate(), field="ended_on")
    decision_no = vn.normalize_spaces(decision_no)
    if decision_on is not None and decision_on > ended_on and status != MemberStatus.DECEASED:
        raise DomainError("Ngày quyết định không được sau ngày có hiệu lực.", field="decision_on")
    before = snapshot(membership)
    membership.status = status
    membership.ended_on = ended_on
    membership.save(update_fields=["status", "ended_on", "updated_at"])
    record_event(membership=membership, kind=status, on=ended_on, by=by, decision_no=decision_no,
                 decision_on=decision_on, note=note)
    audit_record(by=by, action="membership.end", obj=membership, before=before,
                 after=snapshot(membership), unit_path=membership.cell.path)
    return membership


@transaction.atomic
def membership_end_cancel(*, by, membership: Membership, reason: str,
                          token: str | None = None) -> Membership:
    """Hủy biến động ghi nhầm: a removal, leaving, expulsion or death recorded by mistake.

    The member is on the rolls again as if it had never been recorded (counts as of any
    day include them again); the event stays in the history, marked cancelled with who,
    when and why; the audit keeps the before and after. By an editor of the cell (or of
    a unit above it).
    """
    membership = Membership.objects.select_for_update(of=("self",)).select_related(
        "cell", "person").get(pk=membership.pk)
    _require_editor_of_either(by, membership, membership)
    versions.check(membership, token, what=f"Hồ sơ đảng viên của {membership.person.full_name}")
    reason = reasons.clean_reason(reason, what="hủy",
                                  example="ghi nhầm người, ghi nhầm loại biến động")
    out = None  # a transfer out of the province recorded by mistake
    if membership.status == MemberStatus.TRANSFERRED_OUT and membership.ended_on is not None:
        out = (Transfer.objects.select_for_update().filter(
            membership=membership, kind=TransferKind.OUT, status=TransferStatus.DONE)
            .order_by("-letter_on", "-id").first())
    if membership.ended_on is None or (membership.status not in CANCELLABLE_ENDINGS
                                       and out is None):
        raise DomainError("Hồ sơ này không có biến động thôi sinh hoạt nào để hủy.")
    if Membership.objects.filter(person_id=membership.person_id, ended_on=None).exists():
        raise DomainError(f"{membership.person.full_name} đang sinh hoạt ở một chi bộ khác: "
                          "không thể hủy biến động của hồ sơ cũ.")
    event = (membership.events.filter(kind=membership.status, on=membership.ended_on,
                                      cancelled_at=None).order_by("-id").first())
    before = snapshot(membership)
    membership.status = (MemberStatus.OFFICIAL if membership.recognized_on
                         else MemberStatus.PROBATIONARY)
    membership.ended_on = None
    membership.save(update_fields=["status", "ended_on", "updated_at"])
    if out is not None:  # the letter stays on file, marked as taken back
        out.status = TransferStatus.WITHDRAWN
        out.refusal_reason = f"Hủy vì ghi nhầm: {reason}"[:300]
        out.save(update_fields=["status", "refusal_reason", "updated_at"])
    if event is not None:
        event.cancelled_at = timezone.now()
        event.cancelled_by = by if getattr(by, "pk", None) else None
        event.cancel_reason = reason[:500]
        event.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    audit_record(by=by, action="membership.end.cancel", obj=membership, before=before,
                 after=snapshot(membership) | {"reason": reason}, unit_path=membership.cell.path)
    return membership
