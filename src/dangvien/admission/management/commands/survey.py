"""`dangvien survey`: take the quarterly candidate survey for the tree or a subtree."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dangvien.admission.models import Stage
from dangvien.admission.surveys import SURVEY_STAGES, SurveyLevel, quarter_bounds, survey_take_all
from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit


class Command(BaseCommand):
    help = (
        "Lập khảo sát nguồn kết nạp theo quý: số quần chúng ưu tú chưa có quyết định kết nạp, "
        "theo bước và theo nguồn giới thiệu, tính đến ngày cuối quý, cho mỗi tổ chức cơ sở "
        "đảng và mỗi cấp ủy cấp trên. Lập lại một quý thì số liệu mới thay số liệu cũ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, metavar="NAM",
                            help="năm, ví dụ 2022")
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4],
                            metavar="QUY", help="quý: 1, 2, 3 hoặc 4")
        parser.add_argument("--unit", metavar="MA",
                            help="chỉ lập cho đơn vị có mã này và các đơn vị trực thuộc; "
                                 "mặc định toàn bộ")
        parser.add_argument(
            "--level", choices=list(SurveyLevel.values), default=SurveyLevel.GRASSROOTS.value,
            help="những đơn vị được lập: co_so = tổ chức cơ sở đảng và các cấp trên (mặc "
                 "định); chi_bo = cả các chi bộ trực thuộc; cap_tren = chỉ các cấp ủy cấp "
                 "trên cơ sở")

    def handle(self, *args, **options):
        unit = None
        if options["unit"]:
            unit = OrgUnit.objects.filter(code=options["unit"].strip()).first()
            if unit is None:
                raise CommandError(f"Không tìm thấy đơn vị '{options['unit']}'.")
        year, quarter = options["year"], options["quarter"]
        try:
            surveys = survey_take_all(by=None, year=year, quarter=quarter, unit=unit,
                                      level=options["level"], progress=self._progress)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        last = quarter_bounds(year, quarter)[1]
        self.stdout.write(self.style.SUCCESS(
            f"Đã lập khảo sát nguồn kết nạp quý {quarter}/{year} (đến hết ngày "
            f"{vn.format_date(last)}) cho {vn.format_number(len(surveys))} đơn vị."))
        if surveys:
            top = surveys[0]
            self.stdout.write(
                f"{top.unit.name}: {vn.format_number(top.total)} quần chúng chưa có quyết định "
                "kết nạp.")
            for stage in SURVEY_STAGES:
                self.stdout.write(f"  {Stage(stage).label}: "
                                  f"{vn.format_number(top.by_stage.get(stage, 0))}")

    def _progress(self, done: int, total: int) -> None:
        # One line, rewritten in place on a terminal; a few lines when output is a file.
        line = f"Đang lập khảo sát: {vn.format_number(done)}/{vn.format_number(total)} đơn vị"
        if self.stderr.isatty():
            self.stderr.write(f"\r{line}", ending="\n" if done == total else "")
        elif done == total or done % max(total // 4, 1) == 0:
            self.stderr.write(line)
