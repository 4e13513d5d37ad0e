"""The demo's ratings: every member on the rolls rated for 2020 and 2021 with realistic
shares, "xuất sắc" within 20% of "tốt" (except the one Kim Bôi cell that shows the
warning), Kim Bôi members flagged two years running, two screening cases."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.db.models import Count, Q

from dangvien.demo.builder import build_demo, reset_demo
from dangvien.demo.ratings import OVER_CAP_CELL
from dangvien.org.models import OrgUnit
from dangvien.people.models import Membership
from dangvien.ratings.models import Rating, RatingStatus, ScreeningCase, ScreeningStatus
from dangvien.ratings.selectors import screening_list

SMALL = 0.05


@pytest.fixture
def demo(db):
    out = StringIO()
    build_demo(scale=SMALL, stdout=out)
    return out.getvalue()


def test_demo_ratings(demo):
    """One build (a few seconds) checked three ways."""
    _every_member_rated_with_realistic_shares(demo)
    _excellent_within_20_percent_of_good_in_every_cell_but_one()
    _kim_boi_flags_and_cases()


def _every_member_rated_with_realistic_shares(demo):
    assert "Đang xếp loại chất lượng đảng viên năm 2020 và 2021…" in demo
    for year in (2020, 2021):
        end = dt.date(year, 12, 31)
        on_rolls = (Membership.objects.filter(started_on__lte=end)
                    .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end)).count())
        shares = dict(Rating.objects.filter(year=year).values_list("level").annotate(n=Count("id")))
        total = sum(shares.values())
        assert total == on_rolls
        assert 0.12 <= shares["xuat_sac"] / total <= 0.16
        assert 0.68 <= shares["tot"] / total <= 0.76
        assert 0.10 <= shares["hoan_thanh"] / total <= 0.15
        assert 0.003 <= shares["khong_hoan_thanh"] / total <= 0.03


def _excellent_within_20_percent_of_good_in_every_cell_but_one():
    over = []
    rows = (Rating.objects.values("cell__code", "year")
            .annotate(xs=Count("id", filter=Q(level="xuat_sac")), tot=Count("id", filter=Q(level="tot"))))
    for r in rows:
        if r["xs"] * 100 > 20 * r["tot"]:
            over.append((r["cell__code"], r["year"]))
    assert over == [(OVER_CAP_CELL, 2021)]


def _kim_boi_flags_and_cases():
    kb = OrgUnit.objects.get(code="KB")
    flagged = screening_list(unit=kb, year=2021)
    assert len(flagged) >= 3
    cases = list(ScreeningCase.objects.order_by("pk"))
    assert len(cases) == 2 and all(c.cell.path.startswith(kb.path) for c in cases)
    assert cases[0].status == ScreeningStatus.EDUCATION
    assert cases[0].education_ends_on == dt.date(2023, 1, 20)
    assert cases[1].status == ScreeningStatus.OPEN
    # One Kim Bôi member missed party activity three months in 2021.
    assert any(f.flags and f.flags[0].code == "bo_sinh_hoat" for f in flagged)
    # Kim Bôi's first commune still has to approve 2021.
    assert Rating.objects.filter(year=2021, status=RatingStatus.ENTERED,
                                 cell__code__startswith="KB.01").exists()
    assert not Rating.objects.filter(year=2020, status=RatingStatus.ENTERED).exists()


def test_reset_deletes_ratings(demo):
    counts = reset_demo()
    assert counts["ratings"] > 0 and counts["screening_cases"] == 2
    assert not Rating.objects.exists() and not ScreeningCase.objects.exists()
