"""Vietnamese formatting: what users read in every table and document."""

import datetime as dt
from decimal import Decimal

import pytest

from dangvien.core import vn


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (1600, 0, "1.600"),
        (68300, 0, "68.300"),
        (257000, 0, "257.000"),
        (999, 0, "999"),
        (0, 0, "0"),
        (-1234, 0, "-1.234"),
        (1234.5, 1, "1.234,5"),
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (None, 0, ""),
    ],
)
def test_numbers_group_thousands_with_dots(value, places, text):
    assert vn.format_number(value, places) == text


def test_percent_uses_decimal_comma_and_rounds_half_up():
    assert vn.format_ratio(46, 150) == "30,7%"
    assert vn.format_ratio(166, 162) == "102,5%"
    assert vn.format_percent(41.65) == "41,7%"
    assert vn.format_percent(Decimal("0.05")) == "0,1%"
    assert vn.format_ratio(5, 0) == "—"


def test_dates_in_tables_and_in_running_text():
    day = dt.date(2022, 5, 31)
    assert vn.format_date(day) == "31/05/2022"
    assert vn.format_date_long(day) == "ngày 31 tháng 5 năm 2022"
    assert vn.format_date_long(dt.date(2022, 2, 14), pad=True) == "ngày 14 tháng 02 năm 2022"
    assert vn.format_date_short(dt.date(2022, 2, 14)) == "14/2/2022"


@pytest.mark.parametrize("text", ["31/05/2022", "31/5/2022", "2022-05-31", " 31.05.2022 ",
                                  "31-05-2022", "31/05/22", "31-5-22"])
def test_parse_date_accepts_common_forms(text):
    assert vn.parse_date(text) == dt.date(2022, 5, 31)


@pytest.mark.parametrize("text, day", [("01/01/27", dt.date(2027, 1, 1)),
                                       ("12/04/62", dt.date(1962, 4, 12)),
                                       ("12/04/28", dt.date(1928, 4, 12))])
def test_a_two_digit_year_is_this_century_up_to_next_year(text, day):
    assert vn.parse_date(text, today=dt.date(2026, 12, 4)) == day


@pytest.mark.parametrize("text", ["31/02/1990", "abc", "", "1/1/2", "1/1/222", "1/1/22222",
                                  "31/05/２０２２", "31/05"])
def test_parse_date_refuses_with_vietnamese_message(text):
    with pytest.raises(ValueError, match="không phải ngày hợp lệ"):
        vn.parse_date(text)


def test_names_sort_by_given_name_then_family_and_middle():
    names = [
        "Nguyễn Văn Bình", "Trần Thị An", "Bùi Văn Anh", "Lê Đức", "Đinh Thị Dung",
        "Đinh Văn An", "Quách Thị Ân", "Hà Thị Ăn", "Lò Văn Ánh", "Nguyễn Văn Anh",
    ]
    assert sorted(names, key=vn.name_sort_key) == [
        "Đinh Văn An",  # An, then family Đinh before Trần
        "Trần Thị An",
        "Bùi Văn Anh",  # Anh (no tone) before Ánh; Bùi before Nguyễn
        "Nguyễn Văn Anh",
        "Lò Văn Ánh",
        "Hà Thị Ăn",  # ă after a
        "Quách Thị Ân",  # â after ă
        "Nguyễn Văn Bình",
        "Đinh Thị Dung",  # d before đ
        "Lê Đức",
    ]


def test_sort_key_is_digits_only_so_every_database_collation_agrees():
    key = vn.name_sort_key("Hoàng Thị H'Mông Ðặng")
    assert key.isdigit()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("nguyen van an", "Nguyễn Văn An"),
        ("NGUYEN VAN AN", "Nguyễn Văn An"),
        ("dinh thi dung", "Đinh Thị Dung"),
        ("Đinh", "Đinh Thị Dung"),
        ("lo van anh", "Lò Văn Ánh"),
    ],
)
def test_fold_matches_with_or_without_diacritics(query, name):
    assert vn.fold(query) in vn.fold(name)
