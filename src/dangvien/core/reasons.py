"""Lý do sửa: the reason every correction or cancellation of a recorded fact must give.

One rule for every page, import and command: at least `MIN_REASON` characters once the
spaces are normalised, otherwise one Vietnamese message on the "reason" field.
"""

from __future__ import annotations

from typing import Any

from dangvien.core import vn
from dangvien.core.errors import DomainError

#: Shortest reason a correction accepts.
MIN_REASON = 10


def clean_reason(reason: Any, *, what: str = "sửa", example: str = "",
                 message: str | None = None, limit: int | None = None) -> str:
    """The reason, spaces normalised (cut to `limit`); refused when too short to mean much.

    The refusal reads "Hãy ghi lý do <what> (ít nhất 10 ký tự), ví dụ: <example>.", or
    `message` when the caller words it itself."""
    text = vn.normalize_spaces(str(reason or ""))
    if len(text) < MIN_REASON:
        hint = f", ví dụ: {example}" if example else ""
        raise DomainError(message or f"Hãy ghi lý do {what} (ít nhất {MIN_REASON} ký tự){hint}.",
                          field="reason")
    return text[:limit] if limit else text
