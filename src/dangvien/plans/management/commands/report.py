"""`dangvien report progress`: progress against a plan as of a date, as JSON or Excel, or
the written report to the Standing Board (`dangvien.reports`) as Word or PDF.

`report` takes the kind of report as its first word, so later reports (`report ratings`)
join it. The figures and the scope are the dashboard's: `progress.progress_table`, and with
`--user` that user's scope exactly as the web applies it. Every file written is audited
("export.report", as the dashboard's downloads); figures printed to the screen are not.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangvien.audit.services import audit_report
from dangvien.core import vn
from dangvien.core.cli import (
    add_as_of_argument,
    add_user_argument,
    as_of_option,
    unit_option,
    user_option,
)
from dangvien.core.replica import reads_from_replica
from dangvien.org.models import OrgUnit
from dangvien.org.selectors import ancestors_on
from dangvien.plans import reports
from dangvien.plans.in_view import default_unit, plan_day, plan_visible, unit_in_plan
from dangvien.plans.models import Plan
from dangvien.plans.progress import progress_table
from dangvien.plans.services import normalize_number

#: Who wrote a report from the command line without --user (the audit trail's actor).
BY = "dòng lệnh: report"

KINDS = {
    "progress": "tiến độ thực hiện chỉ tiêu kết nạp đảng viên theo một kế hoạch",
    "ratings": "kết quả xếp loại chất lượng đảng viên theo đơn vị và năm (--year, --unit)",
}


class Command(BaseCommand):
    help = (
        "Xuất báo cáo. Hiện có: progress — tiến độ thực hiện chỉ tiêu kết nạp đảng viên theo "
        "kế hoạch (chỉ tiêu, đã kết nạp, tỷ lệ, mức dự kiến, tình trạng, dự báo đến 31/12, "
        "nguồn đang theo dõi) của một đơn vị và các đơn vị trực thuộc, tính đến một ngày. "
        "Ví dụ: dangvien report progress --plan 77-KH/TU --as-of 31/05/2022 --unit KB "
        "--format xlsx -o tien-do.xlsx"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", choices=sorted(KINDS), metavar="LOAI_BAO_CAO",
            help="loại báo cáo: " + "; ".join(f"{k} — {v}" for k, v in KINDS.items()))
        parser.add_argument(
            "--plan", metavar="SO_KY_HIEU",
            help="số, ký hiệu của kế hoạch, ví dụ 77-KH/TU (bắt buộc)")
        parser.add_argument(
            "--year", type=int, metavar="NAM",
            help="năm của kế hoạch, khi cùng số ký hiệu có ở nhiều năm; mặc định là năm của "
                 "ngày --as-of")
        add_as_of_argument(parser)
        parser.add_argument(
            "--unit", metavar="MA",
            help="đơn vị cần xem (ví dụ KB); mặc định là cấp ủy ban hành kế hoạch, hoặc đơn vị "
                 "cao nhất trong phạm vi của người dùng --user")
        add_user_argument(parser)
        parser.add_argument(
            "--format", choices=["json", "xlsx", "docx", "pdf"], default="json",
            help="json: dữ liệu cho chương trình khác (mặc định); xlsx: bảng tính Excel "
                 "(cần -o); docx, pdf: báo cáo kết quả thực hiện kế hoạch theo thể thức văn "
                 "bản của Đảng, bản Word hoặc PDF (cần -o)")
        parser.add_argument(
            "-o", "--output", metavar="TEP",
            help="ghi kết quả vào tệp này thay vì in ra màn hình (bắt buộc với xlsx, docx, "
                 "pdf)")

    @reads_from_replica  # data from the replica, if any (core/replica.py)
    def handle(self, *args, **options):
        if options["kind"] == "ratings":
            from dangvien.ratings import reports as ratings_reports

            return ratings_reports.run(self, options)
        if not options["plan"]:
            raise CommandError("Hãy ghi số, ký hiệu của kế hoạch: --plan 77-KH/TU.")
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError("Báo cáo Excel cần tên tệp để ghi: -o TEP.xlsx.")
        if options["format"] in ("docx", "pdf") and not options["output"]:
            fmt = options["format"]
            raise CommandError(f"Báo cáo dạng {fmt} cần tên tệp để ghi: -o TEP.{fmt}.")
        as_of = as_of_option(options["as_of"])
        year = options["year"] or as_of.year
        user = user_option(options["user"])
        unit = unit_option(options["unit"], user)
        plan = self._plan(options["plan"].strip(), year, user, unit)
        day = plan_day(plan, as_of)
        if day != as_of:
            self.stderr.write(f"Lưu ý: Kế hoạch số {plan.number} là của năm {plan.year}; số liệu "
                              f"tính đến ngày {vn.format_date(day)}.")
        if unit is None:
            unit = default_unit(user, plan)
            if unit is None:  # pragma: no cover - a visible plan has a unit in scope under it
                raise CommandError("Người dùng không phụ trách đơn vị nào thuộc kế hoạch này.")
        elif not unit_in_plan(plan, unit, ancestors_on(unit, day)):
            raise CommandError(f"Đơn vị {unit.code} không thuộc phạm vi của Kế hoạch số "
                               f"{plan.number} ({plan.unit.name}).")
        if options["format"] in ("docx", "pdf"):
            self._write_document(plan, unit, day, user, options["format"], Path(options["output"]))
            return
        table = progress_table(plan=plan, unit=unit, as_of=day, user=user)
        heading = reports.plan_heading(plan, day)
        if options["format"] == "xlsx":
            self._write_xlsx(table, heading, Path(options["output"]))
            self._audit(plan, unit, day, user, "xlsx", Path(options["output"]))
            return
        out = json.dumps(reports.progress_dict(table, heading), ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            target = Path(options["output"])
            try:
                target.write_text(out, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Không ghi được tệp {target}: {exc.strerror}.") from exc
            self._audit(plan, unit, day, user, "json", target)
            self.stdout.write(f"Đã ghi tiến độ của {table.total.name} ({len(table.rows)} đơn vị "
                              f"trực thuộc) vào {target}.")
        else:
            self.stdout.write(out, ending="")

    def _write_xlsx(self, table, heading, target: Path) -> None:
        try:
            reports.write_progress_xlsx(table, heading, target)
        except reports.XlsxUnavailable as exc:  # pragma: no cover - it is a dependency
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {target}: {exc.strerror}.") from exc
        self.stdout.write(f"Đã ghi tiến độ của {table.total.name} ({len(table.rows)} đơn vị "
                          f"trực thuộc) vào {target}.")

    def _write_document(self, plan, unit, day, user, fmt: str, target: Path) -> None:
        """The written report (dangvien.reports), in party format, as Word or PDF."""
        from dangvien.reports import files

        try:
            made = files.progress_file(plan=plan, unit=unit, as_of=day, user=user, fmt=fmt)
        except (files.ReportRefused, files.PdfUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        try:
            target.write_bytes(made.content)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {target}: {exc.strerror}.") from exc
        files.audit_progress_file(made, plan=plan, unit=unit, fmt=fmt, by=user or BY,
                                  via="dòng lệnh")
        self.stdout.write(f"Đã ghi báo cáo kết quả thực hiện Kế hoạch số {plan.number} của "
                          f"{unit.name}, tính đến ngày {vn.format_date(day)}, vào {target}.")

    @staticmethod
    def _audit(plan, unit, day, user, fmt: str, target: Path) -> None:
        """A file of the progress figures written: one audit row, as for the Word file."""
        audit_report(by=user or BY, kind="progress", unit=unit, as_of=day, fmt=fmt,
                     title=f"Tiến độ thực hiện Kế hoạch số {plan.number}", file=target.name,
                     detail={"plan": plan.number, "plan_id": plan.pk}, via="dòng lệnh")

    @staticmethod
    def _plan(number: str, year: int, user, unit: OrgUnit | None) -> Plan:
        plans = [p for p in Plan.objects.filter(number=normalize_number(number), year=year)
                 .select_related("unit").order_by("unit__path")
                 if plan_visible(user, p)]
        if len(plans) > 1 and unit is not None:
            plans = [p for p in plans if unit.path.startswith(p.unit.path)] or plans
        if not plans:
            where = f" trong phạm vi của người dùng {user.username}" if user is not None else ""
            raise CommandError(f"Không tìm thấy Kế hoạch số {number} năm {year}{where}.")
        if len(plans) > 1:
            units = ", ".join(f"{p.unit.name} ({p.unit.code})" for p in plans)
            raise CommandError(f"Có {len(plans)} kế hoạch số {number} năm {year}: {units}. "
                               "Hãy ghi --unit để chọn.")
        return plans[0]
