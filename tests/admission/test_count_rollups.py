"""The month rollups of the admission counters (issue 17): the dashboard reads the month
rows for the months before its date, the days of at most one month on the nearer side of
the date, and the days of the month in which a unit reached its target.

Whatever has been written (admissions, a correction, a closing, an import, a move, a
merge, a split), the dashboard shows exactly what a count over the candidacies shows, on
every kind of date (early or late in a month, in either half of the year, the end of a
month, the day a target is reached); every month row is the sum of its days; the
rebuild and the migration of a database counted before the rollups fill them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.db import connection

from dangvien.admission import corrections, counts
from dangvien.admission import services as adm
from dangvien.admission.models import AdmissionCount, Candidacy, Source, Stage
from dangvien.org.models import UnitKind
from dangvien.org.services import SplitPart, unit_create, unit_merge, unit_move, unit_split
from dangvien.plans.progress import progress_table
from tests.admission.conftest import TODAY
from tests.admission.test_counts import assert_as_if_counted_afresh, one_by_one
from tests.admission.test_path import walk_to_ceremony
from tests.plans.test_progress import (  # noqa: F401 - the fixtures
    KB_JUN_OCT,
    REACHED,
    admit,
    kb_admitted,
    kb_pipeline,
    kb_plan,
    kim_boi,
    ls_admitted,
    plan77,
)

pytestmark = pytest.mark.django_db

#: Early and late in months of both halves of the year, months' ends, 1 January,
#: 31 December, the day Kim Bôi reaches 150 (27/10) and the days around it.
DAYS = [dt.date(2022, 1, 1), dt.date(2022, 1, 15), dt.date(2022, 2, 16), dt.date(2022, 2, 28),
        dt.date(2022, 5, 31), dt.date(2022, 6, 1), dt.date(2022, 6, 30), dt.date(2022, 7, 1),
        dt.date(2022, 7, 16), dt.date(2022, 9, 14), REACHED - dt.timedelta(days=1), REACHED,
        dt.date(2022, 10, 31), dt.date(2022, 11, 20), dt.date(2022, 12, 31)]


def everything(table, *, history: bool = True) -> dict:
    """Every figure of the table a reader sees, per row and in total.

    `history` False leaves out what stands on earlier years (the seasonal curve, the
    conversion rates, so the forecast and the status): after a move the counters count
    those where the cells stood at the time, the candidacies in the tree of the day
    (docs/decisions.md, "Maintained admission counters")."""
    def line(p):
        if not history:
            return (p.target, p.admitted, p.percent, p.target_reached_on, p.pipeline)
        return (p.target, p.admitted, p.percent, p.expected_percent, p.expected_method, p.status,
                round(p.forecast, 6), p.forecast_basis, p.target_reached_on, p.pipeline)
    return {"rows": {r.unit.code: line(r) for r in table.rows}, "total": line(table.total),
            "chart": [(c.month, c.admitted, c.expected and round(c.expected, 6) if history else 0)
                      for c in table.chart]}


def assert_same_both_ways(settings, plan, units, days=DAYS, *, history: bool = True) -> None:
    for on in days:
        for unit in units:
            settings.DANGVIEN_COUNTED_DEPTH = 3
            from_counters = everything(progress_table(plan=plan, unit=unit, as_of=on),
                                       history=history)
            settings.DANGVIEN_COUNTED_DEPTH = 0
            from_candidacies = everything(progress_table(plan=plan, unit=unit, as_of=on),
                                          history=history)
            settings.DANGVIEN_COUNTED_DEPTH = 3
            assert from_counters == from_candidacies, (unit.code, on)


def assert_months_add_up_their_days() -> None:
    days: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    for unit_id, day, da, dc in AdmissionCount.objects.filter(grain="D").values_list(
            "unit_id", "day", "da", "dc"):
        month = days[(unit_id, day.replace(day=1))]
        month[0] += da
        month[1] += dc
    months = {(u, d): [da, dc] for u, d, da, dc in AdmissionCount.objects.filter(grain="M")
              .values_list("unit_id", "day", "da", "dc") if da or dc}
    assert months == {k: v for k, v in days.items() if any(v)}


@pytest.fixture
def reached(province, kim_boi, kb_plan):  # noqa: F811
    """Kim Bôi's 150 by 27/10/2022 (its target), Lạc Sơn's 30, pipelines and last year."""
    admit(province.kb_cell, KB_JUN_OCT[:60])
    admit(province.kb_school, KB_JUN_OCT[60:])
    return kim_boi


def test_every_kind_of_day_reads_the_same_as_the_candidacies(settings, province, reached):
    assert_months_add_up_their_days()
    assert_same_both_ways(settings, reached, [province.tu, province.kb])
    table = progress_table(plan=reached, unit=province.tu, as_of=dt.date(2022, 12, 31))
    kb = next(r for r in table.rows if r.unit.code == "KB")
    assert (kb.admitted, kb.target_reached_on) == (150, REACHED)


def test_the_dashboard_reads_months_not_days(settings, province, reached):
    """On 31/12 with the target reached: the month rows of the year and of the three years
    before, the days of October only (the month Kim Bôi reached 150)."""
    from django.test.utils import CaptureQueriesContext

    settings.DANGVIEN_COUNTED_DEPTH = 3
    with CaptureQueriesContext(connection) as ctx:
        progress_table(plan=reached, unit=province.tu, as_of=dt.date(2022, 12, 31))
    day_reads = [q["sql"] for q in ctx.captured_queries if "grain = 'D'" in q["sql"]]
    assert len(day_reads) == 1 and "2022-10-01" in day_reads[0]


def test_writes_of_every_kind_keep_rollups_and_dashboard_right(settings, province, reached,
                                                                 ready, personas):
    # An admission through the services, then its decision date corrected to another month.
    c = walk_to_ceremony(ready)
    corrections.candidacy_correct(
        by=personas.kimboi, candidacy=c, step="quyet-dinh", today=TODAY,
        reason="Ghi nhầm ngày trên quyết định", values={"decision_on": dt.date(2022, 3, 28)})
    # A closing, and a candidacy deleted.
    [closing, gone] = one_by_one(province.kb_cell2, 2, identified_on=dt.date(2022, 2, 1))
    adm.candidacy_close(by=None, candidacy=closing, outcome=Stage.WITHDRAWN,
                        on=dt.date(2022, 6, 20), reason="Chuyển công tác", today=TODAY)
    gone.delete()
    # Admissions saved one by one late in a month and on a month's last day.
    for day in (dt.date(2022, 5, 30), dt.date(2022, 9, 30), dt.date(2022, 12, 31)):
        one_by_one(province.ls_cell, 1, identified_on=day - dt.timedelta(days=120),
                   stage=Stage.DECIDED, class_done_on=day - dt.timedelta(days=60),
                   decision_on=day, ceremony_on=day)
    assert_months_add_up_their_days()
    assert_as_if_counted_afresh()
    assert_same_both_ways(settings, reached, [province.tu, province.kb])


def test_restructuring_keeps_rollups_and_dashboard_right(settings, province, reached):
    """A commune moved to Lạc Sơn, two cells merged, then the commune split, mid-year."""
    unit_move(by=None, unit=province.kb_commune, new_parent=province.ls,
              effective=dt.date(2022, 5, 15))
    unit_merge(by=None, units=[province.kb_cell2], into=province.kb_cell,
               effective=dt.date(2022, 6, 1))
    extra = unit_create(by=None, parent=province.kb_commune, code="KB.01.09",
                        name="Chi bộ xóm Mới", kind=UnitKind.CELL, valid_from=dt.date(2022, 1, 1))
    unit_split(by=None, unit=province.kb_commune, effective=dt.date(2022, 7, 1), parts=[
        SplitPart(code="LS.05", name="Đảng bộ xã Vĩnh Đồng A", children=["KB.01.01"]),
        SplitPart(code="LS.06", name="Đảng bộ xã Vĩnh Đồng B", children=[extra.code]),
    ])
    assert_months_add_up_their_days()
    assert_as_if_counted_afresh()
    assert_same_both_ways(settings, reached, [province.tu, province.kb, province.ls],
                          days=[dt.date(2022, 5, 14), dt.date(2022, 5, 31), dt.date(2022, 6, 16),
                                REACHED, dt.date(2022, 12, 31)], history=False)


def test_an_import_keeps_rollups_and_dashboard_right(settings, province, reached, personas,
                                                     tmp_path):
    from tests.exchange.conftest import imp, texts, write_xlsx
    from tests.exchange.test_import_candidates_history import HEADERS, row

    rows = [row(f"Người Nhập {i}", f"0171980009{i:02d}", identified=dt.date(2021, 9, 1),
                klass=dt.date(2021, 10, 1), cell_on=dt.date(2022, 2, 1),
                grassroots_on=dt.date(2022, 2, 10), decision_on=dt.date(2022, 2, 20 + i),
                decision_no=f"{311 + i}-QĐ/HU", ceremony=dt.date(2022, 3, 1),
                recognition_on=None, recognition_no="")
            for i in range(3)]
    result = imp(write_xlsx(tmp_path / "qc.xlsx", HEADERS, rows, sheet="Quần chúng ưu tú"),
                 personas.kimboi, kind="candidates")
    assert result.committed, texts(result)
    assert Candidacy.objects.filter(person__full_name__startswith="Người Nhập").count() == 3
    assert_months_add_up_their_days()
    assert_as_if_counted_afresh()
    assert_same_both_ways(settings, reached, [province.tu, province.kb],
                          days=[dt.date(2022, 2, 21), dt.date(2022, 2, 28), dt.date(2022, 12, 31)])


def test_rebuild_and_the_migration_fill_the_month_rows(province, reached):
    counts.rebuild()
    assert_months_add_up_their_days()
    expected = set(AdmissionCount.objects.filter(grain="M").exclude(da=0, dc=0)
                   .values_list("unit_id", "day", "da", "dc"))
    assert expected
    # A database counted before the rollups: its month rows hold no admissions by day.
    AdmissionCount.objects.filter(grain="M").update(da=0, dc=0)
    AdmissionCount.objects.filter(grain="M", ma=0, mc=0, p0=0, p1=0, p2=0, p3=0, p4=0, w0=0,
                                  w1=0, w2=0, w3=0, w4=0).delete()
    from importlib import import_module

    migration = import_module("dangvien.admission.migrations.0007_admission_count_month_rollup")

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    migration.fill(None, SimpleNamespace(connection=connection, execute=execute))
    assert set(AdmissionCount.objects.filter(grain="M").exclude(da=0, dc=0)
               .values_list("unit_id", "day", "da", "dc")) == expected
    migration.fill(None, SimpleNamespace(connection=connection, execute=execute))  # twice: same
    assert_months_add_up_their_days()
    assert_as_if_counted_afresh()


@pytest.mark.parametrize("on", DAYS + [dt.date(2022, 3, 1), dt.date(2022, 8, 31),
                                       dt.date(2022, 12, 1), dt.date(2022, 12, 16)])
def test_a_balance_from_either_end_is_the_sum_of_its_days(province, kb_pipeline, on):  # noqa: F811
    """The pipeline on a day read from the nearer ends equals the sum of every day row
    up to it."""
    one_by_one(province.kb_cell2, 4, identified_on=dt.date(2022, 2, 1),
               class_done_on=dt.date(2022, 7, 20), source=Source.YOUTH_UNION)
    ids = [province.kb.pk, province.tu.pk, province.ls.pk]
    by_days: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in AdmissionCount.objects.filter(grain="D", unit_id__in=ids, day__lte=on).values():
        for kind in counts.OPEN + counts.WON:
            by_days[row["unit_id"]][kind] += row[kind]
    plain = {u: {k: n for k, n in kinds.items() if n} for u, kinds in by_days.items()}
    assert counts.balances(ids, on) == {u: k for u, k in plain.items() if k}
