"""`dangvien remind`: send each responsible officer their weekly digest (đôn đốc)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from dangvien.audit.services import audit_command
from dangvien.core import vn
from dangvien.core.cli import add_as_of_argument, as_of_option
from dangvien.core.errors import DomainError
from dangvien.reminders.services import Delivery, reminders_send

RESULTS = {
    "sent": "đã gửi",
    "failed": "gửi lỗi",
    "no_email": "chưa có email, không gửi được",
    "already": "đã gửi trước đó cho ngày này, không gửi lại",
    "dry_run": "sẽ gửi (chạy thử, chưa gửi)",
}


def render_text(deliveries: list[Delivery], *, as_of, dry_run: bool) -> str:
    n = vn.format_number
    head = "CHẠY THỬ: không gửi, không ghi nhận. " if dry_run else ""
    lines = [f"{head}Đôn đốc thời hạn kết nạp tính đến ngày {vn.format_date(as_of)}: "
             f"{n(len(deliveries))} người nhận."]
    for d in deliveries:
        to = d.email or "chưa có email"
        lines.append(f"- {d.user.username} <{to}>: {RESULTS[d.result]}; "
                     f"{n(d.digest.overdue)} quá hạn, {n(d.digest.due_soon)} sắp đến hạn"
                     + (f" ({d.error})" if d.error else ""))
        for u in d.digest.units:
            lines.append(f"    {u.name}: {n(u.overdue)} quá hạn, {n(u.due_soon)} sắp đến hạn")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = (
        "Đôn đốc: gửi thư cho mỗi cán bộ phụ trách đơn vị (có quyền cập nhật trở lên) "
        "liệt kê các việc quá hạn và sắp đến hạn (trong 15 ngày làm việc tới) trong quy "
        "trình kết nạp thuộc phạm vi của mình; mỗi người một thư mỗi ngày, ghi nhận từng "
        "lần gửi. Chạy hằng tuần (cron hoặc bộ lập lịch)."
    )

    def add_arguments(self, parser):
        add_as_of_argument(parser)
        parser.add_argument(
            "--dry-run", action="store_true",
            help="chạy thử: in ra sẽ gửi gì cho ai, không gửi thư và không ghi nhận")
        parser.add_argument(
            "--format", choices=["text", "json"], default="text",
            help="text: bản tóm tắt để đọc (mặc định); json: dữ liệu cho chương trình khác")

    def handle(self, *args, **options):
        as_of = as_of_option(options["as_of"])
        dry_run = options["dry_run"]
        try:
            with audit_command("remind"):
                deliveries = reminders_send(as_of=as_of, dry_run=dry_run)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(
                {"as_of": as_of.isoformat(), "dry_run": dry_run,
                 "recipients": [d.as_dict() for d in deliveries]},
                ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_text(deliveries, as_of=as_of, dry_run=dry_run), ending="")
