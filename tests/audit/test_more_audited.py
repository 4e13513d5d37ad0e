"""What else the trail records: lists exported with personal data, writes from the command
line, and the home address masked like the citizen ID."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_command, audit_record, audit_verify
from dangvien.people.services import person_update

from ..exchange.conftest import member_row, write_xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Dân tộc", "Chi bộ",
           "Ngày vào Đảng", "Ngày chính thức"]


@pytest.fixture
def three_members(province, make_member):
    return [make_member(province.kb_cell, name) for name in ("Bùi Văn An", "Đinh Thị Bình",
                                                             "Quách Văn Cường")]


def test_a_list_downloaded_from_the_web_is_audited_with_its_row_count(
        client, province, personas, three_members):
    client.force_login(personas.kimboi)
    response = client.get(reverse("exchange:export", args=["dang-vien"]),
                          {"don-vi": "KB", "ngay": "31/05/2022"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = AuditEvent.objects.filter(action="export.list").get()
    assert event.actor == personas.kimboi and event.actor_name == "kimboi"
    assert event.object_type == "exchange.export" and event.object_id == "members"
    assert event.unit_path == province.kb.path
    after = event.after
    assert after["rows"] == 3 and after["unit"] == "KB" and after["as_of"] == "31/05/2022"
    assert after["via"] == "web" and "Kim Bôi" in after["scope"]
    assert audit_verify().ok


def test_a_list_exported_from_the_command_line_names_the_command(province, three_members, tmp_path):
    target = tmp_path / "dang-vien.xlsx"
    call_command("export", "members", "--unit", "KB", "--as-of", "31/05/2022", "-o", str(target),
                 stdout=io.StringIO(), stderr=io.StringIO())
    event = AuditEvent.objects.filter(action="export.list").get()
    assert event.actor is None and event.actor_name == "dòng lệnh: export"
    assert event.after["rows"] == 3 and event.after["via"] == "dòng lệnh"


def test_a_refused_export_leaves_no_row(client, province, personas, three_members):
    client.force_login(personas.lacson)
    response = client.get(reverse("exchange:export", args=["dang-vien"]), {"don-vi": "KB"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export.list").exists()


def test_an_import_from_the_command_line_without_a_user_names_the_command(province, tmp_path):
    path = write_xlsx(tmp_path / "dang-vien.xlsx", HEADERS, [member_row()])
    call_command("import", "members", str(path), "--no-progress", stdout=io.StringIO())
    event = AuditEvent.objects.filter(action="import.members").get()
    assert event.actor is None and event.actor_name == "dòng lệnh: import"


def test_rows_without_a_user_outside_a_command_are_the_system():
    with audit_command("setup"):
        inside = audit_record(by=None, action="test.write", object_type="test")
    outside = audit_record(by=None, action="test.write", object_type="test")
    assert (inside.actor_name, outside.actor_name) == ("dòng lệnh: setup", "hệ thống")


def test_the_home_address_is_masked_in_the_trail(province, personas, make_member):
    person = make_member(province.kb_cell, "Bùi Thị Lan")
    address = "Xóm Mớ Đá, xã Vĩnh Đồng, huyện Kim Bôi"
    person_update(by=personas.provincial, person=person, data={"home_address": address})
    event = AuditEvent.objects.filter(object_type="people.person",
                                      object_id=str(person.pk)).latest("id")
    assert event.after["home_address"] == "Xóm" + "*" * (len(address) - 5) + "ôi"
    assert "Vĩnh Đồng" not in str(event.after) and "Vĩnh Đồng" not in str(event.before)
