"""Members in bulk for the ratings tests (the services' checks are not what volume tests)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dangvien.people.models import Membership
from tests.web.helpers import bulk_people

GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Khánh", "Lan",
         "Linh", "Mai", "Minh", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tuấn",
         "Vân", "Xuân", "Yến"]
_seq = itertools.count(900_000_000)


@pytest.fixture
def crowd():
    """`crowd(cell, n)`: n official members of `cell` (admitted 2015), in name order."""

    def make(cell, n, family="Bùi Văn"):
        names = [f"{family} {GIVEN[i % len(GIVEN)]}{'' if i < len(GIVEN) else f' {i}'}"
                 for i in range(n)]
        start = next(_seq) * 1000
        people = bulk_people(cell, names, admitted=dt.date(2015, 3, 2), cccd_from=start)
        return list(Membership.objects.filter(person__in=people).select_related("person", "cell")
                    .order_by("person__sort_key"))

    return make
