"""Chuyển sinh hoạt đảng chính thức: out of a cell, into a cell, inside or across the
province border. Same rules for web, import and commands.

Inside the province the sending side issues the letter (giấy giới thiệu sinh hoạt
đảng) and the receiving cell confirms: until the confirmation day the member is on the
sending cell's rolls, from that day on the receiving cell's (a new `Membership` row
starting that day, the old one ending that day). Out of the province the membership
ends on the letter's day. From outside, the receiving cell records the letter and a
new membership starts on the day it receives the member, with the admission and
recognition dates the letter carries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.audit.services import audit_record, snapshot
from dangvien.core import versions, vn
from dangvien.core.errors import DomainError
from dangvien.org.models import CELL_KINDS, OrgUnit

from .choices import ACTIVE_STATUSES, MemberStatus
from .events import check_after_last_event, current_membership, record_event
from .models import EventKind, Membership, Person, Transfer, TransferKind, TransferStatus

#: Days the member has to present the letter to the receiving unit, counted from the
#: letter's date (HD 09-HD/BTCTW 2017, kept by HD 12-HD/BTCTW 2022). *(default)*:
#: the setting DANGVIEN_TRANSFER_PRESENT_DAYS changes it.
PRESENT_LETTER_DAYS = 30


def present_by(letter_on: dt.date) -> dt.date:
    """Hạn xuất trình giấy giới thiệu sinh hoạt đảng với nơi đến."""
    days = int(getattr(settings, "DANGVIEN_TRANSFER_PRESENT_DAYS", PRESENT_LETTER_DAYS))
    return letter_on + dt.timedelta(days=days)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _require(by, unit: OrgUnit, what: str) -> None:
    if by is not None and not can(by, unit, Role.EDITOR):
        raise DomainError(f"Bạn không có quyền {what} của {unit.name}.", field="unit")


def _letter(letter_no: Any, letter_on: Any) -> tuple[str, dt.date]:
    number = vn.normalize_spaces(str(letter_no or ""))
    if not number:
        raise DomainError("Hãy ghi số giấy giới thiệu sinh hoạt đảng.", field="letter_no")
    if len(number) > 60:
        raise DomainError("Số giấy giới thiệu dài quá 60 ký tự.", field="letter_no")
    if not isinstance(letter_on, dt.date):
        raise DomainError("Hãy nhập ngày giới thiệu chuyển đi (ngày/tháng/năm).", field="letter_on")
    return number, letter_on


def _check_target_cell(cell: Any, on: dt.date) -> OrgUnit:
    if not isinstance(cell, OrgUnit):
        raise DomainError("Hãy chọn chi bộ nơi đến.", field="to_cell")
    if cell.kind not in CELL_KINDS:
        raise DomainError(
            f"{cell.name} là {cell.get_kind_display().lower()}, không phải chi bộ: đảng viên "
            "phải sinh hoạt ở một chi bộ. Hãy chọn một chi bộ trực thuộc.", field="to_cell")
    if not cell.active_on(on):
        raise DomainError(
            f"{cell.name} không hoạt động vào ngày {vn.format_date(on)}; hãy chọn chi bộ khác "
            "(hoặc chi bộ kế thừa).", field="to_cell")
    return cell


def _open_membership(membership: Membership) -> Membership:
    membership = current_membership(Membership.objects.get(pk=membership.pk))
    membership = (Membership.objects.select_for_update(of=("self",))
                  .select_related("cell", "person").get(pk=membership.pk))
    if membership.ended_on is not None or membership.status not in ACTIVE_STATUSES:
        raise DomainError(
            f"{membership.person.full_name} không còn sinh hoạt đảng "
            f"({membership.get_status_display().lower()} từ ngày "
            f"{vn.format_date(membership.ended_on) if membership.ended_on else '?'}); "
            "chỉ chuyển sinh hoạt cho đảng viên đang sinh hoạt.", field="membership")
    return membership


def _no_pending(person: Person) -> None:
    pending = Transfer.objects.filter(person=person, status=TransferStatus.PENDING).select_related(
        "to_cell").first()
    if pending is not None:
        raise DomainError(
            f"{person.full_name} đã có giấy giới thiệu số {pending.letter_no} chuyển đến "
            f"{pending.to_cell.name if pending.to_cell else pending.outside_unit}, đang chờ tiếp nhận. "
            "Mỗi lần chỉ chuyển sinh hoạt đến một nơi.", field="membership")


def _start_row(*, old: Membership | None, person: Person, cell: OrgUnit, on: dt.date,
               admitted_on: dt.date, decided_on: dt.date | None, recognized_on: dt.date | None,
               card_number: str) -> Membership:
    # The columns hold the current state; "dự bị on a day" is read from recognized_on.
    status = MemberStatus.OFFICIAL if recognized_on is not None else MemberStatus.PROBATIONARY
    return Membership.objects.create(
        person=person, cell=cell, status=status, decided_on=decided_on, admitted_on=admitted_on,
        recognized_on=recognized_on, card_number=card_number, started_on=on, previous=old,
    )


def _move_person(person: Person, cell: OrgUnit) -> None:
    if person.unit_id != cell.pk:
        person.unit = cell
        person.save(update_fields=["unit", "updated_at"])


# --- inside the province ---------------------------------------------------------------


@transaction.atomic
def transfer_request(*, by, membership: Membership, to_cell: OrgUnit, letter_no: str,
                     letter_on: dt.date, reason: str = "", today: dt.date | None = None,
                     token: str | None = None) -> Transfer:
    """Giới thiệu chuyển sinh hoạt đảng đến một chi bộ trong tỉnh; chờ nơi đến tiếp nhận.

    The member stays on the sending cell's rolls until the receiving cell confirms.
    """
    today = _today(today)
    membership = _open_membership(membership)
    _require(by, membership.cell, "chuyển sinh hoạt đảng viên")
    versions.check(membership, token, what=f"Hồ sơ đảng viên của {membership.person.full_name}")
    number, letter_on = _letter(letter_no, letter_on)
    check_after_last_event(membership, letter_on, what="giới thiệu chuyển đi", today=today,
                           field="letter_on")
    to_cell = _check_target_cell(to_cell, letter_on)
    if to_cell.pk == membership.cell_id:
        raise DomainError(f"Đảng viên đang sinh hoạt ở {to_cell.name}; hãy chọn chi bộ khác.",
                          field="to_cell")
    _no_pending(membership.person)
    transfer = Transfer.objects.create(
        person=membership.person, kind=TransferKind.WITHIN, status=TransferStatus.PENDING,
        membership=membership, from_cell=membership.cell, to_cell=to_cell, letter_no=number,
        letter_on=letter_on, reason=vn.normalize_spaces(reason)[:300],
        created_by=by if getattr(by, "pk", None) else None,
    )
    audit_record(by=by, action="transfer.request", obj=transfer, after=snapshot(transfer),
                 unit_path=membership.cell.path)
    return transfer


def _pending(transfer: Transfer) -> Transfer:
    transfer = (Transfer.objects.select_for_update(of=("self",)).select_related("to_cell", "from_cell", "person")
                .get(pk=transfer.pk))
    if transfer.status != TransferStatus.PENDING:
        when = f" ngày {vn.format_date(transfer.received_on)}" if transfer.received_on else ""
        raise DomainError(
            f"Giấy giới thiệu số {transfer.letter_no} đã được xử lý ({transfer.get_status_display().lower()}"
            f"{when}); không xử lý lần nữa.", code="already")
    return transfer


@transaction.atomic
def transfer_confirm(*, by, transfer: Transfer, received_on: dt.date,
                     today: dt.date | None = None) -> Membership:
    """Chi bộ nơi đến tiếp nhận: từ ngày `received_on` đảng viên sinh hoạt ở chi bộ mới."""
    today = _today(today)
    transfer = _pending(transfer)
    if transfer.kind != TransferKind.WITHIN or transfer.to_cell is None:
        raise DomainError("Chỉ xác nhận tiếp nhận được việc chuyển sinh hoạt trong tỉnh.")
    _require(by, transfer.to_cell, "tiếp nhận đảng viên vào")
    if not isinstance(received_on, dt.date):
        raise DomainError("Hãy nhập ngày tiếp nhận (ngày/tháng/năm).", field="received_on")
    if received_on < transfer.letter_on:
        raise DomainError(
            f"Ngày tiếp nhận ({vn.format_date(received_on)}) ở trước ngày giới thiệu chuyển đi "
            f"({vn.format_date(transfer.letter_on)}).", field="received_on")
    old = _open_membership(transfer.membership)
    if old.pk != transfer.membership_id:
        raise DomainError("Hồ sơ đảng viên đã thay đổi sau khi giới thiệu chuyển đi; "
                          "nơi đi cần lập lại giấy giới thiệu.")
    _check_target_cell(transfer.to_cell, received_on)
    check_after_last_event(old, received_on, what="tiếp nhận", today=today, field="received_on")
    before_old, before = snapshot(old), snapshot(transfer)
    old.status, old.ended_on = MemberStatus.TRANSFERRED_OUT, received_on
    old.save(update_fields=["status", "ended_on", "updated_at"])
    new = _start_row(old=old, person=old.person, cell=transfer.to_cell, on=received_on,
                     admitted_on=old.admitted_on, decided_on=old.decided_on,
                     recognized_on=old.recognized_on, card_number=old.card_number)
    record_event(membership=old, kind=EventKind.TRANSFERRED_OUT, on=received_on, by=by,
                 decision_no=transfer.letter_no, decision_on=transfer.letter_on,
                 note=f"Đến {transfer.to_cell.name}", transfer=transfer)
    record_event(membership=new, kind=EventKind.TRANSFERRED_IN, on=received_on, by=by,
                 decision_no=transfer.letter_no, decision_on=transfer.letter_on,
                 note=f"Từ {old.cell.name}", transfer=transfer)
    _move_person(old.person, transfer.to_cell)
    transfer.status, transfer.received_on = TransferStatus.DONE, received_on
    transfer.new_membership = new
    transfer.answered_by = by if getattr(by, "pk", None) else None
    transfer.save(update_fields=["status", "received_on", "new_membership", "answered_by", "updated_at"])
    audit_record(by=by, action="membership.end", obj=old, before=before_old, after=snapshot(old),
                 unit_path=old.cell.path)
    audit_record(by=by, action="membership.create", obj=new, after=snapshot(new),
                 unit_path=transfer.to_cell.path)
    audit_record(by=by, action="transfer.confirm", obj=transfer, before=before,
                 after=snapshot(transfer), unit_path=transfer.to_cell.path)
    return new


@transaction.atomic
def transfer_refuse(*, by, transfer: Transfer, reason: str) -> Transfer:
    """Chi bộ nơi đến không tiếp nhận (ghi rõ lý do); đảng viên vẫn sinh hoạt ở nơi đi."""
    transfer = _pending(transfer)
    if transfer.to_cell is None:
        raise DomainError("Chỉ từ chối được việc chuyển sinh hoạt trong tỉnh.")
    _require(by, transfer.to_cell, "trả lời giấy giới thiệu gửi đến")
    reason = vn.normalize_spaces(reason)
    if not reason:
        raise DomainError("Hãy ghi lý do không tiếp nhận để nơi đi biết cần làm gì.",
                          field="reason")
    before = snapshot(transfer)
    transfer.status, transfer.refusal_reason = TransferStatus.REFUSED, reason[:300]
    transfer.answered_by = by if getattr(by, "pk", None) else None
    transfer.save(update_fields=["status", "refusal_reason", "answered_by", "updated_at"])
    audit_record(by=by, action="transfer.refuse", obj=transfer, before=before,
                 after=snapshot(transfer), unit_path=transfer.to_cell.path)
    return transfer


@transaction.atomic
def transfer_withdraw(*, by, transfer: Transfer, reason: str) -> Transfer:
    """Nơi đi rút lại giấy giới thiệu chưa được tiếp nhận (ghi rõ lý do)."""
    transfer = _pending(transfer)
    if transfer.from_cell is None:
        raise DomainError("Chỉ rút lại được giấy giới thiệu chuyển đi trong tỉnh.")
    _require(by, transfer.from_cell, "rút lại giấy giới thiệu")
    reason = vn.normalize_spaces(reason)
    if not reason:
        raise DomainError("Hãy ghi lý do rút lại giấy giới thiệu.", field="reason")
    before = snapshot(transfer)
    transfer.status, transfer.refusal_reason = TransferStatus.WITHDRAWN, reason[:300]
    transfer.answered_by = by if getattr(by, "pk", None) else None
    transfer.save(update_fields=["status", "refusal_reason", "answered_by", "updated_at"])
    audit_record(by=by, action="transfer.withdraw", obj=transfer, before=before,
                 after=snapshot(transfer), unit_path=transfer.from_cell.path)
    return transfer


# --- across the province border ---------------------------------------------------------


def _outside_name(value: Any, *, where: str) -> str:
    name = vn.normalize_spaces(str(value or ""))
    if not name:
        raise DomainError(f"Hãy ghi tên tổ chức đảng {where} (ngoài tỉnh).", field="outside_unit")
    return name[:300]


@transaction.atomic
def transfer_out_of_province(*, by, membership: Membership, outside_unit: str, letter_no: str,
                             letter_on: dt.date, reason: str = "",
                             today: dt.date | None = None, token: str | None = None) -> Transfer:
    """Chuyển sinh hoạt đảng ra ngoài tỉnh: thôi tính vào số đảng viên từ ngày giới thiệu."""
    today = _today(today)
    membership = _open_membership(membership)
    _require(by, membership.cell, "chuyển sinh hoạt đảng viên")
    versions.check(membership, token, what=f"Hồ sơ đảng viên của {membership.person.full_name}")
    number, letter_on = _letter(letter_no, letter_on)
    outside = _outside_name(outside_unit, where="nơi đến")
    check_after_last_event(membership, letter_on, what="giới thiệu chuyển đi", today=today,
                           field="letter_on")
    _no_pending(membership.person)
    before = snapshot(membership)
    transfer = Transfer.objects.create(
        person=membership.person, kind=TransferKind.OUT, status=TransferStatus.DONE,
        membership=membership, from_cell=membership.cell, outside_unit=outside, letter_no=number,
        letter_on=letter_on, received_on=letter_on, reason=vn.normalize_spaces(reason)[:300],
        created_by=by if getattr(by, "pk", None) else None,
    )
    membership.status, membership.ended_on = MemberStatus.TRANSFERRED_OUT, letter_on
    membership.save(update_fields=["status", "ended_on", "updated_at"])
    record_event(membership=membership, kind=EventKind.TRANSFERRED_OUT, on=letter_on, by=by,
                 decision_no=number, decision_on=letter_on, note=f"Đến {outside}",
                 transfer=transfer)
    audit_record(by=by, action="membership.end", obj=membership, before=before,
                 after=snapshot(membership), unit_path=membership.cell.path)
    audit_record(by=by, action="transfer.out", obj=transfer, after=snapshot(transfer),
                 unit_path=membership.cell.path)
    return transfer


@dataclass
class IncomingLetter:
    """Giấy giới thiệu của đảng viên chuyển từ ngoài tỉnh đến, với các mốc của đảng viên."""

    outside_unit: str
    letter_no: str
    letter_on: dt.date
    received_on: dt.date
    admitted_on: dt.date
    recognized_on: dt.date | None = None
    decided_on: dt.date | None = None
    card_number: str = ""
    reason: str = ""


@transaction.atomic
def transfer_in_from_outside(*, by, cell: OrgUnit, person: Person | None = None,
                             person_data: dict | None = None, letter: IncomingLetter,
                             today: dt.date | None = None) -> Transfer:
    """Tiếp nhận đảng viên từ ngoài tỉnh chuyển đến: hồ sơ mới ở chi bộ từ ngày tiếp nhận,
    giữ ngày vào Đảng và ngày chính thức ghi trong giấy giới thiệu."""
    from .services import person_create  # the person rules live there

    today = _today(today)
    if not isinstance(cell, OrgUnit):
        raise DomainError("Hãy chọn chi bộ tiếp nhận.", field="to_cell")
    _require(by, cell, "tiếp nhận đảng viên vào")
    number, letter_on = _letter(letter.letter_no, letter.letter_on)
    outside = _outside_name(letter.outside_unit, where="nơi đi")
    received_on = letter.received_on
    if not isinstance(received_on, dt.date):
        raise DomainError("Hãy nhập ngày tiếp nhận (ngày/tháng/năm).", field="received_on")
    _check_target_cell(cell, received_on)
    if received_on < letter_on:
        raise DomainError(
            f"Ngày tiếp nhận ({vn.format_date(received_on)}) ở trước ngày giới thiệu chuyển đi "
            f"({vn.format_date(letter_on)}).", field="received_on")
    if received_on > today:
        raise DomainError(f"Ngày tiếp nhận ({vn.format_date(received_on)}) ở sau hôm nay.",
                          field="received_on")
    admitted, recognized = letter.admitted_on, letter.recognized_on
    if not isinstance(admitted, dt.date):
        raise DomainError("Hãy nhập ngày vào Đảng ghi trong giấy giới thiệu.", field="admitted_on")
    if admitted > letter_on:
        raise DomainError("Ngày vào Đảng phải trước ngày giới thiệu chuyển đi.", field="admitted_on")
    if recognized is not None and not (admitted <= recognized <= letter_on):
        raise DomainError(
            "Ngày chính thức phải sau ngày vào Đảng và trước ngày giới thiệu chuyển đi "
            "(đảng viên dự bị thì để trống).", field="recognized_on")
    if letter.decided_on is not None and letter.decided_on > admitted:
        raise DomainError("Ngày quyết định kết nạp phải trước ngày vào Đảng.", field="decided_on")
    if person is None:
        if person_data is None:
            raise DomainError("Hãy chọn người hoặc nhập lý lịch đảng viên chuyển đến.")
        person = person_create(by=by, unit=cell, data=person_data, today=today)
    elif by is not None and not can(by, person.unit, Role.EDITOR):
        raise DomainError("Bạn không quản lý hồ sơ của người này; hãy nhập lý lịch mới hoặc "
                          "đề nghị đơn vị đang quản lý chuyển hồ sơ.", field="person")
    if person.age_on(admitted) < 18:
        raise DomainError("Ngày vào Đảng phải sau khi người này đủ 18 tuổi.", field="admitted_on")
    if Membership.objects.filter(person=person, ended_on__isnull=True).exists():
        raise DomainError(f"{person.full_name} đang sinh hoạt đảng trong tỉnh; "
                          "hãy dùng chuyển sinh hoạt trong tỉnh.", field="person")
    later = Membership.objects.filter(person=person, ended_on__gt=received_on).first()
    if later is not None:
        raise DomainError(
            f"{person.full_name} còn sinh hoạt ở {later.cell.name} đến ngày "
            f"{vn.format_date(later.ended_on)}, sau ngày tiếp nhận.", field="received_on")
    _no_pending(person)
    transfer = Transfer.objects.create(
        person=person, kind=TransferKind.IN, status=TransferStatus.DONE, to_cell=cell,
        outside_unit=outside, letter_no=number, letter_on=letter_on, received_on=received_on,
        reason=vn.normalize_spaces(letter.reason)[:300],
        created_by=by if getattr(by, "pk", None) else None,
        answered_by=by if getattr(by, "pk", None) else None,
    )
    new = _start_row(old=None, person=person, cell=cell, on=received_on, admitted_on=admitted,
                     decided_on=letter.decided_on, recognized_on=recognized,
                     card_number=vn.normalize_spaces(letter.card_number)[:20])
    history = f"vào Đảng ngày {vn.format_date(admitted)}"
    if recognized is not None:
        history += f", chính thức ngày {vn.format_date(recognized)}"
    record_event(membership=new, kind=EventKind.TRANSFERRED_IN, on=received_on, by=by,
                 decision_no=number, decision_on=letter_on, transfer=transfer,
                 note=f"Từ {outside}; {history}")
    transfer.new_membership = new
    transfer.save(update_fields=["new_membership", "updated_at"])
    _move_person(person, cell)
    audit_record(by=by, action="membership.create", obj=new, after=snapshot(new),
                 unit_path=cell.path)
    audit_record(by=by, action="transfer.in", obj=transfer, after=snapshot(transfer),
                 unit_path=cell.path)
    return transfer


# --- corrections -----------------------------------------------------------------------


def _others_bounds(membership: Membership | None, transfer: Transfer) -> tuple[dt.date | None,
                                                                             dt.date | None]:
    """(latest, earliest) day of this record's events that are not the transfer's own."""
    if membership is None:
        return None, None
    days = list(membership.events.filter(cancelled_at=None).exclude(transfer=transfer)
                .values_list("on", flat=True))
    return max(days, default=None), min(days, default=None)


@transaction.atomic
def transfer_correct(*, by, transfer: Transfer, letter_no: str, letter_on: dt.date,
                     received_on: dt.date | None, reason: str, token: str | None = None,
                     today: dt.date | None = None) -> Transfer:
    """Sửa số, ngày giấy giới thiệu và ngày tiếp nhận của một lần chuyển đã hoàn tất.

    The sending side (an editor of the sending cell or above) corrects the letter; the
    receiving side corrects the day it received the member (inside the province). The
    old record then ends, and the new one starts, on the corrected day, and the two
    transfer events move with it, so counts as of any day follow. The old values stay
    in the audit trail and the member page's history; the reason is required.
    """
    from .services import clean_reason

    today = _today(today)
    transfer = (Transfer.objects.select_for_update(of=("self",))
                .select_related("from_cell", "to_cell", "person").get(pk=transfer.pk))
    if transfer.status != TransferStatus.DONE:
        raise DomainError("Chỉ sửa được lần chuyển sinh hoạt đã hoàn tất; giấy đang chờ thì "
                          "rút lại và lập giấy mới.")
    versions.check(transfer, token, what=f"Việc chuyển sinh hoạt của {transfer.person.full_name}")
    reason = clean_reason(reason)
    number, letter_on = _letter(letter_no, letter_on)
    if transfer.kind == TransferKind.OUT:
        received_on = letter_on
    elif not isinstance(received_on, dt.date):
        raise DomainError("Hãy nhập ngày tiếp nhận (ngày/tháng/năm).", field="received_on")
    letter_changed = (number, letter_on) != (transfer.letter_no, transfer.letter_on)
    received_changed = received_on != transfer.received_on
    if not (letter_changed or received_changed):
        raise DomainError("Không có gì thay đổi: không có gì để lưu.")
    if letter_changed and transfer.from_cell is not None:
        _require(by, transfer.from_cell, "sửa giấy giới thiệu của")
    if received_changed and transfer.kind == TransferKind.WITHIN:
        _require(by, transfer.to_cell, "sửa ngày tiếp nhận của")
    if transfer.from_cell is None and transfer.to_cell is not None:
        _require(by, transfer.to_cell, "sửa việc tiếp nhận của")
    if received_on < letter_on:
        raise DomainError(
            f"Ngày tiếp nhận ({vn.format_date(received_on)}) ở trước ngày giới thiệu chuyển đi "
            f"({vn.format_date(letter_on)}).", field="received_on")
    if received_on > today:
        raise DomainError(f"Ngày tiếp nhận ({vn.format_date(received_on)}) ở sau hôm nay.",
                          field="received_on")
    old = (Membership.objects.select_for_update(of=("self",)).select_related("cell")
           .filter(pk=transfer.membership_id).first())
    new = (Membership.objects.select_for_update(of=("self",)).select_related("cell")
           .filter(pk=transfer.new_membership_id).first())
    if old is not None:
        latest, _ = _others_bounds(old, transfer)
        floor = max(d for d in (latest, old.started_on) if d is not None)
        if received_on < floor:
            raise DomainError(
                f"Ngày chuyển ({vn.format_date(received_on)}) ở trước biến động gần nhất của "
                f"đảng viên tại {old.cell.name} (ngày {vn.format_date(floor)}).",
                field="received_on")
    if new is not None:
        _, earliest = _others_bounds(new, transfer)
        ceiling = min(d for d in (earliest, new.ended_on) if d is not None) if (
            earliest or new.ended_on) else None
        if ceiling is not None and received_on > ceiling:
            raise DomainError(
                f"Ngày tiếp nhận ({vn.format_date(received_on)}) ở sau biến động của đảng viên "
                f"tại {new.cell.name} ngày {vn.format_date(ceiling)}.", field="received_on")
    before = snapshot(transfer)
    transfer.letter_no, transfer.letter_on, transfer.received_on = number, letter_on, received_on
    transfer.save(update_fields=["letter_no", "letter_on", "received_on", "updated_at"])
    if old is not None and old.ended_on is not None and old.status == MemberStatus.TRANSFERRED_OUT:
        old.ended_on = received_on
        old.save(update_fields=["ended_on", "updated_at"])
    if new is not None:
        new.started_on = received_on
        new.save(update_fields=["started_on", "updated_at"])
    transfer.events.filter(cancelled_at=None).update(on=received_on, decision_no=number,
                                                     decision_on=letter_on)
    audit_record(by=by, action="transfer.correct", obj=transfer, before=before,
                 after=snapshot(transfer) | {"reason": reason},
                 unit_path=(transfer.from_cell or transfer.to_cell).path)
    return transfer
