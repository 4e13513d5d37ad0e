"""The organisation change pages: the provincial officer dissolves Kim Bôi into the
province from its page, sees the preview, confirms; and rename, move, merge, split, each
previewed then confirmed. Wrong or hostile input is shown on its field and writes
nothing; a preview that no longer holds is shown again instead of being applied; anyone
without the admin role on the unit's superior gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.org.models import OrgChange, OrgUnit, OrgUnitVersion
from dangvien.org.services import unit_rename
from dangvien.people.models import Membership
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

DISSOLVE = "/to-chuc/KB/giai-the/"


def form(**over) -> dict:
    data = {"successor": "TU", "roles": "end", "effective": "01/07/2025",
            "decision": "294-QĐ/TW", "decision_date": "23/04/2025"}
    data.update(over)
    return data


def written() -> tuple[int, int, int]:
    return OrgChange.objects.count(), OrgUnitVersion.objects.count(), AuditEvent.objects.count()


def test_dissolving_kim_boi_from_its_page(client, personas, province, make_member):
    make_member(province.kb_cell, "Bùi Văn Mớ")
    client.force_login(personas.provincial)
    page = client.get("/to-chuc/KB/").content.decode()
    assert f'href="{DISSOLVE}">Giải thể / sáp nhập</a>' in page
    blank = client.get(DISSOLVE).content.decode()
    assert "Giải thể / sáp nhập Huyện ủy Kim Bôi vào đơn vị khác" in blank
    assert 'value="TU"' in blank  # the superior is the usual successor

    before = written()
    shown = client.post(DISSOLVE, {**form(), "buoc": "xem-truoc"})
    assert shown.status_code == 200 and written() == before
    shown_text = text(shown.content.decode())
    assert "Xem trước: Giải thể Huyện ủy Kim Bôi, đơn vị kế thừa Tỉnh ủy Hòa Bình" in shown_text
    assert "Tổ chức chuyển sang trực thuộc Tỉnh ủy Hòa Bình (2)" in shown_text
    assert "Đảng bộ xã Vĩnh Đồng (KB.01), cùng 2 tổ chức trực thuộc" in shown_text
    assert "1 đảng viên sinh hoạt ở các chi bộ này vào 01/07/2025" in shown_text
    assert "kimboi (kimboi), Cập nhật tại Huyện ủy Kim Bôi: thôi" in shown_text
    assert "Xác nhận thay đổi" in shown_text
    token = shown.context["form"].data["xem_truoc"]

    done = client.post(DISSOLVE, {**form(), "xem_truoc": token, "buoc": "xac-nhan"}, follow=True)
    assert done.redirect_chain == [("/to-chuc/TU/", 302)]
    assert "Đã ghi thay đổi tổ chức: Giải thể Huyện ủy Kim Bôi" in text(done.content.decode())
    kb = OrgUnit.objects.get(code="KB")
    assert kb.valid_to == dt.date(2025, 7, 1)
    change = OrgChange.objects.get(kind="giai_the")
    assert (change.decision, change.decision_date) == ("294-QĐ/TW", dt.date(2025, 4, 23))
    assert AuditEvent.objects.filter(action="org.dissolve").count() == 1
    history = text(client.get("/to-chuc/KB/?ngay=30/06/2025").content.decode())
    assert ("01/07/2025 : Giải thể Huyện ủy Kim Bôi, đơn vị kế thừa Tỉnh ủy Hòa Bình "
            "(Quyết định số 294-QĐ/TW ngày 23/04/2025)") in history
    tree = client.get("/to-chuc/TU/cay/?ngay=01/07/2025").content.decode()
    assert "Đảng bộ xã Vĩnh Đồng" in tree and "Huyện ủy Kim Bôi" not in tree


def test_a_preview_that_no_longer_holds_is_shown_again_not_applied(client, personas,
                                                                   province):
    client.force_login(personas.provincial)
    shown = client.post(DISSOLVE, {**form(), "buoc": "xem-truoc"})
    token = shown.context["form"].data["xem_truoc"]
    # Meanwhile another officer renames the commune that would move.
    unit_rename(by=None, unit=province.kb_commune, name="Đảng bộ xã Vĩnh Đồng mới",
                effective=dt.date(2024, 1, 1))
    before = written()
    again = client.post(DISSOLVE, {**form(), "xem_truoc": token, "buoc": "xac-nhan"})
    assert again.status_code == 200 and written() == before
    page = text(again.content.decode())
    assert "Từ khi bạn xem trước, dữ liệu đã thay đổi" in page
    assert "Đảng bộ xã Vĩnh Đồng mới (KB.01)" in page
    assert OrgUnit.objects.get(code="KB").valid_to is None


@pytest.mark.parametrize("over, field, message", [
    ({"effective": "31/12/9999"}, "effective", "quá xa trong tương lai"),
    ({"effective": "31/02/2025"}, "effective", ""),
    ({"successor": "KB.01"}, "successor", "là chính Huyện ủy Kim Bôi hoặc trực thuộc nó"),
    ({"successor": "KHONG-CO"}, "successor", "Không tìm thấy đơn vị mã “KHONG-CO”"),
    ({"decision": "x" * 101}, "decision", "dài quá 100 ký tự"),
    ({"roles": "all"}, "roles", ""),
    ({"decision_date": "01/01/2099"}, "decision_date", "chưa đến"),
])
def test_bad_input_is_shown_on_its_field_and_writes_nothing(client, personas, province, over,
                                                            field, message):
    client.force_login(personas.provincial)
    before = written()
    for step in ("xem-truoc", "xac-nhan"):
        page = client.post(DISSOLVE, {**form(**over), "buoc": step})
        assert page.status_code == 400
        errors = page.context["form"].errors
        assert field in errors, errors
        assert message in " ".join(errors[field])
    assert written() == before
    assert OrgUnit.objects.get(code="KB").valid_to is None


def test_a_nul_byte_is_refused_before_the_page(client, personas, province):
    client.force_login(personas.provincial)
    before = written()
    page = client.post(DISSOLVE, {**form(successor="T\x00U"), "buoc": "xac-nhan"})
    assert page.status_code == 400
    assert written() == before and OrgUnit.objects.get(code="KB").valid_to is None


def test_a_successor_outside_the_scope_reads_as_not_found(client, province):
    admin = get_user_model().objects.create_user("vinhdong-admin")
    RoleAssignment.objects.create(user=admin, unit=province.kb_commune, role=Role.ADMIN)
    client.force_login(admin)
    page = client.post("/to-chuc/KB.01.02/giai-the/", {**form(successor="LS.01.01"),
                                                      "buoc": "xem-truoc"})
    assert page.status_code == 400
    assert "Không tìm thấy đơn vị mã “LS.01.01” trong phạm vi của bạn." in page.content.decode()


@pytest.mark.parametrize("url", ["/to-chuc/KB/giai-the/", "/to-chuc/KB/doi-ten/",
                                 "/to-chuc/KB/dieu-chuyen/", "/to-chuc/KB/chia-tach/",
                                 "/to-chuc/TU/sap-nhap/"])
def test_only_the_superiors_admin_opens_the_change_pages(client, personas, url):
    client.force_login(personas.kimboi)  # an editor on Kim Bôi
    assert client.get(url).status_code == 404
    assert client.post(url, form()).status_code == 404
    client.force_login(personas.provincial)
    assert client.get(url).status_code == 200


def test_renaming_from_the_page(client, personas, province):
    client.force_login(personas.provincial)
    data = {"name": "Đảng bộ huyện Kim Bôi", "effective": "01/01/2024", "buoc": "xem-truoc"}
    shown = client.post("/to-chuc/KB/doi-ten/", data)
    assert "Xem trước: Đổi tên Huyện ủy Kim Bôi thành Đảng bộ huyện Kim Bôi" in text(
        shown.content.decode())
    data.update(buoc="xac-nhan", xem_truoc=shown.context["form"].data["xem_truoc"])
    assert client.post("/to-chuc/KB/doi-ten/", data).status_code == 302
    assert OrgUnit.objects.get(code="KB").name == "Đảng bộ huyện Kim Bôi"
    assert "Huyện ủy Kim Bôi" in client.get("/to-chuc/?ngay=31/12/2023").content.decode()


def test_moving_from_the_page(client, personas, province):
    client.force_login(personas.provincial)
    data = {"new_parent": "LS", "effective": "01/01/2024", "decision": "12-QĐ/TU"}
    assert client.post("/to-chuc/KB.02/dieu-chuyen/", data).status_code == 302
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="KB.02")).code == "LS"
    cycle = client.post("/to-chuc/KB/dieu-chuyen/", {**data, "new_parent": "KB.01"})
    assert cycle.status_code == 400
    assert "trực thuộc nó" in cycle.content.decode()


def test_merging_two_communes_into_a_new_one_from_the_page(client, personas, province):
    client.force_login(personas.provincial)
    data = {"units": ["KB", "LS"], "into": "__moi__", "new_code": "KBLS",
            "new_name": "Đảng bộ Kim Bôi - Lạc Sơn", "roles": "move", "effective": "01/07/2025"}
    shown = client.post("/to-chuc/TU/sap-nhap/", {**data, "buoc": "xem-truoc"})
    page = text(shown.content.decode())
    assert "Xem trước: Sáp nhập Huyện ủy Kim Bôi, Huyện ủy Lạc Sơn vào Đảng bộ Kim Bôi - Lạc Sơn" in page
    assert "kimboi (kimboi), Cập nhật tại Huyện ủy Kim Bôi: chuyển sang Đảng bộ Kim Bôi - Lạc Sơn" in page
    assert not OrgUnit.objects.filter(code="KBLS").exists()
    assert client.post("/to-chuc/TU/sap-nhap/", data).status_code == 302
    assert RoleAssignment.objects.get(user=personas.kimboi).unit.code == "KBLS"
    assert {u.code for u in OrgUnit.objects.get_children(OrgUnit.objects.get(code="KBLS"))} >= {"KB.01", "LS.01"}


def test_splitting_a_cell_from_the_page_assigns_each_member(client, personas, province,
                                                            make_member):
    make_member(province.kb_cell, "Bùi Văn An")
    make_member(province.kb_cell, "Bùi Văn Bình")
    an, binh = Membership.objects.filter(cell=province.kb_cell).order_by("person__full_name")
    client.force_login(personas.provincial)
    url = "/to-chuc/KB.01.01/chia-tach/"
    blank = client.get(url).content.decode()
    assert "Bùi Văn An (1990) chuyển sang" in blank
    data = {"part1_code": "KB.01.05", "part1_name": "Chi bộ xóm Mớ Đá 1",
            "part2_code": "KB.01.06", "part2_name": "Chi bộ xóm Mớ Đá 2",
            f"tv_{an.pk}": "1", "roles": "end", "effective": "01/07/2025"}
    missing = client.post(url, {**data, "buoc": "xem-truoc"})
    assert missing.status_code == 400
    assert "Chưa giao 1 đảng viên cho chi bộ mới nào: Bùi Văn Bình." in missing.content.decode()
    data[f"tv_{binh.pk}"] = "2"
    assert client.post(url, data).status_code == 302
    on = {m.person.full_name: m.cell.code for m in Membership.objects.active_on(dt.date(2025, 7, 1))}
    assert on == {"Bùi Văn An": "KB.01.05", "Bùi Văn Bình": "KB.01.06"}
