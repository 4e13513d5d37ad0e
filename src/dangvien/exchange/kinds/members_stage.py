"""SQLite: a large members import staged outside the database, then applied in one short
transaction (bàn nháp của lượt nhập đảng viên).

SQLite lets one writer at a time hold the database. Checking and preparing 150.000 rows
takes many seconds; if the import wrote as it checked, every other user's save would wait
that long. So while the file is checked, each batch's new people and memberships go, as
ready-made rows, into a stage: a separate SQLite file of the import's own (no lock on the
real database). When the last row has been checked and nothing is wrong, the stage is
attached and applied with set-based `INSERT … SELECT` statements in chunks, each its own
short transaction (well under a second: bench/import_concurrency.py), behind a write
batch (`core.batches`) that hides the rows until the last transaction marks it done. All
or nothing holds: nothing is visible before that commit; a failure discards the batch; a
process killed while staging leaves only its stage file (deleted with old uploads), and
one killed while applying leaves a pending batch, hidden and later swept away.

Rows that change existing people (rare: a corrected file) are kept in the stage as the
batch's pickled model instances and applied with the same bulk updates as before.
"""

from __future__ import annotations

import contextlib
import pickle  # noqa: S403 - the stage holds only what this process wrote a moment ago
import sqlite3
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from dangvien.core.batches import batch_discard, batch_finish, batch_start
from dangvien.core.db import sqlite_cache
from dangvien.people.models import EventKind, Membership, MembershipEvent, Person

#: Staged rows written per transaction: about half a second of the write lock each
#: (memberships with their history count twice).
CHUNK = 20_000

_PERSON = ("full_name", "search_name", "sort_key", "gender", "birth_date", "ethnicity",
           "religion", "cccd", "home_address", "education", "occupation", "unit_id",
           "created_at", "updated_at")
_MEMBERSHIP = ("cell_id", "status", "decided_on", "admitted_on", "recognized_on", "card_number",
               "started_on", "created_at", "updated_at")


def _checkpoint() -> None:
    """Copy the chunk from the write-ahead log into the database now, without blocking
    anyone (PASSIVE): otherwise the next user's save would find a log of a hundred
    megabytes and copy it as part of its own commit, waiting a second or more."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def stage_dir() -> Path:
    path = Path(settings.DANGVIEN_IMPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _column(model, name: str) -> str:
    field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
    return connection.ops.quote_name(field.column)


class MembersStage:
    """The stage file of one import: open while the file is checked, applied at the end."""

    ALIAS = "dv_stage"

    def __init__(self, importer):
        self.importer = importer
        self.path = stage_dir() / f"{uuid.uuid4().hex}.stage"
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            f"CREATE TABLE person ({', '.join(_PERSON)});"
            f"CREATE TABLE membership (cccd, person_id, {', '.join(_MEMBERSHIP)});"
            "CREATE TABLE changes (batch BLOB);")
        self.rows = 0

    def add(self, new_people, new_ms, updates, now) -> None:
        """One checked batch: its new people and memberships, its changes to others."""
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(now)
        day = ops.adapt_datefield_value
        derived = self.importer._derived
        self.db.execute("BEGIN")
        self.db.executemany(
            f"INSERT INTO person VALUES ({', '.join('?' * len(_PERSON))})",  # noqa: S608
            [(c["full_name"], *derived(c["full_name"]), c["gender"], day(c["birth_date"]),
              c["ethnicity"], c["religion"], c["cccd"], c["home_address"], c["education"],
              c["occupation"], unit_id, stamp, stamp) for c, unit_id in new_people])
        self.db.executemany(
            f"INSERT INTO membership VALUES ({', '.join('?' * (len(_MEMBERSHIP) + 2))})",  # noqa: S608
            [(cccd, pid, m["cell_id"], m["status"], day(m["decided_on"]), day(m["admitted_on"]),
              day(m["recognized_on"]), m["card_number"], day(m["admitted_on"]), stamp, stamp)
             for cccd, pid, m in new_ms])
        if any(updates):
            self.db.execute("INSERT INTO changes VALUES (?)", [pickle.dumps(updates)])
        self.db.execute("COMMIT")
        self.rows += len(new_people) + len(new_ms)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def attached(self):
        """The stage attached to the real database's connection (outside a transaction:
        SQLite attaches only there)."""
        self.db.close()
        with connection.cursor() as cursor:
            cursor.execute(f"ATTACH DATABASE %s AS {self.ALIAS}", [str(self.path)])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DETACH DATABASE {self.ALIAS}")

    def apply(self, now, last, *, label: str = "import.members", batch=None) -> None:
        """Write everything staged, in chunks of `CHUNK` rows, each its own short
        transaction, behind a write batch: the rows stay hidden until the last
        transaction, which also applies the changes to existing people and calls `last`
        (the audit record), marks the batch done. On any failure the batch is discarded.
        `batch`: the import's own (begun before the file was checked), else a new one."""
        q = connection.ops.quote_name
        s = self.ALIAS
        person = q(Person._meta.db_table)
        membership = q(Membership._meta.db_table)
        event = q(MembershipEvent._meta.db_table)
        by = self.importer.recorder.pk if self.importer.recorder else None
        stamp = connection.ops.adapt_datetimefield_value(now)
        p_cols = ", ".join(_column(Person, c) for c in (*_PERSON, "batch_id"))
        m_cols = ", ".join(_column(Membership, c) for c in ("person_id", *_MEMBERSHIP, "batch_id"))
        e_cols = ", ".join(_column(MembershipEvent, c) for c in (
            "membership_id", "person_id", "kind", "on", "cell_id", "decision_no",
            "decision_on", "note", "recorded_by_id", "created_at", "batch_id"))
        if batch is None:
            batch = batch_start(label=label, tables=[Person, Membership, MembershipEvent])
        try:
            with self.attached():
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {s}.person")  # noqa: S608
                    people = cursor.fetchone()[0]
                    cursor.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {s}.membership")  # noqa: S608
                    memberships = cursor.fetchone()[0]
                for low in range(0, people, CHUNK):
                    with transaction.atomic(), sqlite_cache(), connection.cursor() as cursor:
                        cursor.execute(
                            f"INSERT INTO {person} ({p_cols}) SELECT {', '.join(_PERSON)}, %s "  # noqa: S608
                            f"FROM {s}.person WHERE rowid > %s AND rowid <= %s ORDER BY rowid",
                            [batch.pk, low, low + CHUNK])
                    _checkpoint()
                # A membership and its dated history (admitted; recognised when the file
                # says so, as the services write it) in one chunk; ids ever increase.
                for low in range(0, memberships, CHUNK // 2):
                    with transaction.atomic(), sqlite_cache(), connection.cursor() as cursor:
                        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {membership}")  # noqa: S608
                        last_id = cursor.fetchone()[0]
                        cursor.execute(
                            f"INSERT INTO {membership} ({m_cols}) "  # noqa: S608
                            f"SELECT COALESCE(st.person_id, (SELECT p.id FROM {person} p "
                            f"WHERE p.cccd = st.cccd)), {', '.join('st.' + c for c in _MEMBERSHIP)}, "
                            f"%s FROM {s}.membership st WHERE st.rowid > %s AND st.rowid <= %s "
                            "ORDER BY st.rowid", [batch.pk, low, low + CHUNK // 2])
                        cursor.execute(
                            f"INSERT INTO {event} ({e_cols}) "  # noqa: S608
                            "SELECT id, person_id, %s, admitted_on, cell_id, '', decided_on, '', "
                            f"%s, %s, batch_id FROM {membership} WHERE id > %s AND batch_id = %s "
                            "UNION ALL SELECT id, person_id, %s, recognized_on, cell_id, '', NULL, "
                            f"'', %s, %s, batch_id FROM {membership} WHERE id > %s AND batch_id = %s "
                            "AND recognized_on IS NOT NULL",
                            [EventKind.ADMITTED.value, by, stamp, last_id, batch.pk,
                             EventKind.RECOGNISED.value, by, stamp, last_id, batch.pk])
                    _checkpoint()
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT batch FROM {s}.changes ORDER BY rowid")  # noqa: S608
                    changes = [row[0] for row in cursor.fetchall()]
            with transaction.atomic():
                for blob in changes:
                    self.importer._update(*pickle.loads(blob))  # noqa: S301 - written by this import
                last()
                batch_finish(batch)
        except BaseException:
            batch_discard(batch)
            raise
