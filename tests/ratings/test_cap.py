"""The 20% check: "xuất sắc" may not exceed 20% of "tốt" in a group (QĐ 124-QĐ/TW). It
warns with the figures and never refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.ratings.models import Rating
from dangvien.ratings.services import Entry, cap_check, ratings_enter_batch, rule_set_for_year

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def check(excellent, good, year=2024):
    return cap_check({"xuat_sac": excellent, "tot": good}, rule_set_for_year(year))


def test_21_percent_warns_20_does_not():
    assert not check(6, 30).exceeded  # exactly 20%
    assert check(6, 30).message == ""
    over = check(7, 33)  # 21,2%
    assert over.exceeded
    assert over.message.startswith("7 xuất sắc là 21,2% của 33 tốt, vượt 20% (QĐ 124-QĐ/TW")
    assert "tối đa 6 xuất sắc" in over.message
    assert check(21, 100).exceeded and not check(20, 100).exceeded


def test_no_good_at_all_with_excellent_warns():
    assert check(1, 0).exceeded
    assert "không có ai tốt" in check(1, 0).message
    assert not check(0, 0).exceeded


def test_cap_is_a_setting():
    rs = rule_set_for_year(2024)
    rs.excellent_cap_percent = 25
    rs.save()
    assert not check(7, 33).exceeded


def test_batch_warns_names_figures_and_still_saves(province, personas, crowd):
    members = crowd(province.kb_cell, 40)
    entries = ([Entry(m.pk, level="xuat_sac") for m in members[:7]]
               + [Entry(m.pk, level="tot") for m in members[7:40]])
    result = ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021,
                                 entries=entries, today=TODAY)
    assert Rating.objects.count() == 40  # a warning, not a refusal
    assert result.cap.exceeded
    assert "7 xuất sắc là 21,2% của 33 tốt, vượt 20%" in result.cap.message
    # One "xuất sắc" fewer: 6 of 34 = 17,6%, no warning.
    result = ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021,
                                 entries=[Entry(members[0].pk, level="tot")], today=TODAY)
    assert not result.cap.exceeded
