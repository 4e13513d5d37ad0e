"""Screening (sàng lọc): the flags, the cell's secret-ballot vote, the education period,
the outcome."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.people.choices import MemberStatus
from dangvien.people.models import Membership
from dangvien.ratings.models import (
    LapseKind,
    Rating,
    RatingRuleSet,
    ScreeningCase,
    ScreeningOutcome,
    ScreeningStatus,
)
from dangvien.ratings.selectors import ABSENT, NO_DUES, REOFFEND, TWO_YEARS, screening_list
from dangvien.ratings.services import (
    discipline_record,
    lapse_record,
    rating_enter,
    screening_open,
    screening_outcome,
    screening_vote,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def rate(m, year, level):
    return rating_enter(by=None, membership=m, year=year, level=level, today=TODAY)


def flags_of(unit, year) -> dict[str, list[str]]:
    return {f.membership.person.full_name: [x.code for x in f.flags]
            for f in screening_list(unit=unit, year=year)}


@pytest.fixture
def two_years(province, crowd):
    """In KB.01.01: A "không hoàn thành" in 2020 and 2021; B only in 2021; C only in 2020."""
    a, b, c = crowd(province.kb_cell, 3)
    for m, levels in ((a, ("khong_hoan_thanh", "khong_hoan_thanh")),
                      (b, ("tot", "khong_hoan_thanh")),
                      (c, ("khong_hoan_thanh", "tot"))):
        rate(m, 2020, levels[0])
        rate(m, 2021, levels[1])
    return a, b, c


def test_two_consecutive_not_done_years_flag_one_year_does_not(province, two_years):
    a, b, c = two_years
    flagged = screening_list(unit=province.kb, year=2021)
    assert [f.membership.pk for f in flagged] == [a.pk]
    flag = flagged[0].flags[0]
    assert flag.code == TWO_YEARS
    assert flag.rule == "Hai năm liên tiếp xếp loại “Không hoàn thành nhiệm vụ”"
    assert "Hướng dẫn 02-HD/BTCTW" in flag.regulation and "Chỉ thị 28-CT/TW" in flag.regulation
    assert flag.detail == "Không hoàn thành nhiệm vụ năm 2020 và năm 2021."
    # One year is not enough: 2020 alone (no 2019 rating) flags nobody.
    assert screening_list(unit=province.kb, year=2020) == []
    # Lạc Sơn's list does not hold Kim Bôi's members.
    assert screening_list(unit=province.ls, year=2021) == []


def test_reoffending_under_discipline(province, crowd):
    a, b = crowd(province.kb_cell, 2)
    discipline_record(by=None, membership=a, form="khien_trach", decided_on=dt.date(2021, 3, 1),
                      until=dt.date(2022, 3, 1))
    discipline_record(by=None, membership=a, form="canh_cao", decided_on=dt.date(2021, 9, 1),
                      until=dt.date(2022, 9, 1))
    # B's second discipline comes after the first one ended.
    discipline_record(by=None, membership=b, form="khien_trach", decided_on=dt.date(2020, 1, 10),
                      until=dt.date(2021, 1, 10))
    discipline_record(by=None, membership=b, form="khien_trach", decided_on=dt.date(2021, 6, 1),
                      until=dt.date(2022, 6, 1))
    assert flags_of(province.kb_cell, 2021) == {a.person.full_name: [REOFFEND]}


def test_three_months_without_activity_or_dues(province, crowd):
    a, b, c = crowd(province.kb_cell, 3)
    for month in (2, 5, 9):
        lapse_record(by=None, membership=a, year=2021, month=month, kind=LapseKind.ABSENT)
    for month in (2, 5):  # two months only
        lapse_record(by=None, membership=b, year=2021, month=month, kind=LapseKind.NO_DUES)
    lapse_record(by=None, membership=b, year=2021, month=6, kind=LapseKind.NO_DUES, with_reason=True)
    for month in (1, 2, 3):
        lapse_record(by=None, membership=c, year=2021, month=month, kind=LapseKind.NO_DUES)
    flags = flags_of(province.kb_cell, 2021)
    assert flags == {a.person.full_name: [ABSENT], c.person.full_name: [NO_DUES]}
    flag = screening_list(unit=province.kb_cell, year=2021)[0].flags[0]
    assert flag.rule == "Bỏ sinh hoạt đảng 3 tháng trong năm không có lý do chính đáng"
    assert "Điều lệ Đảng, Điều 8 khoản 2" in flag.regulation


def test_lapse_month_validated(province, crowd):
    a = crowd(province.kb_cell, 1)[0]
    with pytest.raises(DomainError, match="Tháng 13 không hợp lệ"):
        lapse_record(by=None, membership=a, year=2021, month=13, kind=LapseKind.ABSENT)


@pytest.fixture
def case(province, personas, two_years):
    return screening_open(by=personas.secretary, membership=two_years[0], year=2021)


def test_open_case_only_for_a_flagged_member(province, personas, two_years, case):
    assert case.status == ScreeningStatus.OPEN
    assert case.reasons[0]["code"] == TWO_YEARS
    assert case.params["education_months"] == 12
    with pytest.raises(DomainError, match="không có dấu hiệu nào phải xem xét"):
        screening_open(by=personas.secretary, membership=two_years[1], year=2021)
    with pytest.raises(DomainError, match="Đã có trường hợp sàng lọc năm 2021"):
        screening_open(by=personas.secretary, membership=two_years[0], year=2021)


def vote(case, by, yes, official=15, exempt=0):
    return screening_vote(by=by, case=case, voted_on=dt.date(2022, 1, 20), official_members=official,
                          exempt_members=exempt, yes_votes=yes)


def test_12_of_15_places_under_education_for_12_months(personas, case):
    case = vote(case, personas.secretary, 12)
    assert case.status == ScreeningStatus.EDUCATION
    assert case.education_ends_on == dt.date(2023, 1, 20)
    assert AuditEvent.objects.filter(action="screening.vote").count() == 1


def test_10_of_15_does_not_place(personas, case):
    case = vote(case, personas.secretary, 10)
    assert case.status == ScreeningStatus.NOT_PLACED
    assert case.education_ends_on is None


def test_10_of_15_with_three_exempt_is_10_of_12_and_places(personas, case):
    case = vote(case, personas.secretary, 10, exempt=3)
    assert case.vote_base == 12
    assert case.status == ScreeningStatus.EDUCATION


def test_at_least_setting_counts_exactly_two_thirds(personas, case):
    """10/15 is exactly 2/3: with the rule set set to "từ 2/3 trở lên" it places."""
    RatingRuleSet.objects.update(vote_strictly_more=False)
    fresh = ScreeningCase.objects.get(pk=case.pk)
    fresh.params = RatingRuleSet.objects.get(short_name="QĐ 132-QĐ/TW").params()
    fresh.save()
    assert vote(fresh, personas.secretary, 10).status == ScreeningStatus.EDUCATION


def test_education_period_is_a_setting(province, personas, two_years):
    RatingRuleSet.objects.update(education_months=6)
    case = screening_open(by=personas.secretary, membership=two_years[0], year=2021)
    assert vote(case, personas.secretary, 12).education_ends_on == dt.date(2022, 7, 20)


@pytest.mark.parametrize(("yes", "official", "exempt", "message"), [
    (16, 15, 0, r"Số phiếu tán thành \(16\) nhiều hơn số đảng viên chính thức của chi bộ \(15\)"),
    (13, 15, 3, r"nhiều hơn số đảng viên chính thức được biểu quyết \(12 = 15 chính thức − 3 miễn"),
    (1, 5, 5, r"Số miễn sinh hoạt \(5\) phải ít hơn số đảng viên chính thức \(5\)"),
    (0, 0, 0, "ít nhất một đảng viên chính thức"),
])
def test_votes_above_official_members_refused(personas, case, yes, official, exempt, message):
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError, match=message):
        vote(case, personas.secretary, yes, official=official, exempt=exempt)
    case.refresh_from_db()
    assert (case.status, case.yes_votes, case.voted_on) == (ScreeningStatus.OPEN, None, None)
    assert AuditEvent.objects.count() == before


def test_only_the_cell_votes(personas, case):
    with pytest.raises(DomainError, match="không có quyền"):
        vote(case, personas.lacson, 12)


def test_removal_ends_membership_and_keeps_history(province, personas, two_years, case):
    vote(case, personas.secretary, 12)
    with pytest.raises(DomainError, match="cấp ủy cấp trên"):
        screening_outcome(by=personas.secretary, case=case, outcome=ScreeningOutcome.REMOVED,
                          decision="5-QĐ/ĐU", decided_on=dt.date(2023, 2, 1))
    with pytest.raises(DomainError, match="Hãy ghi số quyết định"):
        screening_outcome(by=personas.kimboi, case=case, outcome=ScreeningOutcome.REMOVED,
                          decision=" ", decided_on=dt.date(2023, 2, 1))
    case = screening_outcome(by=personas.kimboi, case=case, outcome=ScreeningOutcome.REMOVED,
                             decision="5-QĐ/ĐU", decided_on=dt.date(2023, 2, 1))
    assert (case.status, case.outcome, case.outcome_decision) == (
        ScreeningStatus.CLOSED, "xoa_ten", "5-QĐ/ĐU")
    m = Membership.objects.get(pk=two_years[0].pk)
    assert (m.status, m.ended_on) == (MemberStatus.REMOVED, dt.date(2023, 2, 1))
    # History stays: the ratings and the case are still there.
    assert Rating.objects.filter(person_id=m.person_id).count() == 2
    assert screening_list(unit=province.kb, year=2021)[0].case.pk == case.pk
    with pytest.raises(DomainError, match="đã có kết quả"):
        screening_outcome(by=personas.kimboi, case=case, outcome=ScreeningOutcome.EXPELLED,
                          decision="6-QĐ/ĐU", decided_on=dt.date(2023, 3, 1))


def test_cleared_only_after_education(personas, case):
    with pytest.raises(DomainError, match="tiến bộ"):
        screening_outcome(by=personas.kimboi, case=case, outcome=ScreeningOutcome.CLEARED,
                          decision="1-NQ/CB", decided_on=dt.date(2023, 2, 1))
    vote(case, personas.secretary, 12)
    case = screening_outcome(by=personas.kimboi, case=case, outcome=ScreeningOutcome.CLEARED,
                             decision="1-NQ/CB", decided_on=dt.date(2023, 2, 1))
    assert case.status == ScreeningStatus.CLOSED
    assert Membership.objects.get(pk=case.membership_id).ended_on is None
