"""Logging out is a POST from the header button and ends the session."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_header_has_user_name_and_logout_button(client, personas):
    client.force_login(personas.kimboi)
    html = client.get("/to-chuc/").content.decode()
    assert "Phát triển đảng viên" in html
    assert "kimboi" in html
    assert 'action="/tai-khoan/dang-xuat/"' in html
    assert "Đăng xuất" in html


def test_full_name_shown_family_name_first(client, personas):
    personas.kimboi.first_name, personas.kimboi.last_name = "Văn Bình", "Bùi"
    personas.kimboi.save()
    client.force_login(personas.kimboi)
    assert "Bùi Văn Bình" in client.get("/to-chuc/").content.decode()


def test_logout_by_post(client, personas):
    client.force_login(personas.kimboi)
    response = client.post("/tai-khoan/dang-xuat/")
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/"
    assert "_auth_user_id" not in client.session
    assert client.get("/to-chuc/").status_code == 302


def test_logout_by_get_is_refused(client, personas):
    client.force_login(personas.kimboi)
    assert client.get("/tai-khoan/dang-xuat/").status_code == 405
    assert client.get("/to-chuc/").status_code == 200
