"""What every `dangvien` command that reads data needs: a date, a user, a unit in scope.

Commands run with full scope unless `--user` is given; then the user's scope applies
exactly as on the web (`accounts.scope.get_unit_or_404`), and a unit outside it gets the
same answer as a unit that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.http import Http404
from django.utils import timezone

from dangvien.accounts.scope import get_unit_or_404
from dangvien.core import vn
from dangvien.org.models import OrgUnit


def as_of_option(raw: str | None) -> dt.date:
    """`--as-of`: dd/mm/yyyy or yyyy-mm-dd; today when absent."""
    if not raw:
        return timezone.localdate()
    try:
        return vn.parse_date(raw)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def user_option(username: str | None):
    """`--user`: the active user whose scope the command takes (None: full scope)."""
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Không tìm thấy người dùng '{username}'.")
    if not user.is_active:
        raise CommandError(f"Tài khoản '{username}' đã bị khóa.")
    return user


def unit_option(code: str | None, user) -> OrgUnit | None:
    """`--unit`: a unit within the user's scope (any unit without --user)."""
    if code is None:
        return None
    code = code.strip()
    if user is None:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"Không tìm thấy đơn vị {code}.")
        return unit
    try:
        return get_unit_or_404(user, code)
    except Http404:
        raise CommandError(f"Không tìm thấy đơn vị {code} trong phạm vi của người dùng "
                           f"{user.username}.") from None


def add_as_of_argument(parser) -> None:
    parser.add_argument(
        "--as-of", dest="as_of", metavar="NGAY",
        help="tính đến ngày, dạng ngày/tháng/năm (31/05/2022) hoặc năm-tháng-ngày "
             "(2022-05-31); mặc định hôm nay")


def add_user_argument(parser) -> None:
    parser.add_argument(
        "--user", metavar="TEN_DANG_NHAP",
        help="áp dụng đúng phạm vi quản lý của người dùng này như trên trang web; "
             "không ghi thì lấy toàn bộ dữ liệu")
