"""Writing and verifying the audit trail.

Every service that writes calls `audit_record` inside its own transaction, so the
change and its audit row commit or roll back together.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from dangvien.core.fragments import area_of, bump

from . import chain
from .chain import GENESIS, canonical
from .models import AuditEvent, AuditHead

__all__ = ["GENESIS", "MASKED_FIELDS", "SECRET_FIELDS", "VerifyResult", "audit_command",
           "audit_export", "audit_head", "audit_mark_restored", "audit_record", "audit_report",
           "audit_verify", "mask", "snapshot"]

#: Fields never copied into the trail in clear (personal data that is secret).
MASKED_FIELDS = frozenset({"cccd", "home_address"})
#: Fields never copied into the trail at all (a password hash, a second-factor key).
SECRET_FIELDS = frozenset({"password", "key", "token"})

#: The management command running in this process ("import"), for rows written without a
#: user: a process-wide value, not a context variable, because the import's PostgreSQL
#: writer records from its own thread.
_command = ""


@contextlib.contextmanager
def audit_command(name: str) -> Iterator[None]:
    """Rows recorded without a user inside this block name the command ("dòng lệnh: import")."""
    global _command
    previous, _command = _command, name
    try:
        yield
    finally:
        _command = previous


_canonical = canonical  # the name other modules and tests used


def mask(field: str, value: Any) -> Any:
    if field in MASKED_FIELDS and value:
        text = str(value)
        return text[:3] + "*" * max(len(text) - 5, 0) + text[-2:]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited state of a row: concrete fields, foreign keys as ids, secrets masked."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"created_at", "updated_at", "row_version"} or field.name in SECRET_FIELDS:
            continue
        value = getattr(obj, field.attname)
        data[field.name] = mask(field.name, value)
    return json.loads(_canonical(data))


def _row_hash(prev_hash: str, event: AuditEvent) -> str:
    return chain.row_hash(prev_hash, event)


def _actor_name(by, user) -> str:
    if user is not None:
        return getattr(by, "username", "")
    if by:
        return str(by)
    return f"dòng lệnh: {_command}" if _command else "hệ thống"


def _log_head(entry: dict) -> None:
    """After commit only: a row rolled back never reaches the head log."""
    transaction.on_commit(lambda: chain.head_log_append(entry))


def audit_record(
    *,
    by,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = "",
    before: dict | None = None,
    after: dict | None = None,
    unit_path: str = "",
) -> AuditEvent:
    """Append one row to the trail; call inside the writing service's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"epoch": secrets.token_hex(8)})
        if not head.epoch:  # a chain from before the head log
            head.epoch = secrets.token_hex(8)
        prev = head.last_hash or GENESIS
        user = by if getattr(by, "pk", None) else None
        event = AuditEvent(
            at=timezone.now(),
            actor=user,
            actor_name=_actor_name(by, user),
            action=action,
            object_type=object_type or "",
            object_id=str(object_id or ""),
            unit_path=unit_path,
            before=json.loads(_canonical(before)) if before is not None else None,
            after=json.loads(_canonical(after)) if after is not None else None,
            prev_hash=prev,
        )
        event.hash = _row_hash(prev, event)
        event.save()
        head.last_id = event.pk
        head.last_hash = event.hash
        head.count += 1
        head.save()
        _log_head({"db": head.epoch, "id": event.pk, "hash": event.hash, "n": head.count,
                   "at": event.at.isoformat()})
        # Same transaction as the write: cached fragments keyed by the data version
        # become unreachable exactly when the write commits (core.fragments).
        area = area_of(action=action, object_type=event.object_type)
        if area is not None:
            bump(area)
    return event



def audit_refusal(*, by, action: str, target, reason: str, detail: dict | None = None,
                  object_type: str = "auth.user") -> None:
    """Write one row for a refused attempt (`<action>.refused`), outside the refused
    transaction; `target` is the object the attempt was about (or None)."""
    audit_record(
        by=by, action=f"{action}.refused", object_type=object_type,
        object_id=getattr(target, "pk", "") or "",
        after={"reason": reason[:300], **(detail or {})},
    )


def audit_head() -> dict[str, Any]:
    """The chain's newest row as the database has it: {"id", "hash", "count"} (and "epoch").

    For backups: a backup whose head verifies is a backup of an intact trail."""
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        return {"id": 0, "hash": "", "count": 0, "epoch": ""}
    return {"id": head.last_id, "hash": head.last_hash, "count": head.count, "epoch": head.epoch}


def audit_mark_restored() -> dict[str, Any]:
    """After a database was restored from a backup: say so in the head log.

    The log then holds lines for rows newer than the restored chain; a "restored" line
    makes the restored head the new minimum, so verify does not take the restore for
    deleted rows. Only whoever can write the log (the operator) can do this."""
    head = audit_head()
    chain.head_log_append({"db": head["epoch"], "id": head["id"], "hash": head["hash"],
                           "n": head["count"], "at": timezone.now().isoformat(),
                           "restored": True})
    return head


def audit_export(*, by, kind: str, export: Any, rows: int,
                 params: Mapping[str, str] | None = None, via: str = "web") -> AuditEvent:
    """One row per list exported to a file (personal data leaving the system).

    `export` is the exchange `Export` that was written: its title and scope line name
    the list, the unit and the date; `params` are the page's parameters."""
    from dangvien.org.models import OrgUnit

    params = {k: str(v)[:200] for k, v in (params or {}).items()}
    code = params.get("don-vi", "")
    unit_path = ""
    if code:
        unit_path = OrgUnit.objects.filter(code=code).values_list("path", flat=True).first() or ""
    return audit_record(
        by=by, action="export.list", object_type="exchange.export", object_id=kind,
        unit_path=unit_path,
        after={"kind": kind, "title": getattr(export, "title", ""),
               "scope": getattr(export, "scope_line", ""), "unit": code,
               "as_of": params.get("ngay", ""), "params": params, "rows": rows,
               "file": getattr(export, "filename", ""), "via": via},
    )


def audit_report(*, by, kind: str, unit, as_of, fmt: str, title: str = "", file: str = "",
                 detail: Mapping[str, Any] | None = None, via: str = "web") -> AuditEvent:
    """One row per report handed out as a file (báo cáo tải về, or written by `dangvien
    report`): which report (`kind`), of which unit, as of which day, in which format.

    `as_of` is a date (None for a report by year); `detail` names what else picks the
    report out (the plan's number and id, the year)."""
    return audit_record(
        by=by, action="export.report", object_type="reports.report", object_id=kind,
        unit_path=unit.path,
        after={"kind": kind, "title": title, "unit": unit.code,
               "as_of": as_of.isoformat() if as_of else "", "format": fmt, "file": file,
               "via": via, **(detail or {})},
    )


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    message: str
    bad_id: int | None = None
    #: What verify could not vouch for, or what an operator should know (Vietnamese).
    notes: list[str] = dataclass_field(default_factory=list)


def _fail(checked: int, message: str, bad_id: int | None, notes: list[str]) -> VerifyResult:
    return VerifyResult(False, checked, message, bad_id, notes)


def _chain_floor(entries: list[dict], epoch: str) -> tuple[dict[int, dict], dict | None]:
    """The head log's lines for this chain: the hash logged for each row id, and the
    newest line, below which the chain may not end. A "restored" line starts afresh."""
    logged: dict[int, dict] = {}
    floor = None
    for entry in entries:
        if entry.get("db") != epoch or not isinstance(entry.get("id"), int):
            continue
        if entry.get("restored"):
            logged = {}
        logged[entry["id"]] = entry
        if floor is None or entry.get("restored") or entry["id"] >= floor["id"]:
            floor = entry
    return logged, floor


def audit_verify() -> VerifyResult:
    """Walk the chain in order; report the first row that was changed, removed or forged.

    Checks each row's link and HMAC, the row count against `AuditHead`, and the chain
    against the head log outside the database (rows it logged must still be there, with
    the same hash)."""
    notes: list[str] = []
    # The log before the rows: everything it holds was committed before the walk starts.
    entries, bad_lines = chain.head_log_read()
    if bad_lines:
        notes.append(f"Sổ đầu chuỗi có {bad_lines} dòng không đọc được (bỏ qua).")
    head = AuditHead.objects.filter(id=1).first()
    epoch = head.epoch if head is not None else ""
    logged, floor = _chain_floor(entries, epoch) if epoch else ({}, None)
    key = chain.audit_key()

    prev = GENESIS
    checked = 0
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return _fail(checked, f"Dòng nhật ký #{event.pk}: không nối tiếp dòng trước "
                                  "(một dòng phía trước đã bị xóa hoặc sửa).", event.pk, notes)
        if chain.row_hash(prev, event, key) != event.hash:
            return _fail(checked, f"Dòng nhật ký #{event.pk}: nội dung hoặc mã băm không khớp "
                                  "khóa của nhật ký (dòng bị sửa, thêm hoặc tính lại mã băm "
                                  "ngoài phần mềm).", event.pk, notes)
        seen = logged.get(event.pk)
        if seen is not None and seen.get("hash") != event.hash:
            return _fail(checked, f"Dòng nhật ký #{event.pk}: mã băm khác với sổ đầu chuỗi "
                                  "(dòng này hoặc các dòng trước nó đã bị xóa, thay hoặc tính "
                                  "lại mã băm).", event.pk, notes)
        prev = event.hash
        last_id = event.pk
        checked += 1

    if head is not None and (head.last_hash != (prev if checked else "") or head.count != checked):
        return _fail(checked, f"Chuỗi nhật ký dừng ở dòng #{last_id} nhưng đã ghi {head.count} "
                              f"dòng, dòng cuối #{head.last_id}: các dòng cuối đã bị xóa.",
                     head.last_id, notes)
    if head is None and checked:
        return _fail(checked, "Thiếu dòng đầu chuỗi (AuditHead) dù nhật ký có "
                              f"{checked} dòng: đầu chuỗi đã bị xóa.", None, notes)
    if floor is not None and (floor["id"] > last_id or floor.get("n", 0) > checked):
        missing = min((i for i in logged if i > last_id), default=floor["id"])
        return _fail(checked, f"Sổ đầu chuỗi ghi nhật ký đã dài {floor.get('n')} dòng, đến dòng "
                              f"#{floor['id']} (lúc {floor.get('at', '?')}), nay chỉ còn "
                              f"{checked} dòng, đến #{last_id}: từ dòng #{missing} trở đi đã bị "
                              "xóa.", missing, notes)
    if entries and checked and floor is None:
        return _fail(checked, "Sổ đầu chuỗi không có dòng nào của chuỗi nhật ký này "
                              f"(mã chuỗi '{epoch}'): đầu chuỗi đã bị thay bằng SQL, hoặc cơ sở "
                              "dữ liệu không phải cơ sở dữ liệu đã ghi sổ này.", head and head.last_id,
                     notes)
    others = {e["db"] for e in entries if e.get("db") != epoch}
    if others:
        notes.append(f"Sổ đầu chuỗi còn ghi {len(others)} chuỗi nhật ký trước đây (cơ sở dữ "
                     "liệu đã được tạo lại hoặc xóa trắng); chỉ chuỗi hiện tại được đối chiếu.")
    if floor is None and checked:
        notes.append(f"Sổ đầu chuỗi ({chain.head_log_path()}) chưa có dòng nào của chuỗi này: "
                     "chỉ kiểm tra được trong cơ sở dữ liệu.")
    return VerifyResult(True, checked, f"Nhật ký toàn vẹn: {checked} dòng đã kiểm tra.",
                        notes=notes)
