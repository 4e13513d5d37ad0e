"""`dangvien worker`: runs the queued jobs (imports, large exports, reports)."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand

from dangvien.jobs.runner import make_worker


class Command(BaseCommand):
    help = ("Chạy tiến trình xử lý nền: kiểm tra và lưu tệp nhập, xuất danh sách lớn, báo cáo. "
            "Có thể chạy nhiều tiến trình, trên nhiều máy, cùng một cơ sở dữ liệu.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true",
                            help="chạy hết việc đang chờ rồi dừng")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="số giây chờ giữa hai lần tìm việc mới (mặc định 1)")
        parser.add_argument("--parent", type=int, default=None,
                            help="dừng khi tiến trình này (dangvien serve) không còn")
        parser.add_argument("--queue", default="*",
                            help="hàng đợi cần xử lý, cách nhau bởi dấu phẩy (mặc định: tất cả)")

    def handle(self, *args, **options):
        worker = make_worker(batch=options["batch"], interval=max(0.05, options["interval"]),
                             queues=options["queue"], parent=options["parent"])
        logger = logging.getLogger("django_tasks_db")
        if options["verbosity"] and not logger.hasHandlers():
            logger.addHandler(logging.StreamHandler(self.stdout))
            logger.setLevel(logging.INFO)
        worker.configure_signals()
        self.stdout.write(f"Tiến trình xử lý nền {worker.worker_id} đang chạy. Nhấn Ctrl+C để dừng.")
        worker.run()
