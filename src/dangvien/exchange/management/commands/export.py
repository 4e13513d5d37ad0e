"""`dangvien export KIND -o FILE.xlsx`: any list or report of the web UI as an Excel file.

The options become the page's query parameters (`--unit` is `don-vi`, `--as-of` is `ngay`…)
and the export reads through the page's selector (`exchange.export.kinds`). Full scope
unless `--user` is given; then that user's scope applies exactly as on the web, and a unit
outside it gets the same answer as a unit that does not exist. Exit 1 with a Vietnamese
message on any refusal; nothing is left behind on failure.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone

from dangvien.audit.services import audit_export
from dangvien.core import vn
from dangvien.core.cli import (
    add_as_of_argument,
    add_user_argument,
    as_of_option,
    unit_option,
    user_option,
)
from dangvien.core.replica import reads_from_replica
from dangvien.exchange.export import KINDS, full_scope_user, write_xlsx

#: Lists longer than this show a progress bar.
BAR_FROM = 5000


class ProgressBar:
    """[########··········]  45.000/100.000 dòng — on stderr, redrawn in place."""

    def __init__(self, total: int, stream, width: int = 30) -> None:
        self.total, self.stream, self.width = max(total, 1), stream, width
        self.started = time.monotonic()

    def __call__(self, done: int) -> None:
        done = min(done, self.total)
        filled = self.width * done // self.total
        bar = "#" * filled + "·" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {vn.format_number(done)}/{vn.format_number(self.total)} "
                          "dòng", ending="")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write(f" — xong trong {vn.format_number(time.monotonic() - self.started, 1)} "
                          "giây.")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Xuất một danh sách hoặc báo cáo ra tệp Excel, đúng như trên trang web (tiêu đề cột "
        "tiếng Việt, số là số, ngày là ngày, dòng tiêu đề cố định, bộ lọc). Ví dụ: "
        "dangvien export members --unit KB --as-of 31/05/2022 -o dang-vien-KB.xlsx; "
        "dangvien export progress --plan 77-KH/TU --as-of 31/05/2022 -o tien-do.xlsx"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", choices=sorted(KINDS), metavar="LOAI",
            help="loại danh sách: " + "; ".join(f"{k} — {v.label}" for k, v in KINDS.items()))
        parser.add_argument("-o", "--output", metavar="TEP.xlsx", required=True,
                            help="tệp Excel cần ghi (bắt buộc)")
        parser.add_argument("--unit", metavar="MA", help="mã đơn vị, ví dụ KB")
        add_as_of_argument(parser)
        add_user_argument(parser)
        parser.add_argument("--plan", metavar="SO_KY_HIEU",
                            help="kế hoạch (progress, allocations): số ký hiệu, ví dụ 77-KH/TU")
        parser.add_argument("--year", type=int, metavar="NAM",
                            help="năm của kế hoạch (plans, progress, allocations)")
        parser.add_argument("--revision", type=int, metavar="LAN",
                            help="lần ban hành, điều chỉnh của kế hoạch (allocations)")
        parser.add_argument("--class", dest="klass", type=int, metavar="SO",
                            help="số (mã) của lớp bồi dưỡng (learners)")
        parser.add_argument("--q", metavar="HO_TEN",
                            help="họ tên cần tìm, có dấu hoặc không dấu (search, candidates)")
        parser.add_argument("--stage", metavar="BUOC",
                            help="bước trong quy trình (candidates), ví dụ du_ho_so; tat-ca: "
                                 "gồm cả hồ sơ đã kết thúc")
        parser.add_argument("--source", metavar="NGUON",
                            help="nguồn giới thiệu (candidates), ví dụ doan_thanh_nien")
        parser.add_argument("--overdue", action="store_true",
                            help="chỉ hồ sơ quá hạn (candidates)")
        parser.add_argument("--class-kind", dest="class_kind", metavar="LOAI_LOP",
                            help="loại lớp (classes), ví dụ nhan_thuc")
        parser.add_argument("--from", dest="start", metavar="NGAY",
                            help="từ ngày (breakdown); mặc định 1/1 năm nay")
        parser.add_argument("--no-progress", action="store_true",
                            help="không hiện thanh tiến trình")

    @reads_from_replica  # data from the replica, if any (core/replica.py)
    def handle(self, *args, **options):
        kind = KINDS[options["kind"]]
        target = Path(options["output"])
        if target.suffix.lower() != ".xlsx":
            raise CommandError(f"Tệp ghi ra phải có đuôi .xlsx (đang là '{target.name}').")
        if not target.parent.exists():
            raise CommandError(f"Không có thư mục {target.parent} để ghi tệp.")
        user = user_option(options["user"])
        unit_option(options["unit"], user)  # the same refusal as `dangvien report`
        as_of = as_of_option(options["as_of"]) if options["as_of"] else None
        params = self._params(kind.name, options, user, as_of)
        acting = user if user is not None else full_scope_user()
        try:
            built = kind.build(acting, params)
        except Http404 as exc:
            raise CommandError(self._not_found(kind.name, options, user, str(exc))) from None

        bar = None
        if not options["no_progress"]:
            counts = [s.count() for s in built.sheets if s.count is not None]
            if sum(counts) >= BAR_FROM:
                bar = ProgressBar(sum(counts), self.stderr)
        partial = target.with_name(f".{target.name}.dang-ghi")
        try:
            rows = write_xlsx(built, partial, progress=bar,
                              by=(f"{user.username} (dòng lệnh)" if user is not None
                                  else "dòng lệnh, toàn bộ dữ liệu"))
            os.replace(partial, target)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {target}: {exc.strerror}.") from exc
        finally:
            if bar is not None:
                bar.close()
            if partial.exists():
                partial.unlink()
        audit_export(by=user or "dòng lệnh: export", kind=kind.name, export=built, rows=rows,
                     params=params, via="dòng lệnh")
        what = kind.label.split(" (")[0]  # without the option hint
        self.stdout.write(f"Đã ghi {vn.format_number(rows)} dòng ({what}) vào {target}.")

    @staticmethod
    def _params(kind: str, options: dict, user, as_of) -> dict[str, str]:
        """The options as the page's query parameters."""
        params: dict[str, str] = {}
        if options["unit"]:
            params["don-vi"] = options["unit"].strip()
        if as_of is not None:
            params["ngay"] = vn.format_date(as_of)
            params["den"] = vn.format_date(as_of)
        if options["start"]:
            params["tu"] = vn.format_date(as_of_option(options["start"]))
        if options["q"]:
            params["q"] = options["q"]
        if options["stage"]:
            params["buoc"] = options["stage"]
        if options["source"]:
            params["nguon"] = options["source"]
        if options["overdue"]:
            params["qua-han"] = "1"
        if options["class_kind"]:
            params["loai"] = options["class_kind"]
        if options["klass"] is not None:
            params["lop"] = str(options["klass"])
        if options["revision"] is not None:
            params["lan"] = str(options["revision"])
        if options["year"]:
            params["nam"] = str(options["year"])
        if kind in ("members",) and not options["unit"]:
            raise CommandError("Hãy ghi đơn vị cần xuất danh sách đảng viên: --unit KB.")
        if kind == "learners" and options["klass"] is None:
            raise CommandError("Hãy ghi số của lớp: --class SO.")
        if kind in ("progress", "allocations"):
            if not options["plan"]:
                raise CommandError("Hãy ghi số, ký hiệu của kế hoạch: --plan 77-KH/TU.")
            params["ke-hoach"] = str(Command._plan_pk(options, user, as_of))
        return params

    @staticmethod
    def _plan_pk(options: dict, user, as_of) -> int:
        from dangvien.plans.management.commands.report import Command as Report

        year = options["year"] or (as_of or timezone.localdate()).year
        unit = unit_option(options["unit"], user)
        return Report._plan(options["plan"].strip(), year, user, unit).pk

    @staticmethod
    def _not_found(kind: str, options: dict, user, message: str) -> str:
        where = f" trong phạm vi của người dùng {user.username}" if user is not None else ""
        if kind == "learners":
            return f"Không tìm thấy lớp số {options['klass']}{where}."
        return f"{message.rstrip('.')}{where}."
