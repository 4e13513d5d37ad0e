"""Hostile input on the account pages: NUL bytes, huge ids, long text, foreign redirects.
Each gets a page or a clear refusal, never a 500, and nothing is written."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from dangvien.accounts.models import Role

from .conftest import VERIFY, sign_in

pytestmark = pytest.mark.django_db
User = get_user_model()


NUL_PAGE = "ký tự không hợp lệ"


def nul_refused(response) -> bool:
    """A NUL byte anywhere gets the one 400 page (core.middleware)."""
    return response.status_code == 400 and NUL_PAGE in response.content.decode()


def test_nul_bytes_and_huge_values(client, kb_admin, personas):
    client.force_login(kb_admin)
    users = User.objects.count()
    for url in ("/tai-khoan/quan-ly/99999999999999999999/",
                "/tai-khoan/quan-ly/9223372036854775808/"):
        assert client.get(url).status_code == 404
    assert nul_refused(client.get("/tai-khoan/quan-ly/?q=a%00b"))
    assert client.get("/tai-khoan/quan-ly/?q=" + "x" * 5000).status_code == 200
    url = f"/tai-khoan/quan-ly/{personas.kimboi.pk}/"
    assert nul_refused(client.post(url + "thu-hoi-vai-tro/", {"unit": "KB\x00"}))
    assert nul_refused(client.post(url + "giao-vai-tro/", {"unit": "KB\x00", "role": Role.VIEWER}))
    assert nul_refused(client.post("/tai-khoan/quan-ly/them/", {
        "username": "ab", "full_name": "Tên\x00Lạ", "unit": "KB", "role": "xem"}))
    response = client.post("/tai-khoan/quan-ly/them/", {
        "username": "a" * 500, "full_name": "Tên Lạ", "unit": "K" * 100, "role": "xem"})
    assert response.status_code == 200
    assert User.objects.count() == users


def test_sign_in_with_hostile_fields(client, personas):
    assert nul_refused(client.post("/tai-khoan/dang-nhap/", {"username": "kim\x00boi",
                                                             "password": "x"}))
    assert client.post("/tai-khoan/dang-nhap/", {"username": "k" * 10000,
                                                 "password": "p" * 10000}).status_code == 200
    sign_in(client, "tinhuy")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=personas.provincial, name="x", confirmed=True)
    assert nul_refused(client.post(VERIFY, {"code": "\x00\x00"}))
    for code in ("9" * 1000, "' OR 1=1 --", "１２３４５６"):
        assert client.post(VERIFY, {"code": code}).status_code == 200
    response = client.post(VERIFY, {"code": "123456", "next": "https://evil.example/"})
    assert response.status_code == 200  # wrong code; and a right one never goes abroad


def test_password_change_with_hostile_fields(client, personas):
    client.force_login(personas.kimboi)
    assert nul_refused(client.post("/tai-khoan/doi-mat-khau/", {
        "old": "mat-khau-thu-nghiem", "password": "\x00" * 12, "confirm": "\x00" * 12}))
    response = client.post("/tai-khoan/doi-mat-khau/", {
        "old": "mat-khau-thu-nghiem", "password": "x" * 5000, "confirm": "x" * 5000})
    assert response.status_code == 200
    assert User.objects.get(pk=personas.kimboi.pk).check_password("mat-khau-thu-nghiem")
