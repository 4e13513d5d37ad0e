"""'Thêm đơn vị trực thuộc' on a unit page: an administrator of the unit founds a unit
under it through `unit_create`; wrong input is shown on its field and writes nothing;
anyone without the admin role on the unit gets 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.org.models import OrgChange, OrgChangeKind, OrgUnit, OrgUnitVersion, UnitKind

LINK = "Thêm đơn vị trực thuộc</a>"


def _form(**over) -> dict:
    data = {"code": "KB.03", "name": "Đảng bộ xã Hợp Tiến", "kind": UnitKind.GRASSROOTS_COMMITTEE,
            "place_kind": "xa", "is_mountainous": "on", "valid_from": "01/03/2022",
            "decision": "125-QĐ/HU"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def _counts() -> tuple[int, int, int, int]:
    return (OrgUnit.objects.count(), OrgUnitVersion.objects.count(), OrgChange.objects.count(),
            AuditEvent.objects.filter(action="org.create").count())


def test_admin_founds_a_unit_under_kb(province, personas, client):
    client.force_login(personas.provincial)
    page = client.get("/to-chuc/KB/")
    assert LINK in page.content.decode()
    form = client.get("/to-chuc/KB/them-don-vi/")
    html = form.content.decode()
    assert form.status_code == 200
    assert "Thêm đơn vị trực thuộc Huyện ủy Kim Bôi" in html
    # Under a district the usual child is a grassroots committee.
    assert f'<option value="{UnitKind.GRASSROOTS_COMMITTEE}" selected>' in html

    response = client.post("/to-chuc/KB/them-don-vi/", _form(), follow=True)
    assert response.redirect_chain == [("/to-chuc/KB.03/", 302)]
    html = response.content.decode()
    assert "Đã thêm Đảng bộ xã Hợp Tiến (mã KB.03) trực thuộc Huyện ủy Kim Bôi." in html
    unit = OrgUnit.objects.get(code="KB.03")
    assert OrgUnit.objects.get_parent(unit) == province.kb
    assert (unit.name, unit.kind, unit.place_kind, unit.is_mountainous, unit.valid_from) == (
        "Đảng bộ xã Hợp Tiến", UnitKind.GRASSROOTS_COMMITTEE, "xa", True, dt.date(2022, 3, 1))
    change = OrgChange.objects.get(units=unit)
    assert (change.kind, change.effective, change.decision) == (
        OrgChangeKind.CREATE, dt.date(2022, 3, 1), "125-QĐ/HU")
    event = AuditEvent.objects.get(action="org.create", object_id=str(unit.pk))
    assert event.actor_id == personas.provincial.pk
    # In the tree from its date, not before.
    assert "Đảng bộ xã Hợp Tiến" in client.get("/to-chuc/KB/").content.decode()
    assert "Đảng bộ xã Hợp Tiến" not in client.get("/to-chuc/KB/?ngay=28/02/2022").content.decode()


def test_a_commune_offers_a_cell_and_its_mountainous_flag(province, personas, client):
    client.force_login(personas.provincial)
    html = client.get("/to-chuc/KB.01/them-don-vi/").content.decode()
    assert f'<option value="{UnitKind.CELL}" selected>' in html
    assert 'name="is_mountainous" id="id_is_mountainous" checked' in html
    response = client.post("/to-chuc/KB.01/them-don-vi/", _form(
        code="KB.01.03", name="Chi bộ xóm Đồi", kind=UnitKind.CELL, place_kind="",
        decision=""))
    assert response.status_code == 302 and response["Location"] == "/to-chuc/KB.01.03/"
    cell = OrgUnit.objects.get(code="KB.01.03")
    assert cell.path.startswith(province.kb_commune.path) and cell.place_kind == ""
    assert OrgChange.objects.get(units=cell).decision == ""


@pytest.mark.parametrize(("over", "field", "message"), [
    ({"code": "kb.01"}, "code",
     "Mã đơn vị &#x27;kb.01&#x27; đã được dùng cho Đảng bộ xã Vĩnh Đồng. Hãy chọn mã khác."),
    ({"code": "KB 03"}, "code", "Mã đơn vị &#x27;KB 03&#x27; không hợp lệ"),
    ({"code": ""}, "code", "Hãy nhập mã đơn vị."),
    ({"name": "   "}, "name", "Tên đơn vị không được để trống."),
    ({"valid_from": "31/02/2022"}, "valid_from",
     "&#x27;31/02/2022&#x27; không phải ngày hợp lệ (nhập theo dạng ngày/tháng/năm"),
    ({"valid_from": ""}, "valid_from", "Hãy nhập ngày (ngày/tháng/năm)."),
    ({"kind": "khac"}, "kind", "Loại tổ chức này không có trong danh mục."),
])
def test_wrong_input_is_shown_on_its_field_and_writes_nothing(province, personas, client, over,
                                                              field, message):
    client.force_login(personas.provincial)
    before = _counts()
    response = client.post("/to-chuc/KB/them-don-vi/", _form(**over))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Chưa lưu. Hãy sửa các ô được đánh dấu bên dưới." in html
    assert f'<span class="ferr">{message}' in html
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert errors[field][0].startswith(message.replace("&#x27;", "'"))
    assert _counts() == before
    assert not OrgUnit.objects.filter(name="Đảng bộ xã Hợp Tiến").exists()


def test_a_date_the_parent_did_not_exist_is_refused_above_the_form(province, personas, client):
    client.force_login(personas.provincial)
    before = _counts()
    response = client.post("/to-chuc/KB/them-don-vi/", _form(valid_from="01/01/2019"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Huyện ủy Kim Bôi không còn hoạt động vào 01/01/2019."]
    assert '<div class="alert" role="alert"><p>Huyện ủy Kim Bôi không còn hoạt động' in \
        response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize("who", ["kimboi", "outsider", "secretary"])
@pytest.mark.parametrize("code", ["KB", "TU", "KB.01"])
def test_without_the_admin_role_the_page_is_not_found(province, personas, client, who, code):
    client.force_login(getattr(personas, who))
    before = _counts()
    assert client.get(f"/to-chuc/{code}/them-don-vi/").status_code == 404
    assert client.post(f"/to-chuc/{code}/them-don-vi/", _form()).status_code == 404
    assert _counts() == before
    if who == "kimboi" and code != "TU":
        page = client.get(f"/to-chuc/{code}/")
        assert page.status_code == 200 and LINK not in page.content.decode()


def test_an_admin_of_kb_adds_under_kb_only(province, personas, client):
    user = get_user_model().objects.create_user(username="qtkimboi", password="x")
    RoleAssignment.objects.create(user=user, unit=province.kb, role=Role.ADMIN)
    client.force_login(user)
    for code in ("TU", "LS", "LS.01"):
        assert client.get(f"/to-chuc/{code}/them-don-vi/").status_code == 404
        assert client.post(f"/to-chuc/{code}/them-don-vi/",
                           _form(code=f"{code}.99")).status_code == 404
    assert not OrgUnit.objects.filter(code__endswith=".99").exists()
    assert LINK in client.get("/to-chuc/KB/").content.decode()
    response = client.post("/to-chuc/KB/them-don-vi/", _form())
    assert response.status_code == 302
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="KB.03")) == province.kb
    # A code used outside the user's scope is refused without naming that unit.
    response = client.post("/to-chuc/KB/them-don-vi/", _form(code="LS.01.01"))
    assert "Mã đơn vị &#x27;LS.01.01&#x27; đã được dùng. Hãy chọn mã khác." in \
        response.content.decode()
    assert "Chi bộ xóm Bai" not in response.content.decode()


def test_a_cell_has_no_link_and_its_form_refuses(province, personas, client):
    client.force_login(personas.provincial)
    for code in ("KB.01.01", "KB.02"):  # a cell of a commune, a grassroots cell
        page = client.get(f"/to-chuc/{code}/")
        assert page.status_code == 200 and LINK not in page.content.decode()
    before = _counts()
    html = client.get("/to-chuc/KB.02/them-don-vi/").content.decode()
    assert "Chi bộ Trường THPT Kim Bôi là chi bộ, không thể có tổ chức đảng trực thuộc." in html
    assert 'name="code"' not in html
    response = client.post("/to-chuc/KB.02/them-don-vi/", _form(
        code="KB.02.01", name="Chi bộ mới", kind=UnitKind.CELL))
    assert response.status_code == 400
    assert _counts() == before


def test_a_closed_unit_shows_no_link(province, personas, client):
    from dangvien.org.services import unit_merge

    unit_merge(by=None, units=[province.ls_commune], into=province.kb_commune,
               effective=dt.date(2022, 1, 1))
    client.force_login(personas.provincial)
    assert LINK not in client.get("/to-chuc/LS.01/").content.decode()
    assert LINK in client.get("/to-chuc/KB.01/").content.decode()


def test_an_empty_tree_tells_the_superuser_how_to_begin(db, client):
    admin = get_user_model().objects.create_superuser(username="root", password="x")
    client.force_login(admin)
    html = client.get("/to-chuc/").content.decode()
    assert "Hệ thống chưa có tổ chức đảng nào." in html
    assert "<code>dangvien setup</code>" in html
    assert 'href="/trao-doi/nhap/to-chuc/"' in html
    assert "chưa được phân quyền" not in html


def test_a_user_without_roles_is_not_told_about_setup(province, personas, client):
    client.force_login(personas.outsider)
    html = client.get("/to-chuc/").content.decode()
    assert "chưa được phân quyền xem đơn vị nào" in html
    assert "dangvien setup" not in html
