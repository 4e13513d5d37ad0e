"""`dangvien backup`: one archive of the database and the uploaded files, while serving."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvien.core import backup, vn


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (SQLite: sao chép trực tuyến; PostgreSQL: pg_dump) và các tệp "
        "đã tải lên vào một tệp .tar, kèm bản kê có mã băm từng tệp và đầu chuỗi nhật ký. "
        "Chạy được khi máy chủ đang phục vụ. Khóa bí mật và khóa nhật ký không nằm trong bản "
        "sao lưu: hãy sao lưu riêng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", metavar="TEP",
            help="tệp sao lưu cần ghi (mặc định var/backups/dangvien-NĂMTHÁNGNGÀY-GIỜPHÚTGIÂY.tar)")
        parser.add_argument(
            "--keep", type=int, metavar="N",
            help="sau khi sao lưu xong, chỉ giữ N bản mới nhất có tên mặc định "
                 "(dangvien-*.tar) trong cùng thư mục, xóa các bản cũ hơn")

    def handle(self, *args, **options):
        keep = options["keep"]
        if keep is not None and keep < 1:
            raise CommandError("--keep phải là số nguyên dương (số bản sao lưu cần giữ).")
        try:
            result = backup.backup_create(
                output=Path(options["output"]) if options["output"] else None,
                keep=keep, progress=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in backup.iter_summary(result.manifest):
            self.stdout.write(line)
        for path in result.pruned:
            self.stdout.write(f"Đã xóa bản sao lưu cũ {path}.")
        self.stdout.write(self.style.SUCCESS(
            f"Đã sao lưu vào {result.path} ({backup.size_text(result.size)}, "
            f"{vn.format_number(len(result.manifest['members']))} tệp)."))
        log = backup.head_log_path()
        self.stdout.write(self.style.WARNING(
            f"Khóa nhật ký ({backup.audit_key_path()} hoặc DANGVIEN_AUDIT_KEY)"
            + (f", sổ đầu chuỗi nhật ký ({log})" if log else "")
            + " và khóa bí mật (DANGVIEN_SECRET_KEY hoặc var/secret_key) không có trong bản "
            "sao lưu: hãy sao lưu riêng, cất ở nơi khác bản sao lưu này. Không có khóa nhật "
            "ký thì không khôi phục được nhật ký đã kiểm chứng."))
