"""Breakdown of new members (cơ cấu đảng viên mới kết nạp): each category, the shares, the
period's edges, ceremony counting, a later merge, scope and a constant query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.admission import services as adm
from dangvien.admission.models import Source
from dangvien.org.services import unit_merge
from dangvien.people.choices import Education, Occupation
from dangvien.plans.breakdowns import (
    AGE_BANDS,
    OCCUPATION_GROUPS,
    new_member_breakdown,
)
from tests.admission import conftest as admission
from tests.admission.conftest import CELL_DAY, TODAY

from .breakdown_data import EXPECTED_KB_2022, Y2022, Who, admit, build

pytestmark = pytest.mark.django_db

# The candidate of the admission tests, ready for her cell: walked through the services below.
awareness_class = admission.awareness_class
candidate = admission.candidate
introducers = admission.introducers
ready = admission.ready


@pytest.fixture
def data(province):
    return build(province)


def breakdown(unit, period=Y2022, user=None, **kw):
    return new_member_breakdown(user=user, unit=unit, start=period[0], end=period[1], **kw)


def counts(b) -> dict[str, int]:
    return {"total": b.total} | {f.key: f.count for s in b.sections for f in s.figures}


def test_every_category_is_counted(province, data):
    b = breakdown(province.kb)
    got = counts(b)
    assert {k: got[k] for k in EXPECTED_KB_2022} == EXPECTED_KB_2022
    assert (b.unit_name, b.counts_on) == ("Huyện ủy Kim Bôi", "decision")
    # Nobody under 18: that band is left out rather than shown empty.
    assert "age_under_18" not in got


def test_shares_are_of_the_total_and_partitions_add_up(province, data):
    b = breakdown(province.kb)
    assert b.figure("women").share == Decimal("37.5")
    assert b.figure("readmitted").share == Decimal("12.5")
    for key in ("age", "education", "occupation"):
        section = b.section(key)
        assert section.partition
        assert sum(f.count for f in section.figures) == b.total
        assert sum(f.share for f in section.figures) == 100
    traits = b.section("traits")
    assert not traits.partition  # a woman may also be a minority and a youth member


def test_every_occupation_and_education_level_has_a_row(province, data):
    b = breakdown(province.kb)
    assert [f.key for f in b.section("education").figures] == [
        f"edu_{v}" for v in Education.values]
    grouped = sorted(v for _key, _label, values in OCCUPATION_GROUPS for v in values)
    assert grouped == sorted(Occupation.values)
    assert [f.key for f in b.section("age").figures] == [k for k, *_ in AGE_BANDS][1:]


def test_period_edges_are_inclusive(province, data):
    # e on 01/01/2022 and f on 31/12/2022 are in; i on 31/12/2021 and j on 01/01/2023 are out.
    assert breakdown(province.kb).total == 8
    assert breakdown(province.kb, (dt.date(2022, 1, 1), dt.date(2022, 1, 1))).total == 1
    assert breakdown(province.kb, (dt.date(2022, 12, 31), dt.date(2022, 12, 31))).total == 1
    assert breakdown(province.kb, (dt.date(2022, 3, 15), dt.date(2022, 3, 15))).total == 4
    assert breakdown(province.kb, (dt.date(2021, 12, 31), dt.date(2023, 1, 1))).total == 10
    empty = breakdown(province.kb, (dt.date(2022, 1, 2), dt.date(2022, 3, 14)))
    assert empty.total == 0
    assert all(f.share is None for s in empty.sections for f in s.figures)


def test_counting_on_the_ceremony(province, data, settings):
    # c has no ceremony yet, f's is in 2023, i's (decided in 2021) is on 05/01/2022.
    b = breakdown(province.kb, counts_on="ceremony")
    assert (b.total, b.counts_on) == (7, "ceremony")
    assert b.counts_on_label == "ngày lễ kết nạp (ngày vào Đảng)"
    settings.DANGVIEN_PROGRESS_COUNTS_ON = "ceremony"
    assert breakdown(province.kb).total == 7
    with pytest.raises(ValueError):
        breakdown(province.kb, counts_on="ngay_ky")


def test_age_is_taken_on_the_decision_day_even_when_counting_ceremonies(province, data):
    # b turns 31 on his decision day: 31–40 either way.
    b = breakdown(province.kb, (dt.date(2022, 4, 1), dt.date(2022, 4, 1)), counts_on="ceremony")
    assert b.total == 3  # a, b, d
    assert (b.figure("age_18_30").count, b.figure("age_31_40").count,
            b.figure("age_over_60").count) == (1, 1, 1)


def test_readmission_needs_a_membership_ended_before(province, data):
    b = breakdown(province.kb, (dt.date(2022, 6, 1), dt.date(2022, 8, 31)))
    assert b.total == 2  # g and h
    assert b.figure("readmitted").count == 1  # g; h's own membership ended after


def test_under_18_shows_when_someone_is(province):
    admit(province.kb_cell, Who(birth=dt.date(2004, 6, 1)), decided=dt.date(2022, 5, 31))
    b = breakdown(province.kb)
    assert b.figure("age_under_18").count == 1
    assert sum(f.count for f in b.section("age").figures) == b.total == 1


def test_subtree_of_a_commune_and_of_the_province(province, data):
    assert breakdown(province.kb_commune).total == 7  # all but h (school)
    assert breakdown(province.kb_cell2).total == 2  # c, d
    assert breakdown(province.tu).total == 9  # and l in Lạc Sơn
    assert breakdown(province.ls).figure("women").count == 1


def test_a_unit_merged_later_keeps_its_own_2022_breakdown(province, data):
    unit_merge(by=None, units=[province.ls], into=province.kb, effective=dt.date(2025, 7, 1))
    ls = breakdown(province.ls)
    assert (ls.total, ls.unit_name) == (1, "Huyện ủy Lạc Sơn")
    assert breakdown(province.kb).total == 8
    assert breakdown(province.tu).total == 9
    # Asked over a period that ends after the merge, Kim Bôi holds Lạc Sơn's cells.
    assert breakdown(province.kb, (dt.date(2022, 1, 1), dt.date(2025, 12, 31))).total == 10


def test_a_merged_cell_keeps_its_own_2022_breakdown(province, data):
    unit_merge(by=None, units=[province.kb_cell2], into=province.kb_cell,
               effective=dt.date(2025, 7, 1))
    assert breakdown(province.kb_cell2).total == 2
    assert breakdown(province.kb_cell).total == 5  # a, b, e, f, g
    assert breakdown(province.kb).total == 8


def test_scope(province, personas, data):
    lacson, kimboi, secretary = personas.lacson, personas.kimboi, personas.secretary
    assert breakdown(province.kb, user=lacson).total == 0
    assert breakdown(province.tu, user=lacson).total == 1
    assert breakdown(province.tu, user=kimboi).total == 8
    assert breakdown(province.kb, user=secretary).total == 5  # only Mớ Đá
    assert breakdown(province.tu, user=personas.provincial).total == 9
    assert breakdown(province.tu, user=personas.outsider).total == 0


def query_count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_admissions(province, personas, data):
    def run():
        return breakdown(province.tu, user=personas.kimboi)

    run()  # the user's scope is read once and kept on the user
    few = query_count(run)
    for i in range(30):
        admit(province.kb_cell2 if i % 2 else province.kb_school,
              Who("nu" if i % 3 else "nam", ["Kinh", "Mường", "Dao"][i % 3],
                  birth=dt.date(1960 + i, 1 + i % 12, 1 + i % 28),
                  occupation=Occupation.values[i % len(Occupation.values)]),
              decided=dt.date(2022, 1 + i % 12, 10), source=Source.YOUTH_UNION)
    assert query_count(run) == few <= 3
    assert run().total == 38


def test_an_admission_walked_through_the_services_counts(province, ready):
    c = adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=CELL_DAY,
                                      document_no="15-NQ/CB", today=TODAY)
    c = adm.candidacy_propose_by_grassroots(by=None, candidacy=c, on=dt.date(2022, 3, 18),
                                            document_no="42-NQ/ĐU", today=TODAY)
    c = adm.candidacy_decide(by=None, candidacy=c, on=dt.date(2022, 4, 5),
                             document_no="311-QĐ/HU", today=TODAY)
    assert breakdown(province.kb, (dt.date(2022, 1, 1), dt.date(2022, 4, 4))).total == 0
    b = breakdown(province.kb, (dt.date(2022, 4, 5), dt.date(2022, 4, 5)))
    # Hà Thị Mai: a Mường woman, 23 on 05/04/2022, a civil servant with THPT, from the Youth Union.
    assert {k: v for k, v in counts(b).items() if v} == {
        "total": 1, "women": 1, "minorities": 1, "youth_union": 1, "age_18_30": 1,
        "edu_thpt": 1, "occ_civil_servants": 1,
    }
    adm.candidacy_hold_ceremony(by=None, candidacy=c, on=dt.date(2022, 4, 20), today=TODAY)
    b = breakdown(province.kb, counts_on="ceremony")
    assert (b.total, b.figure("readmitted").count) == (1, 0)


def test_as_dict_for_reports(province, data):
    d = breakdown(province.kb).as_dict()
    assert d["unit"] == {"code": "KB", "name": "Huyện ủy Kim Bôi"}
    assert (d["start"], d["end"], d["total"], d["counts_on"]) == (
        "2022-01-01", "2022-12-31", 8, "decision")
    traits = d["sections"][0]["figures"]
    assert traits[0] == {"key": "women", "label": "Nữ", "count": 3, "percent": 37.5}


@pytest.mark.parametrize("birth, decided", [
    (dt.date(2004, 2, 29), dt.date(2022, 2, 28)),  # 17: the leap-day birthday is not reached
    (dt.date(2004, 2, 29), dt.date(2022, 3, 1)),  # 18
    (dt.date(1992, 12, 31), dt.date(2022, 12, 30)),  # 29
    (dt.date(1991, 12, 31), dt.date(2022, 12, 31)),  # 31
    (dt.date(1982, 1, 1), dt.date(2022, 12, 31)),  # 40
    (dt.date(1981, 6, 15), dt.date(2022, 6, 15)),  # 41
    (dt.date(1961, 6, 16), dt.date(2022, 6, 15)),  # 60
    (dt.date(1961, 6, 15), dt.date(2022, 6, 15)),  # 61
])
def test_age_band_agrees_with_the_persons_age(province, birth, decided):
    c = admit(province.kb_cell, Who(birth=birth), decided=decided)
    age = c.person.age_on(decided)
    band, = [key for key, _label, low, high in AGE_BANDS
             if (low is None or age >= low) and (high is None or age <= high)]
    b = breakdown(province.kb, (decided, decided))
    assert {f.key for f in b.section("age").figures if f.count} == {band}
