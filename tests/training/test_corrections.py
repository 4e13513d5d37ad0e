"""Correcting a recorded class result with a reason, and two officers at once (issue 13,
items 2, 4 and 5): the old value stays in a visible history and in the audit, only the
level that recorded it (or above) corrects, the candidacy's "class done" date follows, a
save from a stale page is refused naming who changed what and re-applies on the next."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dangvien.admission import services as adm
from dangvien.admission.models import Candidacy, Source, Stage
from dangvien.audit.models import AuditEvent
from dangvien.training.models import Enrolment, Result, ResultCorrection
from dangvien.training.services import enrol, enrolment_record_result

from ..web.helpers import text
from .conftest import token_of
from .test_past_class import results_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(class_2017, forty, personas):
    """Three learners of the 2017 class, passed, recorded by Kim Bôi."""
    out = []
    for person in forty[:3]:
        e = enrol(by=personas.kimboi, training_class=class_2017, person=person, past=True)
        out.append(enrolment_record_result(by=personas.kimboi, enrolment=e, result=Result.PASSED,
                                           certificate_number=f"CN-{person.pk}/2017",
                                           certificate_on=dt.date(2017, 6, 10)))
    return out


def learner_form(client, klass, e):
    html = client.get(f"/lop/{klass.pk}/").content.decode()
    start = html.index(f'id="hv-{e.pk}"')
    return token_of(html[start:], "phien_ban")


def correct(client, klass, e, token, **data):
    payload = {"result": Result.PASSED, "certificate_number": e.certificate_number,
               "certificate_on": "10/06/2017", "reason": "", "phien_ban": token} | data
    return client.post(f"/lop/{klass.pk}/hoc-vien/{e.pk}/ket-qua/", payload)


def test_correct_a_result_with_a_reason_keeps_the_old_value(client, personas, class_2017,
                                                            recorded):
    e = recorded[0]
    client.force_login(personas.kimboi)
    token = learner_form(client, class_2017, e)
    response = correct(client, class_2017, e, token, result=Result.FAILED)
    assert response.status_code == 400
    assert "ghi lý do (ít nhất 10 ký tự)" in text(response.content.decode())
    response = correct(client, class_2017, e, token, result=Result.FAILED, reason="nhầm")
    assert response.status_code == 400
    e.refresh_from_db()
    assert e.result == Result.PASSED and not ResultCorrection.objects.exists()

    response = correct(client, class_2017, e, token, result=Result.FAILED,
                       reason="Sổ lớp ghi không đạt, nhập nhầm")
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.result == Result.FAILED and e.certificate_on is None
    assert e.certificate_expires_on is None
    page = text(client.get(f"/lop/{class_2017.pk}/").content.decode())
    assert ("Sửa kết quả Đạt yêu cầu (giấy số CN-" in page
            and "ngày 10/06/2017) → Không đạt, lý do: Sổ lớp ghi không đạt, nhập nhầm, bởi kimboi, "
                "lúc" in page)
    event = AuditEvent.objects.get(action="training.result_correct")
    assert event.before["result"] == Result.PASSED and event.after["result"] == Result.FAILED
    assert event.before["certificate_on"] == "2017-06-10"
    assert event.after["reason"] == "Sổ lớp ghi không đạt, nhập nhầm"
    # The results page shows the same history on the learner's line.
    results = text(client.get(f"/lop/{class_2017.pk}/ket-qua/").content.decode())
    assert "→ Không đạt, lý do: Sổ lớp ghi không đạt, nhập nhầm" in results


def test_only_the_recording_level_or_above_corrects(client, personas, class_2017, recorded):
    e = recorded[0]  # in the secretary's cell, recorded by Kim Bôi
    assert e.person.unit.code == "KB.01.01"
    client.force_login(personas.secretary)
    response = correct(client, class_2017, e, learner_form(client, class_2017, e),
                       certificate_number="CN-SAI", reason="Sai số giấy chứng nhận")
    assert response.status_code == 400
    assert ("Kết quả này do Huyện ủy Kim Bôi ghi: chỉ Huyện ủy Kim Bôi hoặc cấp trên được sửa."
            in text(response.content.decode()))
    # The province, above Kim Bôi, may.
    client.force_login(personas.provincial)
    response = correct(client, class_2017, e, learner_form(client, class_2017, e),
                       certificate_number="CN-99/2017", reason="Sai số giấy chứng nhận")
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.certificate_number == "CN-99/2017"
    # Lạc Sơn does not even see it.
    client.force_login(personas.lacson)
    assert client.post(f"/lop/{class_2017.pk}/hoc-vien/{e.pk}/ket-qua/", {}).status_code == 404


def test_a_stale_learner_form_is_refused_then_reapplied(personas, class_2017, recorded):
    e = recorded[1]
    first, second = Client(), Client()
    first.force_login(personas.kimboi)
    second.force_login(personas.provincial)
    mine = learner_form(first, class_2017, e)
    theirs = learner_form(second, class_2017, e)
    response = correct(second, class_2017, e, theirs, certificate_on="12/06/2017",
                       reason="Ngày cấp theo sổ là 12/6")
    assert response.status_code == 302
    response = correct(first, class_2017, e, mine, result=Result.ABSENT,
                       reason="Học viên bỏ học giữa chừng")
    assert response.status_code == 400
    page = text(response.content.decode())
    assert "đã được tinhuy lúc" in page and "sửa sau khi bạn mở trang" in page
    assert "ngày cấp giấy chứng nhận: 10/06/2017 → 12/06/2017" in page
    e.refresh_from_db()
    assert e.result == Result.PASSED and e.certificate_on == dt.date(2017, 6, 12)
    # The page kept the input with the fresh token: saving again applies it on purpose.
    html = response.content.decode()
    start = html.index(f'id="hv-{e.pk}"')
    fresh = token_of(html[start:], "phien_ban")
    assert fresh != mine
    response = correct(first, class_2017, e, fresh, result=Result.ABSENT,
                       reason="Học viên bỏ học giữa chừng")
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.result == Result.ABSENT
    assert ResultCorrection.objects.filter(enrolment=e).count() == 2


def test_two_officers_enter_different_learners_both_succeed_same_learner_conflicts(
        personas, class_2017, forty):
    a, b, c = (enrol(by=None, training_class=class_2017, person=p, past=True) for p in forty[:3])
    kimboi, province = Client(), Client()
    kimboi.force_login(personas.kimboi)
    province.force_login(personas.provincial)
    url = f"/lop/{class_2017.pk}/ket-qua/"
    page_k = kimboi.get(url).content.decode()
    page_p = province.get(url).content.decode()
    # Kim Bôi enters A; the province, from a page loaded before, enters B: both saved.
    response = kimboi.post(url, results_data(page_k, [a, b, c], **{
        f"kq-{a.pk}": Result.PASSED, f"ng-{a.pk}": "10/06/2017"}))
    assert response.status_code == 302
    response = province.post(url, results_data(page_p, [a, b, c], **{
        f"kq-{b.pk}": Result.FAILED}))
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.result, b.result) == (Result.PASSED, Result.FAILED)

    # Both on C from the same stale pages: the second is refused on C's line, naming the
    # first, while its other line is saved; the page keeps its input with a fresh token.
    response = kimboi.post(url, results_data(page_k, [a, b, c], **{
        f"kq-{c.pk}": Result.ABSENT}))
    assert response.status_code == 302
    response = province.post(url, results_data(page_p, [a, b, c], **{
        f"kq-{c.pk}": Result.PASSED, f"so-{c.pk}": "CN-3/2017", f"ng-{c.pk}": "10/06/2017"}))
    assert response.status_code == 409
    page = text(response.content.decode())
    assert "1 học viên chưa lưu vì người khác đã ghi hoặc sửa" in page
    assert "kimboi lúc" in page and "kết quả: Đang học → Bỏ học, vắng" in page
    assert "recorded" not in page and "→ 2" not in page
    c.refresh_from_db()
    assert c.result == Result.ABSENT
    html = response.content.decode()
    assert 'value="CN-3/2017"' in html
    # Applying it now is a correction of Kim Bôi's result: it needs a reason.
    data = results_data(html, [a, b, c], **{
        f"kq-{c.pk}": Result.PASSED, f"so-{c.pk}": "CN-3/2017", f"ng-{c.pk}": "10/06/2017",
        "reason": "Có mặt đủ buổi theo sổ lớp"})
    response = province.post(url, data)
    assert response.status_code == 302, text(response.content.decode())
    c.refresh_from_db()
    assert (c.result, c.certificate_number) == (Result.PASSED, "CN-3/2017")


def test_the_candidacy_follows_a_corrected_certificate(client, personas, province, class_2017,
                                                       recorded):
    e = recorded[2]
    person = e.person
    candidacy = adm.candidacy_create(by=None, person=person, cell=person.unit,
                                     source=Source.YOUTH_UNION, identified_on=dt.date(2017, 3, 1))
    adm.candidacy_set_awareness(by=None, candidacy=candidacy, enrolment=e)
    candidacy.refresh_from_db()
    assert (candidacy.stage, candidacy.class_done_on) == (Stage.CLASS_DONE, dt.date(2017, 6, 10))

    client.force_login(personas.kimboi)
    response = correct(client, class_2017, e, learner_form(client, class_2017, e),
                       certificate_on="15/06/2017", reason="Ngày cấp đúng là 15/6/2017")
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.class_done_on == dt.date(2017, 6, 15) == candidacy.stage_on
    assert candidacy.events.get(stage=Stage.CLASS_DONE).on == dt.date(2017, 6, 15)
    e.refresh_from_db()
    assert e.certificate_expires_on == dt.date(2022, 6, 15)

    response = correct(client, class_2017, e, learner_form(client, class_2017, e),
                       result=Result.FAILED, reason="Không đạt theo biên bản chấm")
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.stage == Stage.SOURCE and candidacy.class_done_on is None
    assert candidacy.awareness_id is None
    # The step stays in the candidacy's history, marked cancelled with the reason.
    note = candidacy.events.get(stage=Stage.CLASS_DONE).note
    assert "Đã hủy" in note and "Không đạt theo biên bản chấm" in note
    assert AuditEvent.objects.filter(action="candidacy.awareness_follow",
                                     object_id=str(candidacy.pk)).count() == 2
    assert Candidacy.objects.get(pk=candidacy.pk).row_version > 1
    assert Enrolment.objects.get(pk=e.pk).result == Result.FAILED
