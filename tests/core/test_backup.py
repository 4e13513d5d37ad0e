"""`dangvien backup` and `dangvien restore`: consistent while writing, checked, verifiable.

The commands run in subprocesses against scratch databases of the engine the suite runs
on (SQLite: files in temporary var folders; PostgreSQL: databases created and dropped
here), because the test database of SQLite is in memory and a restore replaces a whole
database.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from dangvien.core import backup

SEED = """
import datetime as dt
from dangvien.org.models import UnitKind
from dangvien.org.services import unit_create
from dangvien.people.services import membership_create, person_create
day = dt.date(2020, 10, 1)
tu = unit_create(by=None, parent=None, code="TU", name="Tỉnh ủy Hòa Bình",
                 kind=UnitKind.PROVINCE, valid_from=day)
kb = unit_create(by=None, parent=tu, code="KB", name="Huyện ủy Kim Bôi",
                 kind=UnitKind.DISTRICT, valid_from=day)
cell = unit_create(by=None, parent=kb, code="KB.02", name="Chi bộ Trường THPT Kim Bôi",
                   kind=UnitKind.GRASSROOTS_CELL, valid_from=day)
for i, name in enumerate(["Bùi Văn Đức", "Quách Thị Hoa"]):
    person = person_create(by=None, unit=cell, data={
        "full_name": name, "gender": "nam" if i == 0 else "nu",
        "birth_date": dt.date(1990 + i, 5, 1), "ethnicity": "Mường",
        "cccd": f"01719000{i:04d}"})
    membership_create(by=None, person=person, cell=cell, admitted_on=dt.date(2015, 3, 1),
                      recognized_on=dt.date(2016, 3, 1))
"""

# Keeps creating units through the service until the stop file appears; after each
# commit prints its number and the audit head, so the test knows every committed state.
WRITER = """
import datetime as dt, os, pathlib
from dangvien.audit.models import AuditHead
from dangvien.org.models import OrgUnit, UnitKind
from dangvien.org.services import unit_create
stop = pathlib.Path(os.environ["DV_STOP"])
kb = OrgUnit.objects.get(code="KB")
i = 0
while not stop.exists() and i < 3000:
    unit_create(by=None, parent=kb, code=f"W{i}", name=f"Chi bộ ghi thử {i}",
                kind=UnitKind.GRASSROOTS_CELL, valid_from=dt.date(2021, 1, 1))
    print(i, AuditHead.objects.get(id=1).last_hash, flush=True)
    i += 1
"""

TEST_AUDIT_KEY = "5e" * 32

#: Columns that a later write may change in a row that existed at backup time.
# A data version is replaced by every write (core.fragments), like the audit head.
MUTABLE = {"org_orgunit": {"numchild"}, "audit_audithead": "*", "core_dataversion": "*"}


def _engine() -> str:
    return "postgresql" if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") \
        else "sqlite"


def _pg_params(dbname: str) -> dict:
    db = settings.DATABASES["default"]
    return {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432,
            "user": db.get("USER") or "postgres", "password": db.get("PASSWORD") or None,
            "dbname": dbname}


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(**_pg_params("postgres"), autocommit=True) as conn:
        conn.execute(sql)


_names = count()


@dataclass
class Site:
    """One installation: a var folder and its database."""

    var: Path
    dbname: str | None = None  # PostgreSQL database; None: SQLite file in var

    @property
    def url(self) -> str | None:
        if self.dbname is None:
            return None
        p = _pg_params(self.dbname)
        auth = quote(p["user"]) + (f":{quote(p['password'])}" if p["password"] else "")
        return f"postgres://{auth}@{p['host']}:{p['port']}/{p['dbname']}"

    def env(self, **extra) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("DANGVIEN_") and k != "DATABASE_URL"}
        env.update({"DANGVIEN_VAR_DIR": str(self.var), "DANGVIEN_CONN_MAX_AGE": "0",
                    "DJANGO_SETTINGS_MODULE": "dangvien.settings", **extra})
        if self.url:
            env["DANGVIEN_DATABASE_URL"] = self.url
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "dangvien", *args], env=self.env(),
                              capture_output=True, text=True, timeout=120, check=False)

    def python(self, code: str, **env) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", "import django; django.setup()\n" + code],
                                env=self.env(**env), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def seed(self) -> None:
        _seed(self)

    def add_upload(self) -> None:
        (self.var / "imports").mkdir(exist_ok=True)
        (self.var / "imports" / "đảng viên KB.xlsx").write_bytes(b"PK\x03\x04 excel " * 100)

    def bring_audit_key(self, other: Site) -> None:
        key = other.var / "audit_key"
        if key.exists():
            shutil.copy2(key, self.var / "audit_key")

    def rows(self) -> dict[str, set[tuple]]:
        """Every table's rows (as sets of tuples of text), by table name."""
        if self.dbname is None:
            path = self.var / "dangvien.sqlite3"
            if not path.exists():
                return {}
            conn = sqlite3.connect(path)
            try:
                names = [r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' "
                    "AND name NOT LIKE 'sqlite%'")]
                return {n: _rows(conn.execute(f'SELECT * FROM "{n}"'))  # noqa: S608
                        for n in names}
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(**_pg_params(self.dbname)) as conn:
            names = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {n: _rows(conn.execute(f'SELECT * FROM "{n}"')) for n in names}  # noqa: S608


def _rows(cursor) -> set[tuple]:
    columns = [d[0] for d in cursor.description]
    return {tuple(zip(columns, map(_text, row), strict=True)) for row in cursor.fetchall()}


def _text(value) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _without(rows: set[tuple], columns) -> set[tuple]:
    if columns == "*":
        return set()
    return {tuple(c for c in row if c[0] not in columns) for row in rows}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory, django_db_setup, django_db_blocker):
    """A migrated, empty database to copy: a SQLite file, or a PostgreSQL template, both
    copied from the test database pytest-django has migrated already."""
    from django.db import connection, connections

    from dangvien.org.models import OrgUnit

    var = tmp_path_factory.mktemp("migrated")
    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        assert "memory" in name or "test" in name, name  # the test database, never the real one
        assert not OrgUnit.objects.exists()
        if _engine() == "sqlite":
            site = Site(var)
            connection.ensure_connection()
            copy = sqlite3.connect(var / "dangvien.sqlite3")
            connection.connection.backup(copy)
            copy.close()
        else:
            site = Site(var, f"dv_backup_test_{os.getpid()}_tpl")
            test_db = connection.settings_dict["NAME"]
            connections.close_all()  # a template must have no session
            _pg_admin(f'DROP DATABASE IF EXISTS "{site.dbname}" WITH (FORCE)')
            _pg_admin(f'CREATE DATABASE "{site.dbname}" TEMPLATE "{test_db}"')
    yield site
    if site.dbname:
        _pg_admin(f'DROP DATABASE IF EXISTS "{site.dbname}" WITH (FORCE)')


@pytest.fixture
def make_site(migrated, tmp_path_factory):
    made: list[Site] = []

    def make(*, migrate: bool, key: bool = True) -> Site:
        var = tmp_path_factory.mktemp("site")
        if key:  # the same audit key everywhere, as an operator brings it back
            (var / "audit_key").write_text(TEST_AUDIT_KEY)
        if migrated.dbname is None:
            site = Site(var)
            if migrate:
                (var / "dangvien.sqlite3").write_bytes(
                    (migrated.var / "dangvien.sqlite3").read_bytes())
        else:
            site = Site(var, f"dv_backup_test_{os.getpid()}_{next(_names)}")
            template = f' TEMPLATE "{migrated.dbname}"' if migrate else ""
            _pg_admin(f'CREATE DATABASE "{site.dbname}"{template}')
        made.append(site)
        return site

    yield make
    for site in made:
        if site.dbname:
            _pg_admin(f'DROP DATABASE IF EXISTS "{site.dbname}" WITH (FORCE)')


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile(backup.MANIFEST).read())


def _read_line(proc: subprocess.Popen) -> str:
    line = proc.stdout.readline()
    if not line:
        proc.wait(timeout=30)
        pytest.fail(f"the writer stopped: {proc.stderr.read()}")
    return line


@pytest.mark.django_db  # so that pytest-django creates the test database
def test_backup_while_writing_restores_the_state_at_backup_time(make_site, tmp_path):
    source = make_site(migrate=True)
    source.seed()
    stop = tmp_path / "stop"
    writer = source.python(WRITER, DV_STOP=str(stop))
    try:
        heads = [_read_line(writer).split()[1] for _ in range(5)]
        archive = tmp_path / "dangvien.tar"
        done = source.run("backup", "-o", str(archive))
        assert done.returncode == 0, done.stderr
        # The writer goes on after the backup, then stops.
        target = len(heads) + 3
        while len(heads) < target:
            heads.append(_read_line(writer).split()[1])
    finally:
        stop.touch()
        # Through the same buffered reader as the lines above (communicate() would skip
        # what it already buffered).
        rest = writer.stdout.read()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read()
    heads += [m[1] for m in re.finditer(r"^\d+ ([0-9a-f]{64})$", rest, re.M)]
    assert "Khóa nhật ký" in done.stdout and "sao lưu riêng" in done.stdout

    manifest = _manifest(archive)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    db_member = "database.sqlite3" if source.dbname is None else "database.pgdump"
    assert names == ["manifest.json", db_member, "imports/đảng viên KB.xlsx"]
    assert not any("key" in name for name in names)
    assert manifest["database"]["engine"] == _engine()
    assert manifest["migrations"]["audit"] and manifest["dangvien_version"]
    # The snapshot is one state the writer committed: after unit W<k>.
    k = heads.index(manifest["audit"]["last_hash"])
    assert 4 <= k < len(heads) - 1
    assert manifest["audit"]["head"]["last_hash"] == manifest["audit"]["last_hash"]
    assert manifest["audit"]["count"] == manifest["audit"]["head"]["count"]

    restored = make_site(migrate=False, key=False)  # an entirely empty database
    if backup._chain() is not None:
        done = restored.run("restore", str(archive))
        assert done.returncode != 0 and "Chưa có khóa nhật ký" in done.stderr
        assert not restored.rows()
        assert not (restored.var / "audit_key").exists()
    restored.bring_audit_key(source)  # the key is backed up apart from the archive
    done = restored.run("restore", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Nhật ký toàn vẹn" in done.stdout

    after = restored.rows()
    final = source.rows()
    assert {t: len(r) for t, r in after.items() if t in manifest["tables"]} == manifest["tables"]
    # Exactly the units committed up to W<k>: a consistent prefix of the writer's work.
    codes = {dict(row)["code"] for row in after["org_orgunit"]}
    assert codes == {"TU", "KB", "KB.02"} | {f"W{i}" for i in range(k + 1)}
    head = dict(next(iter(after["audit_audithead"])))
    assert head["last_hash"] == manifest["audit"]["last_hash"]
    assert head["count"] == str(manifest["audit"]["count"])
    # Every restored row is a row of the source (which only grew since).
    for table, rows in after.items():
        columns = MUTABLE.get(table, ())
        assert _without(rows, columns) <= _without(final[table], columns), table
    assert (restored.var / "imports" / "đảng viên KB.xlsx").read_bytes() == \
        (source.var / "imports" / "đảng viên KB.xlsx").read_bytes()
    check = restored.run("audit", "verify")
    assert check.returncode == 0 and "toàn vẹn" in check.stdout

    # Not again over data without --force.
    refused = restored.run("restore", str(archive))
    assert refused.returncode != 0
    assert "đã có dữ liệu" in refused.stderr and "--force" in refused.stderr
    assert restored.rows() == after

    # With --force, back in time on the source itself: every table as at backup time. Its
    # audit head log already holds the rows written after the backup; the restore says so
    # in the log, and the chain verifies.
    back = source.run("restore", "--force", str(archive))
    assert back.returncode == 0, back.stdout + back.stderr
    assert "Nhật ký toàn vẹn" in back.stdout
    assert source.rows() == after


def _corrupt_copy(archive: Path, dest: Path, *, member: str) -> Path:
    """The archive with one byte changed inside `member` (tar structure intact)."""
    data = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        info = tar.getmember(member)
    data[info.offset_data + info.size // 2] ^= 0xFF
    dest.write_bytes(bytes(data))
    return dest


def _seed(*sites: Site) -> None:
    """Seed the sites at the same time (each its own database)."""
    procs = [site.python(SEED) for site in sites]
    for site, proc in zip(sites, procs, strict=True):
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        site.add_upload()


@pytest.mark.django_db  # so that pytest-django creates the test database
def test_restore_refuses_a_corrupt_or_foreign_archive_and_changes_nothing(make_site, tmp_path):
    source = make_site(migrate=True)
    # A database with other data, whose owner would even pass --force.
    other = make_site(migrate=True)
    _seed(source, other)
    archive = tmp_path / "ok.tar"
    assert source.run("backup", "-o", str(archive)).returncode == 0
    db_member = _manifest(archive)["database"]["member"]
    (other.var / "imports" / "old.xlsx").write_bytes(b"old")
    before = other.rows()
    files_before = sorted(p.name for p in (other.var / "imports").iterdir())

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    bad_db = _corrupt_copy(archive, tmp_path / "bad-db.tar", member=db_member)
    for broken in (truncated, bad_db):
        done = other.run("restore", "--force", str(broken))
        assert done.returncode != 0, broken
        assert "bị hỏng hoặc không đầy đủ" in done.stderr, done.stderr
        assert "Không có gì bị thay đổi" in done.stderr
    # The other engine's archive is refused, with the reason.
    foreign = tmp_path / "foreign.tar"
    _rewrite_manifest(archive, foreign, engine="sqlite" if _engine() == "postgresql"
                      else "postgresql")
    done = other.run("restore", "--force", str(foreign))
    assert done.returncode != 0 and "không khôi phục chéo được" in done.stderr
    assert other.rows() == before
    assert sorted(p.name for p in (other.var / "imports").iterdir()) == files_before


@pytest.mark.django_db  # so that pytest-django creates the test database
def test_restore_into_a_migrated_empty_database_with_the_audit_key(make_site, tmp_path):
    source = make_site(migrate=True)
    source.seed()
    archive = tmp_path / "ok.tar"
    assert source.run("backup", "-o", str(archive)).returncode == 0
    fresh = make_site(migrate=True, key=False)
    if backup._chain() is not None:  # the chain is signed with a key kept apart
        (fresh.var / "audit_key").write_text("f" * 64)
        done = fresh.run("restore", str(archive))
        assert done.returncode != 0 and "không phải khóa" in done.stderr, done.stderr
        assert not fresh.rows()["org_orgunit"]
    fresh.bring_audit_key(source)
    done = fresh.run("restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "Nhật ký toàn vẹn" in done.stdout
    assert fresh.rows() == source.rows()


def _rewrite_manifest(archive: Path, dest: Path, **database) -> None:
    with tarfile.open(archive) as src, tarfile.open(dest, "w", format=tarfile.PAX_FORMAT) as out:
        for info in src:
            data = src.extractfile(info).read()
            if info.name == backup.MANIFEST:
                manifest = json.loads(data)
                manifest["database"].update(database)
                data = json.dumps(manifest).encode()
                info.size = len(data)
            out.addfile(info, io.BytesIO(data))


# --- the archive reader on its own (no database) ----------------------------------------


def _archive(path: Path, members: dict[str, bytes], manifest: dict | None = None,
             listed: dict[str, bytes] | None = None) -> Path:
    import hashlib

    listed = members if listed is None else listed
    manifest = manifest or {
        "format": backup.FORMAT, "format_version": backup.FORMAT_VERSION,
        "database": {"engine": "sqlite", "member": "database.sqlite3"},
        "members": {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                    for n, d in listed.items()},
    }
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in {backup.MANIFEST: json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_a_good_archive_is_extracted_and_checked(tmp_path):
    members = {"database.sqlite3": b"db", "imports/a/b.xlsx": b"x" * 3000}
    manifest = backup.archive_extract(_archive(tmp_path / "a.tar", members), tmp_path / "out")
    assert manifest["database"]["engine"] == "sqlite"
    assert (tmp_path / "out" / "imports" / "a" / "b.xlsx").read_bytes() == b"x" * 3000


@pytest.mark.parametrize(("members", "listed", "message"), [
    ({"database.sqlite3": b"db", "imports/x": b"1"}, {"database.sqlite3": b"db"},
     "tệp lạ"),
    ({"database.sqlite3": b"db", "imports/../../evil": b"1"}, None, "tệp lạ"),
    ({"database.sqlite3": b"db", "/etc/evil": b"1"}, None, "tệp lạ"),
    ({"database.sqlite3": b"db"}, {"database.sqlite3": b"db", "imports/x": b"1"}, "thiếu 1 tệp"),
    ({"database.sqlite3": b"dB"}, {"database.sqlite3": b"db"}, "không khớp mã băm"),
])
def test_a_bad_archive_is_refused_with_the_reason(tmp_path, members, listed, message):
    path = _archive(tmp_path / "bad.tar", members, listed=listed)
    with pytest.raises(backup.BackupError, match=message):
        backup.archive_extract(path, tmp_path / "out")
    assert not (tmp_path / "evil").exists()


def test_not_an_archive_or_a_newer_format_is_refused(tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all" * 100)
    with pytest.raises(backup.BackupError, match="bị hỏng hoặc không đầy đủ"):
        backup.archive_extract(junk, tmp_path / "out")
    newer = _archive(tmp_path / "newer.tar", {}, manifest={
        "format": backup.FORMAT, "format_version": backup.FORMAT_VERSION + 1})
    with pytest.raises(backup.BackupError, match="cập nhật dangvien"):
        backup.archive_extract(newer, tmp_path / "out")
    with pytest.raises(backup.BackupError, match="Không thấy tệp sao lưu"):
        backup.archive_extract(tmp_path / "missing.tar", tmp_path / "out")


def test_missing_pg_dump_gets_a_vietnamese_message(tmp_path, monkeypatch):
    monkeypatch.setenv("DANGVIEN_PG_BINDIR", str(tmp_path))
    with pytest.raises(backup.BackupError, match="Không tìm thấy chương trình pg_dump.*"
                                                 "postgresql-client"):
        backup.pg_tool("pg_dump")


def test_keep_prunes_only_the_oldest_default_named_archives(tmp_path):
    names = [f"dangvien-2026120{d}-010000.tar" for d in range(1, 6)] + ["mine.tar"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    removed = backup.prune(tmp_path, 2)
    assert [p.name for p in removed] == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[3:])
