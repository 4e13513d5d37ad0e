"""Repeated wrong passwords lock that username from that address for a while."""

import pytest

from tests.conftest import PASSWORD

URL = "/tai-khoan/dang-nhap/"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_username_with_a_vietnamese_page(client, personas):
    for _ in range(2):
        response = client.post(URL, {"username": "kimboi", "password": "sai"})
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    locked = client.post(URL, {"username": "kimboi", "password": "sai"})
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    # Even the right password is refused until the cool-off ends.
    again = client.post(URL, {"username": "kimboi", "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_username_and_never_tells_whether_it_exists(client, personas):
    for _ in range(3):
        client.post(URL, {"username": "khong-ton-tai", "password": "sai"})
    assert "Tạm khóa" in client.post(URL, {"username": "khong-ton-tai", "password": "x"}).content.decode()
    ok = client.post(URL, {"username": "lacson", "password": PASSWORD})
    assert ok.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client, personas):
    for _ in range(2):
        client.post(URL, {"username": "chibo", "password": "sai"})
    assert client.post(URL, {"username": "chibo", "password": PASSWORD}).status_code == 302
    client.post("/tai-khoan/dang-xuat/")
    for _ in range(2):
        client.post(URL, {"username": "chibo", "password": "sai"})
    assert client.post(URL, {"username": "chibo", "password": PASSWORD}).status_code == 302
