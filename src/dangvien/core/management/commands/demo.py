"""`dangvien demo`: build the demo province (Hòa Bình, 2022) with its admission history
and candidate pipeline up to 31/12/2022, and print the totals and the demo logins;
`--through-2025` goes on to 31/12/2025 (2023–2025, the reorganisation of 01/07/2025, the
2026 plan)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.demo.builder import DEFAULT_SEED, build_demo, has_data, login_lines, reset_demo
from dangvien.demo.through2025 import installed


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: tỉnh Hòa Bình năm 2022 (13 đảng bộ trực thuộc, khoảng 670 tổ chức "
        "cơ sở đảng, 3.500 chi bộ, 68.300 đảng viên ngày 31/05/2022), quá trình kết nạp đảng "
        "viên 2020–2022 (khoảng 1.650 quyết định mỗi năm, quần chúng ở mọi bước; ngày số liệu "
        "31/12/2022) và 5 tài khoản dùng thử. Chỉ chạy trên cơ sở dữ liệu trống, trừ khi có --reset. "
        "Thêm --through-2025 để tiếp tục đến 31/12/2025: kết nạp 2023–2025, kế hoạch từng năm, "
        "sắp xếp tổ chức ngày 01/07/2025 (bỏ cấp huyện, Tỉnh ủy Phú Thọ) và kế hoạch năm 2026."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true",
            help="đã có dữ liệu thì không làm gì, chỉ in các tài khoản dùng thử",
        )
        parser.add_argument(
            "--reset", action="store_true",
            help="xóa dữ liệu mẫu cũ (tổ chức, đảng viên, hồ sơ kết nạp, lớp bồi dưỡng, phân quyền) "
                 "rồi tạo lại",
        )
        parser.add_argument(
            "--scale", type=float, default=1.0,
            help="hệ số quy mô, viết bằng dấu chấm (mặc định 1.0; --scale 0.02 tạo một tỉnh nhỏ để thử nhanh)",
        )
        parser.add_argument(
            "--through-2025", action="store_true", dest="through_2025",
            help="tiếp tục đến 31/12/2025: kết nạp và kế hoạch 2023–2025; ngày 01/07/2025 kết thúc "
                 "cấp huyện, các tổ chức cơ sở đảng trực thuộc Tỉnh ủy, Tỉnh ủy đổi tên thành Tỉnh ủy "
                 "Phú Thọ; kế hoạch năm 2026. Số liệu đến 31/12/2022 giữ nguyên như khi không có tùy "
                 "chọn này",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED,
            help=f"hạt giống ngẫu nhiên: cùng hạt giống cho cùng dữ liệu (mặc định {DEFAULT_SEED})",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            self._refuse_in_production(options["if_empty"])
            return
        scale: float = options["scale"]
        if scale <= 0:
            raise CommandError("Hệ số quy mô (--scale) phải lớn hơn 0.")
        try:
            exists = has_data()
        except DatabaseError as exc:
            raise CommandError(
                f"Chưa đọc được cơ sở dữ liệu ({exc}). Hãy chạy 'dangvien migrate' trước."
            ) from exc

        if exists and options["if_empty"]:
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu tổ chức đảng: không tạo lại dữ liệu mẫu.")
            self._print_logins(installed())
            return
        if exists and not options["reset"]:
            raise CommandError(
                "Cơ sở dữ liệu đã có dữ liệu tổ chức đảng. Lệnh demo chỉ tạo dữ liệu mẫu trên "
                "cơ sở dữ liệu trống: thêm --reset để xóa dữ liệu mẫu cũ và tạo lại, hoặc "
                "--if-empty để bỏ qua khi đã có dữ liệu."
            )

        try:
            with transaction.atomic():
                if exists:
                    reset_demo(stdout=self.stdout)
                summary = build_demo(scale=scale, seed=options["seed"], stdout=self.stdout,
                                     through_2025=options["through_2025"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc

        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Đã tạo xong dữ liệu mẫu sau {vn.format_number(summary.elapsed, 1)} giây.")
        )
        self._print_logins(options["through_2025"])

    def _refuse_in_production(self, if_empty: bool) -> None:
        """A real installation never gets the demo's users and their published password.

        `make run` calls `demo --if-empty`: there it only says what to do and lets the
        server start; asked for directly, the demo is an error."""
        try:
            installed = has_data()
        except DatabaseError:
            installed = False
        hint = ("" if installed else
                " Cài đặt lần đầu: 'dangvien setup' (tạo đơn vị cao nhất và quản trị viên).")
        message = ("Đang ở chế độ vận hành thật (DANGVIEN_PRODUCTION=1): không tạo dữ liệu mẫu "
                   "và tài khoản dùng thử." + hint)
        if if_empty:
            self.stdout.write(message)
            return
        raise CommandError(message)

    def _print_logins(self, through_2025: bool = False) -> None:
        self.stdout.write("")
        self.stdout.write("Tài khoản dùng thử:")
        for line in login_lines(through_2025):
            self.stdout.write(f"  {line}")
