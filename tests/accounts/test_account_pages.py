"""Account administration in the product's own pages: create with a temporary password
shown once, change roles, (de)activate, reset password, unlock, reset the second factor."""

from __future__ import annotations

import re
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts.models import AccountProfile, Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_verify
from tests.conftest import PASSWORD

from .conftest import PASSWORD_PAGE, sign_in

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW = "/tai-khoan/quan-ly/them/"


def create(client, **data):
    form = {"username": "kimboi.hoa", "full_name": "Quách Thị Hoa", "unit": "KB.01",
            "role": Role.ADMIN, **data}
    return client.post(NEW, form)


def temp_password(html: str) -> str:
    return re.search(r'id="temp-password">([^<]+)<', html).group(1)


def test_kim_boi_admin_creates_an_account_and_the_password_is_shown_once(client, kb_admin):
    client.force_login(kb_admin)
    response = create(client)
    assert response.status_code == 302
    user = User.objects.get(username="kimboi.hoa")
    assert (user.last_name, user.first_name) == ("Quách Thị", "Hoa")
    assert list(user.roles.values_list("unit__code", "role")) == [("KB.01", Role.ADMIN)]
    assert not user.is_superuser and not user.is_staff
    assert AccountProfile.objects.get(user=user).must_change_password
    page = client.get(response["Location"]).content.decode()
    password = temp_password(page)
    assert user.check_password(password) and len(password) >= 10
    assert "chỉ hiện một lần" in page
    assert 'id="temp-password"' not in client.get(response["Location"]).content.decode()
    event = AuditEvent.objects.get(action="account.create")
    assert event.actor == kb_admin and event.after["roles"] == ["KB.01:quan_tri"]
    assert password not in str(event.after) and audit_verify().ok


def test_the_new_user_must_change_the_temporary_password(client, kb_admin):
    client.force_login(kb_admin)
    location = create(client, role=Role.EDITOR)["Location"]
    password = temp_password(client.get(location).content.decode())
    client.logout()
    sign_in(client, "kimboi.hoa", password)
    assert client.get("/to-chuc/")["Location"].startswith(PASSWORD_PAGE)
    weak = client.post(PASSWORD_PAGE, {"old": password, "password": "12345678",
                                       "confirm": "12345678"})
    html = weak.content.decode()
    assert "Mật khẩu quá ngắn" in html and "hoàn toàn là số" in html
    like_name = client.post(PASSWORD_PAGE, {"old": password, "password": "kimboi.hoa1",
                                            "confirm": "kimboi.hoa1"})
    assert "quá giống" in like_name.content.decode()
    common = client.post(PASSWORD_PAGE, {"old": password, "password": "password123",
                                         "confirm": "password123"})
    assert "quá phổ biến" in common.content.decode()
    ok = client.post(PASSWORD_PAGE, {"old": password, "password": "Rung-Thong-Kim-Boi-7",
                                     "confirm": "Rung-Thong-Kim-Boi-7"})
    assert ok.status_code == 302
    assert client.get("/to-chuc/").status_code == 200
    assert User.objects.get(username="kimboi.hoa").check_password("Rung-Thong-Kim-Boi-7")
    assert AuditEvent.objects.filter(action="account.password_change").exists()


def test_list_shows_only_accounts_inside_the_admin_scope(client, kb_admin, personas, superuser):
    both = User.objects.create_user(username="haicho", password=PASSWORD)
    RoleAssignment.objects.create(user=both, unit_id=personas.kimboi.roles.get().unit_id,
                                  role=Role.VIEWER)
    RoleAssignment.objects.create(user=both, unit=personas.lacson.roles.get().unit,
                                  role=Role.VIEWER)
    client.force_login(kb_admin)
    html = client.get("/tai-khoan/quan-ly/").content.decode()
    shown = set(re.findall(r'/tai-khoan/quan-ly/\d+/">([^<]+)<', html))
    assert shown == {"kbadmin", "kimboi", "chibo"}
    found = client.get("/tai-khoan/quan-ly/?q=THƠM").content.decode()
    assert "chibo" not in found  # "Thơm" is not a name of theirs in this fixture
    assert "kimboi" in client.get("/tai-khoan/quan-ly/?q=KIMB").content.decode()


def test_superuser_sees_every_account(client, superuser, personas):
    client.force_login(superuser)
    html = client.get("/tai-khoan/quan-ly/").content.decode()
    for name in ("tinhuy", "kimboi", "lacson", "chibo", "khach", "hethong"):
        assert f">{name}<" in html


def test_roles_are_granted_and_revoked(client, kb_admin, personas, province):
    client.force_login(kb_admin)
    url = f"/tai-khoan/quan-ly/{personas.secretary.pk}/"
    client.post(url + "giao-vai-tro/", {"unit": "kb.01.02", "role": Role.VIEWER})
    assert set(personas.secretary.roles.values_list("unit__code", "role")) == {
        ("KB.01.01", Role.EDITOR), ("KB.01.02", Role.VIEWER)}
    client.post(url + "thu-hoi-vai-tro/", {"unit": "KB.01.02"})
    assert list(personas.secretary.roles.values_list("unit__code", flat=True)) == ["KB.01.01"]
    last = client.post(url + "thu-hoi-vai-tro/", {"unit": "KB.01.01"}, follow=True)
    assert "ít nhất một vai trò" in last.content.decode()
    assert personas.secretary.roles.count() == 1
    actions = list(AuditEvent.objects.filter(object_id=str(personas.secretary.pk))
                   .values_list("action", flat=True))
    assert actions[-3:] == ["account.role_grant", "account.role_revoke",
                            "account.role_revoke.refused"]


def test_deactivation_ends_the_users_sessions_at_once(client, kb_admin, personas):
    from django.test import Client

    other = Client()
    other.force_login(personas.kimboi)
    assert other.get("/to-chuc/").status_code == 200
    client.force_login(kb_admin)
    client.post(f"/tai-khoan/quan-ly/{personas.kimboi.pk}/khoa/")
    assert not User.objects.get(pk=personas.kimboi.pk).is_active
    assert other.get("/to-chuc/")["Location"].startswith("/tai-khoan/dang-nhap/")
    assert sign_in(Client(), "kimboi").status_code == 200  # refused, same message as wrong
    client.post(f"/tai-khoan/quan-ly/{personas.kimboi.pk}/mo-lai/")
    assert sign_in(Client(), "kimboi").status_code == 302


def test_password_reset_ends_sessions_and_forces_a_change(client, kb_admin, personas):
    from django.test import Client

    other = Client()
    other.force_login(personas.kimboi)
    client.force_login(kb_admin)
    response = client.post(f"/tai-khoan/quan-ly/{personas.kimboi.pk}/cap-lai-mat-khau/")
    password = temp_password(client.get(response["Location"]).content.decode())
    assert other.get("/to-chuc/")["Location"].startswith("/tai-khoan/dang-nhap/")
    fresh = Client()
    sign_in(fresh, "kimboi", password)
    assert fresh.get("/to-chuc/")["Location"].startswith(PASSWORD_PAGE)
    assert AuditEvent.objects.filter(action="account.password_reset").get().actor == kb_admin


def test_unlock_after_lockout(client, kb_admin, personas, settings):
    from django.test import Client

    settings.AXES_FAILURE_LIMIT = 2
    victim = Client()
    for _ in range(2):
        sign_in(victim, "kimboi", "sai-mat-khau")
    locked = sign_in(victim, "kimboi")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "15 phút" in html and "quản trị viên" in html
    client.force_login(kb_admin)
    detail = client.get(f"/tai-khoan/quan-ly/{personas.kimboi.pk}/").content.decode()
    assert "Tạm khóa đăng nhập" in detail and "Gỡ khóa đăng nhập" in detail
    client.post(f"/tai-khoan/quan-ly/{personas.kimboi.pk}/go-khoa-dang-nhap/")
    assert not AccessAttempt.objects.filter(username="kimboi").exists()
    assert sign_in(victim, "kimboi").status_code == 302
    assert AuditEvent.objects.filter(action="account.unlock").get().actor == kb_admin


def test_lockout_is_per_address(client, personas, settings):
    """A stranger elsewhere cannot lock the secretary out of her own computer."""
    from django.test import Client

    settings.AXES_FAILURE_LIMIT = 2
    stranger = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(3):
        sign_in(stranger, "chibo", "doan-mo")
    assert sign_in(stranger, "chibo").status_code == 429
    assert sign_in(Client(REMOTE_ADDR="10.1.1.5"), "chibo").status_code == 302


def test_second_factor_reset(client, kb_admin, personas):
    RoleAssignment.objects.filter(user=personas.kimboi).update(role=Role.APPROVER)
    TOTPDevice.objects.create(user=personas.kimboi, name="x", confirmed=True)
    client.force_login(kb_admin)
    client.post(f"/tai-khoan/quan-ly/{personas.kimboi.pk}/dat-lai-xac-thuc/")
    assert not TOTPDevice.objects.filter(user=personas.kimboi).exists()
    from django.test import Client

    fresh = Client()
    sign_in(fresh, "kimboi")
    assert fresh.get("/to-chuc/")["Location"].startswith("/tai-khoan/xac-thuc-hai-buoc/")


def test_bad_input_on_create_writes_nothing(client, kb_admin, personas):
    client.force_login(kb_admin)
    before = User.objects.count(), RoleAssignment.objects.count()
    cases = [
        ({"username": "kimboi"}, "đã có người dùng"),
        ({"username": "KIMBOI"}, "đã có người dùng"),
        ({"username": "Nguyễn Hoa"}, "chữ không dấu"),
        ({"full_name": "   "}, "Hãy nhập họ và tên"),
        ({"unit": "LS.01"}, "trong phạm vi quản trị của bạn"),
        ({"unit": "KHONG-CO"}, "trong phạm vi quản trị của bạn"),
        ({"role": "sieu_quan_tri"}, "không có trong danh mục"),
    ]
    for data, message in cases:
        response = create(client, **data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), data
    assert (User.objects.count(), RoleAssignment.objects.count()) == before


def test_the_last_superuser_cannot_be_deactivated(client, superuser, personas):
    from dangvien.accounts.services import account_set_active
    from dangvien.core.errors import DomainError

    client.force_login(superuser)
    other = User.objects.create_superuser(username="vanhanh", password=PASSWORD, email="")
    response = client.post(f"/tai-khoan/quan-ly/{other.pk}/khoa/", follow=True)
    assert "Đã khóa tài khoản" in response.content.decode()
    response = client.post(f"/tai-khoan/quan-ly/{superuser.pk}/khoa/", follow=True)
    assert "chính mình" in response.content.decode()
    # From a command (no acting user): still refused, the province keeps one operator.
    with pytest.raises(DomainError, match="cuối cùng"):
        account_set_active(by=None, user=superuser, active=False)
    assert User.objects.get(pk=superuser.pk).is_active
    assert AuditEvent.objects.filter(action="account.set_active.refused").count() == 2


def test_idle_and_absolute_session_limits(client, personas, settings):
    client.force_login(personas.kimboi)
    assert client.get("/to-chuc/").status_code == 200
    session = client.session
    session["_dv_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get("/to-chuc/")
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert "30 phút" in client.get(response["Location"]).content.decode()
    client.force_login(personas.kimboi)
    session = client.session
    session["_dv_login_at"] = time.time() - 8 * 3600 - 60
    session.save()
    assert client.get("/to-chuc/")["Location"].startswith("/tai-khoan/dang-nhap/")
