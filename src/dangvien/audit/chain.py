"""The hash chain of the audit trail, and the two things it keeps OUTSIDE the database.

- The key. Each row's hash is an HMAC-SHA256 over the row and the previous row's hash,
  with a key that never enters the database: `DANGVIEN_AUDIT_KEY` (environment), or else
  the file `DANGVIEN_AUDIT_KEY_FILE` (default `var/audit_key`, generated once, mode 0600).
  Whoever can write the database but not read the key cannot recompute the chain.
- The head log (sổ đầu chuỗi). One line per committed audit row, appended to the file
  `DANGVIEN_AUDIT_HEAD_LOG` (default `var/audit_head.log`) after the transaction commits:
  the chain's epoch, the row's id and hash, the chain's length. Whoever deletes the newest
  rows and fixes `AuditHead` by SQL cannot shorten the log.

Version 1 of the row payload is frozen: migration 0002 re-signs older rows with it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

GENESIS = "0" * 64
KEY_ENV = "DANGVIEN_AUDIT_KEY"

_keys: dict[tuple[str, str], bytes] = {}


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=_json_default)


def payload(prev_hash: str, event: Any) -> bytes:
    """The bytes a row's hash covers (version 1): every column but the id and the hash."""
    return canonical(
        {
            "prev": prev_hash,
            "at": event.at.isoformat(),
            "actor": event.actor_id,
            "actor_name": event.actor_name,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "unit_path": event.unit_path,
            "before": event.before,
            "after": event.after,
        }
    ).encode()


def legacy_hash(prev_hash: str, event: Any) -> str:
    """Plain SHA-256, as rows were chained before the key (kept for the upgrade only)."""
    return hashlib.sha256(payload(prev_hash, event)).hexdigest()


def row_hash(prev_hash: str, event: Any, key: bytes | None = None) -> str:
    return hmac.new(key or audit_key(), payload(prev_hash, event), hashlib.sha256).hexdigest()


def key_file() -> Path:
    return Path(getattr(settings, "DANGVIEN_AUDIT_KEY_FILE", settings.VAR_DIR / "audit_key"))


def key_from_env() -> bool:
    return bool(os.environ.get(KEY_ENV, "").strip())


def audit_key() -> bytes:
    """The chain's key: the environment variable, else the key file (made once if absent).

    Production without either still starts (the file is made, and a warning says so):
    the key must then be backed up with the head log, apart from the database.
    """
    env = os.environ.get(KEY_ENV, "").strip()
    path = key_file()
    cache = (env, str(path))
    if cache in _keys:
        return _keys[cache]
    if env:
        key = env.encode()
    else:
        if not path.exists():
            _create_key_file(path)
        key = path.read_text().strip().encode()
        if not key:
            raise RuntimeError(f"Tệp khóa nhật ký {path} trống.")
    _keys[cache] = key
    return key


def _create_key_file(path: Path) -> None:
    """Write a new random key atomically: two processes starting together agree on one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".audit_key.")
    try:
        os.write(fd, secrets.token_hex(32).encode())
        os.fchmod(fd, 0o600)
        os.close(fd)
        try:
            os.link(tmp, path)  # fails if another process made it first: keep theirs
        except FileExistsError:
            return
    finally:
        os.unlink(tmp)
    level = logging.WARNING if getattr(settings, "PRODUCTION", False) else logging.INFO
    log.log(level, "Đã tạo khóa mới cho nhật ký thay đổi tại %s: hãy sao lưu tệp này riêng, "
                   "không cùng nơi với cơ sở dữ liệu.", path)


# --- the head log -----------------------------------------------------------------------


def head_log_path() -> Path:
    return Path(getattr(settings, "DANGVIEN_AUDIT_HEAD_LOG", settings.VAR_DIR / "audit_head.log"))


def head_log_append(entry: dict) -> None:
    """Append one line (one write in append mode; no fsync: the log is a lower bound)."""
    path = head_log_path()
    line = canonical(entry) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
    except OSError as exc:
        # The row is committed already; failing the request would not undo it.
        log.error("Không ghi được sổ đầu chuỗi nhật ký %s: %s", path, exc)


def head_log_read() -> tuple[list[dict], int]:
    """Every well-formed line of the head log, in order, and how many lines were not."""
    path = head_log_path()
    entries: list[dict] = []
    bad = 0
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    bad += 1
                    continue
                if isinstance(entry, dict) and isinstance(entry.get("db"), str):
                    entries.append(entry)
                else:
                    bad += 1
    except FileNotFoundError:
        pass
    return entries, bad
