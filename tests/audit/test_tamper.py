"""Whoever can write the database, but not read the key or write the head log, cannot
rewrite the audit trail unnoticed: every tampering below is done by raw SQL, as someone
with the database file (or a PostgreSQL login) would."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from dangvien.audit import chain
from dangvien.audit.models import AuditEvent, AuditHead
from dangvien.audit.services import audit_head, audit_mark_restored, audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _write(n: int, start: int = 0) -> list[int]:
    return [audit_record(by=None, action="test.write", object_type="test", object_id=start + i,
                         after={"i": start + i}).pk for i in range(n)]


@pytest.fixture
def logged(django_capture_on_commit_callbacks):
    """Six rows, committed as far as the head log is concerned (its lines are written)."""
    with django_capture_on_commit_callbacks(execute=True):
        return _write(6)


def _log_lines() -> list[dict]:
    path = chain.head_log_path()
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _fix_head_to(last_id: int) -> None:
    """What a careful intruder does after deleting rows: make AuditHead agree."""
    rows = AuditEvent.objects.filter(id__lte=last_id)
    last = rows.order_by("id").last()
    _raw("UPDATE audit_audithead SET last_id = %s, last_hash = %s, count = %s WHERE id = 1",
         [last.pk, last.hash, rows.count()])


def test_each_committed_row_leaves_one_line_in_the_head_log(logged):
    lines = _log_lines()
    head = AuditHead.objects.get()
    assert [e["id"] for e in lines] == logged
    assert {e["db"] for e in lines} == {head.epoch} and len(head.epoch) == 16
    assert lines[-1]["hash"] == head.last_hash and lines[-1]["n"] == head.count
    assert audit_head() == {"id": head.last_id, "hash": head.last_hash, "count": head.count,
                            "epoch": head.epoch}
    result = audit_verify()
    assert result.ok and result.notes == []


def test_rows_are_signed_with_the_key_not_plain_sha256(logged):
    event = AuditEvent.objects.get(pk=logged[0])
    assert event.hash == chain.row_hash(chain.GENESIS, event)
    assert event.hash != chain.legacy_hash(chain.GENESIS, event)


def test_an_edited_row_is_named(logged):
    _raw("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["99", logged[2]])
    result = audit_verify()
    assert not result.ok and result.bad_id == logged[2]
    assert f"Dòng nhật ký #{logged[2]}" in result.message


def test_a_row_deleted_from_the_middle_is_found(logged):
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [logged[3]])
    _fix_head_to(logged[-1])
    result = audit_verify()
    assert not result.ok and result.bad_id == logged[4]
    assert "không nối tiếp" in result.message


def test_the_newest_rows_deleted_and_the_head_fixed_by_sql_are_found(logged):
    _raw("DELETE FROM audit_auditevent WHERE id >= %s", [logged[4]])
    _fix_head_to(logged[3])
    result = audit_verify()
    assert not result.ok and result.bad_id == logged[4]
    assert "đã bị xóa" in result.message and f"#{logged[-1]}" in result.message
    with pytest.raises(CommandError, match=f"từ dòng #{logged[4]} trở đi đã bị xóa"):
        call_command("audit", "verify")



def _rechain(hasher) -> None:
    """Recompute every row's link and hash by SQL, as an intruder would."""
    prev = chain.GENESIS
    for event in AuditEvent.objects.order_by("id"):
        new = hasher(prev, event)
        _raw("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
             [prev, new, event.pk])
        prev = new


def test_a_chain_recomputed_with_plain_sha256_is_found(logged):
    _rechain(chain.legacy_hash)
    _fix_head_to(logged[-1])
    result = audit_verify()
    assert not result.ok and result.bad_id == logged[0]
    assert "khóa của nhật ký" in result.message


def test_a_chain_recomputed_with_a_stolen_key_is_still_found_by_the_head_log(logged):
    """Even with the key, changing a row means new hashes, which the log outside disagrees with."""
    _raw("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["99", logged[1]])
    _rechain(chain.row_hash)
    _fix_head_to(logged[-1])
    result = audit_verify()
    assert not result.ok and result.bad_id == logged[1]
    assert "sổ đầu chuỗi" in result.message


def test_a_row_appended_by_sql_is_named(logged):
    head = AuditHead.objects.get()
    forged = SimpleNamespace(at=timezone.now(), actor_id=None, actor_name="tinhuy",
                             action="person.delete", object_type="people.person", object_id="7",
                             unit_path="", before=None, after=None)
    digest = chain.legacy_hash(head.last_hash, forged)
    _raw("INSERT INTO audit_auditevent (at, actor_id, actor_name, action, object_type, "
         "object_id, unit_path, before, after, prev_hash, hash) "
         "VALUES (%s, NULL, %s, %s, %s, %s, '', NULL, NULL, %s, %s)",
         [forged.at, forged.actor_name, forged.action, forged.object_type, forged.object_id,
          head.last_hash, digest])
    new_id = AuditEvent.objects.latest("id").pk
    _raw("UPDATE audit_audithead SET last_id = %s, last_hash = %s, count = count + 1 "
         "WHERE id = 1", [new_id, digest])
    result = audit_verify()
    assert not result.ok and result.bad_id == new_id


def test_a_head_replaced_by_sql_to_escape_the_log_is_found(logged):
    _raw("DELETE FROM audit_auditevent WHERE id >= %s", [logged[4]])
    _fix_head_to(logged[3])
    _raw("UPDATE audit_audithead SET epoch = %s WHERE id = 1", ["0123456789abcdef"])
    result = audit_verify()
    assert not result.ok and "không có dòng nào của chuỗi nhật ký này" in result.message


def test_a_wrong_key_fails_at_the_first_row(logged, monkeypatch):
    monkeypatch.setenv(chain.KEY_ENV, "a-different-key")
    result = audit_verify()
    assert not result.ok and result.bad_id == logged[0]


def test_the_key_file_is_made_once_private(settings, tmp_path, monkeypatch):
    monkeypatch.delenv(chain.KEY_ENV, raising=False)
    settings.DANGVIEN_AUDIT_KEY_FILE = tmp_path / "audit_key"
    key = chain.audit_key()
    assert len(key) == 64 and (tmp_path / "audit_key").stat().st_mode & 0o077 == 0
    assert chain.audit_key() == key == (tmp_path / "audit_key").read_text().encode()
    monkeypatch.setenv(chain.KEY_ENV, "from-the-environment")
    assert chain.audit_key() == b"from-the-environment"


def test_a_legitimately_flushed_database_starts_a_new_chain(logged, django_capture_on_commit_callbacks):
    """`flush`, a test database truncated, a database created anew: a new head row, a new
    epoch; the log's lines of the old chain no longer bind (verify says they exist)."""
    _raw("DELETE FROM audit_auditevent")
    _raw("DELETE FROM audit_audithead")
    with django_capture_on_commit_callbacks(execute=True):
        _write(2)
    assert len({e["db"] for e in _log_lines()}) == 2
    result = audit_verify()
    assert result.ok, result.message
    assert any("chuỗi nhật ký trước đây" in note for note in result.notes)


def test_a_database_restored_from_a_backup_is_marked_in_the_log(logged):
    _raw("DELETE FROM audit_auditevent WHERE id >= %s", [logged[4]])
    _fix_head_to(logged[3])
    assert not audit_verify().ok
    assert audit_mark_restored()["id"] == logged[3]
    assert audit_verify().ok


def test_rows_of_a_rolled_back_savepoint_leave_no_line(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            kept = _write(1)
            try:
                with transaction.atomic():
                    _write(1, start=10)
                    raise RuntimeError("refused")
            except RuntimeError:
                pass
            kept += _write(1, start=20)
    assert [e["id"] for e in _log_lines()] == kept
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_does_not_break_verify():
    """Real commits: the rolled-back row's id may be used again (SQLite) or skipped
    (PostgreSQL); the head log holds only what committed."""
    first = _write(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        _write(1, start=10)
        raise RuntimeError("the service refused after writing")
    last = _write(1, start=20)
    assert [e["id"] for e in _log_lines()] == first + last
    result = audit_verify()
    assert result.ok and result.checked == 3 and result.notes == []


def _migration():
    return importlib.import_module("dangvien.audit.migrations.0002_hmac_chain")


def _as_before_the_upgrade() -> None:
    """Rows chained by plain SHA-256, as databases were before the key."""
    _rechain(chain.legacy_hash)
    _fix_head_to(AuditEvent.objects.latest("id").pk)


def test_the_upgrade_re_signs_an_old_chain_and_says_it_was_intact():
    _write(4)
    _as_before_the_upgrade()
    assert not audit_verify().ok
    _migration().forwards(apps, SimpleNamespace(connection=connection))
    result = audit_verify()
    assert result.ok and result.checked == 5
    note = AuditEvent.objects.latest("id")
    assert note.action == "audit.upgrade"
    assert note.after == {"rows": 4, "from": "sha256", "to": "hmac-sha256", "old_chain": "toàn vẹn"}


def test_the_upgrade_records_an_old_chain_that_was_already_broken():
    ids = _write(4)
    _as_before_the_upgrade()
    _raw("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["99", ids[1]])
    _migration().forwards(apps, SimpleNamespace(connection=connection))
    assert audit_verify().ok  # re-signed: what matters is that the trail says so
    note = AuditEvent.objects.latest("id")
    assert note.after["old_chain"] == f"hỏng: dòng #{ids[1]} đã bị sửa"
