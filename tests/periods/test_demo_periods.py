"""The demo province shows the feature: the periods of 2022 and a few Quý I/2022 reports."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.demo.builder import build_demo
from dangvien.org.models import OrgUnit
from dangvien.periods import selectors
from dangvien.periods.models import PeriodReport, ReportingPeriod, ReportStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_2022_periods_and_quarter_one_reports():
    build_demo(scale=0.02)
    assert sorted(ReportingPeriod.objects.values_list("label", flat=True)) == sorted([
        "Quý I/2022", "Quý II/2022", "Quý III/2022", "Quý IV/2022", "6 tháng đầu năm 2022",
        "6 tháng cuối năm 2022", "Năm 2022"])
    q1 = ReportingPeriod.objects.get(label="Quý I/2022")
    assert PeriodReport.objects.filter(period=q1, status=ReportStatus.APPROVED).count() == 2
    assert PeriodReport.objects.filter(period=q1, unit__code="KB",
                                       status=ReportStatus.SUBMITTED).exists()
    tu = OrgUnit.objects.get(depth=1)
    table = selectors.completeness(user=None, period=q1, unit=tu, as_of=dt.date(2022, 5, 31))
    assert table.submitted >= 5 and table.approved == 2 and table.overdue > 0
