"""The escalation matrix: a district administrator tries every account action against
accounts and units outside his subtree, by the pages and by direct POSTs, and against the
Django admin. Every attempt is refused, nothing is written, and each is audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts.models import AccountProfile, Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_verify
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()
BASE = "/tai-khoan/quan-ly"


def state():
    """Everything an account action could change."""
    from axes.models import AccessAttempt

    return (
        sorted(User.objects.values_list("pk", "username", "password", "is_active",
                                        "is_superuser", "is_staff")),
        sorted(RoleAssignment.objects.values_list("user_id", "unit_id", "role")),
        sorted(TOTPDevice.objects.values_list("pk", "user_id")),
        sorted(AccountProfile.objects.values_list("user_id", "must_change_password")),
        AccessAttempt.objects.count(),
    )


@pytest.fixture
def targets(personas, superuser):
    """Accounts outside Kim Bôi: Lạc Sơn's officer, the province's admin, a superuser, and
    one holding roles in both districts."""
    both = User.objects.create_user(username="haicho", password=PASSWORD)
    RoleAssignment.objects.create(user=both, unit=personas.kimboi.roles.get().unit,
                                  role=Role.VIEWER)
    RoleAssignment.objects.create(user=both, unit=personas.lacson.roles.get().unit,
                                  role=Role.VIEWER)
    return {"lacson": personas.lacson, "tinhuy": personas.provincial, "hethong": superuser,
            "haicho": both, "khach": personas.outsider}


ACTIONS = [
    ("get", ""), ("post", "giao-vai-tro/"), ("post", "thu-hoi-vai-tro/"), ("post", "khoa/"),
    ("post", "mo-lai/"), ("post", "cap-lai-mat-khau/"), ("post", "go-khoa-dang-nhap/"),
    ("post", "dat-lai-xac-thuc/"),
]


@pytest.mark.parametrize(("method", "action"), ACTIONS)
def test_every_action_on_an_account_outside_the_subtree_is_a_404(client, kb_admin, targets,
                                                                   province, method, action):
    client.force_login(kb_admin)
    before, audits = state(), AuditEvent.objects.count()
    for target in targets.values():
        url = f"{BASE}/{target.pk}/{action}"
        data = {"unit": "KB.01", "role": Role.VIEWER} if method == "post" else None
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == 404, (target.username, url)
    assert state() == before
    refusals = AuditEvent.objects.filter(pk__gt=0).order_by("-id")[:len(targets)]
    assert AuditEvent.objects.count() == audits + len(targets)
    assert all(e.action.endswith(".refused") and e.actor == kb_admin for e in refusals)


@pytest.mark.parametrize(("unit", "role"), [
    ("LS", Role.VIEWER), ("LS.01.01", Role.EDITOR), ("TU", Role.ADMIN), ("TU", Role.VIEWER),
])
def test_no_role_on_a_unit_outside_the_subtree_by_form_or_forged_post(client, kb_admin,
                                                                      personas, unit, role):
    client.force_login(kb_admin)
    kimboi = personas.kimboi
    before, audits = state(), AuditEvent.objects.count()
    # Granting it to an account of his, and creating an account with it.
    page = client.post(f"{BASE}/{kimboi.pk}/giao-vai-tro/", {"unit": unit, "role": role},
                       follow=True)
    assert "trong phạm vi quản trị của bạn" in page.content.decode()
    created = client.post(f"{BASE}/them/", {"username": "moi", "full_name": "Người Mới",
                                            "unit": unit, "role": role})
    assert "trong phạm vi quản trị của bạn" in created.content.decode()
    # Revoking Lạc Sơn's role from an account of both districts is not his either.
    assert state() == before
    new = list(AuditEvent.objects.filter(pk__gt=0).order_by("id"))[audits:]
    assert [e.action for e in new] == ["account.role_grant.refused", "account.create.refused"]


def test_no_superuser_or_staff_by_a_forged_post(client, kb_admin, personas):
    client.force_login(kb_admin)
    client.post(f"{BASE}/them/", {"username": "giamao", "full_name": "Giả Mạo",
                                  "unit": "KB.01", "role": Role.ADMIN,
                                  "is_superuser": "on", "is_staff": "on"})
    forged = User.objects.get(username="giamao")
    assert not forged.is_superuser and not forged.is_staff
    client.post(f"{BASE}/{personas.kimboi.pk}/giao-vai-tro/",
                {"unit": "KB", "role": "superuser", "is_superuser": "1"})
    assert not User.objects.get(pk=personas.kimboi.pk).is_superuser
    assert RoleAssignment.objects.get(user=personas.kimboi).role == Role.EDITOR


def test_revoking_a_role_outside_the_subtree_is_refused(client, kb_admin, personas, province):
    """An account of Kim Bôi that also holds a role on a unit outside is not his at all."""
    RoleAssignment.objects.create(user=personas.secretary, unit=province.ls_cell,
                                  role=Role.VIEWER)
    client.force_login(kb_admin)
    before = state()
    assert client.post(f"{BASE}/{personas.secretary.pk}/thu-hoi-vai-tro/",
                       {"unit": "LS.01.01"}).status_code == 404
    assert state() == before


def test_the_django_admin_is_closed_to_officials(client, kb_admin, personas):
    client.force_login(kb_admin)
    before, audits = state(), AuditEvent.objects.count()
    for url in ("/quan-tri/", "/quan-tri/auth/user/", f"/quan-tri/auth/user/{kb_admin.pk}/change/",
                "/quan-tri/accounts/roleassignment/add/"):
        assert client.get(url).status_code == 404
    response = client.post(f"/quan-tri/auth/user/{kb_admin.pk}/change/",
                           {"username": "kbadmin", "is_superuser": "on", "is_staff": "on"})
    assert response.status_code == 404
    assert state() == before
    new = AuditEvent.objects.count() - audits
    assert new == 5
    assert set(AuditEvent.objects.order_by("-id")[:5].values_list("action", flat=True)) == {
        "admin.open.refused"}


def test_a_district_admin_sees_only_its_own_accounts(client, kb_admin, targets):
    client.force_login(kb_admin)
    html = client.get(f"{BASE}/").content.decode()
    for name in targets:
        assert f">{name}<" not in html
    assert ">kimboi<" in html and ">chibo<" in html


def test_officers_without_admin_role_have_no_account_pages(client, personas):
    client.force_login(personas.kimboi)
    before = state()
    assert client.get(f"{BASE}/").status_code == 404
    assert client.post(f"{BASE}/them/", {"username": "x", "full_name": "X Y", "unit": "KB",
                                         "role": Role.VIEWER}).status_code == 404
    assert client.post(f"{BASE}/{personas.secretary.pk}/khoa/").status_code == 404
    assert state() == before
    assert "Tài khoản</a>" not in client.get("/to-chuc/").content.decode()


def test_the_trail_still_verifies_after_all_refusals(client, kb_admin, targets):
    client.force_login(kb_admin)
    for target in targets.values():
        client.post(f"{BASE}/{target.pk}/khoa/")
    assert audit_verify().ok
