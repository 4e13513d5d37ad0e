"""`dangvien serve`: the production web server, several processes (pre-forking, so every
core serves pages), static files by whitenoise, and the workers of the job queue beside it
(`dangvien worker`) so one command runs all and Ctrl+C or SIGTERM stops all.

The server is granian (chosen over gunicorn by `bench/load.py`, see docs/decisions.md): a
Rust HTTP server whose worker processes each run the WSGI application on a few threads."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def default_workers() -> int:
    """The cores this process may run on (a container or `taskset` may give fewer than the
    machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class Command(BaseCommand):
    help = ("Chạy máy chủ web nhiều tiến trình (mặc định mỗi lõi CPU một tiến trình) cùng các "
            "tiến trình xử lý nền. Ví dụ: dangvien serve --host 0.0.0.0 --port 8000 --workers 4")
    # The checks ran when the code was installed; a server start should not open the
    # database before it forks.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("DANGVIEN_HOST", "127.0.0.1"),
                            help="địa chỉ lắng nghe (mặc định 127.0.0.1; 0.0.0.0 để mở cho mạng nội bộ)")
        parser.add_argument("--port", type=int, default=int(os.environ.get("DANGVIEN_PORT", "8000")),
                            help="cổng (mặc định 8000)")
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("DANGVIEN_WEB_WORKERS") or default_workers()),
                            help="số tiến trình máy chủ web (mặc định bằng số lõi CPU, ở máy này "
                                 f"{default_workers()})")
        parser.add_argument("--threads", type=int,
                            default=int(os.environ.get("DANGVIEN_WEB_THREADS") or 4),
                            help="số luồng xử lý trong mỗi tiến trình web (mặc định 4)")
        parser.add_argument("--job-workers", type=int, default=1,
                            help="số tiến trình xử lý nền chạy kèm (mặc định 1; 0 nếu đã chạy "
                                 "'dangvien worker' riêng)")

    def handle(self, *args, **options):
        static_root = settings.STATIC_ROOT
        if not os.path.isdir(static_root) or not os.listdir(static_root):
            raise CommandError(
                f"Chưa có tệp tĩnh trong {static_root}. Hãy chạy 'dangvien collectstatic --noinput' trước."
            )
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("Số tiến trình web và số luồng phải từ 1 trở lên.")
        if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
            call_command("createcachetable", verbosity=0)  # DANGVIEN_CACHE_URL=db://
        host, port = options["host"], options["port"]
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"dangvien đang chạy tại http://{shown}:{port}/"))
        self.stdout.write(f"Máy chủ web: {options['workers']} tiến trình, "
                          f"mỗi tiến trình {options['threads']} luồng.")
        parent = str(os.getpid())
        workers = [subprocess.Popen([sys.executable, "-m", "dangvien", "worker", "-v", "0",  # noqa: S603
                                     "--parent", parent])
                   for _ in range(max(0, options["job_workers"]))]
        if workers:
            self.stdout.write(f"Đã chạy {len(workers)} tiến trình xử lý nền (dangvien worker).")
        self.stdout.write("Nhấn Ctrl+C để dừng.")
        self.stdout.flush()
        # Each web process opens its own database connections: none made here may be
        # inherited through fork (two processes on one socket corrupt each other's replies).
        connections.close_all()
        try:
            _granian(host, port, options["workers"], options["threads"])
        except KeyboardInterrupt:
            pass
        finally:
            _stop(workers)


def _granian(host: str, port: int, workers: int, threads: int) -> None:
    """granian in this process: it starts the web processes (each loads `dangvien.wsgi`, so
    none inherits a database connection), starts again one that dies, and on SIGTERM or
    Ctrl+C lets them finish their requests (at most 20 s)."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    os.environ["DANGVIEN_WEB_PARENT"] = str(os.getpid())  # dangvien.wsgi: watch this process
    Granian("dangvien.wsgi:application", address=host, port=port, interface=Interfaces.WSGI,
            workers=workers, blocking_threads=threads, log_access=False,
            log_level=LogLevels.warning, respawn_failed_workers=True,
            workers_kill_timeout=20).serve()


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
