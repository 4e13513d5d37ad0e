"""`dangvien token create|list|revoke`: personal access tokens for the API."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangvien.core import vn
from dangvien.core.errors import DomainError

from ...models import ApiToken
from ...tokens import token_create, token_revoke, tokens_of

#: The audit trail's actor for tokens made or revoked from the command line.
BY = None


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Không tìm thấy người dùng '{username}'.")
    return user


def _date(raw: str | None):
    if not raw:
        return None
    try:
        return vn.parse_date(raw)
    except ValueError as exc:
        raise CommandError(f"--expires: {exc}") from None


class Command(BaseCommand):
    help = (
        "Mã truy cập API (mã cá nhân để chương trình khác đọc, ghi dữ liệu qua /api/v1/ với "
        "quyền của người dùng). create: tạo mã, in ra MỘT LẦN duy nhất; list: liệt kê các mã "
        "của người dùng; revoke: thu hồi mã. Ví dụ: dangvien token create --user kimboi --name "
        "\"Phần mềm thống kê\" --expires 31/12/2026"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke"], metavar="VIEC",
                            help="create: tạo mã; list: liệt kê; revoke: thu hồi")
        parser.add_argument("--user", required=True, metavar="TEN_DANG_NHAP",
                            help="tài khoản sở hữu mã (bắt buộc)")
        parser.add_argument("--name", metavar="TEN",
                            help="create: tên gợi nhớ của mã (bắt buộc), ví dụ tên chương trình")
        parser.add_argument("--expires", metavar="NGAY",
                            help="create: mã hết hiệu lực sau ngày này (dd/mm/yyyy hoặc "
                                 "yyyy-mm-dd); mặc định không hết hạn")
        parser.add_argument("--prefix", metavar="TIEN_TO",
                            help="revoke: tiền tố của mã cần thu hồi (xem bằng lệnh list)")

    def handle(self, *args, **options):
        user = _user(options["user"])
        action = options["action"]
        try:
            if action == "create":
                if not options["name"]:
                    raise CommandError("Hãy đặt tên cho mã: --name \"Phần mềm thống kê\".")
                token, raw = token_create(by=BY, user=user, name=options["name"],
                                          expires_on=_date(options["expires"]))
                self.stdout.write(raw)
                self.stderr.write(
                    f"Đã tạo mã '{token.name}' (tiền tố {token.prefix}) cho {user.username}. "
                    "Hãy lưu mã ở trên ngay: mã không được hiển thị lại.")
            elif action == "list":
                today = timezone.localdate()
                rows = list(tokens_of(user))
                if not rows:
                    self.stdout.write(f"{user.username} chưa có mã truy cập API nào.")
                for t in rows:
                    used = (timezone.localtime(t.last_used_at).strftime("%d/%m/%Y %H:%M")
                            if t.last_used_at else "chưa dùng")
                    expires = vn.format_date(t.expires_on) if t.expires_on else "không hết hạn"
                    self.stdout.write(
                        f"{t.prefix}\t{t.name}\ttạo {timezone.localtime(t.created_at):%d/%m/%Y}"
                        f"\thết hạn: {expires}\tdùng lần cuối: {used}\t{t.state_on(today)}")
            else:
                if not options["prefix"]:
                    raise CommandError("Hãy ghi tiền tố của mã cần thu hồi: --prefix TIEN_TO "
                                       "(xem bằng: dangvien token list --user …).")
                token = ApiToken.objects.filter(user=user, prefix=options["prefix"].strip()).first()
                if token is None:
                    raise CommandError(f"{user.username} không có mã nào có tiền tố "
                                       f"'{options['prefix'][:20]}'.")
                token_revoke(by=BY, token=token)
                self.stdout.write(f"Đã thu hồi mã '{token.name}' ({token.prefix}).")
        except DomainError as exc:
            raise CommandError(exc.message) from None
