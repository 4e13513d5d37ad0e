"""The provincial administrator works in the Django admin; changes there are audited."""

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_verify


@pytest.fixture
def admin_user(personas):
    user = personas.provincial
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/quan-tri/", "/quan-tri/org/orgunit/?q=Kim", "/quan-tri/people/person/?q=nguyen",
     "/quan-tri/accounts/roleassignment/", "/quan-tri/audit/auditevent/"],
)
def test_admin_pages_open_for_the_provincial_administrator(client, admin_user, make_member,
                                                           province, url):
    make_member(province.kb_cell, "Nguyễn Văn An")
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
def test_admin_search_finds_people_without_diacritics(client, admin_user, make_member, province):
    make_member(province.kb_cell, "Nguyễn Văn An")
    client.force_login(admin_user)
    assert "Nguyễn Văn An" in client.get("/quan-tri/people/person/?q=nguyen+van").content.decode()


@pytest.mark.django_db
def test_admin_change_is_audited_and_chain_stays_valid(client, admin_user, province):
    client.force_login(admin_user)
    unit = province.kb_school
    response = client.post(
        f"/quan-tri/org/orgunit/{unit.pk}/change/",
        {"kind": unit.kind, "place_kind": "truong", "is_mountainous": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.latest("id")
    assert event.action == "admin.change" and event.actor == admin_user
    assert event.before["is_mountainous"] is False and event.after["is_mountainous"] is True
    assert audit_verify().ok


@pytest.mark.django_db
def test_officers_are_kept_out_of_the_admin(client, personas):
    client.force_login(personas.kimboi)
    assert client.get("/quan-tri/").status_code == 404
    client.logout()
    # Not signed in: the product's own sign-in page (with its second step), not the admin's.
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "found", "not_found"), [
    ("/quan-tri/org/orgunit/?q=kim+bôi", "Huyện ủy Kim Bôi", "Huyện ủy Lạc Sơn"),
    ("/quan-tri/org/orgunit/?q=VĨNH+ĐỒNG", "Đảng bộ xã Vĩnh Đồng", "Huyện ủy Kim Bôi"),
    ("/quan-tri/org/orgunit/?q=ls.01", "Đảng bộ xã Ân Nghĩa", "Đảng bộ xã Vĩnh Đồng"),
    ("/quan-tri/auth/user/?q=KIMBOI", "kimboi", "lacson"),
    ("/quan-tri/accounts/roleassignment/?q=LACSON", "lacson", "kimboi"),
])
def test_admin_search_ignores_case_on_both_databases(client, admin_user, province, url, found,
                                                      not_found):
    client.force_login(admin_user)
    page = client.get(url).content.decode()
    assert found in page and not_found not in page


@pytest.mark.django_db
def test_admin_search_of_members_folds_the_name(client, admin_user, make_member, province):
    make_member(province.kb_cell, "Nguyễn Văn An")
    client.force_login(admin_user)
    page = client.get("/quan-tri/people/membership/?q=Nguyễn").content.decode()
    assert "Nguyễn Văn An" in page


def test_every_admin_search_is_the_same_on_both_databases():
    from django.contrib import admin

    from dangvien.core.admin import SameSearchMixin

    # Django's default search is icontains: LIKE on SQLite, case-sensitive there.
    plain = [type(m).__name__ for m in admin.site._registry.values()
             if m.search_fields and not isinstance(m, SameSearchMixin)]
    assert plain == []


@pytest.mark.django_db
def test_a_password_set_in_the_admin_is_audited_and_never_copied(client, admin_user, personas):
    client.force_login(admin_user)
    url = f"/quan-tri/auth/user/{personas.kimboi.pk}/password/"
    response = client.post(url, {"password1": "Mat-Khau-Moi-2026", "password2": "Mat-Khau-Moi-2026",
                                 "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.filter(action="admin.password_change").get()
    assert event.object_id == str(personas.kimboi.pk) and event.actor == admin_user
    change = client.post(f"/quan-tri/auth/user/{personas.kimboi.pk}/change/", {
        "username": "kimboi", "first_name": "Hoa", "last_name": "Quách Thị", "is_active": "on",
        "date_joined_0": "01/01/2022", "date_joined_1": "08:00:00"})
    assert change.status_code in (200, 302)
    for row in AuditEvent.objects.filter(object_type="auth.user"):
        assert "password" not in (row.after or {}) and "password" not in (row.before or {})
