"""A unit merged into another: before the merge it stands on its own; from the merge
on it is counted and listed under its successor."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.org.services import unit_merge

from .helpers import row_counts, text

pytestmark = pytest.mark.django_db

MERGE = dt.date(2023, 1, 1)
BEFORE = "?ngay=01/06/2022"
AFTER = "?ngay=01/06/2023"


@pytest.fixture
def merged(province, make_member):
    make_member(province.kb_cell, "Bùi Văn Mớ")
    make_member(province.kb_cell2, "Bùi Thị Chanh", gender="nu")
    unit_merge(by=None, units=[province.kb_cell2], into=province.kb_cell, effective=MERGE)


def test_before_the_merge_both_cells_stand_alone(client, personas, merged):
    client.force_login(personas.kimboi)
    page = client.get("/to-chuc/KB.01/cay/" + BEFORE).content.decode()
    assert row_counts(page, "Chi bộ xóm Mớ Đá") == ["1", "1", "0", "0", "1"]
    assert row_counts(page, "Chi bộ xóm Chanh") == ["1", "1", "0", "1", "1"]


def test_after_the_merge_the_successor_carries_it(client, personas, merged):
    client.force_login(personas.kimboi)
    page = client.get("/to-chuc/KB.01/cay/" + AFTER).content.decode()
    assert "Chi bộ xóm Chanh" not in page
    assert row_counts(page, "Chi bộ xóm Mớ Đá") == ["2", "2", "0", "1", "2"]
    unit = client.get("/to-chuc/KB.01.01/" + AFTER).content.decode()
    assert "Đơn vị đã sáp nhập vào đơn vị này" in unit
    assert 'href="/to-chuc/KB.01.02/?ngay=01/06/2023"' in unit
    assert "Bùi Thị Chanh" in unit  # her membership counts under the successor
    assert "Danh sách đảng viên (2)" in text(unit)


def test_merged_unit_page_points_to_successor(client, personas, merged):
    client.force_login(personas.kimboi)
    unit = text(client.get("/to-chuc/KB.01.02/" + AFTER).content.decode())
    assert "Đơn vị đã thôi hoạt động từ ngày 01/01/2023" in unit
    assert "Đơn vị kế thừa Chi bộ xóm Mớ Đá" in unit
    before = text(client.get("/to-chuc/KB.01.02/" + BEFORE).content.decode())
    assert "Đơn vị đã thôi hoạt động" not in before
    assert "Bùi Thị Chanh" in before


def test_district_totals_unchanged_by_the_merge(client, personas, merged):
    client.force_login(personas.kimboi)
    for day in (BEFORE, AFTER):
        page = client.get("/to-chuc/" + day).content.decode()
        assert row_counts(page, "Đảng bộ xã Vĩnh Đồng") == ["2", "2", "0", "1", "2"]


def test_breadcrumb_of_merged_unit_follows_the_date(client, personas, merged):
    client.force_login(personas.kimboi)
    after = client.get("/to-chuc/KB.01.02/" + AFTER).content.decode()
    crumbs = after[
        after.index('class="crumbs"') : after.index("</nav>", after.index('class="crumbs"'))
    ]
    assert "Chi bộ xóm Mớ Đá" in crumbs
    before = client.get("/to-chuc/KB.01.02/" + BEFORE).content.decode()
    crumbs = before[
        before.index('class="crumbs"') : before.index("</nav>", before.index('class="crumbs"'))
    ]
    assert "Chi bộ xóm Mớ Đá" not in crumbs
