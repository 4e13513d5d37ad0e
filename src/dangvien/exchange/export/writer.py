"""The one Excel writer of every export (xuất Excel): a title block, a frozen header row
with filters, typed columns, rows streamed to disk.

XlsxWriter in `constant_memory` mode flushes each row to a temporary file as soon as the
next one starts, so a list of 100.000 members takes the same memory as a list of ten.
Numbers stay numbers (officials sum them) with the format `#,##0`, which Excel shows with
the reader's separators ("1.600" in Vietnamese); dates are real Excel dates shown as
dd/mm/yyyy (docs/decisions.md, "Export").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

# Column kinds.
TEXT = "text"
INT = "int"  # 1.600
DEC = "dec"  # 1.234,5
PCT = "pct"  # a fraction shown as 30,7%
DATE = "date"  # a date shown as 31/05/2022
YEAR = "year"  # 1990, without a thousands separator

NUM_FORMATS = {
    INT: "#,##0",
    DEC: "#,##0.0",
    PCT: "0.0%",
    DATE: "dd/mm/yyyy",
    YEAR: "0",
}

#: Rows of the title block; the header row comes right after it (row 4 in Excel).
TITLE_ROWS = 3
#: How often the writer reports progress.
PROGRESS_EVERY = 2000

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EPOCH_ORDINAL = _EXCEL_EPOCH.toordinal()
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    """Một cột: tiêu đề tiếng Việt, độ rộng (số ký tự), kiểu dữ liệu."""

    header: str
    width: float = 14
    kind: str = TEXT


@dataclass
class Sheet:
    """Một trang tính: các cột, các dòng (một iterator: đọc đến đâu ghi đến đó), dòng tổng."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    #: Bold total rows written under the table, outside the filter (sorting leaves them last).
    footer: Sequence[Sequence] = ()
    #: Lines of explanation written two rows under the table.
    notes: Sequence[str] = ()
    #: Columns kept in view when scrolling right (the name columns).
    freeze_cols: int = 0
    #: How many rows there will be, for the progress bar (None: unknown; called once).
    count: Callable[[], int] | None = None
    #: Filled in by the writer: body rows written.
    written: int = 0


@dataclass
class Export:
    """Một tệp Excel: tiêu đề, đơn vị, ngày số liệu, người xuất, các trang tính."""

    title: str
    #: "Đơn vị: Huyện ủy Kim Bôi (KB). Số liệu tính đến ngày 31/05/2022."
    scope_line: str
    sheets: list[Sheet]
    #: File name offered for download, ASCII ("dang-vien-KB-31-05-2022.xlsx").
    filename: str = "dangvien.xlsx"
    #: Filled in by `write_xlsx`.
    by_line: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def rows_written(self) -> int:
        return sum(s.written for s in self.sheets)


def excel_date(value: dt.date | dt.datetime) -> int:
    """Excel's day number of a date (what a date cell holds)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.toordinal() - _EPOCH_ORDINAL


def sheet_name(text: str) -> str:
    """A valid, unique-enough sheet name: at most 31 characters, none of []:*?/\\."""
    return " ".join(text.translate(_BAD_SHEET_CHARS).split())[:31] or "Trang 1"


def by_line(by: str, at: dt.datetime) -> str:
    return f"Người xuất: {by}; lúc {at:%H:%M} ngày {at:%d/%m/%Y}."


class _Formats:
    """The cell formats of one workbook (shared by every export, and by the progress report)."""

    def __init__(self, book) -> None:
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.line = book.add_format({"italic": True})
        self.note = book.add_format({"italic": True, "font_color": "#555555"})
        self.head = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                     "bg_color": "#F4EFE8", "border": 1})
        self.body = {kind: book.add_format({"num_format": f}) for kind, f in NUM_FORMATS.items()}
        self.body[TEXT] = None
        self.total = {kind: book.add_format({"num_format": f, "bold": True, "top": 1})
                      for kind, f in NUM_FORMATS.items()}
        self.total[TEXT] = book.add_format({"bold": True, "top": 1})


def _fast(sheet, name: str):
    # XlsxWriter's public write_* parse A1 notation on every call (a third of the time
    # of a 100.000-row export); its `_write_*` twins take (row, col, value, format) as we
    # have them. Version pinned in uv.lock; the public method is the fallback.
    return getattr(sheet, f"_{name}", None) or getattr(sheet, name)


def _cell_writer(sheet, kind: str, fmt):
    """A function (row, col, value) that writes one cell of `kind`; None stays empty."""
    if kind == TEXT:
        write_string = _fast(sheet, "write_string")

        def text(r, c, v):
            if v is not None and v != "":
                write_string(r, c, str(v), fmt)
        return text
    write_number = _fast(sheet, "write_number")
    if kind == DATE:
        def date(r, c, v):
            if v is not None:
                write_number(r, c, excel_date(v), fmt)
        return date

    def number(r, c, v):
        if v is not None:
            write_number(r, c, v, fmt)
    return number


def _write_body(sheet, columns, formats: _Formats, rows, first_row: int,
                progress, done_before: int) -> int:
    """The body rows through XlsxWriter's cell methods; returns how many were written."""
    write_string = _fast(sheet, "write_string")
    write_number = _fast(sheet, "write_number")
    texts = [i for i, c in enumerate(columns) if c.kind == TEXT]
    numbers = [(i, formats.body[c.kind]) for i, c in enumerate(columns)
               if c.kind not in (TEXT, DATE)]
    dates = [(i, formats.body[DATE]) for i, c in enumerate(columns) if c.kind == DATE]
    epoch = _EPOCH_ORDINAL
    row_no = first_row - 1
    for row in rows:
        row_no += 1
        for col in texts:
            value = row[col]
            if value:
                write_string(row_no, col, value if value.__class__ is str else str(value), None)
        for col, fmt in numbers:
            value = row[col]
            if value is not None:
                write_number(row_no, col, value, fmt)
        for col, fmt in dates:
            value = row[col]
            if value is not None:
                write_number(row_no, col, value.toordinal() - epoch, fmt)
        if progress is not None and (row_no - first_row + 1) % PROGRESS_EVERY == 0:
            progress(done_before + row_no - first_row + 1)
    return row_no - first_row + 1


def _raw_rows_possible(sheet) -> bool:
    return bool(getattr(sheet, "constant_memory", False)) and all(
        hasattr(sheet, name) for name in ("_write_single_row", "_check_dimensions",
                                          "_escape_control_characters", "fh"))


_CONTROL_OR_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f]|_x[0-9A-Fa-f]{4}_")


def _write_body_raw(sheet, columns, formats: _Formats, rows, first_row: int,
                    progress, done_before: int) -> int:
    """The body rows as sheet XML, straight into XlsxWriter's row file.

    XlsxWriter spends about 5 µs per cell building and escaping its XML (5 s of CPU for a
    100.000-row, 10-column list); this writes the same elements (inline strings, numbers,
    the same style indexes) from a plan made once per column, several times faster. It
    relies on XlsxWriter's constant-memory internals (pinned in uv.lock; a test compares
    both paths cell by cell); without them `_write_body` is used.
    """
    from xlsxwriter.utility import xl_col_to_name

    sheet._write_single_row(first_row)  # flushes the header row; the body follows it
    write = sheet.fh.write
    escape_control = sheet._escape_control_characters
    plan = []
    for i, column in enumerate(columns):
        fmt = formats.body[column.kind]
        style = f' s="{fmt._get_xf_index()}"' if fmt is not None else ""
        plan.append((i, xl_col_to_name(i), column.kind, style))
    epoch = _EPOCH_ORDINAL
    row_no = first_row - 1
    for row in rows:
        row_no += 1
        r = row_no + 1
        parts = [f'<row r="{r}">']
        for i, letter, kind, style in plan:
            value = row[i]
            if value is None:
                continue
            if kind == TEXT:
                if value.__class__ is not str:
                    value = str(value)
                if not value:
                    continue
                if _CONTROL_OR_ESCAPE.search(value):
                    value = escape_control(value)
                if "&" in value or "<" in value or ">" in value:
                    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                parts.append(f'<c r="{letter}{r}"{style} t="inlineStr"><is><t{space}>{value}'
                             '</t></is></c>')
            elif kind == DATE:
                parts.append(f'<c r="{letter}{r}"{style}><v>{value.toordinal() - epoch}</v></c>')
            else:
                parts.append(f'<c r="{letter}{r}"{style}><v>{value:.16G}</v></c>')
        parts.append("</row>")
        write("".join(parts))
        if progress is not None and (row_no - first_row + 1) % PROGRESS_EVERY == 0:
            progress(done_before + row_no - first_row + 1)
    if row_no >= first_row:
        sheet._check_dimensions(row_no, len(columns) - 1)
    return row_no - first_row + 1


#: Tests set this to False to compare the two paths.
RAW_ROWS = True


def _write_sheet(book, formats: _Formats, export: Export, spec: Sheet,
                 progress: Callable[[int], None] | None, done_before: int) -> None:
    sheet = book.add_worksheet(sheet_name(spec.name))
    columns = list(spec.columns)
    last_col = len(columns) - 1
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
    sheet.write_string(0, 0, export.title, formats.title)
    sheet.write_string(1, 0, export.scope_line, formats.line)
    sheet.write_string(2, 0, export.by_line, formats.line)
    header_row = TITLE_ROWS
    sheet.set_row(header_row, 30 if max((len(c.header) for c in columns), default=0) > 14 else None)
    for col, column in enumerate(columns):
        sheet.write_string(header_row, col, column.header, formats.head)

    body = _write_body_raw if RAW_ROWS and _raw_rows_possible(sheet) else _write_body
    written = body(sheet, columns, formats, spec.rows, header_row + 1, progress, done_before)
    spec.written = written
    row_no = header_row + written
    sheet.autofilter(header_row, 0, max(row_no, header_row + 1), last_col)
    sheet.freeze_panes(header_row + 1, spec.freeze_cols)

    totals = [_cell_writer(sheet, c.kind, formats.total[c.kind]) for c in columns]
    for row in spec.footer:
        row_no += 1
        for col, write in enumerate(totals):
            write(row_no, col, row[col])
    if spec.notes:
        row_no += 1
        for note in spec.notes:
            row_no += 1
            sheet.write_string(row_no, 0, note, formats.note)


def write_xlsx(export: Export, target: Path | str, *, by: str,
               at: dt.datetime | None = None,
               progress: Callable[[int], None] | None = None) -> int:
    """Write `export` to `target`; return the number of body rows written.

    `by` names who exported (shown in the title block), `at` when (local time; now by
    default). `progress(n)` is called every `PROGRESS_EVERY` rows.
    """
    from django.utils import timezone

    export.by_line = by_line(by, at or timezone.localtime())
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True,
                                             "default_date_format": NUM_FORMATS[DATE],
                                             "strings_to_numbers": False,
                                             "strings_to_formulas": False,
                                             "strings_to_urls": False})
    try:
        formats = _Formats(book)
        done = 0
        for spec in export.sheets:
            _write_sheet(book, formats, export, spec, progress, done)
            done += spec.written
    finally:
        book.close()
    if progress is not None:
        progress(export.rows_written)
    return export.rows_written
