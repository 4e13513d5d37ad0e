"""The whole path, from source to recognition, and the rules at each step."""

import datetime as dt

import pytest

from dangvien.admission import services as adm
from dangvien.admission.models import CandidacyEvent, Stage
from dangvien.audit.services import audit_verify
from dangvien.core.errors import DomainError
from dangvien.people.choices import MemberStatus
from dangvien.people.models import Membership
from dangvien.rules.models import RuleSet
from dangvien.training.models import ClassKind
from dangvien.training.services import class_create, enrol, enrolment_record_result

from .conftest import CELL_DAY, TODAY


def walk_to_ceremony(c, on=dt.date(2022, 4, 20)):
    c = adm.candidacy_propose_by_cell(by=None, candidacy=c, on=CELL_DAY, document_no="15-NQ/CB",
                                      today=TODAY)
    c = adm.candidacy_propose_by_grassroots(by=None, candidacy=c, on=dt.date(2022, 3, 18),
                                            document_no="42-NQ/ĐU", today=TODAY)
    c = adm.candidacy_decide(by=None, candidacy=c, on=dt.date(2022, 4, 5), document_no="311-QĐ/HU",
                             today=TODAY)
    return adm.candidacy_hold_ceremony(by=None, candidacy=c, on=on, today=TODAY)


@pytest.mark.django_db
def test_dossier_complete_is_reached_by_ticking_the_last_form(ready):
    assert ready.stage == Stage.DOSSIER_DONE
    assert ready.class_done_on == dt.date(2021, 9, 10)
    assert [e.stage for e in ready.events.all()] == [Stage.SOURCE, Stage.CLASS_DONE, Stage.DOSSIER_DONE]


@pytest.mark.django_db
def test_full_path_to_recognition_effective_on_probation_end(ready, province):
    """Probation ends 12 months after the ceremony; a late recognition is effective that day
    (Điều lệ Đảng, Điều 5; QĐ 24-QĐ/TW, điểm 4.2)."""
    c = walk_to_ceremony(ready)
    assert c.stage == Stage.ON_PROBATION
    assert c.probation_ends_on == dt.date(2023, 4, 20)
    member = Membership.objects.get(person=c.person)
    assert member.status == MemberStatus.PROBATIONARY and member.admitted_on == dt.date(2022, 4, 20)
    assert member.decided_on == dt.date(2022, 4, 5)

    new_members = class_create(by=None, organiser=province.kb, kind=ClassKind.NEW_MEMBER,
                               name="Lớp đảng viên mới 2022", starts_on=dt.date(2022, 6, 6),
                               ends_on=dt.date(2022, 6, 10))
    e = enrol(by=None, training_class=new_members, person=c.person, today=dt.date(2022, 6, 1))
    enrolment_record_result(by=None, enrolment=e, result="dat", certificate_number="ĐVM-9",
                            certificate_on=dt.date(2022, 6, 10), today=TODAY)
    for form in ("10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ", "15-KNĐ"):
        adm.dossier_record(by=None, candidacy=c, form=form, on=dt.date(2023, 5, 20), today=TODAY)
    # Decided two months late: refused without a reason, as a late ceremony is.
    with pytest.raises(adm.RulesFailed, match="cần ghi rõ lý do công nhận muộn"):
        adm.candidacy_recognise(by=None, candidacy=c, on=dt.date(2023, 6, 22),
                                document_no="520-QĐ/HU", today=TODAY)
    # With the reason: still official from the end of probation, the reason kept.
    c = adm.candidacy_recognise(by=None, candidacy=c, on=dt.date(2023, 6, 22),
                                document_no="520-QĐ/HU", today=TODAY,
                                override_reason="Chi bộ họp muộn vì mưa lũ chia cắt xóm")
    assert c.events.get(stage=Stage.RECOGNISED).override_reason.startswith("Chi bộ họp muộn")
    member.refresh_from_db()
    assert c.stage == Stage.RECOGNISED
    assert member.status == MemberStatus.OFFICIAL
    assert member.recognized_on == dt.date(2023, 4, 20)
    assert audit_verify().ok


@pytest.mark.django_db
def test_recognition_before_probation_ends_is_refused_even_with_a_reason(ready, personas):
    """Recognition only after the probation ends (Điều lệ Đảng, Điều 5) — not overridable."""
    c = walk_to_ceremony(ready)
    with pytest.raises(adm.RulesFailed) as err:
        adm.candidacy_recognise(by=personas.provincial, candidacy=c, on=dt.date(2023, 3, 1),
                                document_no="1-QĐ", today=TODAY,
                                override_reason="Cấp ủy đồng ý công nhận sớm vì lý do đặc biệt")
    assert any(r.code == "het_du_bi" and r.blocking for r in err.value.results)
    c.refresh_from_db()
    assert c.stage == Stage.ON_PROBATION


@pytest.mark.django_db
def test_decision_keeps_the_rule_set_that_judged_it(ready):
    c = walk_to_ceremony(ready)
    decision = CandidacyEvent.objects.get(candidacy=c, stage=Stage.DECIDED)
    assert c.rule_set.short_name == "QĐ 24-QĐ/TW"
    assert decision.rule_set == c.rule_set
    assert decision.rule_params["min_age_months"] == 216
    assert all(r["passed"] for r in decision.results)
    assert {r["code"] for r in decision.results} >= {"tuoi_toi_thieu", "hoc_van", "chung_nhan_nhan_thuc"}


@pytest.mark.django_db
def test_case_judged_under_qd24_keeps_its_verdict_after_the_2025_rules(ready):
    """Rule sets are versioned: a 2022 decision stays judged by QĐ 24-QĐ/TW even when
    QĐ 294 takes effect and the administrator raises a parameter in it."""
    c = walk_to_ceremony(ready)
    RuleSet.objects.filter(code="qd-294-2025").update(min_age_months=20 * 12)
    qd24 = RuleSet.objects.get(code="qd-24-2021")
    c.refresh_from_db()
    assert c.rule_set == qd24
    decision = c.events.get(stage=Stage.DECIDED)
    assert decision.rule_params["min_age_months"] == 216
    # Re-judging the 2022 case picks the 2022 rule set, not the newest one.
    rule_set, results = adm.preview(c, Stage.DECIDED, dt.date(2025, 8, 1))
    assert rule_set == qd24 and all(r.passed for r in results)


@pytest.mark.django_db
def test_stages_out_of_order_are_refused_and_nothing_is_saved(ready):
    """A ceremony before a decision is refused."""
    events = CandidacyEvent.objects.count()
    with pytest.raises(DomainError, match="tổ chức lễ kết nạp") as err:
        adm.candidacy_hold_ceremony(by=None, candidacy=ready, on=dt.date(2022, 4, 1), today=TODAY)
    assert err.value.code == "stage_order"
    assert CandidacyEvent.objects.count() == events
    assert not Membership.objects.filter(person=ready.person).exists()


@pytest.mark.django_db
def test_dates_in_the_future_are_refused(ready):
    with pytest.raises(DomainError, match="ở sau hôm nay"):
        adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=dt.date(2024, 1, 5),
                                      document_no="1-NQ", today=TODAY)
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE


@pytest.mark.django_db
def test_a_step_dated_before_the_previous_one_is_refused(ready):
    c = adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=CELL_DAY, document_no="15-NQ/CB",
                                      today=TODAY)
    with pytest.raises(DomainError, match="trước ngày chi bộ xét"):
        adm.candidacy_propose_by_grassroots(by=None, candidacy=c, on=dt.date(2022, 3, 1),
                                            document_no="42-NQ/ĐU", today=TODAY)


@pytest.mark.django_db
def test_decision_number_reused_in_the_same_unit_and_year_is_refused(ready, province, candidate,
                                                                   make_member):
    c = walk_to_ceremony(ready)
    other = make_member(province.kb_cell2, "Bùi Thị Lụa", admitted=dt.date(2022, 1, 1))
    # A second candidacy decided by the same district with the same number in 2022.
    from dangvien.admission.models import Candidacy

    second = Candidacy.objects.create(person=other, cell=province.kb_cell2, source="khac",
                                      identified_on=dt.date(2021, 1, 1), stage=Stage.GRASSROOTS_PROPOSED,
                                      stage_on=dt.date(2022, 3, 1), cell_resolution_on=dt.date(2022, 2, 1))
    with pytest.raises(DomainError, match="311-QĐ/HU") as err:
        adm.candidacy_decide(by=None, candidacy=second, on=dt.date(2022, 5, 5),
                             document_no="311-qđ/hu", unit=c.decision_unit, today=TODAY)
    assert err.value.code == "duplicate"
    second.refresh_from_db()
    assert second.decision_no == ""


@pytest.mark.django_db
def test_enrolment_in_a_class_that_has_ended_is_refused(awareness_class, candidate):
    with pytest.raises(DomainError, match="đã bế giảng ngày 10/09/2021"):
        enrol(by=None, training_class=awareness_class, person=candidate, today=dt.date(2021, 9, 11))
    assert not awareness_class.enrolments.exists()


@pytest.mark.django_db
def test_late_ceremony_needs_an_approvers_written_reason(ready, personas):
    """The ceremony within 30 working days of receiving the decision (QĐ 24-QĐ/TW, điểm 4.1);
    later only with the superior's agreement, recorded as an override."""
    c = adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=CELL_DAY, document_no="15-NQ/CB",
                                      today=TODAY)
    c = adm.candidacy_propose_by_grassroots(by=None, candidacy=c, on=dt.date(2022, 3, 18),
                                            document_no="42-NQ/ĐU", today=TODAY)
    c = adm.candidacy_decide(by=None, candidacy=c, on=dt.date(2022, 4, 5), document_no="311-QĐ/HU",
                             today=TODAY)
    late = dt.date(2022, 7, 1)
    with pytest.raises(adm.RulesFailed, match="sau thời hạn"):
        adm.candidacy_hold_ceremony(by=personas.kimboi, candidacy=c, on=late, today=TODAY)
    with pytest.raises(DomainError, match="quyền phê duyệt"):
        adm.candidacy_hold_ceremony(by=personas.kimboi, candidacy=c, on=late, today=TODAY,
                                    override_reason="Huyện ủy đồng ý bằng văn bản số 12-CV/HU")
    c = adm.candidacy_hold_ceremony(by=personas.provincial, candidacy=c, on=late, today=TODAY,
                                    override_reason="Huyện ủy đồng ý bằng văn bản số 12-CV/HU")
    event = c.events.get(stage=Stage.ON_PROBATION)
    assert event.override_reason == "Huyện ủy đồng ý bằng văn bản số 12-CV/HU"
    assert event.recorded_by == personas.provincial
    from dangvien.audit.models import AuditEvent

    trail = AuditEvent.objects.filter(action="candidacy.ceremony").latest("id")
    assert trail.actor == personas.provincial
    assert trail.after["override_reason"] == "Huyện ủy đồng ý bằng văn bản số 12-CV/HU"


@pytest.mark.django_db
def test_grassroots_cell_needs_no_grassroots_committee_resolutions(province, candidate):
    """A chi bộ cơ sở is its own grassroots organisation: no 8-KNĐ or 15-KNĐ, and the
    decision follows the cell's resolution directly."""
    from dangvien.admission import dossier
    from dangvien.admission.models import Source

    candidate.unit = province.kb_school
    candidate.save()
    c = adm.candidacy_create(by=None, person=candidate, cell=province.kb_school,
                             source=Source.YOUTH_UNION, identified_on=dt.date(2021, 3, 1),
                             today=TODAY)
    codes = {line.form.code for line in dossier.checklist(c)}
    assert "8-KNĐ" not in codes and "15-KNĐ" not in codes
    assert {"6-KNĐ", "9-KNĐ", "13-KNĐ"} <= codes
