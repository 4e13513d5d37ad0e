"""Error pages are Vietnamese; the 500 page needs no database."""

from __future__ import annotations

import pytest
from django.template.loader import get_template
from django.test import Client

pytestmark = pytest.mark.django_db


def test_404_for_unknown_path(client, personas):
    client.force_login(personas.kimboi)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy" in page
    assert 'lang="vi"' in page


def test_404_for_anonymous_has_no_menu(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy" in page
    assert "Đăng xuất" not in page


def test_500_template_renders_without_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = get_template("500.html").render({})
    assert "Hệ thống đang gặp lỗi" in page
    assert "{%" not in page


def test_500_page_is_served(settings, personas):
    settings.ROOT_URLCONF = "tests.web.urls_boom"
    client = Client(raise_request_exception=False)
    client.force_login(personas.kimboi)
    response = client.get("/loi/")
    assert response.status_code == 500
    assert "Hệ thống đang gặp lỗi" in response.content.decode()


def test_csrf_failure_page_is_vietnamese(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/tai-khoan/dang-nhap/", {"username": "kimboi", "password": "x"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()
