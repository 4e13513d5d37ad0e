"""Writing and verifying the audit trail.

Every service that writes calls `audit_record` inside its own transaction, so the
change and its audit row commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent, AuditHead

GENESIS = "0" * 64
#: Fields never copied into the trail in clear (personal data that is secret).
MASKED_FIELDS = frozenset({"cccd"})
#: Fields never copied into the trail at all (a password hash, a second-factor key).
SECRET_FIELDS = frozenset({"password", "key", "token"})


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=_json_default)


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
        if field.name in {"created_at", "updated_at"} or field.name in SECRET_FIELDS:
            continue
        value = getattr(obj, field.attname)
        data[field.name] = mask(field.name, value)
    return json.loads(_canonical(data))


def _row_hash(prev_hash: str, event: AuditEvent) -> str:
    payload = _canonical(
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
    )
    return hashlib.sha256(payload.encode()).hexdigest()


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
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        prev = head.last_hash or GENESIS
        user = by if getattr(by, "pk", None) else None
        event = AuditEvent(
            at=timezone.now(),
            actor=user,
            actor_name=getattr(by, "username", "") if user else str(by or "hệ thống"),
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
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    message: str
    bad_id: int | None = None


def audit_verify() -> VerifyResult:
    """Walk the chain in order; report the first row that was changed or removed."""
    prev = GENESIS
    checked = 0
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return VerifyResult(
                False, checked,
                f"Dòng nhật ký #{event.pk}: không nối tiếp dòng trước "
                "(một dòng phía trước đã bị xóa hoặc sửa).",
                event.pk,
            )
        if _row_hash(prev, event) != event.hash:
            return VerifyResult(
                False, checked, f"Dòng nhật ký #{event.pk}: nội dung đã bị sửa sau khi ghi.",
                event.pk,
            )
        prev = event.hash
        last_id = event.pk
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash != (prev if checked else "") or head.count != checked):
        return VerifyResult(
            False, checked,
            f"Chuỗi nhật ký dừng ở dòng #{last_id} nhưng đã ghi {head.count} dòng, "
            f"dòng cuối #{head.last_id}: các dòng cuối đã bị xóa.",
            head.last_id,
        )
    return VerifyResult(True, checked, f"Nhật ký toàn vẹn: {checked} dòng đã kiểm tra.")
