"""Correcting a recorded admission step with a reason (issue 13, item 2): the old value
stays in the history and the audit, derived dates and counters follow at once, the rules
are judged at the new date, two people at once, scope; reopening a stopped candidacy."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.admission import corrections, counts
from dangvien.admission import services as adm
from dangvien.admission.models import CandidacyCorrection, Stage
from dangvien.audit.models import AuditEvent
from dangvien.core import versions
from dangvien.core.errors import DomainError
from dangvien.people.choices import MemberStatus
from dangvien.people.models import EventKind, Membership, MembershipEvent
from tests.web.helpers import text

from .conftest import CELL_DAY, TODAY
from .test_counts import assert_as_if_counted_afresh
from .test_path import walk_to_ceremony

pytestmark = pytest.mark.django_db
REASON = "Ghi nhầm ngày, đã đối chiếu bản gốc quyết định"


def admissions_by_month(unit, kind="ma") -> list[int]:
    return counts.monthly([unit.pk], kind, 2022, 2022)[unit.pk][2022]


def test_a_wrong_decision_date_is_corrected_with_its_history(ready, province, personas):
    c = walk_to_ceremony(ready)
    assert admissions_by_month(province.kb)[3] == 1  # April
    c = corrections.candidacy_correct(
        by=personas.kimboi, candidacy=c, step="quyet-dinh", today=TODAY, reason=REASON,
        values={"decision_on": dt.date(2022, 3, 28)})
    assert c.decision_on == dt.date(2022, 3, 28)
    assert c.decision_received_on == dt.date(2022, 3, 28)  # received the day it was signed
    # The counts follow at once: the admission is March's now.
    assert admissions_by_month(province.kb)[2:4] == [1, 0]
    assert_as_if_counted_afresh()
    # The member's decision date follows; the history keeps the old value with the reason.
    member = Membership.objects.get(pk=c.membership_id)
    assert member.decided_on == dt.date(2022, 3, 28)
    assert MembershipEvent.objects.get(membership=member, kind=EventKind.ADMITTED).decision_on \
        == dt.date(2022, 3, 28)
    fix = CandidacyCorrection.objects.get(candidacy=c)
    assert fix.line.startswith("Sửa ngày quyết định kết nạp 05/04/2022 → 28/03/2022")
    assert fix.reason == REASON and fix.by == personas.kimboi
    assert c.events.get(stage=Stage.DECIDED).on == dt.date(2022, 3, 28)
    trail = AuditEvent.objects.filter(action="candidacy.correct").latest("id")
    assert trail.before["decision_on"] == "2022-04-05" and trail.after["decision_on"] == "2022-03-28"
    assert trail.after["reason"] == REASON


def test_correcting_the_ceremony_moves_probation_end_membership_and_counts(ready, province,
                                                                          personas):
    c = walk_to_ceremony(ready)
    assert c.probation_ends_on == dt.date(2023, 4, 20)
    c = corrections.candidacy_correct(
        by=personas.kimboi, candidacy=c, step="le-ket-nap", today=TODAY, reason=REASON,
        values={"ceremony_on": dt.date(2022, 5, 3)})
    assert c.probation_ends_on == dt.date(2023, 5, 3)
    assert c.stage_on == dt.date(2022, 5, 3)
    member = Membership.objects.get(pk=c.membership_id)
    assert (member.admitted_on, member.started_on) == (dt.date(2022, 5, 3), dt.date(2022, 5, 3))
    assert MembershipEvent.objects.get(membership=member, kind=EventKind.ADMITTED).on \
        == dt.date(2022, 5, 3)
    assert admissions_by_month(province.kb, "mc")[3:5] == [0, 1]  # by ceremony: May now
    assert_as_if_counted_afresh()
    fix = CandidacyCorrection.objects.get(candidacy=c)
    assert "ngày hết dự bị 20/04/2023 → 03/05/2023" in fix.line
    assert c.events.get(stage=Stage.ON_PROBATION).note == "Hết dự bị ngày 03/05/2023"


def test_a_correction_needs_a_reason_order_and_the_rights(ready, personas, province):
    c = walk_to_ceremony(ready)
    with pytest.raises(DomainError, match="ít nhất 10 ký tự"):
        corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="quyet-dinh",
                                      values={"decision_on": dt.date(2022, 3, 28)}, reason="sai",
                                      today=TODAY)
    with pytest.raises(DomainError, match="trước ngày đảng ủy cơ sở xét"):
        corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="quyet-dinh",
                                      values={"decision_on": dt.date(2022, 3, 1)}, reason=REASON,
                                      today=TODAY)
    # The cell secretary did not record the district's decision: she may not correct it.
    with pytest.raises(DomainError, match="không có quyền"):
        corrections.candidacy_correct(by=personas.secretary, candidacy=c, step="quyet-dinh",
                                      values={"decision_on": dt.date(2022, 3, 28)}, reason=REASON,
                                      today=TODAY)
    # Lạc Sơn has no say over a Kim Bôi candidate.
    with pytest.raises(DomainError, match="không có quyền"):
        corrections.candidacy_correct(by=personas.lacson, candidacy=c, step="le-ket-nap",
                                      values={"ceremony_on": dt.date(2022, 4, 21)}, reason=REASON,
                                      today=TODAY)
    with pytest.raises(DomainError, match="Không có gì thay đổi"):
        corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="le-ket-nap",
                                      values={"ceremony_on": dt.date(2022, 4, 20)}, reason=REASON,
                                      today=TODAY)
    c.refresh_from_db()
    assert c.decision_on == dt.date(2022, 4, 5) and not CandidacyCorrection.objects.exists()


def test_a_later_ceremony_date_is_judged_again_and_needs_the_late_reason(ready, personas):
    c = walk_to_ceremony(ready)
    late = {"ceremony_on": dt.date(2022, 7, 1)}
    with pytest.raises(adm.RulesFailed, match="sau thời hạn"):
        corrections.candidacy_correct(by=personas.provincial, candidacy=c, step="le-ket-nap",
                                      values=late, reason=REASON, today=TODAY)
    c = corrections.candidacy_correct(
        by=personas.provincial, candidacy=c, step="le-ket-nap", values=late, reason=REASON,
        today=TODAY, override_reason="Huyện ủy đồng ý tổ chức muộn, công văn 12-CV/HU")
    event = c.events.get(stage=Stage.ON_PROBATION)
    assert event.override_reason.startswith("Huyện ủy đồng ý")
    assert any(r["code"] == "le_ket_nap_dung_han" and not r["passed"] for r in event.results)


def test_a_stale_page_is_refused_naming_who_then_reapplies(ready, personas):
    c = walk_to_ceremony(ready)
    token = versions.token(c)  # both officers open the page
    corrections.candidacy_correct(by=personas.provincial, candidacy=c, step="quyet-dinh",
                                  values={"decision_no": "312-QĐ/HU"}, reason=REASON,
                                  version=token, today=TODAY)
    with pytest.raises(versions.StaleRecord) as stale:
        corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="quyet-dinh",
                                      values={"decision_on": dt.date(2022, 3, 28)}, reason=REASON,
                                      version=token, today=TODAY)
    assert "tinhuy" in stale.value.message
    c.refresh_from_db()
    assert c.decision_on == dt.date(2022, 4, 5)
    c = corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="quyet-dinh",
                                      values={"decision_on": dt.date(2022, 3, 28)}, reason=REASON,
                                      version=stale.value.fresh_token, today=TODAY)
    assert (c.decision_on, c.decision_no) == (dt.date(2022, 3, 28), "312-QĐ/HU")


def test_reopening_a_removal_recorded_by_mistake(ready, personas, province):
    c = walk_to_ceremony(ready)
    c = adm.candidacy_close(by=personas.kimboi, candidacy=c, outcome=Stage.REMOVED,
                            on=dt.date(2022, 9, 1), reason="Vi phạm tư cách", today=TODAY)
    member = Membership.objects.get(pk=c.membership_id)
    assert member.status == MemberStatus.REMOVED
    with pytest.raises(DomainError, match="ít nhất 10 ký tự"):
        corrections.candidacy_reopen(by=personas.kimboi, candidacy=c, reason="nhầm")
    with pytest.raises(DomainError, match="không có quyền"):
        corrections.candidacy_reopen(by=personas.secretary, candidacy=c,
                                     reason="Ghi nhầm người, không phải chị Mai")
    c = corrections.candidacy_reopen(by=personas.kimboi, candidacy=c,
                                     reason="Ghi nhầm người, không phải chị Mai")
    assert (c.stage, c.stage_on, c.closed_on) == (Stage.ON_PROBATION, dt.date(2022, 4, 20), None)
    member.refresh_from_db()
    assert member.status == MemberStatus.PROBATIONARY and member.ended_on is None
    event = c.events.get(stage=Stage.REMOVED)
    assert event.cancelled_at and event.cancel_reason == "Ghi nhầm người, không phải chị Mai"
    assert_as_if_counted_afresh()
    assert AuditEvent.objects.filter(action="candidacy.reopen").exists()


# --- the pages ---------------------------------------------------------------------------


def correct_url(c, step):
    return f"/ket-nap/ho-so/{c.pk}/sua/{step}/"


def test_correction_page_shows_history_and_refuses_a_stale_save(client, ready, personas):
    c = walk_to_ceremony(ready)
    client.force_login(personas.kimboi)
    page = client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode()
    assert correct_url(c, "quyet-dinh") in page and correct_url(c, "le-ket-nap") in page
    form = client.get(correct_url(c, "quyet-dinh")).context["form"]
    token = form.initial["phien_ban"]
    # Someone else corrects the number meanwhile.
    corrections.candidacy_correct(by=personas.provincial, candidacy=c, step="quyet-dinh",
                                  values={"decision_no": "312-QĐ/HU"}, reason=REASON)
    data = {"phien_ban": token, "on": "28/03/2022", "document_no": "311-QĐ/HU",
            "received_on": "28/03/2022", "decision_unit": c.decision_unit_id, "reason": REASON}
    response = client.post(correct_url(c, "quyet-dinh"), data)
    assert response.status_code == 400
    body = text(response.content.decode())
    assert "Không lưu" in body and "tinhuy" in body and "312-QĐ/HU" in body
    c.refresh_from_db()
    assert c.decision_on == dt.date(2022, 4, 5)
    # Saved again from the page as it now stands: it applies on purpose.
    data["phien_ban"] = response.context["form"].data["phien_ban"]
    response = client.post(correct_url(c, "quyet-dinh"), data)
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.decision_on, c.decision_no) == (dt.date(2022, 3, 28), "311-QĐ/HU")
    page = text(client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode())
    assert "Sửa ngày quyết định kết nạp 05/04/2022 → 28/03/2022" in page
    assert f"lý do: {REASON}, bởi kimboi" in page


def test_correction_page_says_what_is_wrong_in_vietnamese(client, ready, personas):
    c = walk_to_ceremony(ready)
    client.force_login(personas.kimboi)
    token = versions.token(c)
    for data, message in [
        ({"on": "31/02/2022", "reason": REASON}, "không phải ngày hợp lệ"),
        ({"on": "01/01/9999", "reason": REASON}, "ở sau hôm nay"),
        ({"on": "21/04/2022", "reason": "x\x00y"}, "ký tự NUL"),
        ({"on": "21/04/2022", "reason": ""}, "Hãy ghi lý do sửa."),
        ({"on": "21/04/2022", "reason": "ngắn"}, "ít nhất 10 ký tự"),
    ]:
        response = client.post(correct_url(c, "le-ket-nap"), {"phien_ban": token, **data})
        assert response.status_code == 400, data
        assert message in text(response.content.decode()), data
    response = client.post(correct_url(c, "le-ket-nap"), {"phien_ban": "99999999999999999999.x",
                                                          "on": "21/04/2022", "reason": REASON})
    assert response.status_code == 400 and "Trang đã cũ" in text(response.content.decode())


def test_out_of_scope_correction_pages_are_404(client, ready, personas):
    c = walk_to_ceremony(ready)
    client.force_login(personas.lacson)
    for address in (correct_url(c, "quyet-dinh"), f"/ket-nap/ho-so/{c.pk}/mo-lai/",
                    f"/ket-nap/ho-so/{c.pk}/tren-60-tuoi/"):
        assert client.get(address).status_code == 404
        assert client.post(address, {"reason": REASON}).status_code == 404
    client.force_login(personas.secretary)  # in scope, not her step: told, nothing changes
    response = client.post(correct_url(c, "quyet-dinh"), {"on": "28/03/2022", "reason": REASON,
                                                          "document_no": "1-QĐ/HU"})
    assert response.status_code == 400
    assert "chỉ cán bộ của Huyện ủy Kim Bôi" in text(response.content.decode())
    c.refresh_from_db()
    assert c.decision_on == dt.date(2022, 4, 5)


def test_reopen_page(client, ready, personas):
    c = adm.candidacy_close(by=personas.secretary, candidacy=ready, outcome=Stage.WITHDRAWN,
                            on=dt.date(2022, 3, 1), reason="Chuyển công tác", today=TODAY)
    client.force_login(personas.secretary)
    page = client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode()
    assert f"/ket-nap/ho-so/{c.pk}/mo-lai/" in page
    token = client.get(f"/ket-nap/ho-so/{c.pk}/mo-lai/").context["form"].initial["phien_ban"]
    response = client.post(f"/ket-nap/ho-so/{c.pk}/mo-lai/",
                           {"phien_ban": token, "reason": "Ghi nhầm: chị vẫn công tác ở xã"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.stage == Stage.DOSSIER_DONE and c.closed_on is None
    page = text(client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode())
    assert "đã hủy" in page and "Lý do: Ghi nhầm: chị vẫn công tác ở xã" in page
    # Reopened, it is open again: the cell may now take it to its resolution.
    adm.candidacy_propose_by_cell(by=None, candidacy=c, on=CELL_DAY, document_no="15-NQ/CB",
                                  today=TODAY)


def test_step_forms_carry_the_version(client, ready, personas):
    client.force_login(personas.kimboi)
    address = f"/ket-nap/ho-so/{ready.pk}/buoc/chi-bo/"
    token = client.get(address).context["form"].initial["phien_ban"]
    ready.is_village_elder = True  # someone changes the record meanwhile
    ready.save()
    data = {"phien_ban": token, "on": "10/03/2022", "document_no": "15-NQ/CB"}
    response = client.post(address, data)
    assert response.status_code == 400 and "Không lưu" in text(response.content.decode())
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE
    data["phien_ban"] = response.context["form"].data["phien_ban"]
    assert client.post(address, data).status_code == 302
    ready.refresh_from_db()
    assert ready.stage == Stage.CELL_PROPOSED
