"""`dangvien setup`: the first day of a real installation (cài đặt lần đầu)."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from dangvien.accounts.services import password_check, split_full_name
from dangvien.accounts.setup import TOP_KINDS, installation_setup, setup_state
from dangvien.core import vn
from dangvien.core.errors import DomainError

#: Default date of the top unit: the Party's founding, so that no unit or event entered
#: later (committees founded in 2020, cells of 1975) falls before its parent existed.
FOUNDED = dt.date(1930, 2, 3)
PASSWORD_VARIABLE = "DANGVIEN_SETUP_PASSWORD"  # noqa: S105 - the name of a variable


class Command(BaseCommand):
    help = (
        "Cài đặt lần đầu cho một tỉnh thật: tạo đơn vị cao nhất (ví dụ Tỉnh ủy) và tài khoản "
        "quản trị viên đầu tiên, trong một lần ghi. Chỉ chạy trên cơ sở dữ liệu trống. Thiếu "
        "tham số nào thì hỏi; mật khẩu lấy từ biến môi trường " + PASSWORD_VARIABLE +
        " hoặc được hỏi (không hiện khi gõ)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", help="mã đơn vị cao nhất, ví dụ TU")
        parser.add_argument("--name", help='tên đơn vị, ví dụ "Tỉnh ủy Hòa Bình"')
        parser.add_argument("--kind", help="loại tổ chức: " + ", ".join(
            k.value for k in TOP_KINDS) + " (mặc định tinh_uy)")
        parser.add_argument("--valid-from", dest="valid_from", metavar="NGAY",
                            help="ngày hiệu lực của đơn vị cao nhất, ngày/tháng/năm (mặc định "
                                 "03/02/1930, để mọi đơn vị cấp dưới và lịch sử nhập sau đều "
                                 "nằm sau ngày này)")
        parser.add_argument("--username", help="tên đăng nhập của quản trị viên đầu tiên")
        parser.add_argument("--full-name", dest="full_name", help="họ và tên quản trị viên")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="không hỏi gì: thiếu tham số thì báo lỗi")

    def handle(self, *args, **options):
        try:
            refused = setup_state()
        except DatabaseError as exc:
            raise CommandError(f"Chưa đọc được cơ sở dữ liệu ({exc}). Hãy chạy "
                               "'dangvien migrate' trước.") from exc
        if refused:
            raise CommandError(refused)
        interactive = options["interactive"] and sys.stdin.isatty()
        values = {
            "code": self._ask(options, "code", "Mã đơn vị cao nhất (ví dụ TU)", interactive),
            "name": self._ask(options, "name", "Tên đơn vị (ví dụ Tỉnh ủy Hòa Bình)", interactive),
            "kind": options["kind"] or "tinh_uy",
            "username": self._ask(options, "username", "Tên đăng nhập của quản trị viên",
                                  interactive),
            "full_name": self._ask(options, "full_name", "Họ và tên quản trị viên", interactive),
        }
        try:
            values["valid_from"] = (vn.parse_date(options["valid_from"]) if options["valid_from"]
                                    else FOUNDED)
        except ValueError as exc:
            raise CommandError(f"--valid-from: {exc}") from exc
        password = self._password(interactive, values)
        try:
            unit, user = installation_setup(password=password, **values)
        except DomainError as err:
            raise CommandError(err.message) from err
        host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "127.0.0.1"
        port = os.environ.get("DANGVIEN_PORT", "8000")
        self.stdout.write(self.style.SUCCESS(
            f"Đã tạo {unit.name} ({unit.code}) và quản trị viên {user.username}."))
        self.stdout.write(
            f"Mở http://{host}:{port}/tai-khoan/dang-nhap/ (sau khi chạy 'dangvien serve') và "
            f"đăng nhập bằng {user.username}; lần đầu sẽ được hướng dẫn đăng ký ứng dụng xác "
            "thực trên điện thoại và nhận mười mã dự phòng.")

    def _ask(self, options, key: str, prompt: str, interactive: bool) -> str:
        value = (options.get(key) or "").strip()
        while not value and interactive:
            value = input(f"{prompt}: ").strip()
        if not value:
            raise CommandError(f"Thiếu --{key.replace('_', '-')} ({prompt.lower()}).")
        return value

    def _password(self, interactive: bool, values: dict) -> str:
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if password:
            return password
        if not interactive:
            raise CommandError(f"Thiếu mật khẩu: đặt biến môi trường {PASSWORD_VARIABLE} hoặc "
                               "chạy lệnh trong cửa sổ dòng lệnh để được hỏi.")
        while True:
            first = getpass.getpass("Mật khẩu (ít nhất 10 ký tự): ")
            last_name, first_name = split_full_name(values["full_name"])
            probe = get_user_model()(username=values["username"], first_name=first_name,
                                     last_name=last_name)
            try:
                password_check(first, probe)
            except DomainError as err:
                self.stderr.write(err.message)
                continue
            if first == getpass.getpass("Nhập lại mật khẩu: "):
                return first
            self.stderr.write("Hai lần nhập không giống nhau, hãy nhập lại.")
