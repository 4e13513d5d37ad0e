"""Signing in and out, the second step, and one's own account page.

Django's own views do the password step (safe `next` redirects, session key rotation,
CSRF); the middleware (`accounts.middleware`) sends a signed-in user through what is
still pending: the code, the temporary password, enrolling an authenticator.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from dangvien.core import vn
from dangvien.core.compression import no_compress
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error

from . import selectors, services, signin
from .forms import ApiTokenForm, CodeForm, EmailForm, LoginForm, PasswordChangeForm
from .policy import second_factor_required

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)

# POST only (Django 5): a link or an image tag cannot log anyone out.
logout = auth_views.LogoutView.as_view()

RECOVERY_KEY = "_dv_recovery_codes"


def _next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Bước hai khi đăng nhập: mã trên ứng dụng xác thực hoặc mã dự phòng."""
    if request.user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = signin.verify_code(request, form.cleaned_data["code"])
        except signin.LockedOut:
            auth_logout(request)
            return render(request, "accounts/locked.html", status=429)
        except DomainError as err:
            add_domain_error(form, err)
        else:
            if method == "recovery":
                left = services.recovery_codes_left(request.user)
                messages.warning(request, f"Đã dùng một mã dự phòng; còn {left} mã. Mỗi mã chỉ "
                                          "dùng được một lần.")
            return redirect(_next(request))
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request, "")})


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, title="Mã QR đăng ký ứng dụng xác thực")


@no_compress
@require_http_methods(["GET", "POST"])
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Đăng ký ứng dụng xác thực: mã QR vẽ trên máy chủ, rồi nhập một mã để xác nhận."""
    user = request.user
    if services.second_factor_device(user) is not None and not user.is_verified():
        return redirect("accounts:verify")
    device = services.second_factor_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.second_factor_confirm(user=user, code=form.cleaned_data["code"])
        except DomainError as err:
            add_domain_error(form, err)
        else:
            signin.otp_login(request, device)
            request.session[signin.HAS_DEVICE] = True
            request.session[RECOVERY_KEY] = codes
            return redirect(reverse("accounts:recovery_shown") + "?"
                            + urlencode({"next": _next(request)}))
    key = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/enrol.html", {
        "form": form, "qr": _qr_svg(device.config_url), "next": _next(request, ""),
        "key_groups": [key[i:i + 4] for i in range(0, len(key), 4)],
        "required": second_factor_required(user),
    })


@no_compress
@require_http_methods(["GET"])
@login_required
def recovery_shown(request: HttpRequest) -> HttpResponse:
    """The ten recovery codes, shown once right after they were made."""
    codes = request.session.pop(RECOVERY_KEY, None)
    if not codes:
        return redirect("accounts:me")
    return render(request, "accounts/recovery.html", {"codes": codes, "next": _next(request)})


@no_compress
@require_POST
@login_required
def recovery_renew(request: HttpRequest) -> HttpResponse:
    if services.second_factor_device(request.user) is None:
        messages.error(request, "Hãy đăng ký ứng dụng xác thực trước.")
        return redirect("accounts:me")
    request.session[RECOVERY_KEY] = services.recovery_codes_renew(user=request.user)
    return redirect("accounts:recovery_shown")


@require_http_methods(["GET", "POST"])
@login_required
def password(request: HttpRequest) -> HttpResponse:
    """Đổi mật khẩu (bắt buộc khi đang dùng mật khẩu tạm)."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, **form.cleaned_data)
        except DomainError as err:
            add_domain_error(form, err)
        else:
            update_session_auth_hash(request, request.user)  # this session stays signed in
            request.session[signin.MUST_CHANGE] = False
            messages.success(request, "Đã đổi mật khẩu.")
            return redirect(_next(request, "/tai-khoan/"))
    return render(request, "accounts/password.html", {
        "form": form, "must": request.session.get(signin.MUST_CHANGE), "next": _next(request, "")})


@require_http_methods(["GET", "POST"])
@login_required
def email(request: HttpRequest) -> HttpResponse:
    """Thư điện tử của tôi: where the reminders are sent."""
    form = EmailForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.email_change(user=request.user, email=form.cleaned_data["email"])
        except DomainError as err:
            add_domain_error(form, err)
        else:
            messages.success(request, "Đã lưu địa chỉ thư điện tử." if request.user.email
                             else "Đã xóa địa chỉ thư điện tử: bạn sẽ không nhận thư đôn đốc.")
            return redirect("accounts:me")
    return render(request, "accounts/email.html", {"form": form})


@require_http_methods(["GET"])
@login_required
def me(request: HttpRequest) -> HttpResponse:
    """Tài khoản của tôi: vai trò, đăng nhập gần đây, xác thực hai bước, mã truy cập API."""
    return _me(request)


def _me(request: HttpRequest, *, token_form: ApiTokenForm | None = None, new_token: str = "",
        status: int = 200) -> HttpResponse:
    from dangvien.api.tokens import tokens_of

    user = request.user
    return render(request, "accounts/me.html", {
        "token_form": token_form or ApiTokenForm(),
        "new_token": new_token,
        "tokens": tokens_of(user),
        "today": timezone.localdate(),
        "roles": user.roles.select_related("unit").order_by("unit__path"),
        "signins": selectors.recent_signins(user),
        "device": services.second_factor_device(user),
        "codes_left": services.recovery_codes_left(user),
        "required": second_factor_required(user),
    }, status=status)


@no_compress
@require_POST
@login_required
def api_token_new(request: HttpRequest) -> HttpResponse:
    """Tạo mã truy cập API: the token is on this page once, never again."""
    from dangvien.api.tokens import token_create

    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            raw = form.cleaned_data["expires_on"].strip()
            expires_on = vn.parse_date(raw) if raw else None
        except ValueError as exc:
            form.add_error("expires_on", str(exc))
        else:
            try:
                token, secret = token_create(by=request.user, user=request.user,
                                             name=form.cleaned_data["name"],
                                             expires_on=expires_on)
            except DomainError as err:
                add_domain_error(form, err)
            else:
                return _me(request, new_token=secret)
    return _me(request, token_form=form, status=400)


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Thu hồi một mã của chính mình (mã của người khác: 404)."""
    from django.shortcuts import get_object_or_404

    from dangvien.api.models import ApiToken
    from dangvien.api.tokens import token_revoke

    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        token_revoke(by=request.user, token=token)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"Đã thu hồi mã '{token.name}'.")
    return redirect("accounts:me")
