"""The page of reminders sent (/don-doc/): who was reminded of what and when, by scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangvien.core import calendar
from dangvien.reminders.models import Outcome, Reminder
from dangvien.reminders.services import reminders_send
from tests.web.helpers import text

from .test_remind import DAY

pytestmark = pytest.mark.django_db
URL = "/don-doc/"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


def page(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return text(response.content.decode())


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_the_province_sees_who_was_reminded_of_what(client, personas, due):
    reminders_send(as_of=DAY)
    body = page(client, personas.provincial)
    assert "kimboi Đảng bộ xã Vĩnh Đồng; Chi bộ Trường THPT Kim Bôi" in body
    assert "08/06/2022 1 quá hạn, 1 sắp đến hạn btc.kimboi@hoabinh.dcs.vn Đã gửi" in body
    assert "lacson Đảng bộ xã Ân Nghĩa" in body and "chưa có email Chưa có email" in body
    assert timezone.localtime().strftime("%d/%m/%Y") in body  # sent today


def test_lac_son_sees_none_of_kim_bois_reminders(client, personas, due):
    reminders_send(as_of=DAY)
    body = page(client, personas.lacson)
    assert "lacson Đảng bộ xã Ân Nghĩa" in body
    assert "kimboi" not in body and "Vĩnh Đồng" not in body and "chibo" not in body
    assert "btc@hoabinh.dcs.vn" not in body  # the province's own digest covers Kim Bôi


def test_a_cell_secretary_sees_only_what_was_sent_to_them(client, personas, due):
    reminders_send(as_of=DAY)
    body = page(client, personas.secretary)
    assert "chibo.moda@hoabinh.dcs.vn" in body
    assert "kimboi" not in body and "tinhuy" not in body and "lacson" not in body
    assert "Chưa gửi lần đôn đốc nào" in page(client, personas.outsider)


def test_paging(client, personas, province):
    rows = Reminder.objects.bulk_create(
        Reminder(recipient=personas.kimboi, as_of=dt.date(2022, 1, 3) + dt.timedelta(days=7 * i),
                 sent_at=timezone.now() - dt.timedelta(days=400 - 7 * i),
                 outcome=Outcome.SENT, email="btc.kimboi@hoabinh.dcs.vn", overdue=i)
        for i in range(55))
    for r in rows:
        r.units.add(province.kb)
    first = page(client, personas.provincial)
    second = page(client, personas.provincial, trang=2)
    assert "Trang 1 / 2" in first and "Trang 2 / 2" in second
    assert first.count("Huyện ủy Kim Bôi") == 50 and second.count("Huyện ủy Kim Bôi") == 5
    assert "54 quá hạn" in first and "0 quá hạn" in second  # newest first


def test_the_menu_links_the_page(client, personas):
    client.force_login(personas.kimboi)
    html = client.get("/ket-nap/thoi-han/").content.decode()
    assert '<a href="/don-doc/">Đôn đốc</a>' in html
