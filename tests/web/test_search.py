"""People search: with or without diacritics, sorted by given name, never outside scope."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.people.selectors import people_search

from .helpers import bulk_people

pytestmark = pytest.mark.django_db

URL = "/dang-vien/tim-kiem/"


@pytest.fixture
def people(province, make_member):
    make_member(province.kb_cell, "Nguyễn Văn An", birth=dt.date(1972, 8, 19))
    make_member(province.kb_cell2, "Đinh Thị Hoa")
    make_member(province.kb_school, "Nguyễn Văn Anh")
    make_member(province.ls_cell, "Nguyễn Văn Ánh")


def search(client, user, q):
    client.force_login(user)
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("q", ["nguyen van an", "Nguyễn Văn An", "NGUYEN VAN AN", "  nguyễn   an "])
def test_with_and_without_diacritics(client, personas, people, q):
    page = search(client, personas.kimboi, q)
    assert "Nguyễn Văn An" in page


@pytest.mark.parametrize("q", ["dinh", "Đinh", "đinh thi", "DINH"])
def test_d_stroke_matches_plain_d(client, personas, people, q):
    assert "Đinh Thị Hoa" in search(client, personas.kimboi, q)


def test_result_row_has_birth_year_and_unit_link(client, personas, people):
    page = search(client, personas.kimboi, "nguyen van an")
    assert "1972" in page
    assert 'href="/to-chuc/KB.01.01/"' in page
    assert "Chi bộ xóm Mớ Đá" in page


def test_results_sorted_by_given_name(client, personas, people):
    page = search(client, personas.provincial, "nguyen")
    # An < Anh < Ánh: the given name decides, letters first, then tones.
    assert (
        page.index("Nguyễn Văn An<") < page.index("Nguyễn Văn Anh<") < page.index("Nguyễn Văn Ánh<")
    )


def test_never_outside_scope(client, personas, people):
    assert "Đinh Thị Hoa" not in search(client, personas.lacson, "dinh thi hoa")
    assert "Không tìm thấy" in search(client, personas.lacson, "dinh thi hoa")
    lacson = search(client, personas.lacson, "nguyen")
    assert "Nguyễn Văn Ánh" in lacson
    assert "Nguyễn Văn An<" not in lacson
    kimboi = search(client, personas.kimboi, "nguyen")
    assert "Nguyễn Văn Ánh" not in kimboi
    secretary = search(client, personas.secretary, "nguyen")
    assert "Nguyễn Văn An<" in secretary
    assert "Nguyễn Văn Anh" not in secretary  # school cell, not hers
    outsider = search(client, personas.outsider, "nguyen")
    assert 'data-label="Họ và tên"' not in outsider
    assert people_search(user=personas.outsider, text="nguyen").people == []


def test_empty_query_gives_a_hint(client, personas, people):
    for q in ["", "   "]:
        page = search(client, personas.kimboi, q)
        assert "Nhập họ tên" in page
        assert 'data-label="Họ và tên"' not in page
        assert "Không tìm thấy" not in page


def test_at_most_100_with_a_more_note(client, personas, province):
    bulk_people(province.kb_cell, [f"Bùi Văn Tên{i:03d}" for i in range(105)])
    page = search(client, personas.kimboi, "bui van")
    assert page.count('data-label="Họ và tên"') == 100
    assert "Còn nữa" in page
    result = people_search(user=personas.kimboi, text="bui van", limit=100)
    assert len(result.people) == 100 and result.more


def test_exactly_100_has_no_more_note(client, personas, province):
    bulk_people(province.kb_cell, [f"Bùi Văn Tên{i:03d}" for i in range(100)])
    page = search(client, personas.kimboi, "bui van")
    assert page.count('data-label="Họ và tên"') == 100
    assert "Còn nữa" not in page


def test_search_box_in_header(client, personas):
    client.force_login(personas.kimboi)
    page = client.get("/to-chuc/").content.decode()
    assert 'action="/dang-vien/tim-kiem/"' in page
    assert 'name="q"' in page


def test_query_is_escaped(client, personas, people):
    page = search(client, personas.kimboi, "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
