"""The demo's reporting periods of 2022 and a few Quý I/2022 reports, so the completeness
table and the home page show something: Kim Bôi's officer has submitted for some of its
grassroots organisations and for the district, the province has approved two of them
(the last ones, so the demo's other walks through Kim Bôi's first units stay open), and
Lạc Sơn has submitted for two."""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.contrib.auth import get_user_model

from dangvien.core.errors import DomainError
from dangvien.org.models import GRASSROOTS_KINDS, OrgUnit
from dangvien.periods import services
from dangvien.periods.models import PeriodReport, ReportAction, ReportingPeriod

D = dt.date
#: What `reset_demo` deletes, in this order.
RESET_MODELS = (("period_report_actions", ReportAction), ("period_reports", PeriodReport),
                ("reporting_periods", ReportingPeriod))
PERIODS = [  # kind, label, start, end, due dates of cell, grassroots, district, province
    ("quy", "Quý I/2022", D(2022, 1, 1), D(2022, 3, 31), D(2022, 4, 5), D(2022, 4, 10),
     D(2022, 4, 15), D(2022, 4, 20)),
    ("quy", "Quý II/2022", D(2022, 4, 1), D(2022, 6, 30), D(2022, 7, 5), D(2022, 7, 10),
     D(2022, 7, 15), D(2022, 7, 20)),
    ("quy", "Quý III/2022", D(2022, 7, 1), D(2022, 9, 30), D(2022, 10, 5), D(2022, 10, 10),
     D(2022, 10, 15), D(2022, 10, 20)),
    ("quy", "Quý IV/2022", D(2022, 10, 1), D(2022, 12, 31), D(2023, 1, 5), D(2023, 1, 10),
     D(2023, 1, 15), D(2023, 1, 20)),
    ("sau_thang", "6 tháng đầu năm 2022", D(2022, 1, 1), D(2022, 6, 30), D(2022, 7, 5),
     D(2022, 7, 10), D(2022, 7, 15), D(2022, 7, 20)),
    ("sau_thang", "6 tháng cuối năm 2022", D(2022, 7, 1), D(2022, 12, 31), D(2023, 1, 5),
     D(2023, 1, 10), D(2023, 1, 15), D(2023, 1, 20)),
    ("nam", "Năm 2022", D(2022, 1, 1), D(2022, 12, 31), D(2023, 1, 5), D(2023, 1, 10),
     D(2023, 1, 15), D(2023, 1, 20)),
]
NARRATIVE = ("1. Kết quả Quý I/2022: kết nạp đúng quy trình, chất lượng bảo đảm.\n"
             "2. Tồn tại, hạn chế: nguồn kết nạp ở thôn, bản vùng cao còn ít.\n"
             "3. Nguyên nhân: thanh niên đi làm ăn xa.\n"
             "4. Giải pháp: phối hợp với Đoàn xã giới thiệu quần chúng ưu tú, mở lớp bồi dưỡng "
             "nhận thức về Đảng trong quý II.")


def build_periods(*, stdout: IO[str] | None = None) -> int:
    """Write the periods of 2022 and the Quý I/2022 reports; return how many reports."""
    periods = [services.period_create(by=None, kind=k, label=label, starts_on=s, ends_on=e,
                                      due_cell=c, due_grassroots=g, due_district=d,
                                      due_province=p, today=D(2022, 12, 31))
               for k, label, s, e, c, g, d, p in PERIODS]
    q1 = periods[0]
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["tinhuy", "kimboi", "lacson"])}
    made = 0
    for district, submit, approve in (("KB", 4, 2), ("LS", 2, 0)):
        unit = OrgUnit.objects.filter(code=district).first()
        if unit is None:
            continue
        grassroots = list(OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1,
                                                 kind__in=GRASSROOTS_KINDS).order_by("-path")[:submit])
        officer = users.get({"KB": "kimboi", "LS": "lacson"}[district])
        for i, g in enumerate(grassroots):
            try:
                report = services.report_submit(by=officer, period=q1, unit=g, narrative=NARRATIVE)
            except DomainError:  # no allocation for it at this scale
                continue
            made += 1
            if i < approve:
                services.report_approve(by=users.get("tinhuy"), report=report,
                                        comment="Đồng ý với báo cáo.")
        if district == "KB":
            services.report_submit(by=officer, period=q1, unit=unit, narrative=NARRATIVE)
            made += 1
    if stdout is not None:
        stdout.write(f"Đã tạo {len(periods)} kỳ báo cáo năm 2022 và {made} báo cáo Quý I/2022.\n")
    return made
