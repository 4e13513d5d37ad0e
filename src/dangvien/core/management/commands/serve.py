"""`dangvien serve`: the production WSGI server (waitress) with static files by whitenoise."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Chạy máy chủ web (waitress). Ví dụ: dangvien serve --host 0.0.0.0 --port 8000"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("DANGVIEN_HOST", "127.0.0.1"),
                            help="địa chỉ lắng nghe (mặc định 127.0.0.1; 0.0.0.0 để mở cho mạng nội bộ)")
        parser.add_argument("--port", type=int, default=int(os.environ.get("DANGVIEN_PORT", "8000")),
                            help="cổng (mặc định 8000)")
        parser.add_argument("--threads", type=int, default=8, help="số luồng xử lý (mặc định 8)")

    def handle(self, *args, **options):
        from waitress import serve

        from dangvien.wsgi import application

        static_root = settings.STATIC_ROOT
        if not os.path.isdir(static_root) or not os.listdir(static_root):
            raise CommandError(
                f"Chưa có tệp tĩnh trong {static_root}. Hãy chạy 'dangvien collectstatic --noinput' trước."
            )
        host, port = options["host"], options["port"]
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"dangvien đang chạy tại http://{shown}:{port}/"))
        self.stdout.write("Nhấn Ctrl+C để dừng.")
        serve(application, host=host, port=port, threads=options["threads"], ident="dangvien")
