"""Signing in: what happens around Django's login, and the second step (mã xác thực).

The password step is Django's LoginView; its signals are recorded here (every success,
failure and lockout goes to the audit trail, which is also where "recent sign-ins" on the
account page come from). The second step checks a TOTP code or a recovery code; a wrong
code counts toward the same lockout as a wrong password, and the lockout counter is only
cleared when the whole sign-in has succeeded.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.audit.services import audit_record
from dangvien.core.errors import DomainError

from .models import AccountProfile
from .net import client_ip
from .services import normalize_code

SIGNIN_ACTIONS = ("account.signin", "account.signin_failed", "account.otp_verified",
                  "account.locked")
#: Session keys.
LOGIN_AT, SEEN, MUST_CHANGE, HAS_DEVICE = "_dv_login_at", "_dv_seen", "_dv_must_change", "_dv_device"


def _ip(request) -> str:
    return client_ip(request) if request is not None else ""


def on_logged_in(sender, request, user, **kwargs) -> None:
    """Password accepted: start the session's clocks, note what is still to do, audit."""
    now = time.time()
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    must_change = AccountProfile.objects.filter(user=user, must_change_password=True).exists()
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[SEEN] = now
        request.session[HAS_DEVICE] = has_device
        request.session[MUST_CHANGE] = must_change
    audit_record(by=user, action="account.signin", object_type="auth.user", object_id=user.pk,
                 after={"ip": _ip(request), "second_factor": "pending" if has_device else "none"})
    if not has_device:
        _forget_failures(request, user.username)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).only("pk").first()
    audit_record(by=None, action="account.signin_failed", object_type="auth.user",
                 object_id=user.pk if user else "",
                 after={"username": username, "ip": _ip(request),
                        "stage": credentials.get("stage", "password")})


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    user = get_user_model().objects.filter(username=username or "").only("pk").first()
    audit_record(by=None, action="account.locked", object_type="auth.user",
                 object_id=user.pk if user else "",
                 after={"username": (username or "")[:150], "ip": ip_address or ""})


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_logged_in, dispatch_uid="dangvien.accounts.signin")
    user_login_failed.connect(on_login_failed, dispatch_uid="dangvien.accounts.signin_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="dangvien.accounts.locked")


def _forget_failures(request, username: str) -> None:
    from axes.utils import reset

    if request is not None:
        reset(ip=_ip(request), username=username)


class LockedOut(Exception):
    """Too many wrong passwords or codes from this address for this user name."""


def is_locked(request, username: str) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": username})


def verify_code(request, code: str) -> str:
    """Check the second step; return "totp" or "recovery", raise DomainError or LockedOut."""
    user = request.user
    if is_locked(request, user.username):
        raise LockedOut
    token = normalize_code(code)
    if not token:
        raise DomainError("Hãy nhập mã xác thực.", field="code")
    device = None
    with transaction.atomic():
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if token.isdigit() and totp is not None and totp.verify_token(token):
            device, method = totp, "totp"
        else:
            static = StaticDevice.objects.select_for_update().filter(user=user).first()
            if static is not None and static.verify_token(token):
                device, method = static, "recovery"
    if device is None:
        user_login_failed.send(sender=__name__, request=request,
                               credentials={"username": user.username, "stage": "otp"})
        if is_locked(request, user.username):
            raise LockedOut
        raise DomainError("Mã xác thực không đúng hoặc đã dùng. Hãy nhập mã đang hiện trên "
                          "ứng dụng xác thực, hoặc một mã dự phòng chưa dùng.", field="code")
    otp_login(request, device)
    request.session[HAS_DEVICE] = True
    audit_record(by=user, action="account.otp_verified", object_type="auth.user",
                 object_id=user.pk, after={"ip": _ip(request), "method": method})
    _forget_failures(request, user.username)
    return method
