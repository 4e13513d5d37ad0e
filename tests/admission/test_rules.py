"""Each admission rule, at its boundary. Test names say the rule; docstrings the regulation."""

import datetime as dt

import pytest

from dangvien.admission import services as adm
from dangvien.admission.checks import check_admission
from dangvien.admission.models import Source, Stage, UnionRoute
from dangvien.core.errors import DomainError
from dangvien.people.models import Membership
from dangvien.rules.models import rule_set_on

from .conftest import CELL_DAY, TODAY, certify


def results_for(candidacy, on=CELL_DAY):
    candidacy.refresh_from_db()
    return {r.code: r for r in check_admission(candidacy, on=on, rule_set=rule_set_on(on))}


def born(candidacy, day):
    person = candidacy.person
    person.birth_date = day
    person.save()


@pytest.mark.django_db
def test_age_17_years_11_months_on_the_cell_day_is_refused(ready):
    """QĐ 24-QĐ/TW, điểm 1.1.1: from full 18, counted in months, on the day the cell considers."""
    born(ready, dt.date(2004, 3, 11))  # 17 years 11 months and 30 days on 10/03/2022
    result = results_for(ready)["tuoi_toi_thieu"]
    assert not result.passed and result.blocking
    assert "17 tuổi 11 tháng" in result.message
    assert result.regulation == "QĐ 24-QĐ/TW, điểm 1.1.1"
    with pytest.raises(adm.RulesFailed, match="phải đủ 18 tuổi"):
        adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=CELL_DAY, document_no="1-NQ",
                                      today=TODAY)
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE


@pytest.mark.django_db
def test_age_18_years_0_months_passes(ready):
    """QĐ 24-QĐ/TW, điểm 1.1.1: the 18th birthday itself is full 18."""
    born(ready, dt.date(2004, 3, 10))
    assert results_for(ready)["tuoi_toi_thieu"].passed
    adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=CELL_DAY, document_no="1-NQ",
                                  today=TODAY)


@pytest.mark.django_db
def test_age_60_years_1_month_is_refused_without_the_over_60_approval(ready):
    """QĐ 24-QĐ/TW, điểm 1.1.1–1.1.2: over 60 only with the provincial standing board's consent."""
    born(ready, dt.date(1962, 2, 10))  # 60 years 1 month on 10/03/2022
    assert not results_for(ready)["tuoi_toi_da"].passed
    born(ready, dt.date(1962, 3, 10))  # exactly 60 years 0 months
    assert results_for(ready)["tuoi_toi_da"].passed


@pytest.mark.django_db
def test_age_over_60_passes_once_the_approval_is_recorded(ready):
    """QĐ 24-QĐ/TW, điểm 1.1.2."""
    born(ready, dt.date(1962, 2, 10))
    ready.over60_approval = "125-CV/TU"
    ready.over60_approval_on = dt.date(2022, 2, 1)
    ready.over60_approval_by = "Ban Thường vụ Tỉnh ủy Hòa Bình"
    ready.save()
    result = results_for(ready)["tuoi_toi_da"]
    assert result.passed and "125-CV/TU" in result.message


@pytest.mark.django_db
def test_awareness_certificate_older_than_its_validity_is_refused(ready, awareness_class):
    """Certificate valid 60 months (default; HD 12-HD/BTCTW): issued 10/09/2021, valid through
    09/09/2026, refused from 10/09/2026."""
    assert results_for(ready, on=dt.date(2026, 9, 9))["chung_nhan_nhan_thuc"].passed
    result = results_for(ready, on=dt.date(2026, 9, 10))["chung_nhan_nhan_thuc"]
    assert not result.passed and "đã hết hạn" in result.message
    assert ready.awareness.certificate_expires_on == dt.date(2026, 9, 10)


@pytest.mark.django_db
def test_probationary_introducer_is_refused(ready, province, make_member):
    """QĐ 24-QĐ/TW, điểm 3.2.1: introducers must be official members."""
    probationary = make_member(province.kb_cell, "Lò Văn Tâm", admitted=dt.date(2021, 8, 1))
    ready.introducers.all().delete()
    adm.introducer_add(by=None, candidacy=ready,
                       membership=Membership.objects.get(person=probationary),
                       known_since=dt.date(2019, 1, 1), letter_on=dt.date(2022, 2, 1), today=TODAY)
    result = results_for(ready)["gioi_thieu_chinh_thuc"]
    assert not result.passed and "Lò Văn Tâm" in result.message


@pytest.mark.django_db
def test_introducer_who_has_known_her_11_months_is_refused(ready):
    """QĐ 24-QĐ/TW, điểm 3.2.1: at least 12 months working, studying or living together."""
    introducer = ready.introducers.get()
    introducer.known_since = dt.date(2021, 4, 11)  # 10/03/2022 is 10 months 27 days later
    introducer.save()
    result = results_for(ready)["gioi_thieu_thoi_gian"]
    assert not result.passed and "mới 10 tháng" in result.message
    introducer.known_since = dt.date(2021, 3, 10)  # exactly 12 months
    introducer.save()
    assert results_for(ready)["gioi_thieu_thoi_gian"].passed


@pytest.mark.django_db
def test_youth_union_member_needs_one_introducer_and_the_union_resolution(ready):
    """Điều lệ Đảng, Điều 4 khoản 2; QĐ 24-QĐ/TW, điểm 3.1."""
    results = results_for(ready)
    assert results["so_nguoi_gioi_thieu"].passed
    assert results["nghi_quyet_doan_the"].passed
    ready.dossier.filter(form="4-KNĐ").delete()
    assert not results_for(ready)["nghi_quyet_doan_the"].passed


@pytest.mark.django_db
def test_candidate_outside_the_youth_union_needs_two_introducers(ready, introducers):
    """Điều lệ Đảng, Điều 4 khoản 2: two official members."""
    ready.union_route = UnionRoute.NONE
    ready.save()
    result = results_for(ready)["so_nguoi_gioi_thieu"]
    assert not result.passed and "Cần 2" in result.message
    adm.introducer_add(by=None, candidacy=ready, membership=introducers[1],
                       known_since=dt.date(2019, 9, 1), letter_on=dt.date(2022, 2, 21), today=TODAY)
    results = results_for(ready)
    assert results["so_nguoi_gioi_thieu"].passed and "nghi_quyet_doan_the" not in results


@pytest.mark.django_db
def test_education_below_lower_secondary_is_refused_outside_mountain_areas(ready, province):
    """QĐ 24-QĐ/TW, điểm 1.2.1; the exception of điểm 1.2.2 applies in mountainous areas."""
    person = ready.person
    person.education = "tieu_hoc"
    person.save()
    assert results_for(ready)["hoc_van"].passed  # Mớ Đá is mountainous: primary suffices
    cell = ready.cell
    cell.is_mountainous = False
    cell.save()
    result = results_for(ready)["hoc_van"]
    assert not result.passed and "Trung học cơ sở" in result.message


@pytest.mark.django_db
def test_failed_rules_can_be_overridden_only_by_an_approver_with_a_reason(ready, personas):
    """A transition with failed rules is refused unless an approver records a written reason."""
    ready.dossier.filter(form="5-KNĐ").delete()
    with pytest.raises(adm.RulesFailed, match="5-KNĐ"):
        adm.candidacy_propose_by_cell(by=personas.secretary, candidacy=ready, on=CELL_DAY,
                                      document_no="1-NQ", today=TODAY)
    with pytest.raises(DomainError, match="quyền phê duyệt"):
        adm.candidacy_propose_by_cell(by=personas.secretary, candidacy=ready, on=CELL_DAY,
                                      document_no="1-NQ", today=TODAY,
                                      override_reason="Mẫu 5-KNĐ bổ sung sau, đã có biên bản")
    with pytest.raises(DomainError, match="ít nhất"):
        adm.candidacy_propose_by_cell(by=personas.provincial, candidacy=ready, on=CELL_DAY,
                                      document_no="1-NQ", today=TODAY, override_reason="ok")
    c = adm.candidacy_propose_by_cell(by=personas.provincial, candidacy=ready, on=CELL_DAY,
                                      document_no="1-NQ", today=TODAY,
                                      override_reason="Mẫu 5-KNĐ bổ sung sau, đã có biên bản")
    assert c.events.get(stage=Stage.CELL_PROPOSED).override_reason.startswith("Mẫu 5-KNĐ")


@pytest.mark.django_db
def test_readmission_opens_a_second_candidacy_after_the_first_ends(ready, awareness_class):
    adm.candidacy_close(by=None, candidacy=ready, outcome=Stage.WITHDRAWN, on=dt.date(2022, 3, 1),
                        reason="Chuyển công tác", today=TODAY)
    again = adm.candidacy_create(by=None, person=ready.person, cell=ready.cell,
                                 source=Source.TRADE_UNION, identified_on=dt.date(2023, 1, 5),
                                 today=TODAY)
    assert again.pk != ready.pk and ready.person.candidacies.count() == 2
    with pytest.raises(DomainError, match="chưa kết thúc"):
        adm.candidacy_create(by=None, person=ready.person, cell=ready.cell, source=Source.OTHER,
                             identified_on=dt.date(2023, 2, 1), today=TODAY)


@pytest.mark.django_db
def test_kim_boi_cell_secretary_cannot_touch_a_candidacy_elsewhere(ready, personas):
    with pytest.raises(DomainError, match="không có quyền"):
        adm.candidacy_propose_by_cell(by=personas.lacson, candidacy=ready, on=CELL_DAY,
                                      document_no="1-NQ", today=TODAY)
    with pytest.raises(DomainError, match="không có quyền"):
        adm.dossier_record(by=personas.lacson, candidacy=ready, form="7-KNĐ", on=CELL_DAY,
                           today=TODAY)


@pytest.mark.django_db
def test_expired_certificate_blocks_the_cell_proposal_until_a_new_one(ready, awareness_class, province):
    late_day = dt.date(2026, 10, 1)
    with pytest.raises(adm.RulesFailed, match="đã hết hạn"):
        adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=late_day, document_no="1-NQ",
                                      today=late_day)
    from dangvien.training.services import class_create

    refresher = class_create(by=None, organiser=province.kb, kind="nhan_thuc",
                             name="Lớp nhận thức 2026", starts_on=dt.date(2026, 9, 1),
                             ends_on=dt.date(2026, 9, 5))
    adm.candidacy_set_awareness(by=None, candidacy=ready,
                                enrolment=certify(refresher, ready.person, on=dt.date(2026, 9, 5),
                                                  number="CN-2026"))
    adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=late_day, document_no="1-NQ",
                                  today=late_day)
