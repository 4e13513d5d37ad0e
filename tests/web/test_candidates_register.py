"""Registering a promising person: a new person or one on record, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.admission.models import Candidacy, Source, Stage, UnionRoute
from dangvien.audit.models import AuditEvent
from dangvien.people.models import Person
from dangvien.people.services import person_create

pytestmark = pytest.mark.django_db

URL = "/ket-nap/them/"


def new_person(cell, **extra):
    data = {
        "person": "", "full_name": "Đinh  Văn Khải", "gender": "nam", "birth_date": "05/07/2000",
        "ethnicity": "Mường", "religion": "khong", "cccd": "017200000456",
        "education": "thpt", "occupation": "nong_dan", "home_address": "Xóm Mớ Đá",
        "cell": str(cell.pk), "source": Source.YOUTH_UNION, "identified_on": "01/03/2022",
        "union_route": "tu-dong",
    }
    data.update(extra)
    return data


def test_the_form_offers_only_cells_in_editor_scope(client, personas, province):
    client.force_login(personas.kimboi)
    response = client.get(URL)
    assert response.status_code == 200
    choices = dict(response.context["form"].fields["cell"].choices)
    assert choices[province.kb_cell.pk] == "Chi bộ xóm Mớ Đá — Đảng bộ xã Vĩnh Đồng"
    assert choices[province.kb_school.pk] == "Chi bộ Trường THPT Kim Bôi"
    assert province.ls_cell.pk not in choices and province.kb_commune.pk not in choices
    # The secretary has one cell: it is the only choice.
    client.force_login(personas.secretary)
    choices = client.get(URL).context["form"].fields["cell"].choices
    assert [c for c, _ in choices] == [province.kb_cell.pk]
    # No cell to add to: nothing to show.
    client.force_login(personas.outsider)
    assert client.get(URL).status_code == 404


def test_register_a_new_person(client, personas, province):
    client.force_login(personas.kimboi)
    response = client.post(URL, new_person(province.kb_cell))
    c = Candidacy.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ket-nap/ho-so/{c.pk}/"
    assert c.person.full_name == "Đinh Văn Khải" and c.person.unit == province.kb_cell
    assert c.person.birth_date == dt.date(2000, 7, 5)
    assert c.identified_on == dt.date(2022, 3, 1) and c.stage == Stage.SOURCE
    assert c.union_route == UnionRoute.YOUTH_UNION  # from the source
    page = client.get(response["Location"]).content.decode()
    assert "Đã đưa Đinh Văn Khải vào danh sách nguồn kết nạp." in page
    assert "017200000456" not in page and "*********456" in page and "017*" not in page


def test_bad_cccd_is_shown_on_its_field_and_nothing_is_created(client, personas, province):
    client.force_login(personas.kimboi)  # the sign-in is audited: count after it
    people, audit = Person.objects.count(), AuditEvent.objects.count()
    response = client.post(URL, new_person(province.kb_cell, cccd="01720000045"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["cccd"] == [
        "Số CCCD phải gồm đúng 12 chữ số (không có chữ, dấu cách hay dấu chấm); "
        "giá trị đã nhập có 11 ký tự."]
    assert list(form.errors) == ["cccd"]
    assert Person.objects.count() == people and not Candidacy.objects.exists()
    assert AuditEvent.objects.count() == audit
    assert 'value="Đinh  Văn Khải"' in response.content.decode()  # what was typed stays


def test_a_refused_candidacy_leaves_no_person_behind(client, personas, province):
    """The person is valid but the date identified is in the future: nothing is saved."""
    people = Person.objects.count()
    client.force_login(personas.kimboi)
    response = client.post(URL, new_person(province.kb_cell, identified_on="01/01/2099"))
    assert "ở sau hôm nay" in response.context["form"].errors["identified_on"][0]
    assert Person.objects.count() == people and not Candidacy.objects.exists()


def test_new_person_needs_a_name_and_birth_date(client, personas, province):
    client.force_login(personas.kimboi)
    response = client.post(URL, new_person(province.kb_cell, full_name="Khải"))
    assert "hai từ" in response.context["form"].errors["full_name"][0]
    response = client.post(URL, new_person(province.kb_cell, birth_date=""))
    assert response.context["form"].errors["birth_date"] == ["Ngày sinh chưa nhập hoặc không hợp lệ."]
    response = client.post(URL, new_person(province.kb_cell, birth_date="32/01/2000"))
    assert "không phải ngày hợp lệ" in response.context["form"].errors["birth_date"][0]
    assert not Person.objects.exists()


def test_pick_a_person_on_record(client, personas, province):
    person = person_create(by=None, unit=province.kb_cell2,
                           data={"full_name": "Lò Thị Hiền", "gender": "nu",
                                 "birth_date": dt.date(1999, 2, 3), "cccd": "017199000888"})
    client.force_login(personas.kimboi)
    page = client.get(URL, {"tim": "lo thi hien"}).content.decode()
    assert f'name="person" value="{person.pk}"' in page and "Lò Thị Hiền" in page
    assert "017199000888" not in page
    response = client.post(URL, {"person": person.pk, "tim": "lo thi hien",
                                 "cell": province.kb_cell.pk, "source": Source.WOMEN,
                                 "identified_on": "01/03/2022", "union_route": ""})
    assert response.status_code == 302
    c = Candidacy.objects.get()
    assert c.person == person and c.union_route == UnionRoute.NONE
    person.refresh_from_db()
    assert person.unit == province.kb_cell  # the record moves to the cell
    assert Person.objects.count() == 1
    # Already a candidate: not offered again.
    assert f'value="{person.pk}"' not in client.get(URL, {"tim": "hien"}).content.decode()


def test_a_person_outside_scope_cannot_be_picked(client, personas, province):
    outsider = person_create(by=None, unit=province.ls_cell,
                             data={"full_name": "Quách Thị Hiền", "gender": "nu",
                                   "birth_date": dt.date(1999, 2, 3)})
    client.force_login(personas.kimboi)
    assert "Quách Thị Hiền" not in client.get(URL, {"tim": "hien"}).content.decode()
    response = client.post(URL, {"person": outsider.pk, "cell": province.kb_cell.pk,
                                 "source": Source.WOMEN, "identified_on": "01/03/2022"})
    assert response.status_code == 200
    assert response.context["form"].errors["person"] == [
        "Không tìm thấy người này trong đơn vị bạn quản lý."]
    assert "Quách Thị Hiền" not in response.content.decode()
    assert not Candidacy.objects.exists()


def test_a_cell_outside_editor_scope_is_refused(client, personas, province):
    client.force_login(personas.kimboi)
    response = client.post(URL, new_person(province.ls_cell))
    assert "cell" in response.context["form"].errors
    assert not Person.objects.exists()


def test_a_cccd_registered_elsewhere_names_no_unit_and_the_attempt_is_audited(
        client, personas, province, make_member):
    make_member(province.ls_cell, "Hà Văn Tới", cccd="017090000999")
    client.force_login(personas.kimboi)
    people = Person.objects.count()
    response = client.post(URL, new_person(province.kb_cell, cccd="017090000999"))
    page = response.content.decode()
    assert "đã được đăng ký trong hệ thống" in page
    assert "Lạc Sơn" not in page and "Hà Văn Tới" not in page and "Ân Nghĩa" not in page
    assert Person.objects.count() == people
    event = AuditEvent.objects.filter(action="person.cccd_elsewhere.refused").get()
    assert event.actor == personas.kimboi and "017090000999" not in str(event.after)
