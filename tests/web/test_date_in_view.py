"""The date in view (ngày đang xem): a day chosen on one page stays chosen on the next,
the header says so with "về hôm nay", the Excel and Word files of a page mean the day
the page showed, and a day no record can have is refused with a message."""

from __future__ import annotations

import pytest

from tests.plans import test_progress as progress

pytestmark = pytest.mark.django_db

_fresh_calendar = progress._fresh_calendar
kb_admitted = progress.kb_admitted
kb_pipeline = progress.kb_pipeline
kim_boi = progress.kim_boi
ls_admitted = progress.ls_admitted
plan77 = progress.plan77


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_chosen_day_stays_across_pages_until_back_to_today(client, personas, kim_boi):
    client.force_login(personas.kimboi)
    html = page(client, "/ke-hoach/tien-do/?ngay=31/05/2022")
    assert "Đang xem ngày <strong>31/05/2022</strong>" in html
    # The menu's links carry no date; the next page still reads 31/05/2022.
    tree = page(client, "/to-chuc/")
    assert 'value="31/05/2022"' in tree
    assert "về hôm nay" in tree
    dashboard = page(client, "/ke-hoach/tien-do/")
    assert "46" in dashboard and "30,7%" in dashboard

    back = client.post("/ngay/hom-nay/", {"next": "/to-chuc/"})
    assert back.status_code == 302 and back["Location"] == "/to-chuc/"
    tree = page(client, "/to-chuc/")
    assert "Đang xem ngày" not in tree
    assert 'value="31/05/2022"' not in tree


def test_the_excel_file_of_a_page_means_the_day_the_page_showed(client, personas, kim_boi):
    client.force_login(personas.kimboi)
    page(client, "/ke-hoach/tien-do/?ngay=31/05/2022")
    response = client.get(f"/trao-doi/xuat/tien-do/?ke-hoach={kim_boi.pk}&don-vi=KB")
    assert response.status_code == 200
    assert "31-05-2022" in response["Content-Disposition"]


def test_back_to_today_never_leaves_the_site(client, personas):
    client.force_login(personas.kimboi)
    for target in ("https://example.com/", "//example.com/x", "javascript:alert(1)", "x" * 50):
        response = client.post("/ngay/hom-nay/", {"next": target})
        assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/ngay/hom-nay/").status_code == 405


@pytest.mark.parametrize("day", ["31/12/9999", "01/01/0001", "31/12/1899"])
def test_a_day_no_record_can_have_is_refused_and_not_kept(client, personas, day):
    client.force_login(personas.kimboi)
    html = page(client, f"/ket-nap/thoi-han/?ngay={day}")
    assert "nằm ngoài khoảng có số liệu" in html or "không phải ngày hợp lệ" in html
    assert "Đang xem ngày" not in page(client, "/to-chuc/")


def test_each_session_has_its_own_day(client, personas, kim_boi, django_user_model):
    from django.test import Client

    client.force_login(personas.kimboi)
    page(client, "/to-chuc/?ngay=31/05/2022")
    other = Client()
    other.force_login(personas.lacson)
    assert "Đang xem ngày" not in page(other, "/to-chuc/")
