"""The ratings report says how many cells have entered the year ("đã nhập 1 / 2 chi bộ",
within the user's scope) and shows the year the user asked for, data or not, for the
whole session; nothing else (the date in view, other districts' data) changes it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dangvien.ratings.selectors import Completion, rating_completion
from dangvien.ratings.services import rating_enter
from tests.web.helpers import text

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)
URL = "/danh-gia/"


@pytest.fixture
def cells(province, crowd):
    """KB.01.01: 10 members; KB.01.02: 4; LS.01.01: 3 (the Kim Bôi school has none)."""
    return crowd(province.kb_cell, 10), crowd(province.kb_cell2, 4, "Hà Thị"), crowd(province.ls_cell, 3, "Quách Văn")


@pytest.fixture
def rated(cells):
    """2021: two members of Mớ Đá (Kim Bôi) and one of Bai (Lạc Sơn); Lạc Sơn also 2022."""
    mo_da, _, bai = cells
    rating_enter(by=None, membership=mo_da[0], year=2021, level="tot", today=TODAY)
    rating_enter(by=None, membership=mo_da[1], year=2021, level="xuat_sac", today=TODAY)
    rating_enter(by=None, membership=bai[0], year=2021, level="tot", today=TODAY)
    rating_enter(by=None, membership=bai[1], year=2022, level="tot", today=TODAY)
    return cells


def page(client, user, query=""):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def shown_year(html: str) -> int:
    """The year the report shows: the one selected in "Năm đánh giá"."""
    match = re.search(r'<option value="(\d+)" selected>', html)
    assert match
    return int(match.group(1))


def test_completion_counts_cells_within_scope(client, personas, province, rated):
    kimboi = text(page(client, personas.kimboi, "?nam=2021"))
    # Mớ Đá has entered; Chanh has members but nothing entered; the school has no members.
    assert "Năm 2021: đã nhập 1 / 2 chi bộ" in kimboi
    commune = text(page(client, personas.kimboi, "?don-vi=KB.01.02&nam=2021"))
    assert "Năm 2021: đã nhập 0 / 1 chi bộ" in commune
    province_page = text(page(client, personas.provincial, "?nam=2021"))
    assert "Năm 2021: đã nhập 2 / 3 chi bộ" in province_page
    lacson = text(page(client, personas.lacson, "?nam=2021"))
    assert "Năm 2021: đã nhập 1 / 1 chi bộ" in lacson
    # Never a Kim Bôi cell or person on the Lạc Sơn officer's page.
    for name in ("Mớ Đá", "Chanh", "Kim Bôi", rated[0][0].person.full_name):
        assert name not in lacson
    assert rating_completion(unit=province.kb, year=2022) == Completion(entered=0, expected=2)
    assert rating_completion(unit=province.tu, year=2022) == Completion(entered=1, expected=3)


def test_a_cell_whose_members_left_before_the_year_is_not_expected(client, personas, province,
                                                                   rated):
    from dangvien.people.models import Membership

    Membership.objects.filter(cell=province.kb_cell2).update(ended_on=dt.date(2020, 6, 30))
    assert "Năm 2021: đã nhập 1 / 1 chi bộ" in text(page(client, personas.kimboi, "?nam=2021"))


def test_the_year_asked_for_is_shown_even_without_data(client, personas, rated):
    html = page(client, personas.kimboi, "?nam=2019")
    assert shown_year(html) == 2019
    flat = text(html)
    assert "Năm 2019: đã nhập 0 / 2 chi bộ" in flat
    assert "Năm 2019 chưa có kết quả xếp loại nào của Huyện ủy Kim Bôi." in flat


def test_the_year_chosen_lasts_for_the_session(client, personas, province, rated):
    assert shown_year(page(client, personas.kimboi, "?nam=2019")) == 2019
    # The menu's link, another unit, a day chosen on another page: still 2019.
    assert shown_year(page(client, personas.kimboi)) == 2019
    assert shown_year(page(client, personas.kimboi, "?don-vi=KB.01")) == 2019
    assert client.get("/to-chuc/?ngay=31/05/2024").status_code == 200
    html = page(client, personas.kimboi)
    assert shown_year(html) == 2019
    assert "Năm 2019 chưa có kết quả xếp loại" in text(html)
    # Until the user chooses another year.
    assert shown_year(page(client, personas.kimboi, "?nam=2021")) == 2021
    assert shown_year(page(client, personas.kimboi)) == 2021


def test_the_first_year_shown_is_the_newest_with_data_in_scope(client, personas, rated):
    # Lạc Sơn has entered 2022; Kim Bôi only 2021: the Kim Bôi officer opens on 2021.
    kimboi = page(client, personas.kimboi)
    assert shown_year(kimboi) == 2021
    assert "Năm 2021: đã nhập 1 / 2 chi bộ" in text(kimboi)
    client.logout()
    assert shown_year(page(client, personas.lacson)) == 2022


@pytest.mark.parametrize("nam", ["2099", "1999", "abc", "20211", "-1"])
def test_a_year_that_cannot_be_shown_says_so(client, personas, rated, nam):
    html = page(client, personas.kimboi, f"?nam={nam}")
    flat = text(html)
    assert "không xem được: hãy chọn một năm từ 2000 đến" in flat
    assert f"Đang hiển thị năm {shown_year(html)}." in flat


def test_a_year_before_any_rating_rule_still_answers(client, personas, rated):
    html = page(client, personas.kimboi, "?nam=2001")
    assert shown_year(html) == 2001
    assert "Năm 2001 chưa có kết quả xếp loại nào" in text(html)


def test_a_unit_without_members_says_there_is_nothing_to_enter(client, personas, rated):
    flat = text(page(client, personas.kimboi, "?don-vi=KB.02&nam=2021"))
    assert "Năm 2021: không có chi bộ nào có đảng viên trong Chi bộ Trường THPT Kim Bôi." in flat
    assert "đã nhập" not in flat
