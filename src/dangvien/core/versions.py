"""Two people at once: an edit is refused when the record changed since it was loaded.

Every domain row has a `row_version` (`core.models.BaseModel`) that each save raises by
one. An edit form carries a *version token* (`token(obj)`): the row's version and the
moment the page was made. The service, inside its transaction and after locking the row,
calls `check(obj, token)`; when the row's version is no longer the token's, it raises
`StaleRecord` naming who changed what and when (read from the audit trail, everything
recorded on the row after the page was made). The view shows that and keeps the user's
input, with a fresh token, so one more click re-applies it on purpose.

A write without a token (the command line, an import, an old API client) is not
checked: it has no page that could be stale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from dangvien.core import vn
from dangvien.core.errors import DomainError

#: Name of the hidden field every edit form carries.
FIELD = "phien_ban"


def token(obj: models.Model | None, *, at: dt.datetime | None = None) -> str:
    """The version token of `obj` as loaded now: "<row_version>.<unix microseconds>"."""
    if obj is None:
        return ""
    at = at or timezone.now()
    return f"{getattr(obj, 'row_version', 1) or 1}.{int(at.timestamp() * 1_000_000)}"


def parse(value: str | None) -> tuple[int, dt.datetime] | None:
    """(version, loaded_at) from a token; None for no token. A forged token is refused."""
    if value is None or value == "":
        return None
    version, _, micros = str(value).partition(".")
    try:
        number, stamp = int(version), int(micros or 0)
        loaded_at = dt.datetime.fromtimestamp(stamp / 1_000_000, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise DomainError("Trang đã cũ hoặc bị sửa: hãy tải lại trang rồi nhập lại.",
                          code="stale") from None
    if number < 1:
        raise DomainError("Trang đã cũ hoặc bị sửa: hãy tải lại trang rồi nhập lại.",
                          code="stale")
    return number, loaded_at


@dataclass
class Change:
    """One change recorded on the row after the page was loaded."""

    who: str
    at: dt.datetime
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)
    reason: str = ""

    @property
    def line(self) -> str:
        what = "; ".join(f"{label}: {old or '(trống)'} → {new or '(trống)'}"
                         for label, old, new in self.fields)
        when = timezone.localtime(self.at).strftime("%H:%M ngày %d/%m/%Y")
        line = f"{self.who} lúc {when}" + (f": {what}" if what else "")
        return line + (f". Lý do: {self.reason}" if self.reason else "")


class StaleRecord(DomainError):
    """Bản ghi đã bị người khác sửa: the save was refused, nothing was written."""

    def __init__(self, obj: models.Model, changes: list[Change], *, what: str = ""):
        self.obj = obj
        self.changes = changes
        self.fresh_token = token(obj)
        what = what or str(obj._meta.verbose_name)
        if changes:
            last = changes[-1]
            who = f"{last.who} lúc {timezone.localtime(last.at).strftime('%H:%M ngày %d/%m/%Y')}"
        else:
            who = "một người khác"
        super().__init__(
            f"Không lưu: {what} đã được {who} sửa sau khi bạn mở trang. Nội dung bạn nhập "
            "vẫn còn dưới đây; xem thay đổi của họ, sửa nếu cần rồi bấm lưu lần nữa.",
            code="stale")


#: Labels of audited keys that are not fields of the row.
LABELS = {"allocations": "chỉ tiêu giao", "note": "ghi chú"}


def _label(model: type[models.Model], name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a key that is not a field (a list, a note)
        return name.replace("_", " ")


def _shown(model: type[models.Model], name: str, value) -> str:
    """A stored value as the pages show it: a choice by its label, a date as dd/mm/yyyy."""
    try:
        choices = dict(model._meta.get_field(name).flatchoices or ())
    except Exception:  # noqa: BLE001 - not a field
        choices = {}
    if isinstance(value, str | int) and value in choices:
        return str(choices[value])
    return _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return vn.format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def changes_since(obj: models.Model, loaded_at: dt.datetime | None, *,
                  object_type: str | None = None, actions: tuple[str, ...] = (),
                  limit: int = 20) -> list[Change]:
    """What the audit trail recorded on `obj` after `loaded_at` (None: ever), oldest first;
    `actions` keeps only those actions. Also the record's visible correction history."""
    from dangvien.audit.models import AuditEvent

    events = AuditEvent.objects.filter(object_type=object_type or obj._meta.label_lower,
                                       object_id=str(obj.pk))
    if loaded_at is not None:
        events = events.filter(at__gt=loaded_at)
    if actions:
        events = events.filter(action__in=actions)
    events = events.exclude(action__endswith=".refused").order_by("-id")[:limit]
    out = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        if not isinstance(before, dict):
            before = {}
        if not isinstance(after, dict):
            after = {}
        keys = [k for k in after if k in before and before.get(k) != after.get(k)
                and k not in {"row_version", "reason"}]
        fields = []
        for k in keys:
            old, new = before.get(k), after.get(k)
            if isinstance(old, dict) and isinstance(new, dict):  # e.g. {unit code: target}
                fields += [(f"{_label(type(obj), k)} {sub}", _text(old.get(sub)),
                            _text(new.get(sub)))
                           for sub in sorted({*old, *new}, key=str) if old.get(sub) != new.get(sub)]
            else:
                fields.append((_label(type(obj), k), _shown(type(obj), k, old),
                               _shown(type(obj), k, new)))
        fields = fields[:8]
        out.append(Change(who=event.actor_name or "hệ thống", at=event.at,
                          action=event.action, fields=fields,
                          reason=str(after.get("reason") or "")[:500]))
    return out[::-1]


def check(obj: models.Model, value: str | None, *, what: str = "",
          object_type: str | None = None) -> None:
    """Refuse (`StaleRecord`) when `obj` (freshly read, locked) is newer than the token."""
    parsed = parse(value)
    if parsed is None:
        return
    loaded, loaded_at = parsed
    if (getattr(obj, "row_version", 1) or 1) != loaded:
        raise StaleRecord(obj, changes_since(obj, loaded_at, object_type=object_type),
                          what=what)
