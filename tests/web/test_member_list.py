"""The member list on a unit page: scoped, dated, sorted by given name, paginated,
one query per page whatever its length, and never a citizen ID."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.people.choices import Gender
from dangvien.people.selectors import members_of_unit

from .helpers import bulk_people, text

pytestmark = pytest.mark.django_db

CCCD = "017090000123"


@pytest.fixture
def members(province, make_member):
    make_member(province.kb_cell, "Nguyễn Văn Bình", cccd=CCCD, birth=dt.date(1975, 4, 30))
    make_member(province.kb_cell, "Bùi Thị An", gender=Gender.FEMALE)
    make_member(province.kb_cell, "Lò Văn Ân", ethnicity="Thái")
    make_member(province.kb_cell2, "Đinh Văn Anh", admitted=dt.date(2022, 3, 1))
    make_member(province.ls_cell, "Quách Văn Cường")


def names_in_order(page: str, names: list[str]) -> list[str]:
    return sorted((n for n in names if n in page), key=page.index)


def test_list_is_sorted_by_given_name(client, personas, members):
    client.force_login(personas.kimboi)
    page = client.get("/to-chuc/KB.01/?ngay=01/06/2022").content.decode()
    names = ["Nguyễn Văn Bình", "Bùi Thị An", "Lò Văn Ân", "Đinh Văn Anh"]
    assert names_in_order(page, names) == [
        "Bùi Thị An",
        "Đinh Văn Anh",
        "Lò Văn Ân",
        "Nguyễn Văn Bình",
    ]


def test_list_columns(client, personas, members):
    client.force_login(personas.kimboi)
    page = text(client.get("/to-chuc/KB.01/?ngay=01/06/2022").content.decode())
    assert "Nguyễn Văn Bình Nam 1975 Mường Chi bộ xóm Mớ Đá Chính thức 02/03/2015" in page
    assert "Đinh Văn Anh Nam 1990 Mường Chi bộ xóm Chanh Dự bị 01/03/2022" in page
    assert "Lò Văn Ân Nam 1990 Thái" in page
    assert "Bùi Thị An Nữ" in page


def test_list_covers_the_subtree_only(client, personas, members):
    client.force_login(personas.kimboi)
    cell = client.get("/to-chuc/KB.01.01/").content.decode()
    assert "Nguyễn Văn Bình" in cell
    assert "Đinh Văn Anh" not in cell  # the other cell
    district = client.get("/to-chuc/KB/").content.decode()
    assert "Đinh Văn Anh" in district
    assert "Quách Văn Cường" not in district  # Lạc Sơn


def test_list_follows_the_date(client, personas, members):
    client.force_login(personas.kimboi)
    page = client.get("/to-chuc/KB.01/?ngay=01/01/2022").content.decode()
    assert "Đinh Văn Anh" not in page  # admitted on 1/3/2022
    assert "Nguyễn Văn Bình" in page


def test_secretary_sees_only_her_members(client, personas, members):
    client.force_login(personas.secretary)
    page = client.get("/to-chuc/KB.01.01/").content.decode()
    assert "Nguyễn Văn Bình" in page
    assert "Đinh Văn Anh" not in page


def test_no_cccd_in_lists(client, personas, members):
    client.force_login(personas.provincial)
    for url in [
        "/to-chuc/KB.01.01/",
        "/to-chuc/KB/",
        "/to-chuc/TU/",
        "/dang-vien/tim-kiem/?q=binh",
        "/dang-vien/tim-kiem/?q=van",
    ]:
        page = client.get(url).content.decode()
        assert "Nguyễn Văn Bình" in page or "Bình" in page
        assert CCCD not in page, url
        assert "CCCD" not in page, url


def test_selector_does_not_even_load_the_cccd(personas, members, province):
    row = members_of_unit(
        user=personas.kimboi, unit=province.kb_cell, on=dt.date(2022, 6, 1)
    ).first()
    assert "cccd" in row.person.get_deferred_fields()


def test_pagination_50_per_page(client, personas, province):
    bulk_people(
        province.kb_cell, [f"Hà Văn Số{i:03d}" for i in range(120)], admitted=dt.date(2012, 5, 19)
    )
    client.force_login(personas.kimboi)
    first = client.get("/to-chuc/KB.01.01/?ngay=01/06/2022").content.decode()
    assert first.count('data-label="Họ và tên"') == 50
    assert "Trang 1 / 3" in text(first)
    assert 'href="?ngay=01/06/2022&amp;trang=2#dang-vien"' in first
    last = client.get("/to-chuc/KB.01.01/?ngay=01/06/2022&trang=3").content.decode()
    assert last.count('data-label="Họ và tên"') == 20
    assert "Số119" in last
    # A page number out of range shows the last page, not an error.
    assert client.get("/to-chuc/KB.01.01/?trang=99").status_code == 200
    assert client.get("/to-chuc/KB.01.01/?trang=abc").status_code == 200


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_members(
    client, personas, province, make_member, django_assert_max_num_queries
):
    make_member(province.kb_cell, "Bùi Văn Một")
    client.force_login(personas.kimboi)
    url = "/to-chuc/KB.01/?ngay=01/06/2022"
    _queries(client, url)  # the first visit keeps the date in the session
    few = _queries(client, url)
    bulk_people(
        province.kb_cell, [f"Bùi Văn Số{i}" for i in range(40)], admitted=dt.date(2015, 1, 1)
    )
    bulk_people(
        province.kb_cell2, [f"Hà Thị Số{i}" for i in range(40)], admitted=dt.date(2015, 1, 1)
    )
    many = _queries(client, url)
    assert many == few
    with django_assert_max_num_queries(16):
        client.get(url)
