"""Step forms: rules shown before saving, refusals shown and nothing saved, overrides only
for approvers; the dossier, introducer and certificate forms of the candidate page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.admission import services as adm
from dangvien.admission.models import CandidacyEvent, DossierItem, Introducer, Stage
from dangvien.people.choices import MemberStatus
from dangvien.people.models import Membership
from dangvien.training.models import ClassKind
from dangvien.training.services import class_create, enrol, enrolment_record_result
from tests.admission import conftest as admission_fixtures

from .helpers import text

pytestmark = pytest.mark.django_db

candidate = admission_fixtures.candidate
awareness_class = admission_fixtures.awareness_class
introducers = admission_fixtures.introducers
ready = admission_fixtures.ready
TODAY = admission_fixtures.TODAY


def url(c, step):
    return f"/ket-nap/ho-so/{c.pk}/buoc/{step}/"


def post(client, user, address, data, status=None):
    client.force_login(user)
    response = client.post(address, data)
    if status is not None:
        assert response.status_code == status, response.content.decode()[:3000]
    return response


@pytest.fixture
def approver(province):
    """An officer of the Kim Bôi district committee with the approver role."""
    user = get_user_model().objects.create_user(username="duyet", password="x")
    RoleAssignment.objects.create(user=user, unit=province.kb, role=Role.APPROVER)
    return user


@pytest.fixture
def short_of_introducers(ready):
    """Ready, except that the only introducer's letter was withdrawn."""
    Introducer.objects.filter(candidacy=ready).delete()
    return ready


def test_get_shows_the_form_and_only_the_check_button(client, personas, ready):
    client.force_login(personas.kimboi)
    page = client.get(url(ready, "chi-bo")).content.decode()
    assert "Ngày chi bộ xét" in page and "Số nghị quyết chi bộ (mẫu 6-KNĐ)" in page
    assert "Kiểm tra điều kiện" in page
    assert ">Lưu<" not in page  # a gated step is saved only after its rules were shown


def test_preview_shows_every_rule_in_green_with_its_regulation_and_saves_nothing(
        client, personas, ready):
    events = CandidacyEvent.objects.count()
    response = post(client, personas.kimboi, url(ready, "chi-bo"),
                    {"on": "10/03/2022", "document_no": "15-NQ/CB", "preview": "1"}, status=200)
    page = response.content.decode()
    body = text(page)
    assert page.count('<li class="msg">') >= 8 and '<li class="alert">' not in page
    assert "✓" in page and "✗" not in page
    assert "Căn cứ: QĐ 24-QĐ/TW, điểm 1.1.1" in body
    assert "Hà Thị Mai 23 tuổi 10 tháng" in body
    assert "Theo QĐ 24-QĐ/TW" in body
    assert ">Lưu<" in page
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE
    assert CandidacyEvent.objects.count() == events


def test_preview_shows_failed_rules_in_red(client, personas, short_of_introducers):
    c = short_of_introducers
    page = post(client, personas.kimboi, url(c, "chi-bo"),
                {"on": "10/03/2022", "preview": "1"}, status=200).content.decode()
    assert '<li class="alert">' in page and "✗" in page
    assert "Cần 1 đảng viên chính thức giới thiệu" in text(page)
    # An editor who is not an approver: no override and no save button.
    assert 'name="override_reason"' not in page
    assert ">Lưu<" not in page
    assert "Chỉ người có quyền phê duyệt của Chi bộ xóm Mớ Đá" in text(page)


def test_a_refused_step_shows_the_reasons_and_saves_nothing(client, personas,
                                                            short_of_introducers):
    c = short_of_introducers
    events = CandidacyEvent.objects.count()
    response = post(client, personas.kimboi, url(c, "chi-bo"),
                    {"on": "10/03/2022", "document_no": "15-NQ/CB"}, status=400)
    body = text(response.content.decode())
    assert "Chưa lưu: có điều kiện chưa đạt" in body
    assert "Cần 1 đảng viên chính thức giới thiệu (nghị quyết ban chấp hành đoàn cơ sở và một " \
           "đảng viên); đã có 0." in body
    c.refresh_from_db()
    assert c.stage == Stage.DOSSIER_DONE and c.cell_resolution_on is None
    assert CandidacyEvent.objects.count() == events


def test_override_is_offered_only_to_approvers(client, personas, approver,
                                               short_of_introducers):
    c = short_of_introducers
    data = {"on": "10/03/2022", "document_no": "15-NQ/CB", "preview": "1"}
    for user in (personas.kimboi, personas.secretary):
        page = post(client, user, url(c, "chi-bo"), data, status=200).content.decode()
        assert 'name="override_reason"' not in page
    for user in (approver, personas.provincial):
        page = post(client, user, url(c, "chi-bo"), data, status=200).content.decode()
        assert 'name="override_reason"' in page and ">Lưu<" in page


def test_approver_saves_with_a_written_reason(client, approver, short_of_introducers):
    c = short_of_introducers
    address = url(c, "chi-bo")
    data = {"on": "10/03/2022", "document_no": "15-NQ/CB", "override_reason": "ngắn"}
    response = post(client, approver, address, data, status=400)
    assert "ít nhất 15 ký tự" in response.context["form"].errors["override_reason"][0]
    page = response.content.decode()
    assert 'name="override_reason"' in page and "✗" in page  # the rules stay in view
    c.refresh_from_db()
    assert c.stage == Stage.DOSSIER_DONE

    data["override_reason"] = "Ban Thường vụ Huyện ủy đồng ý tại công văn 12-CV/HU"
    response = post(client, approver, address, data, status=302)
    assert response["Location"] == f"/ket-nap/ho-so/{c.pk}/"
    event = c.events.get(stage=Stage.CELL_PROPOSED)
    assert event.override_reason == data["override_reason"] and event.recorded_by == approver
    page = client.get(response["Location"]).content.decode()
    assert "Chấp thuận khi chưa đủ điều kiện. Lý do: Ban Thường vụ Huyện ủy" in text(page)


def test_a_wrong_date_is_explained_in_vietnamese(client, personas, ready):
    response = post(client, personas.kimboi, url(ready, "chi-bo"),
                    {"on": "31/02/2022", "preview": "1"}, status=400)
    assert "'31/02/2022' không phải ngày hợp lệ" in response.context["form"].errors["on"][0]
    response = post(client, personas.kimboi, url(ready, "chi-bo"), {"preview": "1"}, status=400)
    assert response.context["form"].errors["on"] == ["Hãy nhập ngày (ngày/tháng/năm)."]


def test_a_date_in_the_future_is_refused_on_the_date_field(client, personas, ready):
    response = post(client, personas.kimboi, url(ready, "chi-bo"),
                    {"on": "01/01/2099", "document_no": "15-NQ/CB"}, status=400)
    assert "ở sau hôm nay" in response.context["form"].errors["on"][0]
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE


def test_a_step_out_of_order_is_not_offered(client, personas, ready):
    client.force_login(personas.kimboi)
    page = client.get(url(ready, "le-ket-nap")).content.decode()
    assert "Chưa thể ghi bước “Lễ kết nạp”" in text(page)
    assert 'name="on"' not in page
    post(client, personas.kimboi, url(ready, "le-ket-nap"), {"on": "20/04/2022"}, status=400)
    assert not Membership.objects.filter(person=ready.person).exists()


def test_secretary_cannot_take_the_district_decision(client, personas, ready):
    c = adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=dt.date(2022, 3, 10),
                                      document_no="15-NQ/CB", today=TODAY)
    c = adm.candidacy_propose_by_grassroots(by=None, candidacy=c, on=dt.date(2022, 3, 18),
                                            document_no="42-NQ/ĐU", today=TODAY)
    client.force_login(personas.secretary)
    page = client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode()
    assert "/buoc/quyet-dinh/" not in page
    page = client.get(url(c, "quyet-dinh")).content.decode()
    assert "Bước này do Huyện ủy Kim Bôi ghi nhận" in page
    post(client, personas.secretary, url(c, "quyet-dinh"),
         {"on": "05/04/2022", "document_no": "311-QĐ/HU"}, status=400)
    c.refresh_from_db()
    assert c.stage == Stage.GRASSROOTS_PROPOSED


def test_blocking_rule_cannot_be_overridden(client, personas, ready):
    c = adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=dt.date(2022, 3, 10),
                                      document_no="15-NQ/CB", today=TODAY)
    c = adm.candidacy_propose_by_grassroots(by=None, candidacy=c, on=dt.date(2022, 3, 18),
                                            document_no="42-NQ/ĐU", today=TODAY)
    c = adm.candidacy_decide(by=None, candidacy=c, on=dt.date(2022, 4, 5),
                             document_no="311-QĐ/HU", today=TODAY)
    c = adm.candidacy_hold_ceremony(by=None, candidacy=c, on=dt.date(2022, 4, 20), today=TODAY)
    page = post(client, personas.provincial, url(c, "chinh-thuc"),
                {"on": "01/03/2023", "document_no": "1-QĐ/HU", "preview": "1"},
                status=200).content.decode()
    assert "Điều kiện bắt buộc, không thể chấp thuận vượt." in page
    assert 'name="override_reason"' not in page and ">Lưu<" not in page


def test_walk_through_the_step_forms_to_recognition(client, personas, province, ready):
    user = personas.provincial
    for step, data in [
        ("chi-bo", {"on": "10/03/2022", "document_no": "15-NQ/CB"}),
        ("dang-uy", {"on": "18/03/2022", "document_no": "42-NQ/ĐU"}),
        ("quyet-dinh", {"on": "05/04/2022", "document_no": "311-qđ/hu",
                        "received_on": "08/04/2022"}),
        ("le-ket-nap", {"on": "20/04/2022"}),
    ]:
        post(client, user, url(ready, step), data, status=302)
    ready.refresh_from_db()
    assert ready.stage == Stage.ON_PROBATION
    assert ready.decision_no == "311-QĐ/HU" and ready.decision_received_on == dt.date(2022, 4, 8)
    assert ready.probation_ends_on == dt.date(2023, 4, 20)

    # Recognition needs its dossier and the new-member class.
    klass = class_create(by=None, organiser=province.kb, kind=ClassKind.NEW_MEMBER,
                         name="Lớp đảng viên mới 2022", starts_on=dt.date(2022, 6, 6),
                         ends_on=dt.date(2022, 6, 10))
    e = enrol(by=None, training_class=klass, person=ready.person, today=dt.date(2022, 6, 1))
    enrolment_record_result(by=None, enrolment=e, result="dat", certificate_number="ĐVM-9",
                            certificate_on=dt.date(2022, 6, 10), today=TODAY)
    for form in ("10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ", "15-KNĐ"):
        post(client, user, f"/ket-nap/ho-so/{ready.pk}/mau/",
             {"form": form, "on": "20/05/2023", "reference": ""}, status=302)
    post(client, user, url(ready, "chinh-thuc"),
         {"on": "22/06/2023", "document_no": "520-QĐ/HU", "override_reason": "Chi bộ họp muộn vì mưa lũ, Huyện ủy đồng ý"}, status=302)
    member = Membership.objects.get(person=ready.person)
    assert member.status == MemberStatus.OFFICIAL and member.recognized_on == dt.date(2023, 4, 20)
    page = text(client.get(f"/ket-nap/ho-so/{ready.pk}/").content.decode())
    assert "Đã công nhận chính thức" in page
    assert "Đảng viên chính thức từ 20/04/2023" in page


def test_close_needs_a_reason(client, personas, ready):
    response = post(client, personas.kimboi, url(ready, "dung-theo-doi"),
                    {"on": "01/05/2022", "reason": " "}, status=400)
    assert response.context["form"].errors["reason"] == ["Hãy ghi lý do."]
    # Ending a candidacy confirms first: the second screen names the end; nothing yet.
    ask = post(client, personas.kimboi, url(ready, "dung-theo-doi"),
               {"on": "01/05/2022", "reason": "Chuyển công tác ra tỉnh khác"}, status=200)
    assert "kết thúc từ ngày <b>01/05/2022</b> (dừng theo dõi)" in ask.content.decode()
    ready.refresh_from_db()
    assert ready.stage != Stage.WITHDRAWN
    post(client, personas.kimboi, url(ready, "dung-theo-doi"),
         {"on": "01/05/2022", "reason": "Chuyển công tác ra tỉnh khác", "confirmed": "1"},
         status=302)
    ready.refresh_from_db()
    assert ready.stage == Stage.WITHDRAWN
    page = text(client.get(f"/ket-nap/ho-so/{ready.pk}/").content.decode())
    assert "Dừng theo dõi ngày 01/05/2022. Lý do: Chuyển công tác ra tỉnh khác" in page


# --- forms on the candidate page -------------------------------------------------------


def test_tick_a_dossier_form(client, personas, province, candidate):
    c = adm.candidacy_create(by=None, person=candidate, cell=province.kb_cell,
                             source="doan_thanh_nien", identified_on=dt.date(2021, 3, 1),
                             today=TODAY)
    client.force_login(personas.secretary)
    page = client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode()
    assert "Còn thiếu: 1-KNĐ, 2-KNĐ, TTLL, 4-KNĐ, 5-KNĐ." in text(page)
    response = client.post(f"/ket-nap/ho-so/{c.pk}/mau/",
                           {"form": "1-KNĐ", "on": "25/02/2022", "reference": "Đơn viết tay"})
    assert response.status_code == 302 and response["Location"].endswith("#ho-so")
    item = DossierItem.objects.get(candidacy=c, form="1-KNĐ")
    assert item.on == dt.date(2022, 2, 25) and item.reference == "Đơn viết tay"
    # A wrong date is shown next to that form; nothing saved.
    response = client.post(f"/ket-nap/ho-so/{c.pk}/mau/", {"form": "2-KNĐ", "on": "hôm qua"})
    assert response.status_code == 400
    assert "không phải ngày hợp lệ" in response.content.decode()
    assert not DossierItem.objects.filter(candidacy=c, form="2-KNĐ").exists()
    # A form recorded by a step cannot be ticked by hand.
    response = client.post(f"/ket-nap/ho-so/{c.pk}/mau/", {"form": "6-KNĐ", "on": "25/02/2022"})
    assert response.status_code == 400


def test_add_an_introducer(client, personas, province, candidate, introducers, make_member):
    c = adm.candidacy_create(by=None, person=candidate, cell=province.kb_cell,
                             source="khac", identified_on=dt.date(2021, 3, 1), today=TODAY)
    make_member(province.ls_cell, "Quách Văn Lạc", admitted=dt.date(2010, 1, 1))
    client.force_login(personas.kimboi)
    page = client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode()
    assert "Bùi Văn Thành (Chi bộ xóm Mớ Đá)" in page  # official members of Vĩnh Đồng
    assert "Quách Văn Lạc" not in page  # another commune, another district
    response = client.post(f"/ket-nap/ho-so/{c.pk}/gioi-thieu/", {
        "membership": introducers[1].pk, "known_since": "01/09/2019", "letter_on": "20/02/2022"})
    assert response.status_code == 302
    assert Introducer.objects.get(candidacy=c).membership == introducers[1]
    # The letter before they met: refused by the service, shown on the form.
    response = client.post(f"/ket-nap/ho-so/{c.pk}/gioi-thieu/", {
        "membership": introducers[0].pk, "known_since": "01/09/2019", "letter_on": "01/01/2019"})
    assert response.status_code == 400
    assert "trước ngày bắt đầu cùng công tác" in \
        response.context["introducer_form"].errors["letter_on"][0]
    assert Introducer.objects.filter(candidacy=c).count() == 1


def test_link_the_awareness_certificate(client, personas, province, candidate, awareness_class):
    c = adm.candidacy_create(by=None, person=candidate, cell=province.kb_cell,
                             source="khac", identified_on=dt.date(2021, 3, 1), today=TODAY)
    client.force_login(personas.kimboi)
    page = client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode()
    assert "chưa có giấy chứng nhận lớp nhận thức về Đảng nào" in page
    assert 'href="/lop/"' in page
    enrolment = admission_fixtures.certify(awareness_class, candidate)
    page = client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode()
    assert "Số CN-123/2021, cấp ngày 10/09/2021" in page
    response = client.post(f"/ket-nap/ho-so/{c.pk}/nhan-thuc/", {"enrolment": enrolment.pk})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.awareness == enrolment and c.stage == Stage.CLASS_DONE
    page = text(client.get(f"/ket-nap/ho-so/{c.pk}/").content.decode())
    assert "có giá trị đến hết ngày 09/09/2026" in page
