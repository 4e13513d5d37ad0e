"""`dangvien audit verify|head`: check that no audit row was changed, deleted or forged."""

import json

from django.core.management.base import BaseCommand, CommandError

from dangvien.audit import chain
from dangvien.audit.services import audit_head, audit_verify


class Command(BaseCommand):
    help = (
        "Nhật ký thay đổi. 'verify': kiểm tra chuỗi mã băm (HMAC, khóa để ngoài cơ sở dữ liệu) "
        "và đối chiếu với sổ đầu chuỗi, báo dòng đầu tiên bị sửa, xóa hoặc thêm ngoài phần mềm. "
        "'head': in dòng cuối của chuỗi (mã dòng, mã băm, số dòng) dạng JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"],
                            help="verify: kiểm tra toàn vẹn; head: dòng cuối của chuỗi")

    def handle(self, *args, **options):
        if options["action"] == "head":
            self.stdout.write(json.dumps(audit_head(), ensure_ascii=False))
            return
        result = audit_verify()
        for note in result.notes:
            self.stderr.write(f"Lưu ý: {note}")
        if not result.ok:
            raise CommandError(result.message)
        self.stdout.write(self.style.SUCCESS(result.message))
        self.stdout.write(f"Khóa: {'biến môi trường ' + chain.KEY_ENV if chain.key_from_env() else chain.key_file()}; "
                          f"sổ đầu chuỗi: {chain.head_log_path()}.")
