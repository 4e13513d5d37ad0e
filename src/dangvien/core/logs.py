"""Log output that never carries a citizen ID (số CCCD).

Exceptions can quote the data they failed on: PostgreSQL's unique-violation detail names
the key ("Key (cccd)=(001190012345) already exists"), a validation message may echo a
cell. Every line the project's handlers write goes through `RedactingFormatter`, which
masks each run of exactly 12 digits (a CCCD) and 9 digits (an old CMND) after formatting,
traceback included.
"""

from __future__ import annotations

import logging
import re

_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")
MASK = "[đã ẩn số định danh]"


def redact(text: str) -> str:
    """The text with every 12- or 9-digit number replaced by a mask."""
    return _ID_NUMBER.sub(MASK, text)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
