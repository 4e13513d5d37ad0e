"""Account administration (quản lý tài khoản), within the administrator's scope.

Every view finds the account through `selectors.account_for_or_404` (an account outside
the scope answers 404, audited) and writes through one service, which checks the rules
again, so a forged POST meets the same refusal as the form.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dangvien.core.compression import no_compress
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error

from . import policy, selectors, services
from .forms import AccountCreateForm, AccountSearchForm, RoleGrantForm

TEMP_KEY = "_dv_temp_password"
PER_PAGE = 50


def _admin_only(request: HttpRequest) -> None:
    if not policy.may_administer(request.user):
        services.audit_refusal(by=request.user, action="account.list", target=None,
                               reason="không có vai trò quản trị")
        raise Http404("Không tìm thấy trang.")


def _show_temp_password(request: HttpRequest, user, password: str) -> HttpResponse:
    request.session[TEMP_KEY] = {"id": user.pk, "password": password}
    return redirect("accounts:account", user.pk)


@require_http_methods(["GET"])
@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = AccountSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.accounts_for(request.user, q), PER_PAGE).get_page(
        request.GET.get("trang"))
    locked = selectors.locked_usernames([u.username for u in page.object_list])
    return render(request, "accounts/list.html", {
        "form": form, "page": page, "locked": locked, "q": q,
        "page_query": urlencode({"q": q}) + "&" if q else ""})


@no_compress
@require_http_methods(["GET", "POST"])
@login_required
def account_new(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.account_create(
                by=request.user, username=data["username"], full_name=data["full_name"],
                roles=[(data["unit"], data["role"])])
        except DomainError as err:
            add_domain_error(form, err)
        else:
            messages.success(request, f"Đã tạo tài khoản {user.username}.")
            return _show_temp_password(request, user, password)
    return render(request, "accounts/new.html",
                  {"form": form, "units": selectors.grantable_units(request.user)})


@require_http_methods(["GET"])
@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    account = selectors.account_for_or_404(request.user, pk)
    temp = request.session.get(TEMP_KEY)
    if temp and temp.get("id") == account.pk:
        del request.session[TEMP_KEY]
    else:
        temp = None
    return render(request, "accounts/detail.html", {
        "account": account, "temp": temp, "grant": RoleGrantForm(),
        "units": selectors.grantable_units(request.user),
        "locked": account.username in selectors.locked_usernames([account.username]),
        "device": services.second_factor_device(account),
        "signins": selectors.recent_signins(account, 5),
    })


def _act(request: HttpRequest, pk: int, action: str, run, done: str) -> HttpResponse:
    """Run one account action on an account in scope; show its refusal or its result."""
    _admin_only(request)
    account = selectors.account_for_or_404(request.user, pk, action=action)
    try:
        result = run(account)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("accounts:account", account.pk)
    messages.success(request, done)
    return result if isinstance(result, HttpResponse) else redirect("accounts:account", account.pk)


@require_POST
@login_required
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    account = selectors.account_for_or_404(request.user, pk, action="account.role_grant")
    form = RoleGrantForm(request.POST)
    if form.is_valid():
        try:
            grant = services.role_grant(by=request.user, user=account,
                                        unit=form.cleaned_data["unit"],
                                        role=form.cleaned_data["role"])
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, f"Đã giao vai trò {grant.get_role_display().lower()} "
                                      f"trên {grant.unit.name}.")
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("accounts:account", account.pk)


@require_POST
@login_required
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "account.role_revoke", lambda a: services.role_revoke(
        by=request.user, user=a, unit=request.POST.get("unit", "")[:32]), "Đã thu hồi vai trò.")


@require_POST
@login_required
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "account.set_active", lambda a: services.account_set_active(
        by=request.user, user=a, active=False), "Đã khóa tài khoản; các phiên đăng nhập đã kết thúc.")


@require_POST
@login_required
def reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "account.set_active", lambda a: services.account_set_active(
        by=request.user, user=a, active=True), "Đã mở lại tài khoản.")


@no_compress
@require_POST
@login_required
def password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "account.password_reset", lambda a: _show_temp_password(
        request, a, services.password_reset(by=request.user, user=a)),
        "Đã cấp mật khẩu tạm mới; các phiên đăng nhập đã kết thúc.")


@require_POST
@login_required
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "account.unlock", lambda a: services.account_unlock(
        by=request.user, user=a), "Đã gỡ khóa đăng nhập.")


@require_POST
@login_required
def otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "account.otp_reset", lambda a: services.second_factor_reset(
        by=request.user, user=a), "Đã đặt lại xác thực hai bước: người dùng sẽ đăng ký lại ở "
                                 "lần đăng nhập sau.")
