"""The demo province: shape, people, users, determinism and the `dangvien demo` command."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.admission.models import Candidacy
from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_verify
from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.demo.builder import (
    DATA_DATE,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    REF_DATE,
    VALID_FROM,
    build_demo,
    plan_demo,
    reset_demo,
)
from dangvien.org.models import (
    CELL_KINDS,
    GRASSROOTS_KINDS,
    OrgUnit,
    OrgUnitVersion,
    PlaceKind,
    UnitKind,
)
from dangvien.people.choices import Education, Gender, MemberStatus
from dangvien.people.models import ENDING_KINDS, EventKind, Membership, Person

SMALL = 0.02

COMMITTEES = [
    ("HB", "Thành ủy Hòa Bình", UnitKind.DISTRICT),
    ("LSO", "Huyện ủy Lương Sơn", UnitKind.DISTRICT),
    ("CP", "Huyện ủy Cao Phong", UnitKind.DISTRICT),
    ("DB", "Huyện ủy Đà Bắc", UnitKind.DISTRICT),
    ("KB", "Huyện ủy Kim Bôi", UnitKind.DISTRICT),
    ("LS", "Huyện ủy Lạc Sơn", UnitKind.DISTRICT),
    ("LT", "Huyện ủy Lạc Thủy", UnitKind.DISTRICT),
    ("MC", "Huyện ủy Mai Châu", UnitKind.DISTRICT),
    ("TL", "Huyện ủy Tân Lạc", UnitKind.DISTRICT),
    ("YT", "Huyện ủy Yên Thủy", UnitKind.DISTRICT),
    ("QS", "Đảng bộ Quân sự tỉnh", UnitKind.DIRECT),
    ("CA", "Đảng bộ Công an tỉnh", UnitKind.DIRECT),
    ("KCQ", "Đảng bộ Khối các cơ quan tỉnh", UnitKind.BLOC),
]


@pytest.fixture
def demo(db):
    return build_demo(scale=SMALL)


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _snapshot():
    return {
        "units": sorted(OrgUnit.objects.values_list("code", "name", "path")),
        "members": Membership.objects.count(),
        "first_cccds": list(Person.objects.order_by("id").values_list("cccd", flat=True)[:20]),
        "cccds": sorted(Person.objects.values_list("cccd", flat=True)),
        "people": sorted(
            Person.objects.values_list("full_name", "birth_date", "unit__code", "home_address")
        ),
        "candidacies": sorted(
            Candidacy.objects.values_list(
                "person__cccd", "stage", "stage_on", "cell_resolution_no", "decision_no",
                "decision_on", "ceremony_on", "recognition_no")
        ),
    }


# --- the plan at full scale (no database) -------------------------------------------


def test_full_scale_plan_matches_the_2022_province():
    plan = plan_demo()
    grassroots = plan.count(*GRASSROOTS_KINDS)
    cells = plan.count(UnitKind.CELL)
    assert 636 <= grassroots <= 704  # ~670
    assert 3325 <= cells <= 3675  # ~3,500
    assert 64_900 <= plan.members <= 71_700  # ~68,300
    assert plan.communes == 150
    assert plan.mountainous_communes == 145
    for cell in plan.cells:
        assert 5 <= cell.members <= 60, cell.name
    kim_boi = next(u for u in plan.root.children if u.code == "KB")
    assert 4_500 <= sum(u.members for u in kim_boi.walk()) <= 5_500


def test_plan_is_deterministic_and_depends_on_the_seed():
    a, b, c = plan_demo(scale=0.3), plan_demo(scale=0.3), plan_demo(scale=0.3, seed=7)
    shape = lambda p: [(u.code, u.name, u.path, u.members) for u in p.units]  # noqa: E731
    assert shape(a) == shape(b)
    assert shape(a) != shape(c)


# --- the small province in the database ----------------------------------------------


def test_thirteen_committees_under_the_tinh_uy(demo):
    root = OrgUnit.objects.get(code="TU")
    assert root.name == "Tỉnh ủy Hòa Bình"
    assert root.kind == UnitKind.PROVINCE
    assert root.is_root() and root.path == "0001"
    children = list(OrgUnit.objects.get_children(root).order_by("path"))
    assert [(u.code, u.name, u.kind) for u in children] == COMMITTEES
    assert OrgUnit.objects.get(code="QS").place_kind == PlaceKind.ARMED_FORCES
    assert OrgUnit.objects.get(code="CA").place_kind == PlaceKind.POLICE
    assert OrgUnit.objects.get(code="KCQ").place_kind == PlaceKind.AGENCY
    assert set(OrgUnit.objects.values_list("valid_from", flat=True)) == {VALID_FROM}
    assert demo.committees == 13


def test_units_have_hierarchical_codes_and_sensible_kinds(demo):
    units = list(OrgUnit.objects.order_by("path"))
    by_path = {u.path: u for u in units}
    for unit in units:
        if unit.depth <= 2:
            continue
        parent = by_path[unit.path[:-4]]
        assert unit.code.startswith(parent.code + "."), (unit.code, parent.code)
        assert re.fullmatch(rf"[A-Z]+(\.\d{{2,3}}){{{unit.depth - 2}}}", unit.code), unit.code
        assert parent.kind not in CELL_KINDS
        if unit.depth == 3:
            assert unit.kind in GRASSROOTS_KINDS
        else:
            assert unit.kind == UnitKind.CELL
    communes = [u for u in units if u.place_kind == PlaceKind.COMMUNE]
    assert communes and all(u.kind == UnitKind.GRASSROOTS_COMMITTEE for u in communes)
    assert all(re.match(r"Đảng bộ (xã|phường|thị trấn) ", u.name) for u in communes)
    villages = [u for u in units if u.place_kind == PlaceKind.VILLAGE]
    assert villages and all(re.match(r"Chi bộ (xóm|bản|thôn|tổ dân phố) ", u.name) for u in villages)
    # Every cell holds members; committees hold none directly.
    holding = set(Membership.objects.values_list("cell__code", flat=True))
    assert holding == {u.code for u in units if u.kind in CELL_KINDS}


def test_tree_is_consistent_for_treebeard(demo):
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    assert OrgUnit.objects.count() == demo.units
    for unit in OrgUnit.objects.all():
        assert unit.numchild == OrgUnit.objects.filter(
            path__startswith=unit.path, depth=unit.depth + 1
        ).count()


def test_every_unit_has_one_open_version_matching_the_tree(demo):
    units = {u.pk: u for u in OrgUnit.objects.all()}
    versions = list(OrgUnitVersion.objects.all())
    assert len(versions) == len(units)
    by_path = {u.path: u for u in units.values()}
    for v in versions:
        unit = units[v.unit_id]
        assert (v.path, v.depth, v.name, v.valid_from, v.valid_to) == (
            unit.path, unit.depth, unit.name, unit.valid_from, None
        )
        parent = by_path.get(unit.path[:-4])
        assert v.parent_id == (parent.pk if parent else None)


def test_five_demo_users_with_their_roles(demo):
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_LOGINS])}
    assert set(users) == {"tinhuy", "kimboi", "lacson", "chibo", "khach"}
    roles = {
        r.user.username: (r.role, r.unit.code)
        for r in RoleAssignment.objects.select_related("user", "unit")
    }
    assert roles["tinhuy"] == (Role.ADMIN, "TU")
    assert roles["kimboi"] == (Role.EDITOR, "KB")
    assert roles["lacson"] == (Role.EDITOR, "LS")
    assert "khach" not in roles
    assert users["tinhuy"].is_superuser and users["tinhuy"].is_staff
    assert not any(users[n].is_staff or users[n].is_superuser for n in ("kimboi", "lacson", "chibo", "khach"))
    # chibo: the first village cell of the first Kim Bôi commune.
    cell = OrgUnit.objects.get(code=roles["chibo"][1])
    assert roles["chibo"][0] == Role.EDITOR
    assert (cell.kind, cell.place_kind) == (UnitKind.CELL, PlaceKind.VILLAGE)
    commune = OrgUnit.objects.get_parent(cell)
    kim_boi = OrgUnit.objects.get(code="KB")
    assert OrgUnit.objects.get_parent(commune) == kim_boi
    assert commune == OrgUnit.objects.get_children(kim_boi).filter(place_kind=PlaceKind.COMMUNE).order_by("path").first()
    assert cell == OrgUnit.objects.get_children(commune).filter(place_kind=PlaceKind.VILLAGE).order_by("path").first()
    chibo = next(d for d in DEMO_LOGINS if d.username == "chibo")
    assert cell.name in chibo.who
    assert all(u.first_name and u.last_name for u in users.values())
    assert users["kimboi"].check_password(DEMO_PASSWORD)
    assert len({u.password for u in users.values()}) == 1  # hashed once


def test_cccd_numbers_are_valid_and_unique(demo):
    rows = list(Person.objects.values_list("cccd", "gender", "birth_date"))
    assert len({c for c, _, _ in rows}) == len(rows) > demo.members  # members and candidates
    for cccd, gender, birth in rows:
        assert re.fullmatch(r"\d{12}", cccd)
        assert cccd[:3] == "017"
        century = 0 if birth.year < 2000 else 2
        assert int(cccd[3]) == century + (gender == Gender.FEMALE)
        assert cccd[4:6] == f"{birth.year % 100:02d}"


def test_people_look_like_hoa_binh_party_members(demo):
    on_ref = Membership.objects.active_on(REF_DATE)
    total = on_ref.count()
    assert total == demo.members
    assert 300 <= total <= 1_500  # small scale: a few hundred to ~1,400
    women = on_ref.filter(person__gender=Gender.FEMALE).count()
    assert 0.30 <= women / total <= 0.45
    ethnic = list(
        on_ref.values("person__ethnicity").annotate(n=Count("id")).order_by("-n", "person__ethnicity")
    )
    assert ethnic[0]["person__ethnicity"] == "Mường"
    probationary = on_ref.filter(
        Q(recognized_on__isnull=True) | Q(recognized_on__gt=REF_DATE)).count()
    assert probationary == demo.probationary
    assert 0.015 <= probationary / total <= 0.05
    candidacy_of = dict(Candidacy.objects.filter(membership__isnull=False)
                        .values_list("membership_id", "stage"))
    # Transfers and endings of the demo's second half of 2022: tests/demo/test_member_history.py.
    changed = set(Membership.objects.filter(events__kind__in=sorted(ENDING_KINDS | {EventKind.TRANSFERRED_IN}))
                  .values_list("pk", flat=True))
    for m in Membership.objects.select_related("person", "cell"):
        if m.pk in changed:
            continue
        person = m.person
        assert person.unit_id == m.cell_id
        assert m.cell.kind in CELL_KINDS
        assert 18 <= person.age_on(REF_DATE) <= 90
        assert person.age_on(m.admitted_on) >= 18
        assert m.decided_on < m.admitted_on <= DATA_DATE
        if m.admitted_on >= dt.date(2020, 1, 1):  # admitted through a demo path
            assert m.pk in candidacy_of
            assert person.age_on(m.admitted_on) <= 60
            if not m.cell.is_mountainous:  # QĐ 24: lower-secondary unless in mountain areas
                assert person.education in (Education.LOWER_SECONDARY, Education.UPPER_SECONDARY)
        else:
            assert m.pk not in candidacy_of
            assert m.status == MemberStatus.OFFICIAL
        if m.status == MemberStatus.PROBATIONARY:
            assert m.recognized_on is None and m.card_number == "" and m.ended_on is None
        elif m.status == MemberStatus.REMOVED:
            assert m.recognized_on is None and m.ended_on <= DATA_DATE
        else:
            assert m.status == MemberStatus.OFFICIAL and m.ended_on is None
            assert m.recognized_on == _one_year_after(m.admitted_on)
            assert m.recognized_on <= DATA_DATE
            assert re.fullmatch(r"\d{8}", m.card_number)
    for person in Person.objects.all():
        assert person.search_name == vn.fold(person.full_name)
        assert person.sort_key == vn.name_sort_key(person.full_name)
        assert len(person.full_name.split()) >= 3
        assert person.home_address.endswith(", tỉnh Hòa Bình")
    # A member transferred inside the province keeps the card: count each member's last record.
    cards = [c for c in Membership.objects.filter(next__isnull=True).values_list("card_number", flat=True) if c]
    assert len(cards) == len(set(cards))


def test_build_writes_one_audit_row(demo):
    events = list(AuditEvent.objects.filter(action="demo.build"))
    assert len(events) == 1
    assert events[0].after["members"] == demo.members
    assert audit_verify().ok


def test_same_seed_gives_the_same_province(db):
    build_demo(scale=SMALL)
    first = _snapshot()
    reset_demo()
    assert not OrgUnit.objects.exists() and not Person.objects.exists()
    build_demo(scale=SMALL)
    second = _snapshot()
    assert first == second
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


def test_a_different_seed_gives_other_people(db):
    build_demo(scale=SMALL)
    first = _snapshot()
    reset_demo()
    build_demo(scale=SMALL, seed=99)
    second = _snapshot()
    assert first["cccds"] != second["cccds"]
    # The 13 committees never change.
    assert [u for u in first["units"] if u[0].isalpha()] == [u for u in second["units"] if u[0].isalpha()]


def test_build_refuses_a_database_with_units(demo):
    with pytest.raises(DomainError):
        build_demo(scale=SMALL)


def test_reset_refuses_data_the_demo_did_not_make(db):
    OrgUnit.objects.add_root(
        {"code": "X", "name": "Tỉnh ủy khác", "kind": UnitKind.PROVINCE, "valid_from": VALID_FROM}
    )
    with pytest.raises(DomainError, match="không do lệnh demo tạo"):
        reset_demo()
    assert OrgUnit.objects.filter(code="X").exists()


# --- the command ---------------------------------------------------------------------


def _run(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_command_builds_prints_totals_and_logins(db):
    output = _run("--scale", str(SMALL))
    assert "Đang tạo" in output and "chi bộ…" in output
    assert "13 đảng bộ trực thuộc" in output
    assert "giây" in output
    for login in DEMO_LOGINS:
        assert f"{login.username}" in output
    assert "kimboi / demo1234 — cán bộ Ban Tổ chức Huyện ủy Kim Bôi (chỉ thấy Kim Bôi)" in output
    members = Membership.objects.active_on(REF_DATE).count()
    assert vn.format_number(members) in output
    assert "Ngày số liệu: 31/12/2022" in output
    assert "Quyết định kết nạp theo năm: 2020: " in output
    assert "Kim Bôi: 1 quyết định kết nạp từ 01/01 đến 31/05/2022 (đúng: cần 1;" in output
    assert "theo bước ngày 31/12/2022: nguồn, chưa học lớp" in output


def test_command_refuses_existing_data_unless_told(db):
    output = _run("--if-empty", "--scale", str(SMALL))  # empty: builds
    assert "Đã tạo xong dữ liệu mẫu" in output
    units = OrgUnit.objects.count()
    with pytest.raises(CommandError, match="--reset"):
        _run("--scale", str(SMALL))
    output = _run("--if-empty", "--scale", str(SMALL))
    assert "không tạo lại" in output and "tinhuy" in output
    assert OrgUnit.objects.count() == units
    output = _run("--reset", "--scale", str(SMALL), "--seed", "5")
    assert OrgUnit.objects.get(code="TU")
    assert "Đang xóa dữ liệu mẫu cũ" in output
    assert get_user_model().objects.filter(username="tinhuy").count() == 1
    assert RoleAssignment.objects.count() == 4


def test_command_rejects_a_bad_scale(db):
    with pytest.raises(CommandError):
        _run("--scale", "0")
