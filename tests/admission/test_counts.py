"""The maintained admission counters (admission.counts) stay equal to a count from
scratch after every kind of write, and the dashboard reads the same figures from them as
from the candidacies: through the candidate's whole path, a withdrawal, a deletion, a
save of a partly loaded row, and a mid-year move, merge and split of the tree."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dangvien.admission import counts
from dangvien.admission import services as adm
from dangvien.admission.models import AdmissionCount, Candidacy, Source, Stage
from dangvien.org.models import UnitKind
from dangvien.org.services import SplitPart, unit_create, unit_merge, unit_move, unit_split
from dangvien.plans.progress import progress_table
from tests.admission.conftest import CELL_DAY, TODAY
from tests.plans.test_progress import plan77  # noqa: F401 - the fixture
from tests.web.helpers import bulk_people

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


def stored() -> dict:
    rows = AdmissionCount.objects.values_list("unit_id", "grain", "day", *counts.KINDS)
    return {(u, g, d): tuple(ns) for u, g, d, *ns in rows if any(ns)}


def assert_as_if_counted_afresh() -> None:
    kept = stored()
    counts.rebuild()
    assert kept == stored()


def pipeline_of(unit, on: dt.date) -> dict[str, int]:
    return {k: n for k, n in counts.balances([unit.pk], on).get(unit.pk, {}).items()
            if k.startswith("p")}


def one_by_one(cell, n: int, **fields) -> list[Candidacy]:
    """`n` candidacies saved one at a time (the counters follow each save)."""
    people = bulk_people(cell, [f"Người Thử {next(_n)}" for _ in range(n)])
    fields.setdefault("source", Source.OTHER)
    fields.setdefault("stage", Stage.SOURCE)
    fields.setdefault("stage_on", fields["identified_on"])
    made = []
    for p in people:
        c = Candidacy(person=p, cell=cell, **fields)
        c.save()
        made.append(c)
    return made


def test_the_candidates_path_moves_her_through_the_counters(province, ready):
    """Hà Thị Mai: a source from 01/03/2021, class done 10/09/2021, dossier 25/02/2022,
    the cell's proposal, the grassroots', the decision on 05/04/2022, the ceremony."""
    assert_as_if_counted_afresh()
    assert pipeline_of(province.kb, dt.date(2021, 6, 1)) == {"p0": 1}
    assert pipeline_of(province.tu, dt.date(2022, 3, 1)) == {"p2": 1}
    assert pipeline_of(province.ls, dt.date(2022, 3, 1)) == {}

    c = adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=CELL_DAY, document_no="15-NQ/CB",
                                      today=TODAY)
    c = adm.candidacy_propose_by_grassroots(by=None, candidacy=c, on=dt.date(2022, 3, 18),
                                            document_no="40-NQ/ĐU", today=TODAY)
    assert_as_if_counted_afresh()
    assert pipeline_of(province.kb, dt.date(2022, 3, 20)) == {"p4": 1}
    c = adm.candidacy_decide(by=None, candidacy=c, on=dt.date(2022, 4, 5), document_no="311-QĐ/HU",
                             today=TODAY)
    adm.candidacy_hold_ceremony(by=None, candidacy=c, on=dt.date(2022, 4, 19), today=TODAY)
    assert_as_if_counted_afresh()

    # Before the decision she is in the pipeline; after it, admitted, and no longer in it.
    assert pipeline_of(province.kb, dt.date(2022, 4, 4)) == {"p4": 1}
    assert pipeline_of(province.kb, dt.date(2022, 4, 5)) == {}
    admitted = counts.daily([province.kb.pk, province.ls.pk], "da", dt.date(2022, 1, 1),
                            dt.date(2022, 12, 31))
    assert admitted == {province.kb.pk: [(dt.date(2022, 4, 5), 1)]}
    # Decided in 2022, so from 1 January 2022 she is among those "admitted this year".
    won = counts.balances([province.kb.pk], dt.date(2022, 1, 15))[province.kb.pk]
    assert won == {"p1": 1, "w1": 1}
    assert counts.balances([province.kb.pk], dt.date(2021, 12, 31))[province.kb.pk] == {"p1": 1}


def test_a_withdrawal_takes_her_out_of_the_pipeline_from_that_day(province, ready):
    adm.candidacy_close(by=None, candidacy=ready, outcome=Stage.WITHDRAWN, on=dt.date(2022, 3, 1),
                        reason="Chuyển công tác ra ngoài tỉnh", today=TODAY)
    assert_as_if_counted_afresh()
    assert pipeline_of(province.kb, dt.date(2022, 2, 28)) == {"p2": 1}
    assert pipeline_of(province.kb, dt.date(2022, 3, 1)) == {}


def test_a_deleted_candidacy_is_counted_out(province):
    [c] = one_by_one(province.kb_cell, 1, identified_on=dt.date(2022, 2, 1))
    assert pipeline_of(province.tu, dt.date(2022, 5, 31)) == {"p0": 1}
    c.delete()
    assert pipeline_of(province.tu, dt.date(2022, 5, 31)) == {}
    assert_as_if_counted_afresh()


def test_saving_a_partly_loaded_row_does_not_count_it_twice(province):
    one_by_one(province.kb_cell, 1, identified_on=dt.date(2022, 2, 1))
    c = Candidacy.objects.only("id", "stage").get()
    c.stage = Stage.CLASS_DONE
    c.save(update_fields=["stage"])
    assert pipeline_of(province.kb, dt.date(2022, 5, 31)) == {"p0": 1}
    assert_as_if_counted_afresh()


def figures(table) -> dict:
    rows = {r.unit.code: (r.admitted, r.pipeline) for r in table.rows}
    return {"rows": rows, "total": (table.total.admitted, table.total.pipeline),
            "chart": [p.admitted for p in table.chart]}


def both_ways(settings, plan, unit, on):
    settings.DANGVIEN_COUNTED_DEPTH = 3
    from_counters = figures(progress_table(plan=plan, unit=unit, as_of=on))
    settings.DANGVIEN_COUNTED_DEPTH = 0
    from_candidacies = figures(progress_table(plan=plan, unit=unit, as_of=on))
    settings.DANGVIEN_COUNTED_DEPTH = 3
    return from_counters, from_candidacies


@pytest.fixture
def spread(province):
    """Admissions and a pipeline in Vĩnh Đồng (KB.01), the school (KB.02) and Lạc Sơn."""
    for cell, days in ((province.kb_cell, [dt.date(2022, 1, 10), dt.date(2022, 4, 2)]),
                       (province.kb_cell2, [dt.date(2022, 3, 3)]),
                       (province.kb_school, [dt.date(2022, 2, 8), dt.date(2022, 6, 9)]),
                       (province.ls_cell, [dt.date(2022, 5, 5)])):
        for day in days:
            one_by_one(cell, 1, identified_on=day - dt.timedelta(days=200), stage=Stage.DECIDED,
                       class_done_on=day - dt.timedelta(days=100), decision_on=day)
    one_by_one(province.kb_cell, 3, identified_on=dt.date(2021, 11, 2),
               class_done_on=dt.date(2022, 2, 2))
    one_by_one(province.kb_cell2, 2, identified_on=dt.date(2022, 3, 2))
    one_by_one(province.ls_cell, 4, identified_on=dt.date(2022, 1, 20),
               dossier_done_on=dt.date(2022, 3, 20))


MOVED = dt.date(2022, 5, 15)


@pytest.mark.parametrize("on", [dt.date(2022, 4, 30), MOVED, dt.date(2022, 8, 31)])
def test_a_commune_moved_mid_year_is_counted_where_it_stood_on_the_day(settings, province, spread,
                                                                        plan77, on):  # noqa: F811
    """Vĩnh Đồng moves from Kim Bôi to Lạc Sơn on 15/05/2022: before that day its
    admissions and candidates are Kim Bôi's, from that day Lạc Sơn's, the year's too."""
    unit_move(by=None, unit=province.kb_commune, new_parent=province.ls, effective=MOVED)
    assert_as_if_counted_afresh()
    for unit in (province.tu, province.kb, province.ls):
        from_counters, from_candidacies = both_ways(settings, plan77, unit, on)
        assert from_counters == from_candidacies, unit.code
    kb_row = figures(progress_table(plan=plan77, unit=province.tu, as_of=on))["rows"]["KB"]
    # By 30/04 Kim Bôi had 4; from the move only the school's stay (one by 15/05, two by 31/08).
    assert kb_row[0] == {dt.date(2022, 4, 30): 4, MOVED: 1, dt.date(2022, 8, 31): 2}[on]


def test_merge_and_split_keep_the_counters_right(settings, province, spread, plan77):  # noqa: F811
    unit_merge(by=None, units=[province.kb_cell2], into=province.kb_cell,
               effective=dt.date(2022, 6, 1))
    assert_as_if_counted_afresh()
    extra = unit_create(by=None, parent=province.kb_commune, code="KB.01.09",
                        name="Chi bộ xóm Mới", kind=UnitKind.CELL, valid_from=dt.date(2022, 1, 1))
    unit_split(by=None, unit=province.kb_commune, effective=dt.date(2022, 7, 1), parts=[
        SplitPart(code="KB.05", name="Đảng bộ xã Vĩnh Đồng A",
                  children=["KB.01.01"]),
        SplitPart(code="KB.06", name="Đảng bộ xã Vĩnh Đồng B", children=[extra.code]),
    ])
    assert_as_if_counted_afresh()
    for on in (dt.date(2022, 5, 31), dt.date(2022, 6, 15), dt.date(2022, 9, 30)):
        for unit in (province.tu, province.kb):
            from_counters, from_candidacies = both_ways(settings, plan77, unit, on)
            assert from_counters == from_candidacies, (unit.code, on)
