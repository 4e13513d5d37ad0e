"""`dangvien restore FILE`: restore an archive of `dangvien backup`, then verify the audit."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvien.core import backup


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu của 'dangvien backup' vào cơ sở dữ liệu đang cấu hình và "
        "thư mục tệp đã tải lên, rồi kiểm tra chuỗi nhật ký thay đổi. Kiểm tra mã băm mọi tệp "
        "trước khi thay đổi bất cứ gì. Chỉ khôi phục vào cơ sở dữ liệu trống, trừ khi có --force. "
        "Nên dừng máy chủ trong khi khôi phục."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="TEP", help="tệp sao lưu (.tar) cần khôi phục")
        parser.add_argument(
            "--force", action="store_true",
            help="khôi phục cả khi cơ sở dữ liệu đã có dữ liệu: toàn bộ dữ liệu hiện có bị "
                 "thay bằng bản sao lưu")

    def handle(self, *args, **options):
        try:
            result = backup.restore_archive(path=Path(options["file"]), force=options["force"],
                                            progress=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in backup.iter_summary(result.manifest):
            self.stdout.write(line)
        if result.pending_migrations:
            self.stdout.write(self.style.WARNING(
                f"Bản sao lưu thiếu {len(result.pending_migrations)} bước chuyển đổi cơ sở dữ "
                "liệu của phiên bản này: hãy chạy 'dangvien migrate'."))
        for note in result.notes:
            self.stdout.write(note)
        if not result.audit_ok:
            raise CommandError(f"Đã khôi phục nhưng kiểm tra nhật ký thất bại: "
                               f"{result.audit_message}")
        self.stdout.write(self.style.SUCCESS(result.audit_message))
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục từ {options['file']}."))
