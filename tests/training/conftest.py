"""Training fixtures: a past awareness class of Kim Bôi and forty people to put in it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dangvien.people.services import person_create
from dangvien.training.models import ClassKind
from dangvien.training.services import class_create

FAMILY = ["Bùi", "Hà", "Nguyễn", "Quách", "Đinh", "Xa", "Trần", "Lê"]
GIVEN = ["An", "Bình", "Cúc", "Dung", "Giang", "Hoa", "Khánh", "Lan", "Minh", "Nga"]


@pytest.fixture
def forty(province):
    """Forty people of Kim Bôi's cells, with CCCDs 017199000100…139 and distinct names."""
    cells = [province.kb_cell, province.kb_cell2, province.kb_school]
    out = []
    for i in range(40):  # (i % 8, i % 10) differ for each i < 40: forty distinct names
        name = f"{FAMILY[i % 8]} {'Văn' if i % 2 else 'Thị'} {GIVEN[i % 10]}"
        out.append(person_create(
            by=None, unit=cells[i % 3],
            data={"full_name": name, "gender": "nam" if i % 2 else "nu",
                  "birth_date": dt.date(1995, 1 + i % 12, 1 + i % 27),
                  "cccd": f"017199000{100 + i}"}))
    return out


@pytest.fixture
def class_2017(province):
    return class_create(by=None, organiser=province.kb, kind=ClassKind.AWARENESS,
                        name="Lớp bồi dưỡng nhận thức về Đảng khóa 2 năm 2017",
                        starts_on=dt.date(2017, 6, 5), ends_on=dt.date(2017, 6, 10))


def token_of(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    if found is None:
        found = re.search(rf'value="([^"]*)" name="{re.escape(name)}"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)
