"""An officer writes their own email address on "Tài khoản của tôi", so the reminders
(đôn đốc) reach them; a wrong address is refused with a message; each change is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from dangvien.audit.models import AuditEvent
from dangvien.reminders.services import reminder_send
from tests.reports import conftest as shared

pytestmark = pytest.mark.django_db

_fresh_calendar = shared._fresh_calendar
overdue_recognitions = shared.overdue_recognitions


def test_an_officer_adds_her_address_and_then_receives_the_reminder(
        client, personas, overdue_recognitions, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    secretary = personas.secretary
    client.force_login(secretary)
    assert "chưa có: bạn chưa nhận được thư đôn đốc" in client.get("/tai-khoan/").content.decode()
    assert reminder_send(user=secretary, as_of=dt.date(2022, 5, 31)).result == "no_email"

    response = client.post("/tai-khoan/thu-dien-tu/", {"email": " bithu.moda@KimBoi.DCS.vn "})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    secretary.refresh_from_db()
    assert secretary.email == "bithu.moda@kimboi.dcs.vn"
    assert "bithu.moda@kimboi.dcs.vn" in client.get("/tai-khoan/").content.decode()
    [event] = AuditEvent.objects.filter(action="account.email_change")
    assert event.before == {"email": ""} and event.after == {"email": "bithu.moda@kimboi.dcs.vn"}

    delivery = reminder_send(user=secretary, as_of=dt.date(2022, 5, 31))
    assert delivery.result == "sent"
    assert mail.outbox[0].to == ["bithu.moda@kimboi.dcs.vn"]


@pytest.mark.parametrize("value", ["khong-phai-thu", "a@b", "x" * 300 + "@a.vn",
                                   "tochuc@kimboi..vn"])
def test_a_wrong_address_is_refused_and_nothing_changes(client, personas, value):
    client.force_login(personas.kimboi)
    response = client.post("/tai-khoan/thu-dien-tu/", {"email": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "không phải địa chỉ thư điện tử hợp lệ" in html or "quá dài" in html
    personas.kimboi.refresh_from_db()
    assert personas.kimboi.email == ""


def test_an_empty_address_stops_the_mail(client, personas):
    personas.kimboi.email = "tochuc@kimboi.dcs.vn"
    personas.kimboi.save()
    client.force_login(personas.kimboi)
    response = client.post("/tai-khoan/thu-dien-tu/", {"email": ""}, follow=True)
    assert "bạn sẽ không nhận thư đôn đốc" in response.content.decode()
    personas.kimboi.refresh_from_db()
    assert personas.kimboi.email == ""
