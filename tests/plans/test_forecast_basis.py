"""Statuses that stay true with little history (issue 15, point 6): a new installation
with one year of data has no earlier years to forecast from, so the pace decides; "at
risk" needs a forecast with a basis and is never said of a unit ahead of the pace; a
target of 0 is "không giao chỉ tiêu"; tiny targets come last among the units at risk; the
JSON, the page and the Word report say what a forecast stands on."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from dangvien.admission import counts
from dangvien.admission.models import Candidacy, Source, Stage
from dangvien.plans.models import Plan
from dangvien.plans.progress import ForecastBasis, ProgressStatus, progress_table
from tests.web.helpers import bulk_people

from .test_progress import MAY_END, issue, row_of

pytestmark = pytest.mark.django_db


def decided(cell, days: list[dt.date]) -> None:
    """Admissions of 2022 whose whole path is in 2022: nothing from earlier years."""
    people = bulk_people(cell, [f"Người Mới {cell.code} {i}" for i in range(len(days))])
    Candidacy.objects.bulk_create(
        Candidacy(person=p, cell=cell, source=Source.OTHER, stage=Stage.DECIDED, stage_on=d,
                  identified_on=dt.date(2022, 1, 1), decision_on=d)
        for p, d in zip(people, days, strict=True))
    counts.rebuild()


@pytest.fixture
def first_year(province):
    """Kim Bôi at 74 of 150 (49,3%) on 31/05/2022, Lạc Sơn at 30 of 120 (25,0%), the high
    school given 0: one year of data, as on a new installation."""
    plan = Plan.objects.create(unit=province.tu, year=2022, number="77-KH/TU", title="2022")
    issue(plan, 1600, dt.date(2022, 2, 14), {province.kb: 150, province.ls: 120})
    kb_plan = Plan.objects.create(unit=province.kb, year=2022, number="25-KH/HU", title="2022",
                                  parent=plan)
    issue(kb_plan, 150, dt.date(2022, 3, 1), {province.kb_commune: 150, province.kb_school: 0})
    decided(province.kb_cell, [dt.date(2022, 1 + i % 5, 3 + i % 20) for i in range(74)])
    decided(province.ls_cell, [dt.date(2022, 1 + i % 5, 3 + i % 20) for i in range(30)])
    return plan


def test_a_unit_ahead_of_the_pace_in_its_first_year_reads_ahead(first_year, province):
    table = progress_table(plan=first_year, unit=province.tu, as_of=MAY_END)
    kb, ls = row_of(table, "KB"), row_of(table, "LS")
    assert (kb.percent, kb.expected_percent) == (49.3, 41.7)
    assert kb.status == ProgressStatus.AHEAD and kb.forecast_basis == ForecastBasis.NONE
    # Behind the pace, but with no earlier years nobody can say it will not make it.
    assert (ls.percent, ls.status) == (25.0, ProgressStatus.BEHIND)
    assert table.at_risk == []


def test_a_target_of_0_is_not_done(first_year, province):
    table = progress_table(plan=first_year, unit=province.kb, as_of=MAY_END)
    school = row_of(table, "KB.02")
    assert (school.target, school.status) == (0, ProgressStatus.ZERO)
    assert school.status_label == "Không giao chỉ tiêu"


def test_the_report_and_the_page_say_there_is_no_basis(first_year, province, personas,
                                                       client):
    out = io.StringIO()
    call_command("report", "progress", "--plan", "77-KH/TU", "--format", "json",
                 "--as-of", "2022-05-31", stdout=out, stderr=io.StringIO())
    data = json.loads(out.getvalue())
    kb = next(r for r in data["rows"] if r["unit_code"] == "KB")
    assert (kb["status"], kb["forecast_basis"]) == ("vuot_tien_do", "chua_du")
    client.force_login(personas.provincial)
    page = client.get(f"/ke-hoach/tien-do/?ke-hoach={first_year.pk}&don-vi=TU"
                      "&ngay=31/05/2022").content.decode()
    assert "chưa đủ số liệu để dự báo" in page
    assert "Có nguy cơ không đạt" not in page


def test_tiny_targets_come_last_among_the_units_at_risk(province):
    from dangvien.org.services import unit_create

    plan = Plan.objects.create(unit=province.tu, year=2022, number="77-KH/TU", title="2022")
    tiny = unit_create(by=None, parent=province.tu, code="NHO", name="Đảng bộ Nhỏ",
                       kind="khoi", valid_from=dt.date(2020, 10, 1))
    issue(plan, 300, dt.date(2022, 2, 14), {province.kb: 150, tiny: 2})
    # Earlier years: 30 candidates with a dossier on 31/10/2021, none admitted that year.
    people = bulk_people(province.ls_cell, [f"Nguồn Cũ {i}" for i in range(30)])
    Candidacy.objects.bulk_create(
        Candidacy(person=p, cell=province.ls_cell, source=Source.OTHER,
                  stage=Stage.WITHDRAWN, stage_on=dt.date(2021, 11, 15),
                  identified_on=dt.date(2021, 1, 5), class_done_on=dt.date(2021, 3, 1),
                  dossier_done_on=dt.date(2021, 4, 1), closed_on=dt.date(2021, 11, 15))
        for p in people)
    counts.rebuild()
    table = progress_table(plan=plan, unit=province.tu, as_of=dt.date(2022, 10, 31))
    at_risk = [r.unit.code for r in table.rows if r.status == ProgressStatus.AT_RISK]
    assert at_risk == ["KB", "NHO"]
    assert row_of(table, "NHO").forecast_basis == ForecastBasis.WIDER


def test_the_word_report_says_when_there_is_no_basis(first_year, province):
    from dangvien.reports.progress_report import progress_document, progress_report

    def text(unit):
        doc = progress_document(progress_report(plan=first_year, unit=unit, as_of=MAY_END,
                                                user=None))
        return "\n".join(doc.texts())

    assert "Chưa đủ số liệu các năm trước để dự báo số kết nạp đến ngày 31/12/2022" in text(
        province.tu)
