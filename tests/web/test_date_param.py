"""?ngay= picks the date the tree is shown for; a bad date gives a message, never a 500."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dangvien.core import vn

pytestmark = pytest.mark.django_db

BAD = [
    "abc",
    "31/02/2022",
    "32/01/2022",
    "1/13/2022",
    "1/1/222",
    "99999999",
    "0/0/0",
    "01/01/99999",
    "'; DROP TABLE x; --",
    "<b>x</b>",
    "1" * 500,
    "２０２２",
]


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("url", ["/to-chuc/", "/to-chuc/KB/", "/to-chuc/KB.01.01/"])
def test_bad_date_gives_a_message(client, personas, url, bad):
    client.force_login(personas.kimboi)
    response = client.get(url, {"ngay": bad})
    assert response.status_code == 200
    page = response.content.decode()
    assert "không phải ngày hợp lệ" in page
    assert "ngày/tháng/năm" in page
    assert f"Đang hiển thị số liệu ngày {vn.format_date(timezone.localdate())}" in page
    assert "<b>x</b>" not in page


@pytest.mark.parametrize("bad", ["abc", "31/02/2022"])
def test_bad_date_in_fragment_is_400_with_message(client, personas, bad):
    client.force_login(personas.kimboi)
    response = client.get("/to-chuc/KB.01/cay/", {"ngay": bad})
    assert response.status_code == 400
    assert "không phải ngày hợp lệ" in response.content.decode()


@pytest.mark.parametrize("good", ["31/05/2022", "31/5/2022", "31.05.2022", "2022-05-31"])
def test_accepted_date_forms(client, personas, good):
    client.force_login(personas.kimboi)
    page = client.get("/to-chuc/", {"ngay": good}).content.decode()
    assert 'value="31/05/2022"' in page
    assert "không phải ngày hợp lệ" not in page
    # Links keep the chosen date.
    assert 'href="/to-chuc/KB/?ngay=31/05/2022"' in page


def test_default_is_today_and_links_stay_clean(client, personas):
    client.force_login(personas.kimboi)
    page = client.get("/to-chuc/").content.decode()
    assert f'value="{vn.format_date(timezone.localdate())}"' in page
    assert 'href="/to-chuc/KB/"' in page


def test_date_before_the_unit_existed(client, personas):
    client.force_login(personas.kimboi)
    tree = client.get("/to-chuc/", {"ngay": "01/01/2019"}).content.decode()
    assert "chưa được thành lập vào ngày 01/01/2019" in tree
    unit = client.get("/to-chuc/KB.01/", {"ngay": "01/01/2019"})
    assert unit.status_code == 200
    assert "chưa được thành lập vào ngày 01/01/2019" in unit.content.decode()


def test_far_future_date_is_fine(client, personas):
    client.force_login(personas.kimboi)
    assert client.get("/to-chuc/KB/", {"ngay": "31/12/9999"}).status_code == 200
    assert client.get("/to-chuc/KB/", {"ngay": "01/01/0100"}).status_code == 200


@pytest.mark.parametrize("url", ["/to-chuc/", "/to-chuc/KB/", "/ket-nap/thoi-han/"])
def test_date_form_shows_no_developer_notes(client, personas, url):
    """The date form's template comment stays out of the page a user reads."""
    client.force_login(personas.kimboi)
    page = client.get(url).content.decode()
    assert "Số liệu tính đến ngày" in page or "ngày/tháng/năm" in page
    assert "Context: as_of" not in page
    assert "include arguments" not in page
