"""The audit trail: every write leaves a row; tampering is found and named."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_verify
from dangvien.org.services import unit_rename


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_every_service_write_is_recorded_with_before_and_after(province, personas):
    unit_rename(by=personas.provincial, unit=province.kb_commune, name="Đảng bộ xã Vĩnh Đồng 2",
                effective=dt.date(2023, 1, 1))
    event = AuditEvent.objects.latest("id")
    assert event.action == "org.rename"
    assert event.actor == personas.provincial and event.actor_name == "tinhuy"
    assert event.before["name"] == "Đảng bộ xã Vĩnh Đồng"
    assert event.after["name"] == "Đảng bộ xã Vĩnh Đồng 2"
    assert audit_verify().ok


@pytest.mark.django_db
def test_citizen_id_is_masked_in_the_trail(province, make_member):
    make_member(province.kb_cell, "Bùi Thị Lan", cccd="017190123456")
    event = AuditEvent.objects.filter(action="person.create").latest("id")
    assert event.after["cccd"] == "017*******56"
    assert "017190123456" not in str(event.after)


@pytest.mark.django_db
def test_verify_names_a_row_changed_by_hand(province):
    rows = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert len(rows) >= 5
    victim = rows[2]
    _raw("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["ke-gian", victim])
    result = audit_verify()
    assert not result.ok and result.bad_id == victim
    with pytest.raises(CommandError, match=f"#{victim}"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_verify_finds_a_row_deleted_from_the_middle(province):
    rows = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [rows[1]])
    result = audit_verify()
    assert not result.ok and result.bad_id == rows[2]


@pytest.mark.django_db
def test_verify_finds_the_newest_rows_deleted(province):
    last = AuditEvent.objects.latest("id").id
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [last])
    result = audit_verify()
    assert not result.ok and "đã bị xóa" in result.message


@pytest.mark.django_db
def test_verify_command_succeeds_on_an_intact_chain(province, capsys):
    call_command("audit", "verify")
    assert "toàn vẹn" in capsys.readouterr().out


@pytest.mark.django_db
def test_rows_refuse_to_be_edited_through_the_orm(province):
    event = AuditEvent.objects.first()
    event.action = "khác"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
