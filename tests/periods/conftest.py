"""Shared fixtures of the period report tests: the 2022 plans of the province, Kim Bôi and
Vĩnh Đồng (so cells, a grassroots committee, a district and the province all report),
Quý I/2022 with its due dates, and officers who submit and approve at each level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.periods import services
from dangvien.plans.models import Plan
from tests.conftest import PASSWORD
from tests.plans.test_progress import admit, issue

Q1_END = dt.date(2022, 3, 31)


@dataclass
class Officers:
    tu_approver: object  # Phê duyệt, Tỉnh ủy
    kb_approver: object  # Phê duyệt, Huyện ủy Kim Bôi
    vd_editor: object  # Cập nhật, Đảng bộ xã Vĩnh Đồng
    vd_approver: object  # Phê duyệt, Đảng bộ xã Vĩnh Đồng
    ls_approver: object  # Phê duyệt, Huyện ủy Lạc Sơn


@pytest.fixture
def plans2022(province):
    """77-KH/TU (Kim Bôi 150, Lạc Sơn 120); 25-KH/HU (Vĩnh Đồng 100, THPT 50); Vĩnh Đồng's
    plan (Mớ Đá 60, Chanh 40). Kim Bôi admitted 5 in Mớ Đá in Q1."""
    tu = Plan.objects.create(unit=province.tu, year=2022, number="77-KH/TU",
                             title="Kế hoạch phát triển đảng viên năm 2022")
    issue(tu, 1600, dt.date(2022, 2, 14), {province.kb: 150, province.ls: 120})
    kb = Plan.objects.create(unit=province.kb, year=2022, number="25-KH/HU", parent=tu,
                             title="Kế hoạch phát triển đảng viên năm 2022")
    issue(kb, 150, dt.date(2022, 3, 1), {province.kb_commune: 100, province.kb_school: 50})
    vd = Plan.objects.create(unit=province.kb_commune, year=2022, number="05-KH/ĐU", parent=kb,
                             title="Kế hoạch phát triển đảng viên năm 2022")
    issue(vd, 100, dt.date(2022, 3, 5), {province.kb_cell: 60, province.kb_cell2: 40})
    admit(province.kb_cell, [dt.date(2022, 2, 1), dt.date(2022, 2, 20), dt.date(2022, 3, 3),
                             dt.date(2022, 3, 10), dt.date(2022, 3, 25)])
    return tu


@pytest.fixture
def q1(db):
    return services.period_create(
        by=None, kind="quy", label="Quý I/2022", starts_on=dt.date(2022, 1, 1), ends_on=Q1_END,
        due_cell=dt.date(2022, 4, 5), due_grassroots=dt.date(2022, 4, 10),
        due_district=dt.date(2022, 4, 15), due_province=dt.date(2022, 4, 20))


@pytest.fixture
def officers(province, personas) -> Officers:
    User = get_user_model()

    def user(name, unit, role):
        u = User.objects.create_user(username=name, password=PASSWORD)
        RoleAssignment.objects.create(user=u, unit=unit, role=role)
        return u

    return Officers(
        tu_approver=user("tu_duyet", province.tu, Role.APPROVER),
        kb_approver=user("kb_duyet", province.kb, Role.APPROVER),
        vd_editor=user("vd_nhap", province.kb_commune, Role.EDITOR),
        vd_approver=user("vd_duyet", province.kb_commune, Role.APPROVER),
        ls_approver=user("ls_duyet", province.ls, Role.APPROVER),
    )
