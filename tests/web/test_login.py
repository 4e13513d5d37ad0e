"""Logging in: the right password opens the tree; a wrong one says nothing about who exists."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

MESSAGE = "Tên đăng nhập hoặc mật khẩu không đúng."
LOGIN = "/tai-khoan/dang-nhap/"


def test_login_url_names():
    assert reverse("accounts:login") == LOGIN
    assert reverse("accounts:logout") == "/tai-khoan/dang-xuat/"


def test_login_page_is_vietnamese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đăng nhập" in html
    assert "Tên đăng nhập" in html
    assert "Mật khẩu" in html
    assert 'lang="vi"' in html


def test_login_ok_goes_to_the_days_work(client, personas):
    response = client.post(LOGIN, {"username": "kimboi", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Huyện ủy Kim Bôi" in page.content.decode()


def test_login_follows_a_local_next(client, personas):
    response = client.post(
        LOGIN + "?next=/to-chuc/KB/",
        {"username": "kimboi", "password": PASSWORD, "next": "/to-chuc/KB/"},
    )
    assert response["Location"] == "/to-chuc/KB/"


def test_login_ignores_a_foreign_next(client, personas):
    response = client.post(
        LOGIN, {"username": "kimboi", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def _error_page(client, username, password):
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    return response.content.decode()


def test_wrong_password_and_unknown_user_look_the_same(client, personas):
    wrong_password = _error_page(client, "kimboi", "sai-mat-khau")
    unknown_user = _error_page(client, "khong-ton-tai", "sai-mat-khau")
    assert MESSAGE in wrong_password
    assert MESSAGE in unknown_user
    # Same page apart from the CSRF token and the echoed user name.
    assert _normal(wrong_password, "kimboi") == _normal(unknown_user, "khong-ton-tai")


def _normal(html: str, username: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(f'value="{username}"', 'value=""')


def test_inactive_user_gets_the_same_message(client, personas):
    User = get_user_model()
    User.objects.filter(username="kimboi").update(is_active=False)
    assert MESSAGE in _error_page(client, "kimboi", PASSWORD)


def test_wrong_password_is_not_echoed(client, personas):
    html = _error_page(client, "kimboi", "bi-mat-rat-rieng")
    assert "bi-mat-rat-rieng" not in html


def test_empty_form_asks_in_vietnamese(client, db):
    html = _error_page(client, "", "")
    assert "Hãy nhập tên đăng nhập." in html
    assert "Hãy nhập mật khẩu." in html


def test_logged_in_user_visiting_login_goes_to_the_days_work(client, personas):
    client.force_login(personas.kimboi)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
