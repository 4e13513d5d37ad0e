"""Organisation coverage: village cells with no member on a day, and villages with no cell
of their own where the commune has declared its number of villages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.org.models import OrgUnit, PlaceKind, UnitKind
from dangvien.org.services import unit_create, unit_merge
from dangvien.people.choices import MemberStatus
from dangvien.people.models import Membership
from dangvien.people.services import membership_end
from dangvien.plans.breakdowns import CommuneShortfall, EmptyVillageCell, coverage
from tests.conftest import START

pytestmark = pytest.mark.django_db

DAY = dt.date(2022, 5, 31)


@pytest.fixture
def members(province, make_member):
    """Mớ Đá and Bai have members; Chanh had one, who left in 2021."""
    make_member(province.kb_cell, "Bùi Văn An")
    gone = make_member(province.kb_cell2, "Quách Văn Bình", admitted=dt.date(2012, 1, 5))
    membership_end(by=None, membership=Membership.objects.get(person=gone),
                   status=MemberStatus.TRANSFERRED_OUT, ended_on=dt.date(2021, 6, 1))
    make_member(province.ls_cell, "Đinh Thị Cúc", gender="nu")


def declare(unit: OrgUnit, villages: int | None) -> None:
    OrgUnit.objects.filter(pk=unit.pk).update(village_count=villages)


def village_cell(parent, code, name, valid_from=START):
    return unit_create(by=None, parent=parent, code=code, name=name, kind=UnitKind.CELL,
                       place_kind=PlaceKind.VILLAGE, valid_from=valid_from)


def test_village_cells_with_no_member(province, members):
    kb = coverage(user=None, unit=province.kb, on=DAY)
    assert (kb.village_cells, kb.village_cells_without_members) == (2, 1)
    assert kb.empty_cells == [EmptyVillageCell("KB.01.02", "Chi bộ xóm Chanh", "Đảng bộ xã Vĩnh Đồng")]
    # Before the member left, Chanh had one.
    assert coverage(user=None, unit=province.kb, on=dt.date(2021, 5, 31)).empty_cells == []
    tu = coverage(user=None, unit=province.tu, on=DAY)
    assert (tu.village_cells, tu.village_cells_without_members) == (3, 1)
    # The school cell is not a village.
    assert coverage(user=None, unit=province.kb_school, on=DAY).village_cells == 0


def test_a_member_admitted_later_does_not_fill_a_village_yet(province, members, make_member):
    make_member(province.kb_cell2, "Hà Văn Dũng", admitted=dt.date(2022, 6, 1))
    assert coverage(user=None, unit=province.kb, on=DAY).village_cells_without_members == 1
    after = coverage(user=None, unit=province.kb, on=dt.date(2022, 6, 1))
    assert after.village_cells_without_members == 0


def test_villages_without_a_cell_need_the_communes_declaration(province, members):
    kb = coverage(user=None, unit=province.kb, on=DAY)
    assert (kb.communes, kb.communes_declared, kb.villages_without_cell) == (1, 0, None)
    declare(province.kb_commune, 5)
    kb = coverage(user=None, unit=province.kb, on=DAY)
    assert (kb.communes_declared, kb.villages_declared, kb.villages_without_cell) == (1, 5, 3)
    assert kb.shortfalls == [CommuneShortfall("KB.01", "Đảng bộ xã Vĩnh Đồng", 5, 2)]
    # The province: Lạc Sơn's commune has not declared; only Vĩnh Đồng's shortfall is known.
    tu = coverage(user=None, unit=province.tu, on=DAY)
    assert (tu.communes, tu.communes_declared, tu.communes_undeclared) == (2, 1, 1)
    assert tu.villages_without_cell == 3
    # As many cells as villages, or more (a village with two cells): no shortfall.
    declare(province.kb_commune, 2)
    declare(province.ls_commune, 0)
    tu = coverage(user=None, unit=province.tu, on=DAY)
    assert (tu.villages_without_cell, tu.shortfalls) == (0, [])


def test_cells_count_on_the_day(province, members):
    declare(province.kb_commune, 3)
    village_cell(province.kb_commune, "KB.01.03", "Chi bộ xóm Bưa", valid_from=dt.date(2022, 7, 1))
    assert coverage(user=None, unit=province.kb, on=DAY).villages_without_cell == 1
    later = coverage(user=None, unit=province.kb, on=dt.date(2022, 7, 1))
    assert (later.villages_without_cell, later.village_cells) == (0, 3)
    assert later.village_cells_without_members == 2  # Chanh and the new Bưa


def test_a_cell_merged_into_a_village_cell_brings_its_members(province, members, make_member):
    bua = village_cell(province.kb_commune, "KB.01.03", "Chi bộ xóm Bưa")
    make_member(bua, "Xa Văn Én")
    unit_merge(by=None, units=[bua], into=province.kb_cell2, effective=dt.date(2023, 1, 1))
    before = coverage(user=None, unit=province.kb, on=DAY)
    assert (before.village_cells, before.village_cells_without_members) == (3, 1)
    after = coverage(user=None, unit=province.kb, on=dt.date(2023, 6, 1))
    assert (after.village_cells, after.village_cells_without_members) == (2, 0)


def test_scope(province, personas, members):
    declare(province.kb_commune, 5)
    ls = coverage(user=personas.lacson, unit=province.tu, on=DAY)
    assert (ls.village_cells, ls.village_cells_without_members, ls.communes) == (1, 0, 1)
    assert ls.villages_without_cell is None
    assert coverage(user=personas.lacson, unit=province.kb, on=DAY).village_cells == 0
    kb = coverage(user=personas.kimboi, unit=province.tu, on=DAY)
    assert (kb.village_cells, kb.village_cells_without_members, kb.villages_without_cell) == (2, 1, 3)


def test_a_unit_that_did_not_exist_yet(province):
    c = coverage(user=None, unit=province.kb, on=dt.date(2019, 1, 1))
    assert (c.village_cells, c.communes, c.villages_without_cell) == (0, 0, None)


def test_query_count_does_not_grow_with_villages(province, personas, members, make_member):
    declare(province.kb_commune, 40)

    def run():
        return coverage(user=personas.kimboi, unit=province.tu, on=DAY)

    run()
    with CaptureQueriesContext(connection) as few:
        run()
    for i in range(12):
        cell = village_cell(province.kb_commune, f"KB.01.X{i:02d}", f"Chi bộ thôn {i}")
        if i % 3:
            make_member(cell, f"Bùi Văn Thứ {i}")
    with CaptureQueriesContext(connection) as many:
        c = run()
    assert len(many) == len(few) <= 5
    assert (c.village_cells, c.village_cells_without_members, c.villages_without_cell) == (14, 5, 26)
