"""SQLite: a members import outside a transaction is staged in a file of its own while the
file is checked and applied in one transaction at the end; the database ends exactly as
the row-by-row write leaves it (the same tests, run on the staged path), and a failure
while applying leaves nothing."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.db import connection

from dangvien.exchange.kinds import members_stage
from dangvien.exchange.kinds.members_stage import MembersStage, stage_dir
from dangvien.people.models import Membership, MembershipEvent, Person

from . import test_import_members as members
from .conftest import imp, member_row


@pytest.fixture
def applied(monkeypatch):
    """The stages applied (their staged row counts), spied on the real method."""
    seen = []
    real = MembersStage.apply

    def spy(self, now, last, **kw):
        seen.append(self.rows)
        return real(self, now, last, **kw)

    monkeypatch.setattr(MembersStage, "apply", spy)
    return seen


def _staged(counts):
    return counts if connection.vendor == "sqlite" else []


@pytest.mark.django_db(transaction=True)
def test_new_rows_on_the_staged_path(province, personas, xlsx, applied):
    members.test_new_rows_then_the_same_file_changes_nothing(province, personas, xlsx)
    assert applied == _staged([4, 0])  # 2 people + 2 memberships, then nothing new


@pytest.mark.django_db(transaction=True)
def test_changed_rows_on_the_staged_path(province, personas, xlsx, applied):
    members.test_changed_rows_are_updated(province, personas, xlsx)
    assert applied == _staged([2, 0])


@pytest.mark.django_db(transaction=True)
def test_a_failure_in_the_last_transaction_leaves_nothing(province, personas, xlsx,
                                                          monkeypatch):
    """Every row was written, then the last transaction failed (its audit record): nothing
    stays. On SQLite the chunks were committed behind a batch that hid them, and the batch
    is discarded; on PostgreSQL the one transaction is rolled back."""
    from dangvien.core import batches
    from dangvien.core.models import BatchState, WriteBatch
    from dangvien.exchange import importer

    monkeypatch.setattr(members_stage, "CHUNK", 2)  # several chunks for three people
    seen = []

    def broken(**kw):
        seen.append((Person._base_manager.count(), Person.objects.count()))
        raise RuntimeError("đĩa đầy")

    monkeypatch.setattr(importer, "audit_record", broken)
    rows = [member_row(), member_row("Đinh Văn Nam", "017185000002"),
            member_row("Hà Văn Lạc", "017185000003")]
    with pytest.raises(RuntimeError):
        imp(xlsx(rows), personas.kimboi)
    sqlite = connection.vendor == "sqlite"
    # Written but hidden from every page (SQLite); inside the writer's own transaction (PG).
    assert seen == [(3, 0)] if sqlite else [(3, 3)]
    for model in (Person, Membership, MembershipEvent):
        assert model._base_manager.count() == 0
    # Every save of members has a batch (an undo reads it); this one is discarded.
    states = list(WriteBatch.objects.values_list("state", flat=True))
    assert states == [BatchState.DISCARDED]
    assert not list(stage_dir().glob("*.stage"))
    assert batches.batches_sweep() == 0


@pytest.mark.django_db(transaction=True)
def test_a_batch_left_by_a_dead_writer_is_hidden_then_swept(province, personas, make_member):
    from dangvien.core import batches
    from dangvien.core.models import BatchState, WriteBatch

    member = make_member(province.kb_cell, "Bùi Văn Cũ")  # a Person
    batch = batches.batch_start(label="import.members", tables=[Person, Membership])
    WriteBatch.objects.filter(pk=batch.pk).update(owner=f"{socket.gethostname()[:40]}:4194999")
    ghost = Person._base_manager.create(full_name="Người Chưa Ghi Xong", cccd="017185000009",
                                        unit=province.kb_cell, batch=batch,
                                        birth_date=dt.date(1990, 1, 1))
    assert list(Person.objects.values_list("pk", flat=True)) == [member.pk]
    assert Person.objects.filter(pk=ghost.pk).count() == 0
    assert batches.batches_sweep() == 1
    assert not Person._base_manager.filter(pk=ghost.pk).exists()
    assert Person._base_manager.filter(pk=member.pk).exists()
    assert WriteBatch.objects.get().state == BatchState.DISCARDED
