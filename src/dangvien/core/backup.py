"""Backups that restore (sao lưu và khôi phục): one archive, checked before it is used.

An archive is an uncompressed tar holding, in this order:

- ``manifest.json``: format version, time, engine, applied migrations, dangvien version,
  the audit chain's head and length, row counts of every table, sha256 and size of every
  other member;
- ``database.sqlite3`` (SQLite, copied by the online backup API) or ``database.pgdump``
  (PostgreSQL, ``pg_dump --format=custom``);
- ``imports/...``: the uploaded files (settings.DANGVIEN_IMPORT_DIR).

The database copy is one consistent snapshot taken while the server keeps writing, and
the manifest is read from that same snapshot (SQLite: from the copy itself; PostgreSQL:
from the transaction whose snapshot pg_dump imports), so the audit head it records is
exactly the one in the dump. No key is ever put in an archive: the secret key and the
audit key are backed up separately.

A restore checks every member against the manifest before it changes anything, refuses
an archive from the other engine or from a newer code base, refuses a database that
already holds data unless forced, and ends with the audit verification.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from dangvien.core import vn

FORMAT = "dangvien-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
IMPORTS = "imports"
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
#: Default archive names, also what `--keep` prunes.
NAME_RE = re.compile(r"^dangvien-\d{8}-\d{6}\.tar$")
CHUNK = 1 << 20

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the user, in Vietnamese."""


@dataclass
class BackupResult:
    path: Path
    size: int
    manifest: dict[str, Any]
    pruned: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    audit_ok: bool
    audit_message: str
    pending_migrations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- helpers -------------------------------------------------------------------------


def _quiet(message: str) -> None:
    pass


def engine() -> str:
    """'sqlite' or 'postgresql': the configured database's engine."""
    name = settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"]
    if name.endswith("sqlite3"):
        return "sqlite"
    if name.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {name}.")


def _var_dir() -> Path:
    return Path(getattr(settings, "VAR_DIR", Path.cwd() / "var"))


def imports_dir() -> Path:
    return Path(getattr(settings, "DANGVIEN_IMPORT_DIR", _var_dir() / "imports"))


def _chain():
    """The audit app's key and head-log module, when this version has one."""
    try:
        from dangvien.audit import chain
    except ImportError:
        return None
    return chain


def audit_key_path() -> Path:
    """Where the audit key lives (never put in an archive)."""
    return Path(getattr(settings, "DANGVIEN_AUDIT_KEY_FILE", _var_dir() / "audit_key"))


def head_log_path() -> Path | None:
    """Where the audit head log lives (kept outside the database and the archive)."""
    chain = _chain()
    return chain.head_log_path() if chain is not None and hasattr(chain, "head_log_path") \
        else None


def _audit_key_present() -> bool:
    chain = _chain()
    if chain is None or not hasattr(chain, "audit_key"):
        return True  # a chain without a key: nothing to bring
    env = getattr(chain, "KEY_ENV", "DANGVIEN_AUDIT_KEY")
    return bool(os.environ.get(env, "").strip()) or audit_key_path().exists()


def audit_key_id() -> str | None:
    """A fingerprint of the audit key (an HMAC of a fixed text: it reveals nothing of the
    key), so a restore can tell before changing anything whether the key here is the one
    the chain was signed with. None when there is no key (none is ever created here)."""
    chain = _chain()
    if chain is None or not hasattr(chain, "audit_key") or not _audit_key_present():
        return None
    return hmac.new(chain.audit_key(), b"dangvien-backup-key-id", hashlib.sha256).hexdigest()[:16]


def default_output(now: dt.datetime | None = None) -> Path:
    now = timezone.localtime(now or timezone.now())
    return _var_dir() / "backups" / f"dangvien-{now:%Y%m%d-%H%M%S}.tar"


def size_text(size: int) -> str:
    if size < 1024:
        return f"{vn.format_number(size)} byte"
    if size < 1024 * 1024:
        return f"{vn.format_number(size / 1024, 1)} KB"
    return f"{vn.format_number(size / 1024 / 1024, 1)} MB"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dangvien")
    except PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sqlite_name() -> str:
    name = str(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"])
    if name == ":memory:" or name.startswith("file::memory:") or "mode=memory" in name:
        raise BackupError("Cơ sở dữ liệu SQLite nằm trong bộ nhớ: không có gì để sao lưu "
                          "hay khôi phục.")
    return name


def _audit_tables() -> tuple[str, str]:
    from dangvien.audit.models import AuditEvent, AuditHead

    return AuditEvent._meta.db_table, AuditHead._meta.db_table


def _read_state(cursor, tables: list[str], quote: Callable[[str], str]) -> dict[str, Any]:
    """Migrations, audit chain and row counts, through any DB-API cursor in one snapshot."""
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    events, head = _audit_tables()
    audit: dict[str, Any] = {"count": 0, "last_id": 0, "last_hash": "",
                             "head": None}
    if events in tables:
        cursor.execute(f"SELECT COUNT(*), MAX(id) FROM {quote(events)}")  # noqa: S608
        count, last_id = cursor.fetchone()
        audit["count"], audit["last_id"] = int(count), int(last_id or 0)
        if last_id:
            cursor.execute(f"SELECT hash FROM {quote(events)} WHERE id = {int(last_id)}")  # noqa: S608
            audit["last_hash"] = cursor.fetchone()[0]
    if head in tables:
        # Every column of the head row (the audit app may add some, e.g. the chain's epoch).
        cursor.execute(f"SELECT * FROM {quote(head)} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
        if row is not None:
            columns = [d[0] for d in cursor.description]
            audit["head"] = {c: (int(v) if c in ("last_id", "count") else v)
                             for c, v in zip(columns, row, strict=True) if c != "id"}
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return {"migrations": migrations, "audit": audit, "tables": counts}


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").fetchall()
    return [r[0] for r in rows]


# --- PostgreSQL tools ----------------------------------------------------------------


def pg_tool(name: str) -> str:
    """Path of pg_dump / pg_restore (DANGVIEN_PG_BINDIR first, then PATH)."""
    bindir = os.environ.get("DANGVIEN_PG_BINDIR", "")
    found = shutil.which(name, path=bindir) if bindir else shutil.which(name)
    if not found:
        raise BackupError(
            f"Không tìm thấy chương trình {name} của PostgreSQL. Hãy cài gói "
            "postgresql-client cùng phiên bản với máy chủ hoặc mới hơn "
            "(sudo apt-get install -y postgresql-client), hoặc đặt DANGVIEN_PG_BINDIR "
            f"là thư mục chứa {name} (ví dụ /usr/lib/postgresql/15/bin)."
        )
    return found


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES[DEFAULT_DB_ALIAS]
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("NAME", "PGDATABASE"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                     ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY"),
                     ("connect_timeout", "PGCONNECT_TIMEOUT")):
        if options.get(key):
            env[var] = str(options[key])
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env


def _run_pg(args: list[str], what: str) -> None:
    try:
        done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True,  # noqa: S603
                              check=False)
    except OSError as exc:
        raise BackupError(f"Không chạy được {what}: {exc}.") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        hint = ""
        if "version mismatch" in detail:
            hint = (" Phiên bản của công cụ cũ hơn máy chủ: cài postgresql-client mới hơn "
                    "hoặc đặt DANGVIEN_PG_BINDIR.")
        raise BackupError(f"{what} báo lỗi (mã {done.returncode}): {detail}.{hint}")


# --- backup --------------------------------------------------------------------------


def _dump_sqlite(dest: Path) -> dict[str, Any]:
    source_name = _sqlite_name()
    if not Path(source_name).exists():
        raise BackupError(f"Không thấy tệp cơ sở dữ liệu {source_name}.")
    src = sqlite3.connect(source_name, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        # One step (pages=-1): the copy is one read transaction, a consistent snapshot;
        # in WAL mode the server's writers go on meanwhile.
        src.backup(dst, pages=-1)
        # The copy stands alone: no -wal/-shm files needed to read it.
        dst.execute("PRAGMA journal_mode=DELETE")
        return _read_state(dst.cursor(), _sqlite_tables(dst), _sqlite_quote)
    except sqlite3.Error as exc:
        raise BackupError(f"Không sao lưu được cơ sở dữ liệu SQLite: {exc}.") from exc
    finally:
        dst.close()
        src.close()


def _dump_postgresql(dest: Path) -> dict[str, Any]:
    pg_dump = pg_tool("pg_dump")
    conn = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        conn.ensure_connection()
        conn.set_autocommit(False)
        with conn.cursor() as cursor:
            # The manifest is read in the transaction whose snapshot pg_dump imports:
            # both see exactly the same committed data.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            state = _read_state(cursor, conn.introspection.table_names(cursor),
                                conn.ops.quote_name)
            _run_pg([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password",
                     f"--file={dest}"], "pg_dump")
            cursor.execute("SHOW server_version")
            state["server_version"] = cursor.fetchone()[0]
        conn.rollback()
        return state
    finally:
        conn.close()


def _copy_imports(staging: Path) -> list[Path]:
    """Copy the uploaded files into staging/imports; a file deleted meanwhile is skipped."""
    root = imports_dir()
    copied: list[Path] = []
    if not root.is_dir():
        return copied
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        target = staging / IMPORTS / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, target)
        except FileNotFoundError:  # removed by the clean-up job while we walk
            continue
        copied.append(target)
    return copied


def _tar_add(tar: tarfile.TarFile, path: Path, name: str) -> None:
    info = tar.gettarinfo(str(path), arcname=name)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    with path.open("rb") as f:
        tar.addfile(info, f)


def backup_create(*, output: Path | None = None, keep: int | None = None,
                  progress: Progress = _quiet) -> BackupResult:
    """Write one archive of the database and the uploaded files; return where and what."""
    kind = engine()
    output = Path(output) if output else default_output()
    if output.exists() and output.is_dir():
        raise BackupError(f"{output} là một thư mục: hãy ghi tên tệp, ví dụ {output}/dangvien.tar.")
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    created_at = timezone.now()
    staging = Path(tempfile.mkdtemp(prefix=".dangvien-backup-", dir=output.parent))
    partial = output.with_name(f".{output.name}.part")
    try:
        db_file = staging / DB_MEMBER[kind]
        if kind == "sqlite":
            progress(f"Đang chép cơ sở dữ liệu SQLite {_sqlite_name()}…")
            state = _dump_sqlite(db_file)
        else:
            db = settings.DATABASES[DEFAULT_DB_ALIAS]
            progress(f"Đang chép cơ sở dữ liệu PostgreSQL {db.get('NAME')} bằng pg_dump…")
            state = _dump_postgresql(db_file)
        progress(f"Đã chép cơ sở dữ liệu: {size_text(db_file.stat().st_size)}.")
        files = _copy_imports(staging)
        progress(f"Đã chép {vn.format_number(len(files))} tệp đã tải lên "
                 f"({size_text(sum(f.stat().st_size for f in files))}).")
        members = [db_file, *files]
        names = [p.relative_to(staging).as_posix() for p in members]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created_at.isoformat(),
            "dangvien_version": _version(),
            "database": {"engine": kind, "member": DB_MEMBER[kind],
                         **({"server_version": state["server_version"]}
                            if "server_version" in state else {})},
            "migrations": state["migrations"],
            "audit": state["audit"],
            "tables": state["tables"],
            "members": {name: {"sha256": _sha256(path), "size": path.stat().st_size}
                        for name, path in zip(names, members, strict=True)},
            "audit_key_id": audit_key_id(),
            "not_included": ["secret_key", "audit_key", "audit_head_log"],
        }
        manifest_file = staging / MANIFEST
        manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                _tar_add(tar, manifest_file, MANIFEST)
                for name, path in zip(names, members, strict=True):
                    _tar_add(tar, path, name)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    pruned = prune(output.parent, keep) if keep else []
    return BackupResult(output, output.stat().st_size, manifest, pruned)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest default-named archives in `folder`."""
    archives = sorted(p for p in folder.iterdir() if NAME_RE.match(p.name) and p.is_file())
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


# --- reading and checking an archive ---------------------------------------------------


def _corrupt(path: Path, why: str) -> BackupError:
    return BackupError(f"Tệp sao lưu {path} bị hỏng hoặc không đầy đủ ({why}). "
                       "Không có gì bị thay đổi.")


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or "\\" in name or not name:
        return False
    return name == MANIFEST or name in DB_MEMBER.values() or (
        len(pure.parts) > 1 and pure.parts[0] == IMPORTS)


def _check_manifest(path: Path, manifest: Any) -> dict[str, Any]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"Tệp {path} không phải bản sao lưu của dangvien.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(f"Bản sao lưu {path} có định dạng phiên bản {version}, mới hơn "
                          "phiên bản dangvien này đọc được: hãy cập nhật dangvien trước.")
    members = manifest.get("members")
    database = manifest.get("database")
    if not isinstance(members, dict) or not isinstance(database, dict):
        raise _corrupt(path, "bản kê thiếu danh sách tệp")
    if database.get("member") not in members or database.get("engine") not in DB_MEMBER:
        raise _corrupt(path, "bản kê thiếu tệp cơ sở dữ liệu")
    return manifest


def archive_extract(path: Path, into: Path) -> dict[str, Any]:
    """Extract `path` into `into`, checking every member against the manifest.

    Raises BackupError on anything unexpected: not a tar, truncated, a member missing,
    changed, unlisted or with an unsafe name.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Không thấy tệp sao lưu {path}.")
    manifest: dict[str, Any] | None = None
    seen: set[str] = set()
    try:
        with tarfile.open(path, mode="r:") as tar:
            for info in tar:
                name = info.name
                if manifest is None:
                    if name != MANIFEST or not info.isfile() or info.size > 50 * CHUNK:
                        raise BackupError(f"Tệp {path} không phải bản sao lưu của dangvien "
                                          "(thiếu bản kê manifest.json ở đầu).")
                    raw = tar.extractfile(info).read()
                    try:
                        manifest = _check_manifest(path, json.loads(raw.decode("utf-8")))
                    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                        raise _corrupt(path, "bản kê không đọc được") from exc
                    continue
                expected = manifest["members"].get(name)
                if not info.isfile() or not _safe_name(name) or expected is None:
                    raise _corrupt(path, f"có tệp lạ không ghi trong bản kê: {name}")
                if name in seen:
                    raise _corrupt(path, f"tệp {name} xuất hiện hai lần")
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                source = tar.extractfile(info)
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                if size != expected.get("size") or digest.hexdigest() != expected.get("sha256"):
                    raise _corrupt(path, f"nội dung tệp {name} không khớp mã băm trong bản kê")
                seen.add(name)
    except (tarfile.TarError, EOFError) as exc:
        raise _corrupt(path, f"không đọc được tệp tar: {exc}") from exc
    except OSError as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {path}: {exc}.") from exc
    if manifest is None:
        raise _corrupt(path, "tệp rỗng")
    missing = sorted(set(manifest["members"]) - seen)
    if missing:
        raise _corrupt(path, f"thiếu {len(missing)} tệp, ví dụ {missing[0]}")
    return manifest


# --- restore -------------------------------------------------------------------------


def database_contents() -> list[str]:
    """What the configured database already holds (Vietnamese phrases); [] when empty."""
    from django.contrib.auth import get_user_model

    from dangvien.audit.models import AuditEvent
    from dangvien.org.models import OrgUnit
    from dangvien.people.models import Person

    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    found = []
    for model, label in ((OrgUnit, "tổ chức đảng"), (get_user_model(), "tài khoản"),
                         (Person, "người"), (AuditEvent, "dòng nhật ký")):
        if model._meta.db_table in tables:
            count = model._base_manager.count()
            if count:
                found.append(f"{vn.format_number(count)} {label}")
    return found


def _unknown_migrations(manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(applied in the backup but unknown here, known here but not applied in the backup)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    applied = {f"{app}.{name}" for app, names in (manifest.get("migrations") or {}).items()
               for name in names}
    return sorted(applied - known), sorted(known - applied)


def _restore_sqlite(db_file: Path) -> None:
    target = Path(_sqlite_name())
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        # The backup API in reverse: the whole database is replaced in one write
        # transaction of the destination; a connection the server still holds sees the
        # new content at its next statement, never half of it.
        src.backup(dst, pages=-1)
    except sqlite3.Error as exc:
        raise BackupError(f"Không khôi phục được cơ sở dữ liệu SQLite {target}: {exc}. "
                          "Cơ sở dữ liệu không bị thay đổi.") from exc
    finally:
        dst.close()
        src.close()


def _restore_postgresql(db_file: Path) -> None:
    pg_restore = pg_tool("pg_restore")
    # One transaction: either everything is restored or nothing changes.
    _run_pg([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-acl",
             "--single-transaction", "--exit-on-error", "--no-password",
             f"--dbname={settings.DATABASES[DEFAULT_DB_ALIAS]['NAME']}", str(db_file)],
            "pg_restore")


def _swap_imports(staged: Path) -> None:
    root = imports_dir()
    root.parent.mkdir(parents=True, exist_ok=True)
    if not staged.is_dir():
        staged.mkdir(parents=True)
    old = root.with_name(f".{root.name}-before-restore")
    if old.exists():
        shutil.rmtree(old)
    if root.exists():
        os.replace(root, old)
    try:
        shutil.move(str(staged), str(root))
    except BaseException:
        if old.exists() and not root.exists():
            os.replace(old, root)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _check_restored(manifest: dict[str, Any]) -> list[str]:
    """Differences between the restored database and the manifest (audit head, counts)."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        state = _read_state(cursor, [t for t in tables if t in manifest.get("tables", {})],
                            connection.ops.quote_name)
    problems = []
    if state["audit"] != manifest.get("audit"):
        problems.append("đầu chuỗi nhật ký khác bản kê")
    for table, count in (manifest.get("tables") or {}).items():
        if state["tables"].get(table) != count:
            problems.append(f"bảng {table}: {state['tables'].get(table)} dòng, "
                            f"bản kê ghi {count}")
    return problems


def _check_audit_key(manifest: dict[str, Any]) -> None:
    """Refuse, before any change, a restore whose audit chain this key cannot verify."""
    if not (manifest.get("audit") or {}).get("count"):
        return
    if not _audit_key_present():
        raise BackupError(
            f"Chưa có khóa nhật ký: bản sao lưu có nhật ký thay đổi được ký bằng khóa nhật ký, "
            f"mà khóa này được sao lưu riêng. Hãy chép tệp khóa vào {audit_key_path()} "
            "(quyền 600) hoặc đặt biến môi trường DANGVIEN_AUDIT_KEY, rồi chạy lại. "
            "Không có gì bị thay đổi.")
    expected = manifest.get("audit_key_id")
    if expected and audit_key_id() != expected:
        raise BackupError(
            "Khóa nhật ký hiện có (DANGVIEN_AUDIT_KEY hoặc "
            f"{audit_key_path()}) không phải khóa đã ký nhật ký trong bản sao lưu: hãy chép "
            "đúng tệp khóa đã sao lưu riêng cùng thời kỳ, rồi chạy lại. Không có gì bị thay đổi.")


def _mark_restored() -> Path | None:
    """Tell the audit head log that this chain was restored (its older, longer lines no
    longer apply); None when this version keeps no head log."""
    from dangvien.audit import services

    mark = getattr(services, "audit_mark_restored", None)
    if mark is None:
        return None
    mark()
    return head_log_path()


def restore_archive(*, path: Path, force: bool = False,
                    progress: Progress = _quiet) -> RestoreResult:
    """Restore `path` into the configured database and the uploaded-files folder."""
    from django.contrib.contenttypes.models import ContentType

    from dangvien.audit.services import audit_verify

    kind = engine()
    if kind == "sqlite":
        _sqlite_name()
    var = _var_dir()
    var.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dangvien-restore-", dir=var))
    try:
        progress(f"Đang kiểm tra tệp sao lưu {path}…")
        manifest = archive_extract(Path(path), staging)
        source = manifest["database"]["engine"]
        if source != kind:
            raise BackupError(
                f"Bản sao lưu này là của cơ sở dữ liệu {ENGINE_LABEL[source]}, còn hệ thống "
                f"đang dùng {ENGINE_LABEL[kind]}: không khôi phục chéo được. Hãy khôi phục vào "
                f"một cài đặt dùng {ENGINE_LABEL[source]}, hoặc chuyển dữ liệu bằng "
                "dumpdata/loaddata. Không có gì bị thay đổi.")
        newer, pending = _unknown_migrations(manifest)
        if newer:
            raise BackupError(
                f"Bản sao lưu được tạo bởi dangvien {manifest.get('dangvien_version')} với "
                f"{len(newer)} bước chuyển đổi cơ sở dữ liệu mà phiên bản này không có "
                f"(ví dụ {newer[0]}): hãy cập nhật dangvien rồi khôi phục lại. "
                "Không có gì bị thay đổi.")
        _check_audit_key(manifest)
        progress(f"Tệp sao lưu nguyên vẹn: tạo lúc {created_text(manifest)}, "
                 f"{vn.format_number(manifest['audit'].get('count', 0))} dòng nhật ký, "
                 f"{vn.format_number(len(manifest['members']) - 1)} tệp đã tải lên.")
        present = database_contents()
        if present and not force:
            raise BackupError(
                "Cơ sở dữ liệu hiện tại đã có dữ liệu (" + ", ".join(present) + "). "
                "Khôi phục sẽ thay toàn bộ dữ liệu này bằng bản sao lưu; nếu chắc chắn, "
                "hãy sao lưu cơ sở dữ liệu hiện tại trước rồi chạy lại với --force. "
                "Không có gì bị thay đổi.")
        connections.close_all()
        progress("Đang khôi phục cơ sở dữ liệu…")
        db_file = staging / manifest["database"]["member"]
        if kind == "sqlite":
            _restore_sqlite(db_file)
        else:
            _restore_postgresql(db_file)
        connections.close_all()
        ContentType.objects.clear_cache()
        progress("Đang khôi phục các tệp đã tải lên…")
        _swap_imports(staging / IMPORTS)
        problems = _check_restored(manifest)
        if problems:
            raise BackupError("Cơ sở dữ liệu sau khi khôi phục không khớp bản kê: "
                              + "; ".join(problems[:5]) + ".")
        marked = _mark_restored()
        progress("Đang kiểm tra nhật ký thay đổi…")
        result = audit_verify()
        notes = list(getattr(result, "notes", []) or [])
        if marked is not None:
            notes.insert(0, f"Đã ghi việc khôi phục vào sổ đầu chuỗi {marked}.")
        return RestoreResult(manifest, result.ok, result.message, pending, notes)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def created_text(manifest: dict[str, Any]) -> str:
    """When the archive was made, local time, "31/05/2022 17:30:00"."""
    try:
        at = dt.datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError:
        return str(manifest.get("created_at"))
    if timezone.is_naive(at):
        return at.strftime("%d/%m/%Y %H:%M:%S")
    return timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S")


def iter_summary(manifest: dict[str, Any]) -> Iterator[str]:
    """Lines describing an archive's content, for the commands."""
    audit = manifest.get("audit") or {}
    yield (f"Nhật ký thay đổi: {vn.format_number(audit.get('count', 0))} dòng, dòng cuối "
           f"#{audit.get('last_id', 0)}, mã băm cuối {audit.get('last_hash') or '(trống)'}.")
    yield (f"Cơ sở dữ liệu {ENGINE_LABEL.get(manifest['database']['engine'], '?')}: "
           f"{vn.format_number(len(manifest.get('tables') or {}))} bảng, "
           f"{vn.format_number(sum((manifest.get('tables') or {}).values()))} dòng; "
           f"dangvien {manifest.get('dangvien_version')}.")
