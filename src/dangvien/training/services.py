"""Writes for training classes and enrolments."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.audit.services import audit_record, snapshot
from dangvien.core import vn
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.rules.models import rule_set_on

from .models import ClassKind, Enrolment, Result, TrainingClass


def _require(by, unit, role=Role.EDITOR) -> None:
    if by is not None and not can(by, unit, role):
        raise DomainError(f"Bạn không có quyền cập nhật dữ liệu của {unit.name}.")


@transaction.atomic
def class_create(*, by, organiser, kind: str, name: str, starts_on: dt.date,
                 ends_on: dt.date) -> TrainingClass:
    """Mở lớp bồi dưỡng."""
    _require(by, organiser)
    name = vn.normalize_spaces(name)
    if not name:
        raise DomainError("Tên lớp không được để trống.", field="name")
    if kind not in ClassKind.values:
        raise DomainError("Loại lớp không có trong danh mục.", field="kind")
    if ends_on < starts_on:
        raise DomainError(
            f"Ngày bế giảng ({vn.format_date(ends_on)}) trước ngày khai giảng "
            f"({vn.format_date(starts_on)}).", field="ends_on")
    training_class = TrainingClass.objects.create(
        organiser=organiser, kind=kind, name=name, starts_on=starts_on, ends_on=ends_on)
    audit_record(by=by, action="training.class_create", obj=training_class,
                 after=snapshot(training_class), unit_path=organiser.path)
    return training_class


@transaction.atomic
def enrol(*, by, training_class: TrainingClass, person, today: dt.date | None = None) -> Enrolment:
    """Cử một người đi học; lớp đã bế giảng thì không nhận thêm."""
    today = today or timezone.localdate()
    _require(by, person.unit)
    if training_class.ends_on < today:
        raise DomainError(
            f"Lớp '{training_class.name}' đã bế giảng ngày {vn.format_date(training_class.ends_on)}; "
            "không thể ghi danh thêm. Hãy chọn một lớp đang mở hoặc sắp mở.",
            field="training_class")
    if Enrolment.objects.filter(training_class=training_class, person=person).exists():
        raise DomainError(f"{person.full_name} đã có trong danh sách lớp này.")
    enrolment = Enrolment.objects.create(training_class=training_class, person=person,
                                         recorded_by=by if getattr(by, "pk", None) else None)
    audit_record(by=by, action="training.enrol", obj=enrolment, after=snapshot(enrolment),
                 unit_path=person.unit.path)
    return enrolment


@transaction.atomic
def enrolment_record_result(
    *, by, enrolment: Enrolment, result: str, certificate_number: str = "",
    certificate_on: dt.date | None = None, today: dt.date | None = None,
) -> Enrolment:
    """Ghi kết quả học và giấy chứng nhận; hạn của giấy nhận thức về Đảng theo bộ quy định."""
    today = today or timezone.localdate()
    enrolment = Enrolment.objects.select_for_update().select_related(
        "training_class", "person__unit").get(pk=enrolment.pk)
    _require(by, enrolment.person.unit)
    if result not in Result.values:
        raise DomainError("Kết quả không có trong danh mục.", field="result")
    klass = enrolment.training_class
    before = snapshot(enrolment)
    expires = None
    if result == Result.PASSED:
        if certificate_on is None:
            raise DomainError("Hãy nhập ngày cấp giấy chứng nhận.", field="certificate_on")
        if certificate_on > today:
            raise DomainError(
                f"Ngày cấp giấy chứng nhận {vn.format_date(certificate_on)} ở sau hôm nay.",
                field="certificate_on")
        if certificate_on < klass.starts_on:
            raise DomainError(
                f"Ngày cấp giấy chứng nhận {vn.format_date(certificate_on)} trước ngày khai giảng "
                f"lớp ({vn.format_date(klass.starts_on)}).", field="certificate_on")
        if klass.kind == ClassKind.AWARENESS:
            months = rule_set_on(certificate_on).certificate_validity_months
            expires = add_months(certificate_on, months)
    else:
        certificate_number, certificate_on = "", None
    enrolment.result = result
    enrolment.certificate_number = certificate_number.strip()
    enrolment.certificate_on = certificate_on
    enrolment.certificate_expires_on = expires
    enrolment.save()
    audit_record(by=by, action="training.result", obj=enrolment, before=before,
                 after=snapshot(enrolment), unit_path=enrolment.person.unit.path)
    return enrolment
