"""`dangvien import KIND FILE.xlsx [--dry-run] [--user U]`: nhập dữ liệu từ tệp Excel.

`dangvien import --undo JOB_ID [--dry-run] [--user U]`: hoàn tác một lượt nhập đã lưu
(`exchange.undo`); with --dry-run it only says what would be removed and restored."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvien.audit.services import audit_command
from dangvien.core import vn
from dangvien.core.cli import add_user_argument, user_option
from dangvien.exchange import kinds
from dangvien.exchange.cli import ProgressBar
from dangvien.exchange.importer import run_import


class Command(BaseCommand):
    help = ("Nhập dữ liệu từ tệp Excel (.xlsx) theo tệp mẫu: kiểm tra mọi dòng rồi ghi tất cả "
            "trong một lần, hoặc không ghi gì nếu có lỗi. Tải lên lại cùng một tệp không thay "
            "đổi gì. Mã thoát khác 0 khi có lỗi. Với --undo MÃ_LƯỢT: hoàn tác một lượt nhập đã "
            "lưu (xóa bản ghi nó tạo, khôi phục giá trị nó sửa).")

    def add_arguments(self, parser):
        names = kinds.names()
        parser.add_argument("kind", choices=names, metavar="LOAI", nargs="?",
                            help="loại dữ liệu: " + ", ".join(names))
        parser.add_argument("file", metavar="TEP", nargs="?", help="tệp Excel .xlsx")
        parser.add_argument("--undo", type=int, metavar="MA_LUOT",
                            help="hoàn tác lượt nhập có mã này (số trên trang lượt nhập, "
                                 "/trao-doi/nhap/luot/MA_LUOT/); với --dry-run chỉ liệt kê")
        parser.add_argument("--dry-run", action="store_true",
                            help="chỉ kiểm tra và đếm mới / thay đổi / không đổi / lỗi, không ghi")
        parser.add_argument("--no-progress", action="store_true",
                            help="không hiện thanh tiến độ")
        parser.add_argument("--format", choices=["text", "json"], default="text",
                            help="json: số mới / thay đổi / không đổi, mọi lỗi, và từng thay đổi "
                                 "(cũ → mới) của mỗi dòng")
        add_user_argument(parser)

    def handle(self, *args, **options):
        if options.get("undo") is not None:
            return self._undo(options)
        if not options.get("kind") or not options.get("file"):
            raise CommandError("Hãy ghi loại dữ liệu và tệp: dangvien import LOAI TEP.xlsx "
                               "(hoặc --undo MA_LUOT để hoàn tác một lượt nhập).")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp '{path}'.")
        user = user_option(options.get("user"))
        kind = kinds.get(options["kind"])
        bar = None if options["no_progress"] else ProgressBar(
            "Đang kiểm tra" if options["dry_run"] else "Đang nhập", stream=self.stderr._out)
        try:
            with audit_command("import"):
                result = run_import(kind=kind, path=path, user=user,
                                    dry_run=options["dry_run"], progress=bar)
        finally:
            if bar:
                bar.close()
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            if result.file_problem or result.problem_count:
                raise CommandError("Có lỗi: chưa ghi gì." if not result.file_problem
                                   else result.file_problem)
            return
        if result.file_problem:
            raise CommandError(result.file_problem)
        out = self.stdout
        out.write(f"Tệp: {result.file_name} ({kind.label.lower()}), "
                  f"{vn.format_number(result.rows)} dòng dữ liệu.")
        out.write(result.counts.line())
        for warning in result.warnings:
            out.write(f"Lưu ý: {warning.text()}")
        for problem in result.problems:
            out.write(problem.text())
        if len(result.problems) < result.problem_count:
            out.write(f"… và {vn.format_number(result.problem_count - len(result.problems))} "
                      "lỗi khác.")
        if result.problem_count:
            raise CommandError(
                f"Có {vn.format_number(result.problem_count)} lỗi ở "
                f"{vn.format_number(result.counts.error_rows)} dòng: chưa ghi gì. Hãy sửa tệp "
                "rồi chạy lại.")
        if result.dry_run:
            out.write("Kiểm tra xong, không có lỗi (chạy thử: chưa ghi gì).")
        else:
            out.write(self.style.SUCCESS(
                f"Đã nhập xong sau {vn.format_number(result.seconds, 1)} giây."))

    def _undo(self, options) -> None:
        from dangvien.exchange import undo
        from dangvien.exchange.models import ImportJob

        user = user_option(options.get("user"))
        job = ImportJob.objects.select_related("user", "undone_by", "batch").filter(
            pk=options["undo"]).first()
        if job is None or (user is not None and not undo.may_see(job, user)):
            raise CommandError(f"Không tìm thấy lượt nhập mã {options['undo']}.")
        out = self.stdout
        out.write(f"Lượt nhập {job.pk}: {job.file_name} ({job.kind_label.lower()}), "
                  f"{vn.format_number(job.new)} mới, {vn.format_number(job.changed)} thay đổi.")
        try:
            if options["dry_run"]:
                plan = undo.undo_plan(job=job, user=user)
                plan.raise_if_refused()
            else:
                with audit_command("import --undo"):
                    plan = undo.import_undo(job=job, user=user)
        except undo.UndoRefused as err:
            for item in err.items:
                out.write(f"- {item}")
            raise CommandError(err.message) from None
        for line in [*plan.removes, *plan.restores]:
            out.write(f"- {line}")
        if options["dry_run"]:
            out.write("Chạy thử: chưa hoàn tác gì. Bỏ --dry-run để hoàn tác.")
        else:
            out.write(self.style.SUCCESS("Đã hoàn tác lượt nhập."))
