"""What a signed-in user must do before any page: the session limits, the temporary
password, the second factor.

- A session ends after DANGVIEN_SESSION_IDLE_MINUTES without a request, and 8 hours
  (SESSION_COOKIE_AGE) after sign-in however busy it is.
- Someone who signed in with a second factor enrolled confirms it first (mã xác thực).
- A temporary password must be changed.
- Whoever must use a second factor (policy.second_factor_required) and has none enrols.

Pages of these steps themselves, and signing out, are let through.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import policy
from .signin import HAS_DEVICE, LOGIN_AT, MUST_CHANGE, SEEN

#: Views a user with something pending may still open.
OPEN_VIEWS = frozenset({
    "accounts:login", "accounts:logout", "accounts:verify", "accounts:enrol",
    "accounts:password", "accounts:recovery_shown",
})
#: The session's "last seen" time is written at most this often (seconds).
SEEN_RESOLUTION = 60


def _to(name: str, request):
    url = reverse(name)
    if request.method == "GET" and request.get_full_path() != "/":
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)


class AccountGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        expired = self._expired(request)
        if expired:
            logout(request)
            messages.info(request, expired)
            return _to("accounts:login", request)
        pending = self._pending(request, user)
        if request.resolver_match.view_name in OPEN_VIEWS:
            # The pages of the pending step show no menu: every item would lead back here.
            request.dv_pending = pending is not None
            return None
        return pending

    @staticmethod
    def _expired(request) -> str:
        session, now = request.session, time.time()
        login_at, seen = session.get(LOGIN_AT), session.get(SEEN)
        if login_at is None or seen is None:
            session[LOGIN_AT] = session[SEEN] = now
            return ""
        if now - seen > settings.DANGVIEN_SESSION_IDLE_MINUTES * 60:
            return (f"Phiên làm việc đã kết thúc vì không thao tác quá "
                    f"{settings.DANGVIEN_SESSION_IDLE_MINUTES} phút. Hãy đăng nhập lại.")
        if now - login_at > settings.SESSION_COOKIE_AGE:
            return "Phiên làm việc đã quá 8 giờ. Hãy đăng nhập lại."
        if now - seen > SEEN_RESOLUTION:
            session[SEEN] = now
        return ""

    @staticmethod
    def _pending(request, user):
        if user.is_verified():
            if request.session.get(MUST_CHANGE):
                return _to("accounts:password", request)
            return None
        required = policy.second_factor_required(user)
        has_device = request.session.get(HAS_DEVICE) or (
            required and TOTPDevice.objects.filter(user=user, confirmed=True).exists())
        if has_device:
            return _to("accounts:verify", request)
        if request.session.get(MUST_CHANGE):
            return _to("accounts:password", request)
        if required:
            return _to("accounts:enrol", request)
        return None
