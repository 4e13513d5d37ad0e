"""The demo's plans: 77-KH/TU of 14/02/2022 (1.600, Kim Bôi 150), each committee's own
plan implementing it, and the 2020 and 2021 plans with their results."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.db.models import Sum

from dangvien.admission.models import Candidacy
from dangvien.core.calendar import WorkingCalendar
from dangvien.demo import admissions as A
from dangvien.demo import plans as P
from dangvien.demo.builder import build_demo, plan_demo, reset_demo
from dangvien.org.models import OrgUnit
from dangvien.plans import selectors
from dangvien.plans.models import Allocation, Plan, PlanStatus, PlanVersion

SMALL = 0.05
SYMBOLS = {"HB": "TH.U", "QS": "ĐU", "CA": "ĐU", "KCQ": "ĐU"}


# --- full scale, in memory -----------------------------------------------------------


@pytest.fixture(scope="module")
def full():
    calendar = WorkingCalendar({})
    plan = plan_demo()
    admissions = A.plan_admissions(plan, is_working_day=calendar.is_working_day)
    return plan, admissions, P.plan_plans(plan, admissions, is_working_day=calendar.is_working_day)


def test_77_kh_tu_gives_1600_with_kim_boi_150(full):
    _, _, planned = full
    top = planned.find("TU", 2022)
    assert (top.number, top.first.issued_on, top.first.target) == (
        "77-KH/TU", dt.date(2022, 2, 14), 1600)
    given = {u.code: n for u, n in top.first.allocations}
    assert len(given) == 13 and sum(given.values()) == 1600 and given["KB"] == 150
    kb = planned.find("KB", 2022)
    assert (kb.number, kb.current.target, kb.current.allocated) == ("25-KH/HU", 150, 150)
    assert planned.find("KB", 2021).current.target == A.KB_TARGETS[2021]


def test_committee_plans_cover_their_allocation_and_allocate_it_all(full):
    plan, _, planned = full
    for year in P.YEARS:
        given = {u.code: n for u, n in planned.find("TU", year).first.allocations}
        for committee in plan.root.children:
            spec = planned.find(committee.code, year)
            assert spec.parent is planned.find("TU", year)
            for version in spec.versions:
                assert version.target >= given[committee.code], (committee.code, year)
                assert version.allocated >= version.target, (committee.code, year)
                assert [u for u, _ in version.allocations] == committee.children
            assert spec.number.endswith("-KH/" + SYMBOLS.get(committee.code, "HU"))


def test_some_committees_ahead_some_behind_on_31_05_2022(full):
    plan, admissions, planned = full
    given = {u.code: n for u, n in planned.find("TU", 2022).first.allocations}
    shares = {code: admissions.decisions(code, dt.date(2022, 1, 1), dt.date(2022, 5, 31)) / n
              for code, n in given.items()}
    straight = (dt.date(2022, 5, 31) - dt.date(2021, 12, 31)).days / 365
    assert round(shares["KB"] * 100, 1) == 30.7
    assert sum(s > straight + 0.05 for s in shares.values()) >= 2
    assert sum(s < straight - 0.05 for s in shares.values()) >= 2
    year = {code: admissions.decisions(code, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
            for code in given}
    missed = [code for code in given if year[code] < given[code]]
    assert 1 <= len(missed) <= 3 and "KB" not in missed


# --- a small province in the database -------------------------------------------------


@pytest.fixture
def demo(db):
    out = StringIO()
    build_demo(scale=SMALL, stdout=out)
    return out.getvalue()


def test_demo_writes_the_plans_and_says_so(demo):
    assert re.search(r"Đã tạo 42 kế hoạch phát triển đảng viên năm 2020–2022 .*"
                     r"Kế hoạch số 77-KH/TU: \d+ trở lên, Kim Bôi \d+\.", demo)
    assert Plan.objects.count() == 42
    assert PlanVersion.objects.count() == 43  # Mai Châu revised its 2022 plan
    assert not PlanVersion.objects.filter(status=PlanStatus.DRAFT).exists()


def test_77_kh_tu_in_the_database(demo):
    top = Plan.objects.get(number="77-KH/TU", year=2022)
    assert (top.unit.code, top.title) == ("TU", "Kế hoạch phát triển đảng viên năm 2022")
    version = top.version_on(dt.date(2022, 5, 31))
    assert (version.issued_on, version.target) == (dt.date(2022, 2, 14), A.scaled(1600, SMALL))
    summary = selectors.plan_summary(version=version)
    assert summary.allocated == version.target and len(summary.rows) == 13
    kb = OrgUnit.objects.get(code="KB")
    assert selectors.allocation_for(version=version, unit=kb) == A.scaled(150, SMALL)
    assert top.version_on(dt.date(2022, 2, 13)) is None


def test_each_committee_plan_implements_the_province_plan(demo):
    for year in P.YEARS:
        top = Plan.objects.get(unit__code="TU", year=year)
        in_force = top.version_on(dt.date(year, 12, 31))
        for committee in OrgUnit.objects.get_children(top.unit):
            own = selectors.child_plan(plan=top, unit=committee)
            assert own is not None, (committee.code, year)
            assert own.number.endswith("-KH/" + SYMBOLS.get(committee.code, "HU"))
            first = own.versions.order_by("revision").first()
            assert first.issued_on > in_force.issued_on
            if year == 2022:
                assert dt.date(2022, 2, 21) <= first.issued_on <= dt.date(2022, 2, 28)
            given = selectors.allocation_for(version=in_force, unit=committee)
            for version in own.versions.all():
                assert version.target >= given
                allocated = version.allocations.aggregate(n=Sum("target"))["n"]
                assert allocated >= version.target
                children = {c.unit.pk for c in selectors.children_in_year(committee, year)}
                assert set(version.allocations.values_list("unit_id", flat=True)) == children
    kb = Plan.objects.get(unit__code="KB", year=2022)
    assert kb.number == "25-KH/HU"
    assert kb.versions.get().target == A.scaled(150, SMALL)
    assert Plan.objects.get(unit__code="HB", year=2022).number.endswith("-KH/TH.U")


def test_mai_chau_revision_keeps_the_original(demo):
    mc = Plan.objects.get(unit__code="MC", year=2022)
    first, second = mc.versions.order_by("revision")
    assert (first.status, second.status) == (PlanStatus.REVISED, PlanStatus.ISSUED)
    assert second.target > first.target and second.note
    assert mc.version_on(dt.date(2022, 5, 31)) == first
    assert mc.version_on(dt.date(2022, 12, 31)) == second


def test_kim_boi_reached_its_2021_target_two_months_early(demo):
    kb = OrgUnit.objects.get(code="KB")
    plan = Plan.objects.get(unit=kb, year=2021)
    target = plan.version_on(dt.date(2021, 12, 31)).target
    assert target == A.scaled(A.KB_TARGETS[2021], SMALL)
    province = Plan.objects.get(unit__code="TU", year=2021)
    assert selectors.allocation_for(version=province.versions.get(), unit=kb) == target
    in_kb = Candidacy.objects.filter(cell__path__startswith=kb.path)
    by_october = in_kb.filter(decision_on__gte=dt.date(2021, 1, 1),
                              decision_on__lte=dt.date(2021, 10, 31)).count()
    assert by_october >= target


def test_reset_deletes_the_plans(demo):
    counts = reset_demo()
    assert counts["plans"] == 42 and counts["plan_versions"] == 43
    assert counts["plan_allocations"] > 0
    assert not Plan.objects.exists() and not Allocation.objects.exists()
    assert not OrgUnit.objects.exists()
