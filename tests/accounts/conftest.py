"""Account fixtures: a Kim Bôi administrator, a superuser, and TOTP codes as an app makes them."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts.models import Role, RoleAssignment
from tests.conftest import PASSWORD

LOGIN = "/tai-khoan/dang-nhap/"
VERIFY = "/tai-khoan/xac-thuc/"
ENROL = "/tai-khoan/xac-thuc-hai-buoc/"
PASSWORD_PAGE = "/tai-khoan/doi-mat-khau/"


def totp_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code not used yet: a code is refused twice, so after one was used, take the next
    period's (the server accepts one period of clock drift)."""
    device.refresh_from_db()
    return totp_code(device, 1 if device.last_t >= 0 else 0)


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.fixture
def kb_admin(province):
    user = get_user_model().objects.create_user(username="kbadmin", password=PASSWORD,
                                                first_name="Hoa", last_name="Quách Thị")
    RoleAssignment.objects.create(user=user, unit=province.kb, role=Role.ADMIN)
    return user


@pytest.fixture
def superuser(province):
    user = get_user_model().objects.create_superuser(username="hethong", password=PASSWORD,
                                                     email="")
    RoleAssignment.objects.create(user=user, unit=province.tu, role=Role.ADMIN)
    return user
