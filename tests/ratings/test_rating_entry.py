"""Entering ratings: one per member per year, only the cell's members, QĐ 124 levels until
2024 and QĐ 366 scores from 2025; refused input saves nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.ratings.models import Rating, RatingLevel, RatingStatus
from dangvien.ratings.services import (
    Entry,
    rating_enter,
    ratings_approve,
    ratings_enter_batch,
    rule_set_for_year,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def nothing_saved(before_ratings: int, before_audit: int) -> None:
    assert Rating.objects.count() == before_ratings
    assert AuditEvent.objects.count() == before_audit


def test_secretary_enters_a_rating_for_her_member(province, personas, crowd):
    m = crowd(province.kb_cell, 1)[0]
    rating = rating_enter(by=personas.secretary, membership=m, year=2021, level=RatingLevel.GOOD,
                          today=TODAY)
    assert (rating.cell, rating.year, rating.level, rating.status) == (
        province.kb_cell, 2021, RatingLevel.GOOD, RatingStatus.ENTERED)
    assert rating.rule_set.short_name == "QĐ 132-QĐ/TW"
    assert rating.entered_by == personas.secretary
    event = AuditEvent.objects.get(action="rating.enter")
    assert event.after["level"] == "tot" and event.unit_path == province.kb_cell.path


def test_rule_sets_by_year():
    assert rule_set_for_year(2021).short_name == "QĐ 132-QĐ/TW"
    assert rule_set_for_year(2024).short_name == "QĐ 124-QĐ/TW"
    assert not rule_set_for_year(2024).uses_score
    assert rule_set_for_year(2025).short_name == "QĐ 366-QĐ/TW"
    assert rule_set_for_year(2026).uses_score


@pytest.mark.parametrize(("score", "level"), [
    (100, RatingLevel.EXCELLENT), (90, RatingLevel.EXCELLENT), (89, RatingLevel.GOOD),
    (70, RatingLevel.GOOD), (69, RatingLevel.DONE), (50, RatingLevel.DONE),
    (49, RatingLevel.NOT_DONE), (0, RatingLevel.NOT_DONE),
])
def test_qd_366_bands_give_the_level(province, crowd, score, level):
    m = crowd(province.kb_cell, 1)[0]
    rating = rating_enter(by=None, membership=m, year=2025, score=score, today=TODAY)
    assert (rating.score, rating.level) == (score, level)
    assert rating.rule_set.short_name == "QĐ 366-QĐ/TW"


def test_2024_takes_levels_2025_takes_scores(province, crowd):
    a, b = crowd(province.kb_cell, 2)
    with pytest.raises(DomainError, match="QĐ 124-QĐ/TW.*chọn mức"):
        rating_enter(by=None, membership=a, year=2024, score=80, today=TODAY)
    with pytest.raises(DomainError, match="thang 100 điểm.*nhập điểm"):
        rating_enter(by=None, membership=b, year=2025, level=RatingLevel.GOOD, today=TODAY)
    assert Rating.objects.count() == 0


@pytest.mark.parametrize("score", [101, -1, 150])
def test_score_outside_0_100_refused(province, crowd, score):
    m = crowd(province.kb_cell, 1)[0]
    counts = Rating.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError, match=f"Điểm của .* là {score}: điểm phải từ 0 đến 100"):
        rating_enter(by=None, membership=m, year=2025, score=score, today=TODAY)
    nothing_saved(*counts)


def test_member_of_another_cell_refused(province, personas, crowd):
    other = crowd(province.kb_cell2, 1)[0]
    counts = Rating.objects.count(), AuditEvent.objects.count()
    # The secretary of KB.01.01 has no rights on KB.01.02.
    with pytest.raises(DomainError, match="không có quyền nhập kết quả xếp loại của Chi bộ xóm Chanh"):
        rating_enter(by=personas.secretary, membership=other, year=2021, level="tot", today=TODAY)
    # In a batch for her own cell, the other cell's member is refused by name.
    mine = crowd(province.kb_cell, 1, family="Đinh Thị")[0]
    with pytest.raises(DomainError, match=f"{other.person.full_name} không sinh hoạt ở Chi bộ xóm Mớ Đá"):
        ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                            entries=[Entry(mine.pk, level="tot"), Entry(other.pk, level="tot")])
    nothing_saved(*counts)


def test_member_not_yet_admitted_that_year_refused(province, make_member):
    person = make_member(province.kb_cell, "Hà Thị Mới", admitted=dt.date(2022, 3, 1))
    m = person.memberships.get()
    with pytest.raises(DomainError, match="không sinh hoạt ở Chi bộ xóm Mớ Đá trong năm 2021"):
        rating_enter(by=None, membership=m, year=2021, level="tot", today=TODAY)
    assert not Rating.objects.exists()


def test_second_rating_same_year_refused(province, personas, crowd):
    m = crowd(province.kb_cell, 1)[0]
    rating_enter(by=personas.secretary, membership=m, year=2021, level="tot", today=TODAY)
    counts = Rating.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError, match="đã có kết quả xếp loại năm 2021; mỗi đảng viên chỉ xếp loại một lần"):
        rating_enter(by=personas.secretary, membership=m, year=2021, level="xuat_sac", today=TODAY)
    nothing_saved(*counts)
    assert Rating.objects.get().level == "tot"
    # Another year is fine.
    rating_enter(by=personas.secretary, membership=m, year=2020, level="hoan_thanh", today=TODAY)


def test_future_year_refused(province, crowd):
    m = crowd(province.kb_cell, 1)[0]
    with pytest.raises(DomainError, match="Năm đánh giá 2027 không hợp lệ"):
        rating_enter(by=None, membership=m, year=2027, score=80, today=TODAY)


def test_batch_is_all_or_nothing(province, personas, crowd):
    members = crowd(province.kb_cell, 5)
    entries = [Entry(m.pk, level="tot") for m in members[:4]] + [Entry(members[4].pk, level="gioi")]
    counts = Rating.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError, match="Hãy chọn mức xếp loại của"):
        ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, entries=entries,
                            today=TODAY)
    nothing_saved(*counts)
    entries[-1] = Entry(members[4].pk, level="xuat_sac")
    result = ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021,
                                 entries=entries, today=TODAY)
    assert (result.created, result.changed) == (5, 0)
    assert Rating.objects.filter(year=2021).count() == 5
    # Re-sending the same sheet changes nothing; a changed level is updated (not approved yet).
    entries[0] = Entry(members[0].pk, level="hoan_thanh")
    result = ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021,
                                 entries=entries, today=TODAY)
    assert (result.created, result.changed, result.unchanged) == (0, 1, 4)
    assert AuditEvent.objects.filter(action="rating.update").count() == 1


def test_approval_by_the_committee_above_only(province, personas, crowd):
    members = crowd(province.kb_cell, 3)
    ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                        entries=[Entry(m.pk, level="tot") for m in members])
    with pytest.raises(DomainError, match="Chỉ cấp ủy cấp trên của Chi bộ xóm Mớ Đá mới duyệt"):
        ratings_approve(by=personas.secretary, cell=province.kb_cell, year=2021)
    with pytest.raises(DomainError, match="Chỉ cấp ủy cấp trên"):
        ratings_approve(by=personas.lacson, cell=province.kb_cell, year=2021)
    assert not Rating.objects.filter(status=RatingStatus.APPROVED).exists()
    assert ratings_approve(by=personas.kimboi, cell=province.kb_cell, year=2021) == 3
    rating = Rating.objects.first()
    assert (rating.status, rating.approved_by) == (RatingStatus.APPROVED, personas.kimboi)
    assert AuditEvent.objects.filter(action="rating.approve").count() == 1
    # Approved: the cell can no longer change it.
    with pytest.raises(DomainError, match="đã được cấp ủy cấp trên duyệt"):
        ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                            entries=[Entry(members[0].pk, level="xuat_sac")])
    with pytest.raises(DomainError, match="không có kết quả xếp loại năm 2021 nào chờ duyệt"):
        ratings_approve(by=personas.kimboi, cell=province.kb_cell, year=2021)


def test_member_transferred_mid_year_is_rated_once(province, personas, make_member):
    """Moved from Mớ Đá to Chanh in June 2021: both cells had her that year, either may rate
    her, but only once; from 2022 only Chanh."""
    from dangvien.people.transfers import transfer_confirm, transfer_request

    person = make_member(province.kb_cell, "Bùi Thị Chuyển", admitted=dt.date(2015, 3, 2))
    old = person.memberships.get()
    transfer = transfer_request(by=personas.kimboi, membership=old, to_cell=province.kb_cell2,
                                letter_no="12-GGT/ĐU", letter_on=dt.date(2021, 6, 1), today=TODAY)
    new = transfer_confirm(by=personas.kimboi, transfer=transfer, received_on=dt.date(2021, 6, 10),
                           today=TODAY)
    assert new.cell == province.kb_cell2
    old.refresh_from_db()
    ratings_enter_batch(by=personas.kimboi, cell=province.kb_cell2, year=2021, today=TODAY,
                        entries=[Entry(new.pk, level="tot")])
    with pytest.raises(DomainError, match="đã được Chi bộ xóm Chanh xếp loại năm 2021"):
        ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                            entries=[Entry(old.pk, level="xuat_sac")])
    with pytest.raises(DomainError, match="không sinh hoạt ở Chi bộ xóm Mớ Đá trong năm 2022"):
        ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2022, today=TODAY,
                            entries=[Entry(old.pk, level="tot")])
    assert Rating.objects.get().cell == province.kb_cell2
