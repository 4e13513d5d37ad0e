"""`dangvien serve`: the production WSGI server (waitress) with static files by whitenoise,
and one worker of the job queue beside it (`dangvien worker`) so one command runs all."""

import os
import signal
import subprocess
import sys

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
        parser.add_argument("--job-workers", type=int, default=1,
                            help="số tiến trình xử lý nền chạy kèm (mặc định 1; 0 nếu đã chạy "
                                 "'dangvien worker' riêng)")

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
        parent = str(os.getpid())
        workers = [subprocess.Popen([sys.executable, "-m", "dangvien", "worker", "-v", "0",  # noqa: S603
                                     "--parent", parent])
                   for _ in range(max(0, options["job_workers"]))]
        # SIGTERM (systemd, kill) stops the server as Ctrl+C does, so the workers stop too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        if workers:
            self.stdout.write(f"Đã chạy {len(workers)} tiến trình xử lý nền (dangvien worker).")
        self.stdout.write("Nhấn Ctrl+C để dừng.")
        try:
            serve(application, host=host, port=port, threads=options["threads"], ident="dangvien")
        finally:
            _stop(workers)


def _stop(workers: list[subprocess.Popen]) -> None:
    """Ask the workers to finish their job, then stop them (a job cut short is shown as
    failed with "Chạy lại"; nothing half-written stays)."""
    for proc in workers:
        if proc.poll() is None:
            proc.terminate()
    for proc in workers:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
