"""Every page but the login page sends an anonymous visitor to log in."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/to-chuc/",
    "/to-chuc/KB/",
    "/to-chuc/KB/cay/",
    "/to-chuc/KHONG-CO/",
    "/dang-vien/tim-kiem/",
    "/dang-vien/tim-kiem/?q=an",
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, province, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")


def test_home_asks_an_anonymous_visitor_to_sign_in(client, personas):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/?next=/"


def test_anonymous_sees_no_data_on_login_page(client, province):
    html = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "Kim Bôi" not in html
    assert "Đăng xuất" not in html
