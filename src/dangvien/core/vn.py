"""Vietnamese formatting, name sorting and diacritic-free matching.

Numbers group thousands with "." and use "," as the decimal mark ("1.600", "30,7%");
dates are dd/mm/yyyy in tables and "ngày 31 tháng 5 năm 2022" in running text.
Names sort by given name (the last word), then the rest, in Vietnamese alphabetical
order (a ă â b c d đ e ê …), with tones as a secondary key.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

# --- numbers -------------------------------------------------------------------------


def _round(value: float | int | Decimal, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(value: float | int | Decimal | None, places: int = 0) -> str:
    """1600 -> "1.600"; 1234.5 with places=1 -> "1.234,5". None -> ""."""
    if value is None:
        return ""
    number = _round(value, places)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):.{places}f}"
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    if frac:
        out += "," + frac
    return sign + out


def format_percent(value: float | int | Decimal | None, places: int = 1) -> str:
    """A percentage already multiplied by 100: 30.666 -> "30,7%"."""
    if value is None:
        return ""
    return format_number(value, places) + "%"


def format_ratio(part: int, whole: int, places: int = 1) -> str:
    """46 of 150 -> "30,7%"; of zero -> "—"."""
    if not whole:
        return "—"
    return format_percent(Decimal(part) * 100 / Decimal(whole), places)


# --- dates ---------------------------------------------------------------------------


def format_date(value: dt.date | None) -> str:
    """Table form: "31/05/2022"."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_date_short(value: dt.date | None) -> str:
    """Running-text form: "14/2/2022"."""
    if value is None:
        return ""
    return f"{value.day}/{value.month}/{value.year}"


def format_date_long(value: dt.date | None, *, pad: bool = False) -> str:
    """"ngày 31 tháng 5 năm 2022"; pad=True gives the document form "ngày 14 tháng 02"."""
    if value is None:
        return ""
    if pad:
        return f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}"
    return f"ngày {value.day} tháng {value.month} năm {value.year}"


def parse_date(text: str, *, today: dt.date | None = None) -> dt.date:
    """Parse "31/05/2022", "1/6/2022", "31-05-2022", "31.05.2022", "31/05/22" or ISO
    "2022-05-31"; raise ValueError in Vietnamese.

    A two-digit year is of this century up to next year ("31/05/22" is 2022, "01/01/27" is
    2027 in 2026) and of the last one after that ("12/04/62" is a 1962 birth date)."""
    raw = (text or "").strip()
    try:
        if "-" in raw and raw[:4].isdigit():
            return dt.date.fromisoformat(raw)
        parts = raw.replace(".", "/").replace("-", "/").split("/")
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
            raise ValueError
        day, month, year = (int(p) for p in parts)
        if len(parts[2]) == 2:
            if today is None:
                from django.utils import timezone  # the installation's day, not the host's

                today = timezone.localdate()
            pivot = (today.year + 1) % 100
            year += 2000 if year <= pivot else 1900
        elif len(parts[2]) != 4:
            raise ValueError
        return dt.date(year, month, day)
    except (ValueError, TypeError):
        raise ValueError(f"'{raw}' không phải ngày hợp lệ (nhập theo dạng ngày/tháng/năm, ví dụ 31/05/2022).") from None


# --- names ---------------------------------------------------------------------------

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODE = {ch: f"{i + 20:02d}" for i, ch in enumerate(_ALPHABET)}
_DIGIT_CODE = {str(d): f"{d + 10:02d}" for d in range(10)}
# Dictionary order of tones: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_CODE = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Marks that make a distinct letter rather than a tone.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}


def normalize_spaces(text: str) -> str:
    return " ".join((text or "").split())


def fold(text: str) -> str:
    """Lower-case, no diacritics, "đ" -> "d", single spaces: for matching."""
    decomposed = unicodedata.normalize("NFD", (text or "").lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return normalize_spaces(stripped.replace("đ", "d"))


def _word_key(word: str) -> tuple[str, str]:
    primary: list[str] = []
    tones: list[str] = []
    for cluster in _clusters(word.lower()):
        base, marks = cluster[0], cluster[1:]
        tone = "0"
        for mark in marks:
            if (base, mark) in _LETTER_MARKS:
                base = _LETTER_MARKS[(base, mark)]
            elif mark in _TONE_CODE:
                tone = _TONE_CODE[mark]
        if base in _LETTER_CODE:
            primary.append(_LETTER_CODE[base])
        elif base in _DIGIT_CODE:
            primary.append(_DIGIT_CODE[base])
        else:
            continue  # punctuation such as the apostrophe in H'Mông
        tones.append(tone)
    return "".join(primary), "".join(tones)


def _clusters(word: str) -> list[str]:
    """Split into base letters each followed by its combining marks (NFD)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and out:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def name_sort_key(full_name: str) -> str:
    """Key that sorts Vietnamese names by given name, then family and middle names.

    Made of digits only, so it sorts the same in Python, SQLite and any PostgreSQL
    collation. "00" ends each word's letters, so "An" sorts before "Anh".
    """
    words = normalize_spaces(full_name).split(" ")
    if not words or words == [""]:
        return ""
    ordered = [words[-1], *words[:-1]]
    # Each word compares fully (letters, then tones) before the next word counts.
    return "".join(primary + "00" + tones for primary, tones in map(_word_key, ordered))


def given_name(full_name: str) -> str:
    words = normalize_spaces(full_name).split(" ")
    return words[-1] if words else ""
