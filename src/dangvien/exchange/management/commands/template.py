"""`dangvien template KIND -o FILE.xlsx [--user U]`: tải tệp mẫu Excel để nhập dữ liệu."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvien.core.cli import add_user_argument, user_option
from dangvien.exchange import kinds
from dangvien.exchange.blank import write_template


class Command(BaseCommand):
    help = ("Tạo tệp mẫu Excel cho một loại dữ liệu: tiêu đề cột tiếng Việt có ghi chú, danh "
            "sách chọn (đơn vị trong phạm vi, dân tộc, tôn giáo, tình trạng, nguồn…), ngày dạng "
            "ngày/tháng/năm và một dòng ví dụ.")

    def add_arguments(self, parser):
        names = kinds.names()
        parser.add_argument("kind", choices=names, metavar="LOAI",
                            help="loại dữ liệu: " + ", ".join(names))
        parser.add_argument("-o", "--output", required=True, metavar="TEP",
                            help="tệp .xlsx sẽ ghi ra")
        parser.add_argument("--plan", metavar="SO_KE_HOACH",
                            help="(chỉ tiêu) điền sẵn các đơn vị được giao của kế hoạch này, "
                                 "ví dụ 77-KH/TU")
        parser.add_argument("--year", type=int, metavar="NAM", help="(chỉ tiêu) năm kế hoạch")
        add_user_argument(parser)

    def handle(self, *args, **options):
        user = user_option(options.get("user"))
        kind = kinds.get(options["kind"])
        path = Path(options["output"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError("Tệp mẫu phải có đuôi .xlsx.")
        extra = {k: options[k] for k in ("plan", "year") if options.get(k)}
        try:
            write_template(kind, path, user=user, **extra)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã ghi tệp mẫu {kind.label.lower()}: {path}")
