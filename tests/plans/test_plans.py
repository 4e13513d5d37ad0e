"""Plans and their allocations: create, allocate, issue, revise; the selectors behind the page.

Kế hoạch số 77-KH/TU ngày 14/02/2022: at least 1.600 new members, Kim Bôi 150; Kim Bôi's
own plan 25-KH/HU implements it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_verify
from dangvien.core.errors import DomainError
from dangvien.org.models import UnitKind
from dangvien.org.services import unit_create
from dangvien.plans import selectors
from dangvien.plans.models import Allocation, Plan, PlanStatus, PlanVersion
from dangvien.plans.services import plan_allocate, plan_create, plan_issue, plan_revise

pytestmark = pytest.mark.django_db

TODAY = dt.date(2022, 12, 31)
ISSUED_ON = dt.date(2022, 2, 14)
TITLE = "Kế hoạch phát triển đảng viên năm 2022"


def make_plan(by, unit, number="77-KH/TU", target=1600, year=2022, parent=None):
    return plan_create(by=by, unit=unit, year=year, number=number, title=TITLE, target=target,
                       parent=parent)


def draft_of(plan) -> PlanVersion:
    return plan.versions.get(status=PlanStatus.DRAFT)


@pytest.fixture
def tu_plan(province, personas):
    """77-KH/TU, issued 14/02/2022: 1.600, Kim Bôi 150, Lạc Sơn 1.450."""
    plan = make_plan(personas.provincial, province.tu)
    plan_allocate(by=personas.provincial, version=draft_of(plan),
                  allocations={province.kb: 150, province.ls: 1450})
    plan_issue(by=personas.provincial, version=draft_of(plan), issued_on=ISSUED_ON, today=TODAY)
    return plan


@pytest.fixture
def kb_approver(province):
    """Thường trực Huyện ủy Kim Bôi: approver on KB."""
    user = get_user_model().objects.create_user(username="duyetkb", password="x")
    RoleAssignment.objects.create(user=user, unit=province.kb, role=Role.APPROVER)
    return user


# --- create ----------------------------------------------------------------------------


def test_create_gives_a_draft_version_1_with_the_number_in_capitals(province, personas):
    plan = plan_create(by=personas.provincial, unit=province.tu, year=2022, number=" 77 - kh/tu ",
                       title="  Kế hoạch   phát triển đảng viên năm 2022 ", target=1600)
    assert (plan.number, plan.year, plan.title) == ("77-KH/TU", 2022, TITLE)
    [version] = plan.versions.all()
    assert (version.revision, version.status, version.target, version.issued_on) == (
        1, PlanStatus.DRAFT, 1600, None)
    assert AuditEvent.objects.filter(action="plan.create", object_id=str(plan.pk)).exists()


def test_lower_case_d_with_stroke_is_capitalised(province, personas):
    plan = make_plan(personas.provincial, province.kb_commune, number="12-kh/đu", target=5)
    assert plan.number == "12-KH/ĐU"


def test_duplicate_number_in_the_same_year_is_refused(province, personas):
    make_plan(personas.provincial, province.tu)
    with pytest.raises(DomainError) as err:
        make_plan(personas.provincial, province.tu, number="77-kh/tu")
    assert err.value.field == "number"
    assert "77-KH/TU" in err.value.message and "2022" in err.value.message
    # Numbers restart each term: the same number in another year is another plan.
    make_plan(personas.provincial, province.tu, year=2027)
    assert Plan.objects.filter(number="77-KH/TU").count() == 2


@pytest.mark.parametrize("number", ["", "KH/TU", "77/TU", "kế hoạch 77", "77-KH"])
def test_number_must_be_in_party_style(province, personas, number):
    with pytest.raises(DomainError) as err:
        make_plan(personas.provincial, province.tu, number=number)
    assert err.value.field == "number"


@pytest.mark.parametrize("target", [-1, 1.5, "150", True])
def test_target_must_be_a_whole_number_not_below_zero(province, personas, target):
    with pytest.raises(DomainError) as err:
        make_plan(personas.provincial, province.tu, target=target)
    assert err.value.field == "target"


def test_parent_must_be_same_year_and_from_a_superior(province, personas, tu_plan):
    ls_plan = make_plan(personas.provincial, province.ls, number="30-KH/HU", target=1450,
                        parent=tu_plan)
    with pytest.raises(DomainError) as err:  # Lạc Sơn is not above Kim Bôi
        make_plan(personas.provincial, province.kb_commune, number="5-KH/ĐU", target=10,
                  parent=ls_plan)
    assert err.value.field == "parent" and "không phải cấp trên" in err.value.message
    old = make_plan(personas.provincial, province.tu, number="15-KH/TU", year=2021)
    with pytest.raises(DomainError) as err:
        make_plan(personas.provincial, province.kb, number="25-KH/HU", target=150, parent=old)
    assert err.value.field == "parent" and "2021" in err.value.message
    # An ancestor above the direct parent is accepted (a grassroots plan citing the province's).
    make_plan(personas.provincial, province.kb_commune, number="5-KH/ĐU", target=10,
              parent=tu_plan)


def test_a_unit_implements_a_superior_plan_once(province, personas, tu_plan):
    make_plan(personas.kimboi, province.kb, number="25-KH/HU", target=150, parent=tu_plan)
    with pytest.raises(DomainError) as err:
        make_plan(personas.kimboi, province.kb, number="26-KH/HU", target=150, parent=tu_plan)
    assert err.value.field == "parent" and "25-KH/HU" in err.value.message


def test_editor_role_needed_to_create(province, personas):
    with pytest.raises(DomainError):
        make_plan(personas.lacson, province.kb, number="25-KH/HU")
    with pytest.raises(DomainError):
        make_plan(personas.secretary, province.kb, number="25-KH/HU")
    assert not Plan.objects.exists()


# --- allocate --------------------------------------------------------------------------


def test_allocate_replaces_the_draft_allocations(province, personas):
    plan = make_plan(personas.provincial, province.tu)
    version = draft_of(plan)
    plan_allocate(by=personas.provincial, version=version,
                  allocations={province.kb: 100, province.ls: 1000})
    plan_allocate(by=personas.provincial, version=version, allocations={province.kb: 150})
    assert dict(version.allocations.values_list("unit__code", "target")) == {"KB": 150}
    event = AuditEvent.objects.filter(action="plan.allocate").order_by("-id").first()
    assert event.before["allocations"] == {"KB": 100, "LS": 1000}
    assert event.after["allocations"] == {"KB": 150}


def test_allocate_can_correct_the_draft_target(province, personas):
    plan = make_plan(personas.provincial, province.tu, target=1500)
    version = plan_allocate(by=personas.provincial, version=draft_of(plan),
                            allocations={province.kb: 150}, target=1600)
    version.refresh_from_db()
    assert version.target == 1600


def test_only_direct_children_of_the_plan_year_are_allocatable(province, personas):
    plan = make_plan(personas.provincial, province.tu)
    for unit in (province.kb_commune, province.kb_cell, province.tu):
        with pytest.raises(DomainError) as err:
            plan_allocate(by=personas.provincial, version=draft_of(plan),
                          allocations={province.kb: 150, unit: 10})
        assert err.value.field == "allocations"
        assert unit.name in err.value.message and "trực thuộc trực tiếp" in err.value.message
    assert not Allocation.objects.exists()
    # A committee formed in June 2022 is a direct subordinate during the plan year.
    new = unit_create(by=None, parent=province.tu, code="QS", name="Đảng bộ Quân sự tỉnh",
                      kind=UnitKind.DIRECT, valid_from=dt.date(2022, 6, 1))
    plan_allocate(by=personas.provincial, version=draft_of(plan), allocations={new: 40})
    # …but not of the 2021 plan.
    old = make_plan(personas.provincial, province.tu, number="15-KH/TU", year=2021)
    with pytest.raises(DomainError):
        plan_allocate(by=personas.provincial, version=draft_of(old), allocations={new: 40})


@pytest.mark.parametrize("value", [-5, 2.5, None])
def test_allocations_are_whole_numbers_not_below_zero(province, personas, value):
    plan = make_plan(personas.provincial, province.tu)
    with pytest.raises(DomainError) as err:
        plan_allocate(by=personas.provincial, version=draft_of(plan),
                      allocations={province.kb: value})
    assert err.value.field == "allocations" and "Huyện ủy Kim Bôi" in err.value.message


def test_issued_version_cannot_be_reallocated(province, personas, tu_plan):
    version = tu_plan.versions.get()
    with pytest.raises(DomainError) as err:
        plan_allocate(by=personas.provincial, version=version, allocations={province.kb: 1})
    assert "điều chỉnh" in err.value.message
    assert selectors.allocation_for(version=version, unit=province.kb) == 150


def test_lac_son_officer_cannot_allocate_kim_boi_plan(province, personas, tu_plan):
    plan = make_plan(personas.kimboi, province.kb, number="25-KH/HU", target=150, parent=tu_plan)
    with pytest.raises(DomainError) as err:
        plan_allocate(by=personas.lacson, version=draft_of(plan),
                      allocations={province.kb_commune: 150})
    assert err.value.code == "forbidden"
    assert not Allocation.objects.filter(version__plan=plan).exists()


# --- issue -----------------------------------------------------------------------------


def test_issue_with_allocations_equal_to_the_target(province, personas, tu_plan):
    version = tu_plan.versions.get()
    assert (version.status, version.issued_on, version.issued_by) == (
        PlanStatus.ISSUED, ISSUED_ON, personas.provincial)
    summary = selectors.plan_summary(version=version)
    assert (summary.target, summary.allocated, summary.remainder, summary.surplus) == (
        1600, 1600, 0, 0)
    assert [(r.unit.code, r.allocated) for r in summary.rows] == [("KB", 150), ("LS", 1450)]
    actions = list(AuditEvent.objects.filter(action__startswith="plan.")
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["plan.create", "plan.allocate", "plan.issue"]
    assert audit_verify().ok


def test_issue_refused_when_allocations_fall_short_with_the_figures(province, personas):
    plan = make_plan(personas.provincial, province.tu)
    plan_allocate(by=personas.provincial, version=draft_of(plan),
                  allocations={province.kb: 150, province.ls: 1400})
    with pytest.raises(DomainError) as err:
        plan_issue(by=personas.provincial, version=draft_of(plan), issued_on=ISSUED_ON,
                   today=TODAY)
    assert err.value.message == (
        "Tổng chỉ tiêu đã giao 1.550 thấp hơn chỉ tiêu của kế hoạch 1.600: còn thiếu 50.")
    assert err.value.field == "allocations"
    version = draft_of(plan)
    assert (version.status, version.issued_on) == (PlanStatus.DRAFT, None)
    assert not AuditEvent.objects.filter(action="plan.issue").exists()


def test_surplus_is_allowed_and_shown(province, personas):
    plan = make_plan(personas.provincial, province.tu)
    plan_allocate(by=personas.provincial, version=draft_of(plan),
                  allocations={province.kb: 160, province.ls: 1500})
    version = plan_issue(by=personas.provincial, version=draft_of(plan), issued_on=ISSUED_ON,
                         today=TODAY)
    summary = selectors.plan_summary(version=version)
    assert (summary.allocated, summary.surplus, summary.remainder) == (1660, 60, 0)


def test_a_unit_with_nothing_under_it_issues_without_allocations(province, personas):
    plan = make_plan(personas.kimboi, province.kb_school, number="3-KH/CB", target=2)
    version = plan_issue(by=personas.provincial, version=draft_of(plan), issued_on=ISSUED_ON,
                         today=TODAY)
    assert version.status == PlanStatus.ISSUED


@pytest.mark.parametrize(("issued_on", "fragment"), [
    (dt.date(2023, 1, 2), "ở sau hôm nay"),
    (dt.date(2023, 1, 2), "trong năm 2022 hoặc trước đó"),
])
def test_issue_date_not_in_the_future_nor_after_the_plan_year(province, personas, issued_on,
                                                              fragment):
    today = dt.date(2022, 12, 31) if "hôm nay" in fragment else dt.date(2023, 6, 1)
    plan = make_plan(personas.provincial, province.tu)
    plan_allocate(by=personas.provincial, version=draft_of(plan),
                  allocations={province.kb: 150, province.ls: 1450})
    with pytest.raises(DomainError) as err:
        plan_issue(by=personas.provincial, version=draft_of(plan), issued_on=issued_on,
                   today=today)
    assert err.value.field == "issued_on" and fragment in err.value.message


def test_issue_late_in_the_previous_year_is_fine(province, personas):
    plan = make_plan(personas.provincial, province.tu, target=0)
    plan_issue(by=personas.provincial, version=draft_of(plan), issued_on=dt.date(2021, 12, 20),
               today=TODAY)


def test_approver_needed_to_issue(province, personas, tu_plan, kb_approver):
    plan = make_plan(personas.kimboi, province.kb, number="25-KH/HU", target=150, parent=tu_plan)
    plan_allocate(by=personas.kimboi, version=draft_of(plan),
                  allocations={province.kb_commune: 110, province.kb_school: 40})
    with pytest.raises(DomainError) as err:
        plan_issue(by=personas.kimboi, version=draft_of(plan), issued_on=dt.date(2022, 2, 25),
                   today=TODAY)
    assert "phê duyệt" in err.value.message
    plan_issue(by=kb_approver, version=draft_of(plan), issued_on=dt.date(2022, 2, 25), today=TODAY)
    assert plan.versions.get().status == PlanStatus.ISSUED


def test_child_plan_below_its_parent_allocation_is_refused(province, personas, tu_plan,
                                                           kb_approver):
    plan = make_plan(personas.kimboi, province.kb, number="25-kh/hu", target=140, parent=tu_plan)
    plan_allocate(by=personas.kimboi, version=draft_of(plan),
                  allocations={province.kb_commune: 100, province.kb_school: 40})
    with pytest.raises(DomainError) as err:
        plan_issue(by=kb_approver, version=draft_of(plan), issued_on=dt.date(2022, 2, 25),
                   today=TODAY)
    assert err.value.field == "target"
    assert "140" in err.value.message and "150" in err.value.message
    assert "77-KH/TU" in err.value.message
    assert draft_of(plan).status == PlanStatus.DRAFT
    # Raised to 150 and allocated in full, it is issued.
    plan_allocate(by=personas.kimboi, version=draft_of(plan), target=150,
                  allocations={province.kb_commune: 108, province.kb_school: 42})
    plan_issue(by=kb_approver, version=draft_of(plan), issued_on=dt.date(2022, 2, 25), today=TODAY)
    assert selectors.child_plan(plan=tu_plan, unit=province.kb) == plan
    assert selectors.child_plan(plan=tu_plan, unit=province.ls) is None


def test_child_plan_cannot_be_issued_before_its_parent(province, personas, tu_plan, kb_approver):
    plan = make_plan(personas.kimboi, province.kb, number="25-KH/HU", target=150, parent=tu_plan)
    plan_allocate(by=personas.kimboi, version=draft_of(plan),
                  allocations={province.kb_commune: 150})
    with pytest.raises(DomainError) as err:
        plan_issue(by=kb_approver, version=draft_of(plan), issued_on=dt.date(2022, 2, 1),
                   today=TODAY)
    assert err.value.field == "issued_on" and "chưa ban hành" in err.value.message


def test_summary_shows_each_child_own_plan_and_whether_it_covers(province, personas, tu_plan,
                                                                 kb_approver):
    kb = make_plan(personas.kimboi, province.kb, number="25-KH/HU", target=150, parent=tu_plan)
    plan_allocate(by=personas.kimboi, version=draft_of(kb),
                  allocations={province.kb_commune: 110, province.kb_school: 42})
    summary = selectors.plan_summary(version=tu_plan.versions.get())
    rows = {r.unit.code: r for r in summary.rows}
    assert rows["KB"].plan == kb and rows["KB"].own_is_draft and rows["KB"].covered is True
    assert rows["LS"].plan is None and rows["LS"].covered is None
    plan_issue(by=kb_approver, version=draft_of(kb), issued_on=dt.date(2022, 2, 25), today=TODAY)
    # The Kim Bôi plan gives its units 152 against 150: a surplus of 2.
    kb_summary = selectors.plan_summary(version=kb.versions.get())
    assert (kb_summary.allocated, kb_summary.surplus) == (152, 2)
    # A commune plan below what Kim Bôi gave it shows as not covering.
    commune = make_plan(personas.kimboi, province.kb_commune, number="4-KH/ĐU", target=100,
                        parent=kb)
    row = next(r for r in selectors.plan_summary(version=kb.versions.get()).rows
               if r.unit == province.kb_commune)
    assert (row.plan, row.allocated, row.own_target, row.covered) == (commune, 110, 100, False)


# --- revise ----------------------------------------------------------------------------


def test_revision_keeps_the_original_version_and_its_allocations(province, personas, tu_plan):
    original = tu_plan.versions.get()
    draft = plan_revise(by=personas.provincial, plan=tu_plan, target=1650,
                        note="Điều chỉnh sau sơ kết 6 tháng", today=dt.date(2022, 7, 10))
    assert (draft.revision, draft.status, draft.target) == (2, PlanStatus.DRAFT, 1650)
    assert dict(draft.allocations.values_list("unit__code", "target")) == {"KB": 150, "LS": 1450}
    # Until the revision is issued the original is still the one in force.
    assert tu_plan.version_on(dt.date(2022, 7, 31)) == original
    plan_allocate(by=personas.provincial, version=draft,
                  allocations={province.kb: 160, province.ls: 1490})
    plan_issue(by=personas.provincial, version=draft, issued_on=dt.date(2022, 7, 15), today=TODAY)
    original.refresh_from_db()
    draft.refresh_from_db()
    assert (original.status, draft.status) == (PlanStatus.REVISED, PlanStatus.ISSUED)
    assert PlanVersion.objects.filter(plan=tu_plan).count() == 2
    # Progress on old dates still finds the original, with its own figures.
    assert tu_plan.version_on(dt.date(2022, 1, 31)) is None
    assert tu_plan.version_on(dt.date(2022, 5, 31)) == original
    assert tu_plan.version_on(dt.date(2022, 7, 14)) == original
    assert tu_plan.version_on(dt.date(2022, 7, 15)) == draft
    assert selectors.version_in_force(tu_plan, dt.date(2022, 12, 31)) == draft
    assert selectors.allocation_for(version=original, unit=province.kb) == 150
    assert selectors.allocation_for(version=draft, unit=province.kb) == 160
    assert original.target == 1600
    event = AuditEvent.objects.filter(action="plan.issue").order_by("-id").first()
    assert event.after["revises"] == [1]


def test_only_one_draft_at_a_time(province, personas, tu_plan):
    plan_revise(by=personas.provincial, plan=tu_plan, target=1650, note="Lần 2",
                today=dt.date(2022, 7, 10))
    with pytest.raises(DomainError) as err:
        plan_revise(by=personas.provincial, plan=tu_plan, target=1700, note="Lần 3",
                    today=dt.date(2022, 7, 11))
    assert "dự thảo lần 2" in err.value.message
    assert tu_plan.versions.count() == 2


def test_a_plan_never_issued_is_not_revised_but_edited(province, personas):
    plan = make_plan(personas.provincial, province.tu)
    with pytest.raises(DomainError):
        plan_revise(by=personas.provincial, plan=plan, target=1700, note="x", today=TODAY)


def test_revision_needs_a_note_and_cannot_predate_the_original(province, personas, tu_plan):
    with pytest.raises(DomainError) as err:
        plan_revise(by=personas.provincial, plan=tu_plan, target=1650, note="  ",
                    today=dt.date(2022, 7, 10))
    assert err.value.field == "note"
    draft = plan_revise(by=personas.provincial, plan=tu_plan, target=1650, note="Tăng",
                        today=dt.date(2022, 7, 10))
    plan_allocate(by=personas.provincial, version=draft,
                  allocations={province.kb: 150, province.ls: 1500})
    with pytest.raises(DomainError) as err:
        plan_issue(by=personas.provincial, version=draft, issued_on=dt.date(2022, 2, 1),
                   today=TODAY)
    assert err.value.field == "issued_on" and "14/02/2022" in err.value.message


def test_revised_child_target_is_checked_against_the_parent_in_force(province, personas, tu_plan,
                                                                      kb_approver):
    kb = make_plan(personas.kimboi, province.kb, number="25-KH/HU", target=150, parent=tu_plan)
    plan_allocate(by=personas.kimboi, version=draft_of(kb), allocations={province.kb_commune: 150})
    plan_issue(by=kb_approver, version=draft_of(kb), issued_on=dt.date(2022, 2, 25), today=TODAY)
    # The province raises Kim Bôi to 160 in July.
    tu_draft = plan_revise(by=personas.provincial, plan=tu_plan, target=1610, note="Tăng",
                           today=dt.date(2022, 7, 1))
    plan_allocate(by=personas.provincial, version=tu_draft,
                  allocations={province.kb: 160, province.ls: 1450})
    plan_issue(by=personas.provincial, version=tu_draft, issued_on=dt.date(2022, 7, 4),
               today=TODAY)
    kb_draft = plan_revise(by=personas.kimboi, plan=kb, target=155, note="Tăng",
                           today=dt.date(2022, 7, 10))
    plan_allocate(by=personas.kimboi, version=kb_draft, allocations={province.kb_commune: 155})
    with pytest.raises(DomainError) as err:
        plan_issue(by=kb_approver, version=kb_draft, issued_on=dt.date(2022, 7, 11), today=TODAY)
    assert "155" in err.value.message and "160" in err.value.message


# --- lists -----------------------------------------------------------------------------


def test_plans_for_user_follow_scope(province, personas, tu_plan):
    kb = make_plan(personas.kimboi, province.kb, number="25-KH/HU", target=150, parent=tu_plan)
    make_plan(personas.lacson, province.ls, number="30-KH/HU", target=1450, parent=tu_plan)
    assert {p.number for p in selectors.plans_for_user(user=personas.provincial)} == {
        "77-KH/TU", "25-KH/HU", "30-KH/HU"}
    assert list(selectors.plans_for_user(user=personas.kimboi)) == [kb]
    assert list(selectors.plans_for_user(user=personas.kimboi, year=2021)) == []
    assert list(selectors.plans_for_user(user=personas.outsider)) == []
    assert selectors.years_for_user(user=personas.kimboi) == [2022]


def test_issuer_symbols_and_headings(province):
    assert selectors.issuer_symbol(province.tu) == "TU"
    assert selectors.issuer_symbol(province.kb) == "HU"
    assert selectors.issuer_symbol(province.kb_commune) == "ĐU"
    head = selectors.heading(province.kb, ISSUED_ON)
    assert (head.superior, head.issuer, head.place) == (
        "Đảng bộ tỉnh Hòa Bình", "Huyện ủy Kim Bôi", "Kim Bôi")
    head = selectors.heading(province.kb_commune, ISSUED_ON)
    assert (head.superior, head.issuer, head.place) == (
        "Đảng bộ huyện Kim Bôi", "Đảng ủy xã Vĩnh Đồng", "Vĩnh Đồng")
    head = selectors.heading(province.tu, ISSUED_ON)
    assert (head.superior, head.issuer, head.place) == ("", "Tỉnh ủy Hòa Bình", "Hòa Bình")
