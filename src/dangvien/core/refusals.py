"""Audit rows for refused attempts whose transaction is rolled back.

A service that refuses inside a transaction cannot write its audit row there: the
rollback would take it away. It notes the attempt here instead; the request's end
(`RefusalAuditMiddleware`) or the command's end (`flush`) writes the notes, each as its
own audit row, after the refused transaction is gone.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

_notes: ContextVar[list[dict[str, Any]] | None] = ContextVar("dv_refusals", default=None)


def note(*, by, action: str, object_type: str, after: dict[str, Any], unit_path: str = "") -> None:
    pending = _notes.get()
    if pending is None:
        pending = []
        _notes.set(pending)
    pending.append({"by": by, "action": action, "object_type": object_type, "after": after,
                    "unit_path": unit_path})


def flush() -> int:
    """Write the noted refusals (outside any transaction); return how many."""
    from dangvien.audit.services import audit_record

    pending = _notes.get()
    _notes.set(None)
    for item in pending or []:
        audit_record(**item)
    return len(pending or [])


class RefusalAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _notes.set(None)
        try:
            return self.get_response(request)
        finally:
            flush()
