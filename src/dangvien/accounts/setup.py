"""Cài đặt lần đầu: the top unit and the first administrator of a new installation.

One transaction: either both exist afterwards, or neither. Refused when any unit or any
account already exists, so it can neither run twice nor plant an administrator into a
database that is in use.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from dangvien.audit.services import audit_record, snapshot
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit, UnitKind
from dangvien.org.services import unit_create

from .models import AccountProfile, Role, RoleAssignment
from .services import clean_full_name, clean_username, password_check, user_snapshot

#: Kinds a top unit may be.
TOP_KINDS = (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.BLOC, UnitKind.DIRECT)


def setup_state() -> str:
    """"" when set-up may run, otherwise why not (in Vietnamese)."""
    if OrgUnit.objects.exists():
        return ("Cơ sở dữ liệu đã có tổ chức đảng: việc cài đặt lần đầu đã được làm. "
                "Hãy đăng nhập bằng tài khoản quản trị đã tạo.")
    if get_user_model().objects.exists():
        return ("Cơ sở dữ liệu đã có tài khoản người dùng: việc cài đặt lần đầu chỉ chạy trên "
                "cơ sở dữ liệu trống.")
    return ""


@transaction.atomic
def installation_setup(
    *, code: str, name: str, kind: str, username: str, full_name: str, password: str,
    valid_from: dt.date,
):
    """Tạo đơn vị cao nhất và quản trị viên đầu tiên (quản trị viên hệ thống)."""
    refused = setup_state()
    if refused:
        raise DomainError(refused)
    if kind not in TOP_KINDS:
        raise DomainError(
            f"Loại tổ chức '{kind}' không dùng cho đơn vị cao nhất; chọn một trong: "
            + ", ".join(k.value for k in TOP_KINDS) + ".", field="kind")
    last_name, first_name = clean_full_name(full_name)
    username = clean_username(username)
    User = get_user_model()
    probe = User(username=username, first_name=first_name, last_name=last_name)
    password_check(password, probe)
    unit = unit_create(by=None, parent=None, code=code, name=name, kind=kind,
                       valid_from=valid_from)
    user = User.objects.create_superuser(username=username, email="", password=password,
                                         first_name=first_name, last_name=last_name)
    AccountProfile.objects.create(user=user)
    RoleAssignment.objects.create(user=user, unit=unit, role=Role.ADMIN)
    audit_record(by=None, action="install.setup", object_type="auth.user", object_id=user.pk,
                 after={"unit": snapshot(unit), "account": user_snapshot(user)})
    return unit, user
