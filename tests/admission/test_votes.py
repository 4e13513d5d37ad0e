"""The votes of the resolutions (biểu quyết): the cell's and the grassroots committee's
resolutions on admission and on recognition record who was present and who was in
favour; at least two thirds of the cell's OFFICIAL members (not of those present), or of
the committee members, must be in favour (Điều lệ Đảng, Điều 4, khoản 3; Điều 5), and
no reason lets a step through below it. Votes are optional: a record without them is
judged as before."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.admission import corrections
from dangvien.admission import services as adm
from dangvien.admission.models import CandidacyCorrection, CandidacyEvent, Stage
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from tests.web.helpers import text

from .conftest import CELL_DAY, TODAY
from .test_path import walk_to_ceremony

pytestmark = pytest.mark.django_db
REASON = "Ghi nhầm số tán thành, đã đối chiếu biên bản họp chi bộ"
SHORT = ("Chi bộ có 9 đảng viên chính thức; cần ít nhất 6 người tán thành (hai phần ba), "
         "mới có 5.")


@pytest.fixture
def nine(province, make_member, introducers):
    """Mớ Đá has nine official members on the day it considers Hà Thị Mai."""
    for i in range(7):
        make_member(province.kb_cell, f"Đinh Văn Số{i}", admitted=dt.date(2014, 6, 1))


def propose(c, **votes):
    return adm.candidacy_propose_by_cell(by=None, candidacy=c, on=CELL_DAY,
                                         document_no="15-NQ/CB", today=TODAY, votes=votes)


def test_the_cell_resolution_keeps_its_votes_in_the_record_the_event_and_the_audit(ready, nine):
    c = propose(ready, cell_present=8, cell_votes_for=8)
    c.refresh_from_db()
    assert (c.stage, c.cell_present, c.cell_votes_for) == (Stage.CELL_PROPOSED, 8, 8)
    judged = CandidacyEvent.objects.get(candidacy=c, stage=Stage.CELL_PROPOSED).results
    vote = next(r for r in judged if r["code"] == "chi_bo_tan_thanh")
    assert vote["passed"] and "có 8 (88,9%)" in vote["message"]
    trail = AuditEvent.objects.filter(action="candidacy.cell_proposal").get()
    assert trail.after["cell_votes_for"] == 8 and trail.before["cell_votes_for"] is None


def test_two_thirds_are_of_the_official_members_not_of_those_present(ready, nine):
    # 5 of 7 present is 71% of the room, but 5 of 9 official members: refused.
    with pytest.raises(adm.RulesFailed) as refused:
        propose(ready, cell_present=7, cell_votes_for=5)
    assert SHORT in refused.value.message
    assert "Điều lệ Đảng, Điều 4, khoản 3" in refused.value.message
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE and ready.cell_votes_for is None
    # 6 of 9 is two thirds exactly: enough, even with only 6 present.
    c = propose(ready, cell_present=6, cell_votes_for=6)
    assert c.stage == Stage.CELL_PROPOSED


def test_no_reason_lets_a_resolution_below_two_thirds_through(ready, nine, personas):
    with pytest.raises(adm.RulesFailed, match="mới có 5"):
        adm.candidacy_propose_by_cell(
            by=personas.provincial, candidacy=ready, on=CELL_DAY, document_no="15-NQ/CB",
            today=TODAY, votes={"cell_present": 9, "cell_votes_for": 5},
            override_reason="Ban Thường vụ Huyện ủy đã cho ý kiến đồng ý bằng văn bản")


def test_counts_that_do_not_add_up_are_refused_on_their_field(ready, nine):
    cases = [
        ({"cell_present": 7, "cell_votes_for": 8}, "cell_votes_for",
         "Số tán thành (8) nhiều hơn số có mặt (7)."),
        ({"cell_present": 10, "cell_votes_for": 9}, "cell_present",
         "Số đảng viên chính thức có mặt (10) nhiều hơn số đảng viên chính thức của chi bộ "
         "ngày 10/03/2022 (9)."),
        ({"cell_present": 8}, "cell_votes_for", "Hãy nhập số tán thành của chi bộ"),
        ({"cell_present": -1, "cell_votes_for": 0}, "cell_present", "số nguyên từ 0 đến 9.999"),
    ]
    for votes, field, message in cases:
        with pytest.raises(DomainError) as refused:
            propose(ready, **votes)
        assert refused.value.field == field and message in refused.value.message, votes
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE


def test_without_votes_nothing_is_refused(ready):
    # Two official members only, and no votes recorded (an old record): no vote rule.
    c = propose(ready)
    assert c.stage == Stage.CELL_PROPOSED and c.cell_present is None
    judged = CandidacyEvent.objects.get(candidacy=c, stage=Stage.CELL_PROPOSED).results
    assert not [r for r in judged if r["code"] == "chi_bo_tan_thanh"]


def test_the_grassroots_committee_needs_two_thirds_of_its_members(ready, nine):
    c = propose(ready, cell_present=9, cell_votes_for=9)
    with pytest.raises(adm.RulesFailed) as refused:
        adm.candidacy_propose_by_grassroots(
            by=None, candidacy=c, on=dt.date(2022, 3, 18), document_no="42-NQ/ĐU", today=TODAY,
            votes={"committee_members": 9, "committee_present": 8, "committee_votes_for": 5})
    assert ("Đảng ủy cơ sở có 9 cấp ủy viên; cần ít nhất 6 người tán thành (hai phần ba), mới "
            "có 5.") in refused.value.message
    with pytest.raises(DomainError, match=r"Số cấp ủy viên có mặt \(10\) nhiều hơn số cấp ủy "
                                          r"viên \(9\)"):
        adm.candidacy_propose_by_grassroots(
            by=None, candidacy=c, on=dt.date(2022, 3, 18), document_no="42-NQ/ĐU", today=TODAY,
            votes={"committee_members": 9, "committee_present": 10, "committee_votes_for": 9})
    c = adm.candidacy_propose_by_grassroots(
        by=None, candidacy=c, on=dt.date(2022, 3, 18), document_no="42-NQ/ĐU", today=TODAY,
        votes={"committee_members": 9, "committee_present": 8, "committee_votes_for": 6})
    c.refresh_from_db()
    assert (c.committee_members, c.committee_present, c.committee_votes_for) == (9, 8, 6)


def test_a_correction_of_the_votes_needs_a_reason_is_judged_again_and_audited(
        ready, nine, personas):
    c = propose(ready, cell_present=8, cell_votes_for=7)
    with pytest.raises(adm.RulesFailed, match="mới có 5"):
        corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="chi-bo",
                                      values={"cell_votes_for": 5}, reason=REASON, today=TODAY)
    with pytest.raises(DomainError, match=r"Số tán thành \(9\) nhiều hơn số có mặt \(8\)"):
        corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="chi-bo",
                                      values={"cell_votes_for": 9}, reason=REASON, today=TODAY)
    c = corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="chi-bo",
                                      values={"cell_votes_for": 8}, reason=REASON, today=TODAY)
    c.refresh_from_db()
    assert c.cell_votes_for == 8
    fix = CandidacyCorrection.objects.get(candidacy=c)
    assert fix.reason == REASON
    assert fix.changes == [{"field": "cell_votes_for",
                            "label": "số đảng viên chính thức tán thành kết nạp",
                            "old": "7", "new": "8"}]
    trail = AuditEvent.objects.filter(action="candidacy.correct").get()
    assert trail.before["cell_votes_for"] == 7 and trail.after["cell_votes_for"] == 8
    assert trail.after["reason"] == REASON


# --- on the web --------------------------------------------------------------------------


def step_url(c, slug="chi-bo"):
    return f"/ket-nap/ho-so/{c.pk}/buoc/{slug}/"


def test_the_step_form_records_the_votes_and_the_page_shows_them(client, ready, nine, personas):
    client.force_login(personas.kimboi)
    page = text(client.get(step_url(ready)).content.decode())
    assert "Số đảng viên chính thức có mặt" in page and "Số tán thành" in page
    token = client.get(step_url(ready)).context["form"].initial["phien_ban"]
    response = client.post(step_url(ready), {"phien_ban": token, "on": "10/03/2022",
                                             "document_no": "15-NQ/CB", "cell_present": "8",
                                             "cell_votes_for": "8"})
    assert response.status_code == 302
    page = text(client.get(f"/ket-nap/ho-so/{ready.pk}/").content.decode())
    assert "Biểu quyết: Chi bộ: có mặt 8 đảng viên chính thức, tán thành 8." in page


def test_the_step_form_refuses_less_than_two_thirds_with_the_numbers_and_the_charter(
        client, ready, nine, personas):
    client.force_login(personas.provincial)  # an approver: still no way through
    token = client.get(step_url(ready)).context["form"].initial["phien_ban"]
    response = client.post(step_url(ready), {
        "phien_ban": token, "on": "10/03/2022", "document_no": "15-NQ/CB",
        "cell_present": "9", "cell_votes_for": "5",
        "override_reason": "Ban Thường vụ Huyện ủy đã cho ý kiến đồng ý bằng văn bản"})
    assert response.status_code == 400
    page = text(response.content.decode())
    assert SHORT in page and "Điều lệ Đảng, Điều 4, khoản 3" in page
    assert "không thể ghi bước này" in page
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE


def test_checking_the_rules_with_counts_that_do_not_add_up_says_so_on_the_form(
        client, ready, nine, personas):
    """"Kiểm tra điều kiện" cannot judge 8 in favour of 7 present: the form says why, and
    nothing is recorded."""
    client.force_login(personas.kimboi)
    token = client.get(step_url(ready)).context["form"].initial["phien_ban"]
    response = client.post(step_url(ready), {"phien_ban": token, "on": "10/03/2022",
                                             "document_no": "15-NQ/CB", "cell_present": "7",
                                             "cell_votes_for": "8", "preview": "1"})
    assert response.status_code == 200
    assert "Số tán thành (8) nhiều hơn số có mặt (7)" in text(response.content.decode())
    assert response.context["form"].errors.get("cell_votes_for")
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "Hãy nhập một số nguyên"),
    ("9\x00", "ký tự không hợp lệ (ký tự NUL)"),
    ("9" * 10000, "Số quá lớn"),
    ("99999999999999999999999999", "Số quá lớn"),
    ("-3", "Không nhập số âm."),
    ("2.5", "Hãy nhập một số nguyên"),
])
def test_hostile_counts_get_a_vietnamese_form_error(client, ready, personas, value, message):
    client.force_login(personas.kimboi)
    token = client.get(step_url(ready)).context["form"].initial["phien_ban"]
    response = client.post(step_url(ready), {"phien_ban": token, "on": "10/03/2022",
                                             "document_no": "15-NQ/CB", "cell_present": value,
                                             "cell_votes_for": "1"})
    assert response.status_code == 400
    assert message in text(response.content.decode())
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE


def test_the_correction_page_corrects_the_votes(client, ready, nine, personas):
    c = propose(ready, cell_present=8, cell_votes_for=7)
    client.force_login(personas.kimboi)
    address = f"/ket-nap/ho-so/{c.pk}/sua/chi-bo/"
    form = client.get(address).context["form"]
    assert form.initial["cell_votes_for"] == 7
    data = {"phien_ban": form.initial["phien_ban"], "on": "10/03/2022",
            "document_no": "15-NQ/CB", "cell_present": "8", "cell_votes_for": "4",
            "reason": REASON}
    response = client.post(address, data)
    assert response.status_code == 400 and "mới có 4" in text(response.content.decode())
    data["cell_votes_for"] = "8"
    assert client.post(address, data).status_code == 302
    c.refresh_from_db()
    assert c.cell_votes_for == 8
    page = text(client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode())
    assert "số đảng viên chính thức tán thành kết nạp 7 → 8" in page


def test_the_grassroots_step_page_refuses_less_than_two_thirds_of_the_committee(
        client, ready, nine, personas):
    c = propose(ready, cell_present=9, cell_votes_for=9)
    client.force_login(personas.kimboi)
    address = step_url(c, "dang-uy")
    page = text(client.get(address).content.decode())
    assert "Số cấp ủy viên đương nhiệm" in page and "Số cấp ủy viên có mặt" in page
    token = client.get(address).context["form"].initial["phien_ban"]
    response = client.post(address, {"phien_ban": token, "on": "18/03/2022",
                                      "document_no": "42-NQ/ĐU", "committee_members": "7",
                                      "committee_present": "7", "committee_votes_for": "4"})
    assert response.status_code == 400
    page = text(response.content.decode())
    assert ("Đảng ủy cơ sở có 7 cấp ủy viên; cần ít nhất 5 người tán thành (hai phần ba), mới "
            "có 4.") in page and "không thể ghi bước này" in page
    c.refresh_from_db()
    assert c.stage == Stage.CELL_PROPOSED and c.committee_members is None


def test_the_recognition_step_asks_for_both_resolutions_votes(client, ready, personas):
    c = walk_to_ceremony(ready)
    client.force_login(personas.kimboi)
    page = text(client.get(step_url(c, "chinh-thuc")).content.decode())
    assert "Chi bộ xét công nhận (13-KNĐ): số đảng viên chính thức có mặt" in page
    assert "Đảng ủy cơ sở xét công nhận (15-KNĐ): số tán thành" in page
