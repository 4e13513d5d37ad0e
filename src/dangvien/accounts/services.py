"""Writes to accounts (tài khoản): create, roles, (de)activate, passwords, second factor.

Every write checks the rules of `policy` itself (a forged POST meets the same checks as
the form), runs in one transaction with its audit row, and a refused attempt is audited
too, outside the rolled-back transaction, so the trail shows who tried what.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.audit.services import audit_record, audit_refusal
from dangvien.core import vn
from dangvien.core.db import UpperText
from dangvien.core.errors import DomainError

from . import policy
from .models import AccountProfile, RoleAssignment
from .scope import forget_scope

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
#: Letters and digits that cannot be mistaken for one another when read aloud or copied.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOTP_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã dự phòng"


# --- audit ---------------------------------------------------------------------------


def user_snapshot(user) -> dict[str, Any]:
    """An account as the trail keeps it: never the password hash."""
    roles = sorted(
        f"{code}:{role}"
        for code, role in RoleAssignment.objects.filter(user=user).values_list("unit__code", "role")
    )
    return {
        "username": user.username, "full_name": full_name(user), "is_active": user.is_active,
        "is_superuser": user.is_superuser, "is_staff": user.is_staff, "roles": roles,
    }


def _audit(by, action: str, user, before=None, after=None, **extra) -> None:
    data = {**(after or {}), **extra} if after is not None or extra else None
    audit_record(by=by, action=action, object_type="auth.user", object_id=user.pk,
                 before=before, after=data)


def refusals_audited(action: str) -> Callable:
    """Run the service in a transaction; a DomainError is audited as a refusal, then raised."""

    def wrap(func):
        @wraps(func)
        def run(*args, **kwargs):
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except DomainError as err:
                audit_refusal(by=kwargs.get("by") or kwargs.get("user"), action=action,
                              target=kwargs.get("user"), reason=err.message)
                raise

        return run

    return wrap


# --- small pieces ----------------------------------------------------------------------


def full_name(user) -> str:
    return vn.normalize_spaces(f"{user.last_name} {user.first_name}")


def split_full_name(name: str) -> tuple[str, str]:
    """"Bùi Văn Hùng" -> ("Bùi Văn", "Hùng"): họ và tên đệm, tên (sorting is by tên)."""
    words = vn.normalize_spaces(name).split(" ")
    return " ".join(words[:-1]), words[-1]


def temporary_password() -> str:
    """A temporary password, e.g. "k7mq-8tzp-3wxa": read aloud or copied without mistakes."""
    return "-".join("".join(secrets.choice(_TEMP_ALPHABET) for _ in range(4)) for _ in range(3))


def password_check(password: str, user=None) -> None:
    """Refuse a weak password with Django's validators (Vietnamese messages)."""
    if not password:
        raise DomainError("Hãy nhập mật khẩu.", field="password")
    if "\x00" in password:
        raise DomainError("Mật khẩu có ký tự không hợp lệ.", field="password")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from None


def clean_username(username: str) -> str:
    username = (username or "").strip().lower()
    if not username:
        raise DomainError("Hãy nhập tên đăng nhập.", field="username")
    if len(username) > 64 or not set(username) <= USERNAME_CHARS:
        raise DomainError(
            "Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới, "
            "tối đa 64 ký tự (ví dụ: kimboi.hoa).", field="username")
    # "KimBoi" and "kimboi" are one name. Upper case rather than iexact, which is LIKE on
    # SQLite and case-sensitive there (PRAGMA case_sensitive_like, settings.py).
    if get_user_model().objects.alias(u=UpperText("username")).filter(u=username.upper()).exists():
        raise DomainError(f"Tên đăng nhập '{username}' đã có người dùng. Hãy chọn tên khác.",
                          field="username")
    return username


def clean_full_name(name: str) -> tuple[str, str]:
    name = vn.normalize_spaces(name or "")
    if not name:
        raise DomainError("Hãy nhập họ và tên.", field="full_name")
    if len(name) > 150 or "\x00" in name:
        raise DomainError("Họ và tên quá dài hoặc có ký tự không hợp lệ.", field="full_name")
    return split_full_name(name)


def _profile(user) -> AccountProfile:
    profile, _ = AccountProfile.objects.get_or_create(user=user)
    return profile


def _require_manage(by, user) -> None:
    paths = list(RoleAssignment.objects.filter(user=user).values_list("unit__path", flat=True))
    if not policy.may_manage(by, user, paths):
        raise DomainError(policy.OUT_OF_SCOPE)


def _unit(unit):
    """A unit given as itself or by its code (forms send codes); one refusal for both
    "no such unit" and "not in your scope"."""
    if not isinstance(unit, str):
        return unit
    from dangvien.org.selectors import unit_by_code

    code = unit.strip()[:32]
    if "\x00" in code:
        raise DomainError(policy.unit_not_found(code.replace("\x00", "")), field="unit")
    found = unit_by_code(code)
    if found is None:
        raise DomainError(policy.unit_not_found(code), field="unit")
    return found


def _active_superusers() -> int:
    return get_user_model().objects.filter(is_superuser=True, is_active=True).count()


# --- administration --------------------------------------------------------------------


@refusals_audited("account.create")
def account_create(
    *, by, username: str, full_name: str, roles: Sequence[tuple[Any, str]],
) -> tuple[Any, str]:
    """Tạo tài khoản với các vai trò; trả về (người dùng, mật khẩu tạm chỉ hiện một lần)."""
    if not policy.may_administer(by):
        raise DomainError("Bạn không có quyền quản trị tài khoản.")
    last_name, first_name = clean_full_name(full_name)
    username = clean_username(username)
    if not roles:
        raise DomainError("Hãy giao cho tài khoản ít nhất một vai trò trên một đơn vị.",
                          field="unit")
    roles = [(_unit(unit), role) for unit, role in roles]
    for unit, role in roles:
        policy.check_grant(by, unit, role)
    password = temporary_password()
    user = get_user_model().objects.create_user(
        username=username, password=password, first_name=first_name, last_name=last_name)
    AccountProfile.objects.create(user=user, must_change_password=True, created_by=by)
    for unit, role in roles:
        RoleAssignment.objects.update_or_create(user=user, unit=unit, defaults={"role": role})
    _audit(by, "account.create", user, after=user_snapshot(user))
    return user, password


@refusals_audited("account.role_grant")
def role_grant(*, by, user, unit, role: str) -> RoleAssignment:
    """Giao (hoặc đổi) vai trò của tài khoản trên một đơn vị."""
    _require_manage(by, user)
    unit = _unit(unit)
    policy.check_grant(by, unit, role)
    existing = RoleAssignment.objects.filter(user=user, unit=unit).first()
    if existing is not None:
        policy.check_grant(by, unit, existing.role)
    before = user_snapshot(user)
    assignment, _ = RoleAssignment.objects.update_or_create(
        user=user, unit=unit, defaults={"role": role})
    forget_scope(user)
    _audit(by, "account.role_grant", user, before=before, after=user_snapshot(user),
           unit=unit.code, role=role)
    return assignment


@refusals_audited("account.role_revoke")
def role_revoke(*, by, user, unit) -> None:
    """Thu hồi vai trò của tài khoản trên một đơn vị (phải còn ít nhất một vai trò)."""
    _require_manage(by, user)
    unit = _unit(unit)
    assignment = RoleAssignment.objects.filter(user=user, unit=unit).first()
    if assignment is None:
        raise DomainError(f"Tài khoản không có vai trò trên {unit.name}.")
    policy.check_grant(by, unit, assignment.role)
    if not user.is_superuser and RoleAssignment.objects.filter(user=user).count() == 1:
        raise DomainError("Tài khoản phải còn ít nhất một vai trò. Muốn thôi cho dùng tài khoản, "
                          "hãy khóa tài khoản.")
    before = user_snapshot(user)
    assignment.delete()
    forget_scope(user)
    _audit(by, "account.role_revoke", user, before=before, after=user_snapshot(user),
           unit=unit.code, role=assignment.role)


@refusals_audited("account.set_active")
def account_set_active(*, by, user, active: bool) -> None:
    """Khóa hoặc mở lại tài khoản; khóa thì mọi phiên đăng nhập của người đó kết thúc ngay."""
    _require_manage(by, user)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return
    if not active:
        if by is not None and by.pk == user.pk:
            raise DomainError("Không thể tự khóa tài khoản của chính mình.")
        if user.is_superuser and _active_superusers() <= 1:
            raise DomainError("Đây là quản trị viên hệ thống cuối cùng còn hoạt động; "
                              "không thể khóa.")
    before = user_snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    _audit(by, "account.activate" if active else "account.deactivate", user,
           before=before, after=user_snapshot(user))


@refusals_audited("account.password_reset")
def password_reset(*, by, user) -> str:
    """Cấp lại mật khẩu tạm: phải đổi khi đăng nhập; các phiên đang mở kết thúc ngay."""
    _require_manage(by, user)
    password = temporary_password()
    user.set_password(password)  # a new hash: every open session of the user is refused
    user.save(update_fields=["password"])
    profile = _profile(user)
    profile.must_change_password = True
    profile.save(update_fields=["must_change_password"])
    _audit(by, "account.password_reset", user)
    return password


@refusals_audited("account.unlock")
def account_unlock(*, by, user) -> int:
    """Gỡ khóa đăng nhập do nhập sai nhiều lần; trả về số lần khóa được gỡ."""
    from axes.utils import reset

    _require_manage(by, user)
    count = reset(username=user.username)
    _audit(by, "account.unlock", user, attempts=count)
    return count


@refusals_audited("account.otp_reset")
def second_factor_reset(*, by, user) -> None:
    """Đặt lại xác thực hai bước (mất điện thoại): người dùng đăng ký lại ở lần đăng nhập sau."""
    _require_manage(by, user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _audit(by, "account.otp_reset", user)


# --- one's own account -----------------------------------------------------------------


@refusals_audited("account.password_change")
def password_change(*, user, old: str, password: str, confirm: str) -> None:
    """Người dùng tự đổi mật khẩu (bắt buộc sau khi được cấp mật khẩu tạm)."""
    if not user.check_password(old or ""):
        raise DomainError("Mật khẩu hiện tại không đúng.", field="old")
    new = password
    if new != confirm:
        raise DomainError("Hai lần nhập mật khẩu mới không giống nhau.", field="confirm")
    if old == new:
        raise DomainError("Mật khẩu mới phải khác mật khẩu hiện tại (mật khẩu tạm).",
                          field="password")
    password_check(new, user)
    user.set_password(new)
    user.save(update_fields=["password"])
    profile = _profile(user)
    profile.must_change_password = False
    profile.password_changed_at = timezone.now()
    profile.save(update_fields=["must_change_password", "password_changed_at"])
    _audit(user, "account.password_change", user)


@refusals_audited("account.email_change")
def email_change(*, user, email: str) -> None:
    """Người dùng tự ghi địa chỉ thư điện tử (để nhận bản đôn đốc); trống: không nhận thư."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    value = (email or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise DomainError(f"'{value[:60]}' không phải địa chỉ thư điện tử hợp lệ (ví dụ "
                              "tochuc.kimboi@hoabinh.dcs.vn).", field="email") from None
        local, _, domain = value.rpartition("@")
        value = f"{local}@{domain.lower()}"
    before = user.email
    if value == before:
        return
    user.email = value
    user.save(update_fields=["email"])
    _audit(user, "account.email_change", user, before={"email": before},
           after={"email": value})


def second_factor_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def second_factor_start(*, user) -> TOTPDevice:
    """The authenticator being enrolled: one unconfirmed TOTP device, kept across reloads."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def _new_recovery_codes(user) -> list[str]:
    from django.conf import settings

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.DANGVIEN_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@refusals_audited("account.otp_enrol")
def second_factor_confirm(*, user, code: str) -> tuple[TOTPDevice, list[str]]:
    """Xác nhận ứng dụng xác thực bằng một mã; trả về thiết bị và mười mã dự phòng."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise DomainError("Hãy mở lại trang đăng ký xác thực hai bước.")
    code = normalize_code(code)
    if not code.isdigit() or len(code) != 6:
        raise DomainError("Mã xác thực gồm 6 chữ số, đọc trên ứng dụng xác thực.", field="code")
    if not device.verify_token(code):
        raise DomainError("Mã xác thực không đúng. Hãy kiểm tra giờ trên điện thoại và nhập "
                          "mã đang hiện.", field="code")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    _audit(user, "account.otp_enrol", user)
    return device, codes


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Tạo mười mã dự phòng mới; các mã cũ hết hiệu lực."""
    codes = _new_recovery_codes(user)
    _audit(user, "account.recovery_codes", user)
    return codes


def normalize_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())[:32]


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()

