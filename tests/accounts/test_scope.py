"""Scope: a role on a unit covers its subtree and nothing else, for every persona."""

import pytest
from django.http import Http404

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.accounts.scope import can, forget_scope, get_unit_or_404, scope_roots
from dangvien.org.models import OrgUnit
from dangvien.people.models import Membership, Person


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


@pytest.mark.django_db
def test_each_persona_sees_exactly_its_subtree(province, personas):
    assert OrgUnit.objects.for_user(personas.provincial).count() == OrgUnit.objects.count()
    assert codes(OrgUnit.objects.for_user(personas.kimboi)) == [
        "KB", "KB.01", "KB.01.01", "KB.01.02", "KB.02"]
    assert codes(OrgUnit.objects.for_user(personas.lacson)) == ["LS", "LS.01", "LS.01.01"]
    assert codes(OrgUnit.objects.for_user(personas.secretary)) == ["KB.01.01"]
    assert codes(OrgUnit.objects.for_user(personas.outsider)) == []


@pytest.mark.django_db
def test_people_and_members_follow_the_same_scope(province, personas, make_member):
    make_member(province.kb_cell, "Bùi Văn Một")
    make_member(province.kb_cell2, "Bùi Văn Hai")
    make_member(province.ls_cell, "Bùi Văn Ba")
    assert Person.objects.for_user(personas.kimboi).count() == 2
    assert Person.objects.for_user(personas.secretary).get().full_name == "Bùi Văn Một"
    assert Membership.objects.for_user(personas.lacson).get().person.full_name == "Bùi Văn Ba"
    assert not Person.objects.for_user(personas.outsider).exists()
    assert Membership.objects.for_user(personas.provincial).count() == 3


@pytest.mark.django_db
def test_outside_scope_is_404_never_someone_elses_data(province, personas):
    assert get_unit_or_404(personas.kimboi, "KB.01.02").code == "KB.01.02"
    for code in ["LS", "LS.01.01", "TU", "KHONG.CO"]:
        with pytest.raises(Http404):
            get_unit_or_404(personas.kimboi, code)
    with pytest.raises(Http404):
        get_unit_or_404(personas.outsider, "KB")


@pytest.mark.django_db
def test_roles_rank_viewer_editor_approver_admin(province, personas):
    viewer = personas.outsider
    RoleAssignment.objects.create(user=viewer, unit=province.ls, role=Role.VIEWER)
    forget_scope(viewer)
    assert can(viewer, province.ls_cell, Role.VIEWER)
    assert not can(viewer, province.ls_cell, Role.EDITOR)
    assert can(personas.provincial, province.ls_cell, Role.APPROVER)
    assert not can(personas.kimboi, province.kb_cell, Role.APPROVER)


@pytest.mark.django_db
def test_scope_roots_are_the_top_of_each_subtree(province, personas):
    RoleAssignment.objects.create(user=personas.kimboi, unit=province.kb_cell, role=Role.ADMIN)
    forget_scope(personas.kimboi)
    assert [u.code for u in scope_roots(personas.kimboi)] == ["KB"]
    assert [u.code for u in scope_roots(personas.provincial)] == ["TU"]
