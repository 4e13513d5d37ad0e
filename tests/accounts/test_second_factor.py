"""Signing in with two factors: enrolment with a server-drawn QR code, the code at each
sign-in, recovery codes used once, wrong codes counting toward the lockout."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.audit.models import AuditEvent

from .conftest import ENROL, VERIFY, fresh_code, sign_in, totp_code

pytestmark = pytest.mark.django_db


def enrol(client, user) -> list[str]:
    """Go through the enrolment page as a user would; return the recovery codes shown."""
    page = client.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": totp_code(device)})
    assert response.status_code == 302, response.content.decode()[:3000]
    shown = client.get(response["Location"]).content.decode()
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)


def test_an_administrator_must_enrol_before_any_page(client, personas):
    response = sign_in(client, "tinhuy")
    assert response.status_code == 302
    page = client.get("/to-chuc/")
    assert page.status_code == 302 and page["Location"].startswith(ENROL)
    html = client.get(ENROL).content.decode()
    assert "<svg" in html and "Mã QR" in html  # drawn by the server
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert not re.search(r'(src|href)="https?://', html)  # nothing fetched from outside
    assert 'class="nav"' not in html  # no menu whose every item would lead back here


def test_enrolment_shows_ten_recovery_codes_once(client, personas):
    sign_in(client, "tinhuy")
    codes = enrol(client, personas.provincial)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=personas.provincial).count() == 10
    # Shown once: the page is gone after it was seen.
    assert client.get("/tai-khoan/ma-du-phong/").status_code == 302
    assert client.get("/to-chuc/").status_code == 200
    assert AuditEvent.objects.filter(action="account.otp_enrol",
                                     object_id=str(personas.provincial.pk)).exists()


def test_a_wrong_code_at_enrolment_is_refused(client, personas):
    sign_in(client, "tinhuy")
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert "Mã xác thực không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=personas.provincial, confirmed=True).exists()
    assert client.get("/to-chuc/")["Location"].startswith(ENROL)


def test_next_sign_in_asks_for_the_code(client, personas):
    sign_in(client, "tinhuy")
    enrol(client, personas.provincial)
    client.post("/tai-khoan/dang-xuat/")
    sign_in(client, "tinhuy")
    assert client.get("/to-chuc/KB/")["Location"] == f"{VERIFY}?next=%2Fto-chuc%2FKB%2F"
    device = TOTPDevice.objects.get(user=personas.provincial)
    wrong = client.post(VERIFY, {"code": "123456", "next": "/to-chuc/KB/"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="account.signin_failed").latest("id").after[
        "stage"] == "otp"
    right = client.post(VERIFY, {"code": fresh_code(device), "next": "/to-chuc/KB/"})
    assert right["Location"] == "/to-chuc/KB/"
    assert client.get("/to-chuc/KB/").status_code == 200


def test_enrolment_page_cannot_replace_a_device_before_the_code(client, personas):
    """Someone with the password only cannot enrol his own phone instead."""
    sign_in(client, "tinhuy")
    enrol(client, personas.provincial)
    client.post("/tai-khoan/dang-xuat/")
    sign_in(client, "tinhuy")
    assert client.get(ENROL)["Location"] == "/tai-khoan/xac-thuc/"
    assert client.post(ENROL, {"code": "123456"})["Location"] == "/tai-khoan/xac-thuc/"
    assert TOTPDevice.objects.filter(user=personas.provincial).count() == 1


def test_a_recovery_code_signs_in_once(client, personas):
    sign_in(client, "tinhuy")
    codes = enrol(client, personas.provincial)
    client.post("/tai-khoan/dang-xuat/")
    sign_in(client, "tinhuy")
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + " " + codes[0][4:]})
    assert response.status_code == 302
    assert "còn 9 mã" in client.get("/to-chuc/").content.decode()
    client.post("/tai-khoan/dang-xuat/")
    sign_in(client, "tinhuy")
    reused = client.post(VERIFY, {"code": codes[0]})
    assert reused.status_code == 200 and "đã dùng" in reused.content.decode()
    assert client.get("/to-chuc/")["Location"].startswith(VERIFY)
    event = AuditEvent.objects.filter(action="account.otp_verified").latest("id")
    assert event.after["method"] == "recovery"


def test_wrong_codes_lock_the_account_out_and_end_the_session(client, personas, settings):
    settings.AXES_FAILURE_LIMIT = 3
    sign_in(client, "tinhuy")
    enrol(client, personas.provincial)
    client.post("/tai-khoan/dang-xuat/")
    sign_in(client, "tinhuy")
    client.post(VERIFY, {"code": "111111"})
    client.post(VERIFY, {"code": "222222"})
    # A right password in between does not wipe the count of wrong codes.
    sign_in(client, "tinhuy")
    locked = client.post(VERIFY, {"code": "333333"})
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="account.locked").exists()
    # The right password is now refused too, until the lockout ends or is lifted.
    device = TOTPDevice.objects.get(user=personas.provincial)
    assert sign_in(client, "tinhuy").status_code == 429
    assert device.pk and AccessAttempt.objects.filter(username="tinhuy").exists()


def test_an_editor_is_not_forced_but_may_enrol(client, personas):
    sign_in(client, "kimboi")
    assert client.get("/to-chuc/").status_code == 200
    enrol(client, personas.kimboi)
    client.post("/tai-khoan/dang-xuat/")
    sign_in(client, "kimboi")
    assert client.get("/to-chuc/")["Location"].startswith(VERIFY)


def test_the_setting_can_require_it_for_everyone(client, personas, settings):
    settings.DANGVIEN_2FA_REQUIRED_FOR = "all"
    sign_in(client, "chibo")
    assert client.get("/to-chuc/")["Location"].startswith(ENROL)


def test_a_role_granted_mid_session_asks_for_the_second_factor(client, personas):
    from dangvien.accounts.models import Role, RoleAssignment

    sign_in(client, "kimboi")
    assert client.get("/to-chuc/").status_code == 200
    RoleAssignment.objects.filter(user=personas.kimboi).update(role=Role.APPROVER)
    assert client.get("/to-chuc/")["Location"].startswith(ENROL)


def test_own_account_page_lists_recent_sign_ins(client, personas):
    client.post("/tai-khoan/dang-nhap/", {"username": "kimboi", "password": "sai-mat-khau"})
    sign_in(client, "kimboi")
    html = client.get("/tai-khoan/").content.decode()
    assert "Đăng nhập gần đây" in html
    assert "Sai mật khẩu" in html and "Đăng nhập thành công" in html
    assert "127.0.0.1" in html
    assert "Cập nhật — Huyện ủy Kim Bôi" in html
