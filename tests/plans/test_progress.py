"""Progress against plan 77-KH/TU (Hòa Bình, 2022) as of a date: Kim Bôi's 46 of 150 by
31/05/2022 (30,7%, expected 41,7% on a straight line, behind), the day the target was
reached, the forecast from the pipeline and last year's same-day conversion, history
after a 2025 merger, and scope.

Candidacies are written straight to the table with the dates each test needs, as the
deadline tests do; the services' checks are not what these tests are about. The
fixtures here are shared with the page, chart and command tests.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dangvien.admission import counts
from dangvien.admission.models import Candidacy, Source, Stage
from dangvien.core import calendar
from dangvien.org.models import OrgUnit
from dangvien.org.services import unit_merge
from dangvien.plans.models import Allocation, Plan, PlanStatus, PlanVersion
from dangvien.plans.progress import (
    EXPECTED_LINEAR,
    MIN_LEAD_WORKING_DAYS,
    ProgressStatus,
    progress_table,
)
from tests.web.helpers import bulk_people

pytestmark = pytest.mark.django_db

PLAN_DAY = dt.date(2022, 2, 14)
MAY_END = dt.date(2022, 5, 31)
YEAR_END = dt.date(2022, 12, 31)
REACHED = dt.date(2022, 10, 27)  # the day of Kim Bôi's 150th admission

_n = itertools.count(1)


def days_in(year: int, per_month: dict[int, int]) -> list[dt.date]:
    """`count` decision days in each month: the 1st, 2nd, … (at most the 27th)."""
    return [dt.date(year, m, 1 + i % 27) for m, count in per_month.items() for i in range(count)]


def write(cell, count: int, **fields) -> list[Candidacy]:
    """`count` candidacies in `cell` with the given dates and stage, one new person each."""
    people = bulk_people(cell, [f"Người Thử {next(_n)}" for _ in range(count)])
    fields.setdefault("source", Source.OTHER)
    fields.setdefault("stage", Stage.SOURCE)
    fields.setdefault("stage_on", fields["identified_on"])
    made = Candidacy.objects.bulk_create(Candidacy(person=p, cell=cell, **fields) for p in people)
    counts.rebuild()  # bulk_create skips save(), as the demo's loader does
    return made


def admit(cell, days: list[dt.date]) -> None:
    """One admission decision in `cell` on each of `days`."""
    people = bulk_people(cell, [f"Đảng Viên Mới {next(_n)}" for _ in days])
    Candidacy.objects.bulk_create(
        Candidacy(person=p, cell=cell, source=Source.YOUTH_UNION, stage=Stage.DECIDED, stage_on=d,
                  identified_on=d - dt.timedelta(days=300), class_done_on=d - dt.timedelta(days=200),
                  dossier_done_on=d - dt.timedelta(days=90),
                  cell_resolution_on=d - dt.timedelta(days=40),
                  grassroots_resolution_on=d - dt.timedelta(days=30), decision_on=d)
        for p, d in zip(people, days, strict=True))
    counts.rebuild()


@pytest.fixture(autouse=True, params=["counters", "candidacies"])
def source(request, settings):
    """Every test twice: the dashboard read from the maintained counters, and from the
    candidacies themselves (counters off): the figures must be the same."""
    settings.DANGVIEN_COUNTED_DEPTH = 3 if request.param == "counters" else 0
    return request.param


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


def issue(plan: Plan, target: int, on: dt.date, allocations: dict) -> PlanVersion:
    version = PlanVersion.objects.create(plan=plan, revision=1, status=PlanStatus.ISSUED,
                                         issued_on=on, target=target)
    Allocation.objects.bulk_create(Allocation(version=version, unit=u, target=t)
                                   for u, t in allocations.items())
    return version


@pytest.fixture
def plan77(province) -> Plan:
    """Kế hoạch số 77-KH/TU ngày 14/02/2022: at least 1.600; Kim Bôi 150, Lạc Sơn 120."""
    plan = Plan.objects.create(unit=province.tu, year=2022, number="77-KH/TU",
                               title="Kế hoạch phát triển đảng viên năm 2022")
    issue(plan, 1600, PLAN_DAY, {province.kb: 150, province.ls: 120})
    return plan


@pytest.fixture
def kb_plan(province, plan77) -> Plan:
    """Kim Bôi's own plan: Vĩnh Đồng 100, the high school 50."""
    plan = Plan.objects.create(unit=province.kb, year=2022, number="25-KH/HU", parent=plan77,
                               title="Kế hoạch phát triển đảng viên năm 2022 của Huyện ủy Kim Bôi")
    issue(plan, 150, dt.date(2022, 3, 1), {province.kb_commune: 100, province.kb_school: 50})
    return plan


#: Kim Bôi's 46 decisions from January to May 2022, as the press reported.
KB_JAN_MAY = days_in(2022, {1: 8, 2: 10, 3: 9, 4: 9, 5: 10})
#: 104 more from June to 27 October: the 150th is on REACHED.
KB_JUN_OCT = days_in(2022, {6: 20, 7: 22, 8: 20, 9: 22, 10: 19}) + [REACHED]


@pytest.fixture
def kb_admitted(province):
    """46 by 31/05/2022: 20 in Mớ Đá, 16 in Chanh (both Vĩnh Đồng), 10 at the high school."""
    assert len(KB_JAN_MAY) == 46 and len(KB_JUN_OCT) == 104
    admit(province.kb_cell, KB_JAN_MAY[:20])
    admit(province.kb_cell2, KB_JAN_MAY[20:36])
    admit(province.kb_school, KB_JAN_MAY[36:])


@pytest.fixture
def ls_admitted(province):
    """Lạc Sơn: 30 by 31/05/2022, nothing in its pipeline."""
    admit(province.ls_cell, days_in(2022, {1: 6, 2: 6, 3: 6, 4: 6, 5: 6}))


@pytest.fixture
def kb_pipeline(province):
    """Kim Bôi's pipeline on 31/05/2022, and last year's conversion from the same day.

    On 31/05/2021, 20 candidates had a complete dossier: 15 were admitted by 31/12/2021
    (75%). 25 had finished the awareness class: 10 were admitted by then (40%). The rest
    stopped. On 31/05/2022: 40 with a complete dossier, 100 with the class, 3 sources.
    """
    cell = province.kb_cell
    start = {"identified_on": dt.date(2021, 1, 10), "class_done_on": dt.date(2021, 3, 1)}
    decided = {"stage": Stage.DECIDED, "cell_resolution_on": dt.date(2021, 7, 1),
               "grassroots_resolution_on": dt.date(2021, 7, 15)}
    stopped = {"stage": Stage.WITHDRAWN}
    dossier = {**start, "dossier_done_on": dt.date(2021, 4, 1)}
    write(cell, 15, **dossier, **decided, decision_on=dt.date(2021, 8, 10))
    write(cell, 5, **dossier, **stopped, closed_on=dt.date(2021, 9, 1))
    write(cell, 10, **start, **decided, dossier_done_on=dt.date(2021, 9, 1),
          decision_on=dt.date(2021, 11, 15))
    write(cell, 15, **start, **stopped, closed_on=dt.date(2021, 10, 1))

    now = {"identified_on": dt.date(2022, 1, 5), "class_done_on": dt.date(2022, 3, 1)}
    write(cell, 40, **now, stage=Stage.DOSSIER_DONE, dossier_done_on=dt.date(2022, 4, 20))
    write(cell, 100, **now, stage=Stage.CLASS_DONE)
    write(cell, 3, identified_on=dt.date(2022, 4, 1))


#: 46 + 40 × 15/20 + 100 × 10/25 + 3 × 0 (no history of sources: no rate).
KB_FORECAST = 46 + 40 * 15 / 20 + 100 * 10 / 25


@pytest.fixture
def kim_boi(plan77, kb_admitted, kb_pipeline, ls_admitted):
    return plan77


def row_of(table, code):
    (row,) = [r for r in table.rows if r.unit.code == code]
    return row


# --- the press figure ----------------------------------------------------------------------


def test_kim_boi_reads_46_of_150_on_31_may(kim_boi, province):
    table = progress_table(plan=kim_boi, unit=province.tu, as_of=MAY_END)
    kb = row_of(table, "KB")
    assert (kb.target, kb.admitted, kb.percent) == (150, 46, 30.7)
    assert kb.expected_percent == 41.7
    assert kb.expected_method == EXPECTED_LINEAR  # fewer than two earlier years of admissions
    assert kb.status == ProgressStatus.BEHIND
    assert kb.target_reached_on is None
    assert kb.pipeline == {"nguon": 3, "da_hoc_lop": 100, "du_ho_so": 40, "chi_bo_de_nghi": 0,
                           "dang_uy_de_nghi": 0}
    assert table.counts_on == "decision"
    assert table.counts_on_label == "ngày quyết định kết nạp"
    # The province's own line: its plan's target, everyone admitted under it.
    assert (table.total.target, table.total.admitted) == (1600, 46 + 30)


def test_without_a_pipeline_the_same_figures_are_at_risk(plan77, kb_admitted, province):
    """Nothing recorded behind the 46: even the forecast (46) is under 70% of 150."""
    kb = row_of(progress_table(plan=plan77, unit=province.tu, as_of=MAY_END), "KB")
    assert (kb.percent, kb.forecast) == (30.7, 46)
    assert kb.status == ProgressStatus.AT_RISK


def test_at_risk_units_come_first(kim_boi, province):
    table = progress_table(plan=kim_boi, unit=province.tu, as_of=MAY_END)
    assert [r.unit.code for r in table.rows] == ["LS", "KB"]
    assert [r.unit.code for r in table.at_risk] == ["LS"]
    ls = table.at_risk[0]
    assert (ls.admitted, ls.target, ls.percent, ls.forecast) == (30, 120, 25.0, 30)


def test_on_31_december_the_target_is_reached_on_the_150th_admission(kim_boi, province):
    admit(province.kb_school, KB_JUN_OCT)
    kb = row_of(progress_table(plan=kim_boi, unit=province.tu, as_of=YEAR_END), "KB")
    assert (kb.admitted, kb.percent, kb.expected_percent) == (150, 100.0, 100.0)
    assert kb.target_reached_on == REACHED
    assert kb.status == ProgressStatus.DONE
    # The day before, one short.
    before = row_of(progress_table(plan=kim_boi, unit=province.tu,
                                   as_of=REACHED - dt.timedelta(days=1)), "KB")
    assert before.admitted == 149 and before.target_reached_on is None


def test_chart_is_cumulative_by_month_up_to_the_day(kim_boi, province):
    table = progress_table(plan=kim_boi, unit=province.kb, as_of=MAY_END)
    assert [p.admitted for p in table.chart] == [8, 18, 27, 36, 46] + [None] * 7
    assert table.chart[-1].expected == pytest.approx(150)
    assert table.chart[4].expected == pytest.approx(150 * 5 / 12)


# --- forecast ------------------------------------------------------------------------------


def test_forecast_is_admitted_plus_pipeline_times_last_years_conversion(kim_boi, province):
    kb = row_of(progress_table(plan=kim_boi, unit=province.tu, as_of=MAY_END), "KB")
    assert KB_FORECAST == 116
    assert kb.forecast == pytest.approx(KB_FORECAST)
    assert kb.forecast_count == 116


def test_a_source_on_20_november_cannot_be_admitted_this_year(plan77, province):
    """Last year half of the sources of that time were admitted by 31/12; but a source
    needs at least 45 working days to a decision, which 20/11 no longer leaves."""
    cell = province.ls_cell
    write(cell, 10, identified_on=dt.date(2021, 9, 1), stage=Stage.DECIDED,
          decision_on=dt.date(2021, 12, 20))
    write(cell, 10, identified_on=dt.date(2021, 9, 1), stage=Stage.WITHDRAWN,
          closed_on=dt.date(2022, 1, 10))
    write(cell, 1, identified_on=dt.date(2022, 9, 1))  # a source this year

    def ls_on(day):
        return row_of(progress_table(plan=plan77, unit=province.tu, as_of=day), "LS")

    late = ls_on(dt.date(2022, 11, 20))
    assert late.pipeline["nguon"] == 1
    assert calendar.add_working_days(dt.date(2022, 11, 20),
                                     MIN_LEAD_WORKING_DAYS[Stage.SOURCE]) > YEAR_END
    assert late.forecast == late.admitted == 0
    # In September there was still time: the same source counts at last year's 50%.
    early = ls_on(dt.date(2022, 9, 20))
    assert early.pipeline["nguon"] == 1
    assert early.forecast == pytest.approx(0.5)


# --- history and scope ---------------------------------------------------------------------


def test_a_unit_merged_in_2025_keeps_its_2022_figures_under_its_2022_parent(
        kim_boi, kb_plan, province):
    before = progress_table(plan=kim_boi, unit=province.kb, as_of=MAY_END)
    unit_merge(by=None, units=[province.kb_commune], into=province.ls_commune,
               effective=dt.date(2025, 7, 1))

    tu = progress_table(plan=kim_boi, unit=province.tu, as_of=MAY_END)
    assert (row_of(tu, "KB").admitted, row_of(tu, "KB").percent) == (46, 30.7)
    assert row_of(tu, "LS").admitted == 30
    kb = progress_table(plan=kim_boi, unit=province.kb, as_of=MAY_END)
    assert [(r.unit.code, r.target, r.admitted) for r in kb.rows] == [
        (r.unit.code, r.target, r.admitted) for r in before.rows]
    assert (row_of(kb, "KB.01").target, row_of(kb, "KB.01").admitted) == (100, 36)
    assert row_of(kb, "KB.01").has_children
    # Today Vĩnh Đồng is part of Ân Nghĩa, in Lạc Sơn; in 2022 nothing of it counts there.
    ls = progress_table(plan=kim_boi, unit=province.ls, as_of=MAY_END)
    assert ls.total.admitted == 30


def test_a_merged_units_own_line_keeps_its_2022_target(kim_boi, kb_plan, province):
    unit_merge(by=None, units=[province.kb_commune], into=province.ls_commune,
               effective=dt.date(2025, 7, 1))
    commune = OrgUnit.objects.get(code="KB.01")  # as a page would read it, after the merger
    table = progress_table(plan=kim_boi, unit=commune, as_of=MAY_END)
    assert (table.total.admitted, table.total.target) == (36, 100)


def test_the_kim_boi_officer_counts_kim_boi_only(kim_boi, province, personas):
    table = progress_table(plan=kim_boi, unit=province.kb, as_of=MAY_END, user=personas.kimboi)
    assert [r.unit.code for r in table.rows] == ["KB.01", "KB.02"]
    assert table.total.admitted == 46
    # Asked for the province, her scope still counts only Kim Bôi's admissions.
    whole = progress_table(plan=kim_boi, unit=province.tu, as_of=MAY_END, user=personas.kimboi)
    assert whole.total.admitted == 46
    assert row_of(whole, "LS").admitted == 0
