"""`digest_for`: what an officer would be reminded of, and the home page's fragment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.admission.models import Stage
from dangvien.core import calendar
from dangvien.org.models import PlaceKind, UnitKind
from dangvien.org.services import unit_create
from dangvien.reminders.selectors import digest_for
from tests.admission.test_deadlines import CELL_DAY, bare
from tests.conftest import START
from tests.web.helpers import text

pytestmark = pytest.mark.django_db
DAY = dt.date(2022, 6, 8)  # one working day after the decision deadline of CELL_DAY


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def items(province):
    """Kim Bôi: two overdue decisions in xóm Mớ Đá, one in xóm Chanh, a ceremony due
    on 20/06/2022 (8 working days on) at the school; Lạc Sơn: one overdue decision."""
    return {
        "mo_da": [bare(province.kb_cell, cell_resolution_on=CELL_DAY) for _ in range(2)],
        "chanh": bare(province.kb_cell2, cell_resolution_on=CELL_DAY),
        "school": bare(province.kb_school, stage=Stage.DECIDED, cell_resolution_on=CELL_DAY,
                       decision_on=dt.date(2022, 5, 9), decision_received_on=dt.date(2022, 5, 9)),
        "ls": bare(province.ls_cell, cell_resolution_on=CELL_DAY),
    }


def test_province_digest_counts_each_district(personas, items):
    digest = digest_for(personas.provincial, as_of=DAY)
    assert [(u.name, u.overdue, u.due_soon) for u in digest.units] == [
        ("Huyện ủy Kim Bôi", 3, 1), ("Huyện ủy Lạc Sơn", 1, 0)]
    assert (digest.overdue, digest.due_soon) == (4, 1)
    assert digest.units[0].href == "/ket-nap/thoi-han/?don-vi=KB"
    assert len(digest.candidacy_ids) == 5


def test_district_digest_lists_its_units_and_the_first_items(personas, items):
    digest = digest_for(personas.kimboi, as_of=DAY, items_per_unit=1)
    assert [(u.code, u.overdue, u.due_soon) for u in digest.units] == [
        ("KB.01", 3, 0), ("KB.02", 0, 1)]
    commune, school = digest.units
    assert len(commune.items) == 1 and commune.more == 2
    first = commune.items[0]
    assert first.kind_label == "Ra quyết định kết nạp" and first.due_on == dt.date(2022, 6, 7)
    assert first.actor.startswith("Cấp ủy có thẩm quyền")
    assert school.items[0].kind_label == "Tổ chức lễ kết nạp" and school.items[0].actor == "Chi bộ"
    assert items["ls"].pk not in digest.candidacy_ids


def test_a_secretary_is_reminded_of_the_cell_only(personas, items):
    digest = digest_for(personas.secretary, as_of=DAY)
    assert [(u.name, u.overdue) for u in digest.units] == [("Chi bộ xóm Mớ Đá", 2)]
    assert sorted(digest.candidacy_ids) == sorted(c.pk for c in items["mo_da"])


def test_a_viewer_is_not_reminded(province, items):
    viewer = get_user_model().objects.create_user("xem", password="x")
    RoleAssignment.objects.create(user=viewer, unit=province.kb, role=Role.VIEWER)
    assert digest_for(viewer, as_of=DAY).is_empty


def test_nothing_due_far_ahead(personas, items):
    """Nothing is due soon beyond 15 working days: on 10/05 the ceremony due 20/06 and the
    decisions due 07/06 are still further away than that (15 working days reach 31/05)."""
    school = digest_for(personas.kimboi, as_of=dt.date(2022, 5, 10)).units
    assert school == []


def test_query_count_does_not_grow_with_units_or_candidacies(personas, province, items,
                                                             django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        digest_for(personas.provincial, as_of=DAY)
    few = len(ctx.captured_queries)
    for i in range(6):
        district = unit_create(by=None, parent=province.tu, code=f"H{i}", name=f"Huyện ủy {i}",
                               kind=UnitKind.DISTRICT, valid_from=START)
        cell = unit_create(by=None, parent=district, code=f"H{i}.01", name=f"Chi bộ {i}",
                           kind=UnitKind.GRASSROOTS_CELL, place_kind=PlaceKind.VILLAGE,
                           valid_from=START)
        for _ in range(5):
            bare(cell, cell_resolution_on=CELL_DAY)
    personas.provincial.__dict__.pop("_dv_scope_cache", None)
    with django_assert_max_num_queries(few):
        digest = digest_for(personas.provincial, as_of=DAY)
    assert len(digest.units) == 8 and digest.overdue == 34


def test_home_fragment(personas, items):
    html = render_to_string("reminders/_home.html",
                            {"digest": digest_for(personas.kimboi, as_of=DAY)})
    body = text(html).replace(" :", ":").replace(" ,", ",")  # text() spaces out the tags
    assert "Cần đôn đốc" in body
    assert "Đảng bộ xã Vĩnh Đồng: 3 quá hạn, 0 sắp đến hạn" in body
    assert "Chi bộ Trường THPT Kim Bôi: 0 quá hạn, 1 sắp đến hạn" in body
    assert 'href="/ket-nap/thoi-han/?don-vi=KB.01"' in html
    assert '<a href="/ket-nap/thoi-han/">Xem tất cả</a>' in html
    empty = text(render_to_string("reminders/_home.html",
                                  {"digest": digest_for(personas.lacson, as_of=dt.date(2022, 1, 3))}))
    assert "Không có việc nào quá hạn hoặc sắp đến hạn" in empty
