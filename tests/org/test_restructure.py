"""Restructuring as a province records it: Kim Bôi dissolved into the province on
01/07/2025 (the district level abolished), merges, splits, moves; what follows each unit;
plans, roles and history across the change; and bad input refused with nothing written.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgChange, OrgUnit, OrgUnitVersion, UnitKind
from dangvien.org.preview import preview
from dangvien.org.selectors import branch_on, children_on
from dangvien.org.services import (
    SplitPart,
    unit_dissolve,
    unit_merge,
    unit_merge_new,
    unit_move,
    unit_rename,
    unit_split,
)
from dangvien.people.models import Membership
from dangvien.plans.models import Allocation, Plan, PlanStatus
from dangvien.plans.progress import progress_table
from tests.plans import test_progress as data
from tests.plans.test_progress import issue

pytestmark = pytest.mark.django_db

# The shared data of tests/plans/test_progress.py: Kim Bôi 46 of 150 on 31/05/2022.
_fresh_calendar = data._fresh_calendar
kb_admitted = data.kb_admitted
kb_pipeline = data.kb_pipeline
kb_plan = data.kb_plan
kim_boi = data.kim_boi
ls_admitted = data.ls_admitted
plan77 = data.plan77

REFORM = dt.date(2025, 7, 1)
JUNE_30 = dt.date(2025, 6, 30)
TODAY = dt.date(2025, 7, 10)


def dissolve_kb(province, by=None, **kw):
    return unit_dissolve(by=by, unit=province.kb, successor=province.tu, effective=REFORM,
                         decision="294-QĐ/TW", decision_date=dt.date(2025, 4, 23),
                         today=TODAY, **kw)


def report_2022() -> str:
    out = io.StringIO()
    call_command("report", "progress", "--plan", "77-KH/TU", "--format", "json",
                 "--as-of", "2022-05-31", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def written() -> tuple[int, int, int, int]:
    """What a refused change must leave as it was."""
    return (OrgChange.objects.count(), OrgUnitVersion.objects.count(),
            AuditEvent.objects.count(), RoleAssignment.objects.count())


# --- history stays true ----------------------------------------------------------------


def test_the_2022_report_is_byte_for_byte_the_same_after_dissolving_kim_boi(
        kim_boi, kb_plan, province):
    before = report_2022()
    assert '"unit_code": "KB"' in before and '"admitted": 46' in before
    # The province becomes Phú Thọ and Kim Bôi ends, the same day.
    unit_rename(by=None, unit=province.tu, name="Tỉnh ủy Phú Thọ", effective=REFORM, today=TODAY)
    dissolve_kb(province)
    assert report_2022() == before


def test_members_on_either_side_of_the_change_add_up_to_the_same_province(
        province, make_member):
    for i, cell in enumerate([province.kb_cell, province.kb_cell2, province.kb_school,
                              province.ls_cell, province.kb_cell]):
        make_member(cell, f"Đảng Viên {i}")
    dissolve_kb(province)
    tu = OrgUnit.objects.get(code="TU")
    before, after = branch_on(tu, JUNE_30), branch_on(tu, REFORM)
    assert before.counts.total == after.counts.total == 5
    assert {r.unit.code: r.counts.total for r in before.rows} == {"KB": 4, "LS": 1}
    assert {r.unit.code: r.counts.total for r in after.rows} == {"KB.01": 3, "KB.02": 1, "LS": 1}


def test_the_tree_on_the_day_shows_kim_bois_organisations_under_the_province(province):
    dissolve_kb(province)
    tu = OrgUnit.objects.get(code="TU")
    assert [v.unit.code for v in children_on(tu, JUNE_30)] == ["KB", "LS"]
    assert [v.unit.code for v in children_on(tu, REFORM)] == ["LS", "KB.01", "KB.02"]
    kb = OrgUnit.objects.get(code="KB")
    assert kb.valid_to == REFORM and kb.successor.code == "TU"


def test_a_year_that_spans_the_change_counts_admissions_where_their_cell_stood(
        province, plan77):
    plan = Plan.objects.create(unit=province.tu, year=2025, number="5-KH/TU", title="2025")
    issue(plan, 300, dt.date(2025, 2, 1), {province.kb: 150, province.ls: 120})
    data.admit(province.kb_cell, [dt.date(2025, 3, 1)] * 4 + [dt.date(2025, 9, 1)] * 2)
    dissolve_kb(province)
    june = progress_table(plan=plan, unit=OrgUnit.objects.get(code="TU"), as_of=JUNE_30)
    assert data.row_of(june, "KB").admitted == 4
    december = progress_table(plan=plan, unit=OrgUnit.objects.get(code="TU"),
                              as_of=dt.date(2025, 12, 31))
    assert data.row_of(december, "KB.01").admitted == 6
    assert june.total.admitted == 4 and december.total.admitted == 6


# --- plans across the change -----------------------------------------------------------


@pytest.fixture
def plans_2025(province):
    tu = Plan.objects.create(unit=province.tu, year=2025, number="5-KH/TU", title="2025")
    issue(tu, 300, dt.date(2025, 2, 1), {province.kb: 150, province.ls: 120})
    kb = Plan.objects.create(unit=province.kb, year=2025, number="9-KH/HU", title="2025",
                             parent=tu)
    issue(kb, 150, dt.date(2025, 3, 1), {province.kb_commune: 100, province.kb_school: 55})
    return tu


def allocations(version) -> dict[str, int]:
    return dict(Allocation.objects.filter(version=version).values_list("unit__code", "target"))


def test_dissolving_into_the_province_lifts_the_districts_allocations(province, plans_2025):
    dissolve_kb(province)
    plan = Plan.objects.get(pk=plans_2025.pk)
    assert allocations(plan.version_on(JUNE_30)) == {"KB": 150, "LS": 120}
    carried = plan.version_on(REFORM)
    assert carried.revision == 2 and carried.issued_on == REFORM
    assert carried.status == PlanStatus.ISSUED and carried.target == 300
    assert "Giải thể Huyện ủy Kim Bôi" in carried.note and "294-QĐ/TW" in carried.note
    assert allocations(carried) == {"KB.01": 100, "KB.02": 55, "LS": 120}
    table = progress_table(plan=plan, unit=OrgUnit.objects.get(code="TU"),
                           as_of=dt.date(2025, 9, 1))
    assert {r.unit.code: r.target for r in table.rows} == {"KB.01": 100, "KB.02": 55, "LS": 120}


def test_merging_two_districts_into_a_new_one_sums_their_allocations(province, plans_2025):
    new = unit_merge_new(by=None, units=[province.kb, province.ls], parent=province.tu,
                         code="KBLS", name="Đảng bộ Kim Bôi - Lạc Sơn", kind=UnitKind.DISTRICT,
                         effective=REFORM, today=TODAY)
    plan = Plan.objects.get(pk=plans_2025.pk)
    assert allocations(plan.version_on(REFORM)) == {"KBLS": 270}
    assert {c.code for c in OrgUnit.objects.get_children(new).active_on(REFORM)} == {
        "KB.01", "KB.02", "LS.01"}
    change = OrgChange.objects.get(kind="sap_nhap")
    assert AuditEvent.objects.filter(action="org.merge").count() == 1
    assert change.decision == "" and {u.code for u in change.units.all()} == {"KB", "LS", "KBLS"}


def test_a_draft_and_next_years_plan_are_corrected_in_place(province, plans_2025):
    plan26 = Plan.objects.create(unit=province.tu, year=2026, number="1-KH/TU", title="2026")
    draft = plan26.versions.create(revision=1, status=PlanStatus.DRAFT, target=300)
    Allocation.objects.create(version=draft, unit=province.kb, target=160)
    Allocation.objects.create(version=draft, unit=province.ls, target=140)
    unit_dissolve(by=None, unit=province.kb, successor=province.ls, effective=REFORM,
                  today=TODAY)
    assert allocations(draft) == {"LS": 300}
    assert plan26.versions.count() == 1


# --- roles -----------------------------------------------------------------------------


def test_the_kim_boi_officer_whose_role_ended_sees_nothing_after(client, personas, province,
                                                                 make_member):
    make_member(province.kb_cell, "Bùi Văn Mớ")
    client.force_login(personas.kimboi)
    assert client.get("/to-chuc/KB.01/").status_code == 200
    assert "Bùi Văn Mớ" in client.get("/dang-vien/tim-kiem/?q=Mớ").content.decode()
    dissolve_kb(province, by=personas.provincial)
    assert not RoleAssignment.objects.filter(user=personas.kimboi).exists()
    for url in ("/to-chuc/KB/", "/to-chuc/KB.01/", "/to-chuc/KB.01.01/"):
        assert client.get(url).status_code == 404, url
    tree = client.get("/to-chuc/").content.decode()
    assert "Vĩnh Đồng" not in tree and "Bùi Văn Mớ" not in tree
    assert "Bùi Văn Mớ" not in client.get("/dang-vien/tim-kiem/?q=Mớ").content.decode()
    change = OrgChange.objects.get(kind="giai_the")
    roles = next(s for s in change.details["sections"] if s["title"] == "Phân quyền chấm dứt")
    assert roles["items"] == ["kimboi (kimboi), Cập nhật tại Huyện ủy Kim Bôi: thôi"]


def test_roles_can_move_to_the_successor(province, personas):
    user = get_user_model().objects.create_user("vinhdong")
    RoleAssignment.objects.create(user=user, unit=province.kb_commune, role=Role.EDITOR)
    unit_dissolve(by=personas.provincial, unit=province.kb_commune,
                  successor=province.ls_commune, effective=REFORM, today=TODAY, roles="move")
    assert RoleAssignment.objects.get(user=user).unit.code == "LS.01"


# --- one change, one record; the preview is what confirming does -------------------------


def test_the_preview_says_what_follows_and_writes_nothing(province, personas, make_member,
                                                           kb_pipeline):
    make_member(province.kb_cell, "Bùi Văn Mớ")
    counts = written()
    shown = preview(unit_dissolve, by=personas.provincial, unit=province.kb,
                    successor=province.tu, effective=REFORM, today=TODAY)
    assert written() == counts
    assert OrgUnit.objects.get(code="KB").valid_to is None
    titles = {s.title: s for s in shown.sections}
    assert titles["Tổ chức chuyển sang trực thuộc Tỉnh ủy Hòa Bình"].items == [
        "Đảng bộ xã Vĩnh Đồng (KB.01), cùng 2 tổ chức trực thuộc",
        "Chi bộ Trường THPT Kim Bôi (KB.02)"]
    assert "1 đảng viên" in titles["Đảng viên đi theo tổ chức của mình"].note
    # kb_pipeline: 143 in the pipeline on 31/05/2022, 25 decided in 2021 (no ceremony yet).
    assert titles["Hồ sơ kết nạp đang mở"].count == 168
    assert titles["Phân quyền chấm dứt"].items == [
        "kimboi (kimboi), Cập nhật tại Huyện ủy Kim Bôi: thôi"]
    dissolve_kb(province, by=personas.provincial)
    assert AuditEvent.objects.filter(action="org.dissolve").count() == 1
    record = AuditEvent.objects.get(action="org.dissolve")
    assert record.after["decision"] == "294-QĐ/TW"


# --- split with members assigned --------------------------------------------------------


def test_splitting_a_cell_hands_each_member_to_a_new_cell(province, make_member):
    make_member(province.kb_cell, "Bùi Văn An")
    make_member(province.kb_cell, "Bùi Văn Bình")
    an, binh = Membership.objects.filter(cell=province.kb_cell).order_by("person__full_name")
    new = unit_split(by=None, unit=province.kb_cell, effective=REFORM, today=TODAY, parts=[
        SplitPart("KB.01.05", "Chi bộ xóm Mớ Đá 1", members=[an.pk]),
        SplitPart("KB.01.06", "Chi bộ xóm Mớ Đá 2", members=[binh.pk]),
    ])
    assert [u.code for u in new] == ["KB.01.05", "KB.01.06"]
    on = {m.person.full_name: m.cell.code for m in Membership.objects.active_on(REFORM)}
    assert on == {"Bùi Văn An": "KB.01.05", "Bùi Văn Bình": "KB.01.06"}
    was = {m.person.full_name: m.cell.code for m in Membership.objects.active_on(JUNE_30)}
    assert was == {"Bùi Văn An": "KB.01.01", "Bùi Văn Bình": "KB.01.01"}


# --- bad input: each refused, nothing written ----------------------------------------------


def refused(fn, message, **kwargs) -> None:
    counts = written()
    with pytest.raises(DomainError, match=message):
        fn(**kwargs)
    assert written() == counts


def test_a_move_that_would_make_a_cycle(province):
    refused(unit_move, "trực thuộc nó", by=None, unit=province.kb, new_parent=province.kb_commune,
            effective=REFORM, today=TODAY)


def test_a_date_before_the_units_last_change(province):
    unit_rename(by=None, unit=province.kb, name="Đảng bộ huyện Kim Bôi", effective=REFORM,
                today=TODAY)
    refused(unit_dissolve, "sớm hơn thay đổi đã ghi", by=None, unit=province.kb,
            successor=province.tu, effective=dt.date(2025, 1, 1), today=TODAY)


@pytest.mark.parametrize("day", [dt.date(9999, 12, 31), dt.date(2026, 6, 1)])
def test_a_date_too_far_in_the_future(province, day):
    refused(unit_dissolve, "quá xa trong tương lai", by=None, unit=province.kb,
            successor=province.tu, effective=day, today=TODAY)


def test_a_merge_of_kinds_that_cannot_merge(province):
    refused(unit_merge, "chỉ sáp nhập các tổ chức cùng cấp", by=None, units=[province.kb_commune],
            into=province.ls, effective=REFORM, today=TODAY)


def test_a_split_that_leaves_a_cell_unassigned(province):
    refused(unit_split, "Chưa giao các đơn vị trực thuộc sau.*KB.01.02", by=None,
            unit=province.kb_commune, effective=REFORM, today=TODAY, parts=[
                SplitPart("KB.09", "Đảng bộ xã Vĩnh Đồng 1", children=["KB.01.01"]),
                SplitPart("KB.10", "Đảng bộ xã Vĩnh Đồng 2")])


def test_a_split_that_leaves_a_member_unassigned(province, make_member):
    make_member(province.kb_cell, "Bùi Văn An")
    make_member(province.kb_cell, "Bùi Văn Bình")
    an = Membership.objects.filter(cell=province.kb_cell).order_by("person__full_name").first()
    refused(unit_split, "Chưa giao 1 đảng viên.*Bùi Văn Bình", by=None, unit=province.kb_cell,
            effective=REFORM, today=TODAY, parts=[
                SplitPart("KB.01.05", "Chi bộ 1", members=[an.pk]),
                SplitPart("KB.01.06", "Chi bộ 2")])


def test_a_successor_outside_the_users_scope(province):
    admin = get_user_model().objects.create_user("kbadmin")
    RoleAssignment.objects.create(user=admin, unit=province.kb, role=Role.ADMIN)
    refused(unit_dissolve, "không có quyền thay đổi tổ chức của Đảng bộ xã Ân Nghĩa",
            by=admin, unit=province.kb_cell2, successor=province.ls_commune, effective=REFORM,
            today=TODAY)


def test_a_units_own_officers_cannot_dissolve_it(province):
    admin = get_user_model().objects.create_user("kbadmin")
    RoleAssignment.objects.create(user=admin, unit=province.kb, role=Role.ADMIN)
    refused(unit_dissolve, "cần quyền quản trị của cấp trên \\(Tỉnh ủy Hòa Bình\\)", by=admin,
            unit=province.kb, successor=province.tu, effective=REFORM, today=TODAY)


def test_a_cell_with_members_needs_a_cell_to_take_them(province, make_member):
    make_member(province.kb_cell, "Bùi Văn An")
    refused(unit_dissolve, "đơn vị kế thừa phải là một chi bộ", by=None, unit=province.kb_cell,
            successor=province.kb_commune, effective=REFORM, today=TODAY)


def test_the_report_of_a_year_that_spans_the_change_states_the_rule(province, personas,
                                                                    plans_2025, client,
                                                                    tmp_path):
    dissolve_kb(province)
    out = io.StringIO()
    call_command("report", "progress", "--plan", "5-KH/TU", "--format", "json",
                 "--as-of", "2025-12-31", stdout=out, stderr=io.StringIO())
    data = json.loads(out.getvalue())
    assert [c["summary"] for c in data["org_changes"]] == [
        "Giải thể Huyện ủy Kim Bôi, đơn vị kế thừa Tỉnh ủy Hòa Bình"]
    assert "tính cho đơn vị đó đến trước ngày hiệu lực và cho đơn vị kế thừa" in data[
        "org_change_rule"]
    out = io.StringIO()
    call_command("report", "progress", "--plan", "5-KH/TU", "--format", "json",
                 "--as-of", "2025-06-30", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue())["org_changes"] == []
    client.force_login(personas.provincial)
    page = client.get(f"/ke-hoach/tien-do/?ke-hoach={plans_2025.pk}&don-vi=TU&ngay=31/12/2025").content.decode()
    assert "Trong năm có thay đổi tổ chức" in page
    target = tmp_path / "tien-do.xlsx"
    call_command("report", "progress", "--plan", "5-KH/TU", "--as-of", "2025-12-31",
                 "--format", "xlsx", "-o", str(target), stdout=io.StringIO(), stderr=io.StringIO())
    with zipfile.ZipFile(target) as book:
        strings = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    assert "tính cho đơn vị đó đến trước ngày hiệu lực và cho đơn vị kế thừa" in strings


def test_the_2026_plan_allocates_to_kim_bois_organisations_not_to_kim_boi(province):
    from dangvien.plans.services import plan_allocate, plan_create

    dissolve_kb(province)
    plan = plan_create(by=None, unit=OrgUnit.objects.get(code="TU"), year=2026,
                       number="1-KH/TU", title="Kế hoạch phát triển đảng viên năm 2026",
                       target=300)
    version = plan.versions.get()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["KB", "KB.01", "KB.02", "LS"])}
    plan_allocate(by=None, version=version,
                  allocations={units["KB.01"]: 110, units["KB.02"]: 60, units["LS"]: 130})
    assert allocations(version) == {"KB.01": 110, "KB.02": 60, "LS": 130}
    with pytest.raises(DomainError, match="không phải đơn vị trực thuộc trực tiếp"):
        plan_allocate(by=None, version=version, allocations={units["KB"]: 150})


def test_a_dissolution_is_one_audit_record_holding_everything(province, personas,
                                                              plans_2025):
    before = AuditEvent.objects.count()
    dissolve_kb(province, by=personas.provincial)
    assert AuditEvent.objects.count() == before + 1
    record = AuditEvent.objects.latest("pk")
    assert record.action == "org.dissolve" and record.actor_id == personas.provincial.pk
    titles = [s["title"] for s in record.after["details"]["sections"]]
    assert "Phân quyền chấm dứt" in titles
    assert "Chỉ tiêu kế hoạch chuyển sang đơn vị kế thừa" in titles


def test_the_roles_section_names_people_in_vietnamese_order(province):
    user = get_user_model().objects.create_user("hoa", first_name="Hoa", last_name="Quách Thị")
    RoleAssignment.objects.create(user=user, unit=province.kb_commune, role=Role.EDITOR)
    unit_dissolve(by=None, unit=province.kb_commune, successor=province.ls_commune,
                  effective=REFORM, today=TODAY)
    roles = next(s for s in OrgChange.objects.get(kind="giai_the").details["sections"]
                 if s["title"] == "Phân quyền chấm dứt")
    assert roles["items"] == ["Quách Thị Hoa (hoa), Cập nhật tại Đảng bộ xã Vĩnh Đồng: thôi"]


def test_two_dissolutions_on_one_day_make_one_revision_naming_both(province, plans_2025):
    dissolve_kb(province)
    unit_dissolve(by=None, unit=province.ls, successor=province.tu, effective=REFORM,
                  decision="1796-QĐ/TU", today=TODAY)
    plan = Plan.objects.get(pk=plans_2025.pk)
    assert plan.versions.count() == 2
    carried = plan.version_on(REFORM)
    assert "Giải thể Huyện ủy Kim Bôi" in carried.note
    assert "Giải thể Huyện ủy Lạc Sơn" in carried.note and "1796-QĐ/TU" in carried.note
    # Lạc Sơn had no plan of its own for 2025: its target returns to the province.
    assert allocations(carried) == {"KB.01": 100, "KB.02": 55}


def test_a_pending_transfer_and_the_next_decision_continue_under_the_successor(
        province, personas, make_member):
    from dangvien.admission.services import default_decision_unit
    from dangvien.people.transfers import transfer_confirm, transfer_request

    make_member(province.ls_cell, "Hà Văn Chiến")
    membership = Membership.objects.get(person__full_name="Hà Văn Chiến")
    transfer = transfer_request(by=None, membership=membership, to_cell=province.kb_cell,
                                letter_no="15-GGT/HU", letter_on=dt.date(2025, 6, 20),
                                today=dt.date(2025, 6, 20))
    assert default_decision_unit(province.kb_cell).code == "KB"
    dissolve_kb(province)
    # Kim Bôi's cell receives him after the change, now under the province.
    transfer_confirm(by=personas.provincial, transfer=transfer, received_on=dt.date(2025, 7, 5),
                     today=dt.date(2025, 7, 5))
    tu = OrgUnit.objects.get(code="TU")
    row = {r.unit.code: r.counts.total for r in branch_on(tu, dt.date(2025, 7, 5)).rows}
    assert row["KB.01"] == 1 and row["LS"] == 0
    # The commune's admissions are now decided by the province, its new superior.
    assert default_decision_unit(OrgUnit.objects.get(code="KB.01.01")).code == "TU"
