"""Turning one Excel cell into a value, the way officials fill spreadsheets.

Each converter takes what python-calamine gives (str, int, float, bool, date, datetime)
and returns the clean value, or raises `CellError` with a Vietnamese message saying
what is wrong. Empty cells are None everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from dangvien.core import vn

EXCEL_EPOCH = dt.date(1899, 12, 30)
_SPACES = re.compile(r"\s+")


class CellError(ValueError):
    """A cell that cannot be read; the message is for the user."""


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value) -> str:
    """The value as the user sees it in Excel, for messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return vn.format_date(value.date())
    if isinstance(value, dt.date):
        return vn.format_date(value)
    return str(value).strip()


#: Control characters (NUL…) that no cell of ours should hold.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Characters of a wrong cell a message quotes.
QUOTED = 50


def quoted(value) -> str:
    """The value as a message quotes it: as shown, without control characters (a NUL
    cannot be stored in PostgreSQL, not even in the job's list of problems), cut short."""
    text = CONTROL.sub("", shown(value))
    return text if len(text) <= QUOTED else text[:QUOTED] + "…"


#: What a cell with a control character reads as (PostgreSQL stores no NUL).
CONTROL_MESSAGE = ("ô có ký tự không hợp lệ (ký tự NUL hoặc ký tự điều khiển, thường do sao "
                   "chép từ chương trình khác): hãy gõ lại nội dung ô này.")


def to_text(value) -> str | None:
    if isinstance(value, str):
        if CONTROL.search(value):
            raise CellError(CONTROL_MESSAGE)
        return " ".join(value.split()) or None
    if is_empty(value):
        return None
    return vn.normalize_spaces(shown(value))


def to_date(value) -> dt.date | None:
    """An Excel date, or text written dd/mm/yyyy, d/m/yyyy (also with - or .), or ISO."""
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"'{value}' không phải ngày hợp lệ.")
    if isinstance(value, int | float):
        # A date cell without a date format arrives as its serial number.
        if 1 <= value < 2_958_466 and float(value).is_integer():
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(f"'{quoted(value)}' không phải ngày hợp lệ (nhập theo dạng ngày/tháng/"
                        "năm, ví dụ 31/05/2022).")
    text = str(value).strip()
    if re.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}", text):
        text = text.replace("-", "/")
    try:
        return vn.parse_date(text)
    except ValueError:
        raise CellError(f"'{quoted(text)}' không phải ngày hợp lệ (nhập theo dạng ngày/tháng/"
                        "năm, ví dụ 31/05/2022).") from None


def to_cccd(value) -> str | None:
    """Twelve digits. A number Excel made of it lost its leading zeros: they are put back
    (every CCCD starts with a province code 001–096, so at most two zeros are lost)."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError("Số CCCD phải gồm đúng 12 chữ số.")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"Số CCCD '{value}' không phải số nguyên gồm 12 chữ số.")
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        if 10 <= len(digits) <= 12:
            return digits.zfill(12)
        raise CellError(
            f"Số CCCD phải gồm đúng 12 chữ số; ô này có số {digits} ({len(digits)} chữ số).")
    text = str(value).strip().replace(" ", "")
    if text.startswith("'"):
        text = text[1:]
    if not re.fullmatch(r"\d{12}", text):
        raise CellError(
            "Số CCCD phải gồm đúng 12 chữ số (không có chữ, dấu cách hay dấu chấm); "
            f"giá trị đã nhập '{quoted(value)}' có {len(text)} ký tự.")
    return text


def to_int(value) -> int | None:
    """A whole number; "1.600" is one thousand six hundred, the Vietnamese way."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"'{value}' không phải số nguyên.")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"'{vn.format_number(value, 2)}' không phải số nguyên.")
        return int(value)
    if isinstance(value, int):
        return value
    text = _SPACES.sub("", str(value))
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not re.fullmatch(r"-?\d+", text):
        raise CellError(f"'{quoted(value)}' không phải số nguyên.")
    return int(text)


_TRUE = {"co", "x", "1", "true", "dung", "yes"}
_FALSE = {"khong", "0", "false", "sai", "no"}


def to_bool(value) -> bool | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    key = vn.fold(shown(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"'{quoted(value)}' không hợp lệ: ghi Có hoặc Không.")


class Choices:
    """A list the user picks from (a dropdown in the template): labels shown, values stored.

    Matching ignores case, diacritics and spaces; the stored value is accepted too.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]], *, what: str, list_in_message: bool = True):
        self.pairs = list(pairs)
        self.what = what
        self.list_in_message = list_in_message
        self._index: dict[str, str] = {}
        for value, label in self.pairs:
            self._index.setdefault(vn.fold(label), value)
            self._index.setdefault(vn.fold(value), value)
        # Cells repeat the same few words: remember each text once read (bounded).
        self._seen: dict[str, str | None] = {label: value for value, label in self.pairs}

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.pairs]

    def label_of(self, value: str) -> str:
        return next((label for v, label in self.pairs if v == value), value)

    def __call__(self, value) -> str | None:
        if isinstance(value, str) and value in self._seen:
            found = self._seen[value]
        else:
            if is_empty(value):
                return None
            found = self._index.get(vn.fold(shown(value)))
            if isinstance(value, str) and len(self._seen) < 10_000:
                self._seen[value] = found
        if found is None:
            tail = f" (chọn một trong: {', '.join(self.labels)})" if self.list_in_message else ""
            raise CellError(f"'{quoted(value)}' không có trong danh mục {self.what}{tail}.")
        return found
