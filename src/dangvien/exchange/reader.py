"""Opening an uploaded spreadsheet: refuse what is not a clean xlsx with ONE clear message,
find the header row and the columns, then hand out the data rows lazily.

python-calamine reads the cells (fast; `iter_rows` yields one row at a time). It shows a
formula error cell (#DIV/0!, #N/A…) as an empty cell, so the sheet's XML is scanned once,
streamed from the zip, for cells of type "e" before any row is trusted.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET  # noqa: S405 - only our own zip's small index parts

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from dangvien.core import vn

from . import split, zipcheck
from .cells import CellError, is_empty, shown
from .kinds.base import Column, Kind, header_key

#: Row-number columns ("STT") that files carry and nobody imports.
_INDEX = {"stt", "tt", "so tt", "so thu tu"}
#: Rows at the top of a sheet searched for the header row (old spreadsheets have titles).
HEADER_SEARCH_ROWS = 10
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
_ERROR_CELL = re.compile(rb"<c\b([^>]*?)\bt=\"e\"([^>]*)>(?:<f[^>]*(?:/>|>.*?</f>))?<v>([^<]*)</v>",
                         re.S)
_REF = re.compile(rb"\br=\"([A-Z]+)(\d+)\"")
#: A formula cell with no value stored: written by a program that does not calculate (Excel
#: and LibreOffice always store the value; a formula giving "" is t="str" with an empty v).
_UNVALUED = re.compile(rb"<c\b([^>]*)>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_STRING_TYPE = re.compile(rb"\bt=\"(?:str|inlineStr|s)\"")


class FileProblem(Exception):
    """Tệp không đọc được: một thông báo rõ ràng, không ghi gì."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return settings.DANGVIEN_IMPORT_MAX_BYTES


def check_file(path: Path, *, name: str | None = None) -> None:
    """Size, then what the bytes say the file is, then what the zip holds."""
    name = name or path.name
    size = path.stat().st_size
    limit = max_bytes()
    if size > limit:
        raise FileProblem(
            f"Tệp '{name}' có dung lượng {vn.format_number(size / 2**20, 1)} MB, vượt giới hạn "
            f"{vn.format_number(limit / 2**20, 1)} MB. Hãy chia thành nhiều tệp nhỏ hơn.")
    if size == 0:
        raise FileProblem(f"Tệp '{name}' rỗng (0 byte).")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise FileProblem(
                f"Tệp '{name}' được đặt mật khẩu nên không đọc được. Hãy mở tệp bằng Excel, bỏ "
                "mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu, xóa mật "
                "khẩu), lưu lại rồi tải lên.")
        raise FileProblem(
            f"Tệp '{name}' là tệp Excel đời cũ (.xls). Hãy mở bằng Excel và lưu lại dạng "
            "Sổ làm việc Excel (.xlsx) rồi tải lên.")
    if head[:4] != ZIP_MAGIC:
        raise FileProblem(
            f"Tệp '{name}' không phải tệp Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống, "
            "hoặc mở tệp bằng Excel và lưu dạng Sổ làm việc Excel (.xlsx).")
    # Sizes, macros, links, dimensions, shared strings and cells against the limits, and
    # every part's CRC, before calamine allocates anything (zipcheck).
    try:
        zipcheck.inspect_xlsx(path, name=name)
    except zipcheck.Refused as exc:
        raise FileProblem(exc.message) from None


_corrupt = zipcheck.corrupt


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its XML part inside the zip."""
    with zipfile.ZipFile(path) as zf:
        book = ET.fromstring(zf.read("xl/workbook.xml"))  # noqa: S314
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    out = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[sheet.get("name")] = part
    return out


def formula_errors(path: Path, sheet_name: str) -> list[tuple[int, int, str | None]]:
    """(row, column index, error text) of every formula error cell of a sheet, and (row,
    column index, None) of every formula cell without a value (python-calamine reads both
    as empty cells)."""
    try:
        part = _sheet_parts(path).get(sheet_name)
    except (KeyError, ET.ParseError, zipfile.BadZipFile):
        return []
    if part is None:
        return []
    found: list[tuple[int, int, str]] = []
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            if b't="e"' in data:
                for m in _ERROR_CELL.finditer(data):
                    ref = _REF.search(m.group(1) + b" " + m.group(2))
                    if ref:
                        found.append((int(ref.group(2)), _col_index(ref.group(1).decode()),
                                      m.group(3).decode(errors="replace")))
            if b"<f" in data:
                for m in _UNVALUED.finditer(data):
                    ref = _REF.search(m.group(1))
                    if ref and not _STRING_TYPE.search(m.group(1)):
                        found.append((int(ref.group(2)), _col_index(ref.group(1).decode()), None))
            # Keep the tail of the last open cell so a cell split by the chunk is seen whole.
            cut = data.rfind(b"<c ")
            tail = data[cut:] if cut >= 0 and len(data) - cut < 4096 else b""
    return sorted(set(found))


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def col_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


@dataclass
class Sheet:
    """An opened, checked sheet: which file column holds which of the kind's columns."""

    name: str
    header_row: int  # 1-based Excel row number
    mapping: dict[int, Column]  # file column index (relative to the sheet's first column) -> column
    headers: dict[str, str]  # column key -> header text as written in the file
    total_rows: int  # data rows below the header (empty ones included)
    _book: CalamineWorkbook
    _sheet: object
    #: Headers of the file that match no column (or repeat one): not imported.
    ignored: list[str] = field(default_factory=list)
    #: A large sheet read in pieces (`split`): the first is `_sheet`, the others follow.
    _pieces: split.Pieces | None = None

    def _parts(self):
        """(sheet, column shift, first row) of each piece in turn; a piece is closed and
        deleted before the next is opened."""
        yield self._sheet, 0, 1
        if self._pieces is None:
            return
        col0 = self._sheet.start[1]
        for piece in self._pieces.pieces[1:]:
            self._book.close()
            try:
                self._book = CalamineWorkbook.from_path(str(piece.path))
                sheet = self._book.get_sheet_by_name(self.name)
            except CalamineError:
                raise FileProblem(_corrupt(self.name)) from None
            if sheet.start is None:
                continue
            yield sheet, sheet.start[1] - col0, piece.first_row

    def rows(self) -> Iterator[tuple[int, dict[str, object], list[tuple[str, str]]]]:
        """(Excel row number, {column key: converted value}, [(column key, problem)]) for
        each data row that is not blank. One loop per row: this is the import's hot path."""
        spec = [(i, c.key, c.convert) for i, c in self.mapping.items()]
        last = max(i for i, _, _ in spec) + 1
        header_row = self.header_row
        for sheet, shift, first_row in self._parts():
            yield from self._rows(sheet, shift, max(header_row, first_row - 1), spec, last)

    def _rows(self, sheet, shift: int, skip: int, spec, last: int):
        for index, cells in enumerate(sheet.iter_rows()):
            if index < skip:
                continue
            if shift > 0:  # this piece's cells begin further right than the first piece's
                cells = [""] * shift + cells
            elif shift < 0:
                cells = cells[-shift:]
            if len(cells) < last:
                cells = cells + [""] * (last - len(cells))
            values: dict[str, object] = {}
            problems: list[tuple[str, str]] = []
            blank = True
            for i, key, convert_cell in spec:
                value = cells[i]
                # calamine gives "" for an empty cell
                if value == "" or value is None:
                    values[key] = None
                    continue
                try:
                    value = values[key] = convert_cell(value)
                except CellError as exc:
                    problems.append((key, str(exc)))
                    values[key] = None
                    blank = False
                    continue
                if value is not None:
                    blank = False
            if not blank:
                yield index + 1, values, problems

    def close(self) -> None:
        self._book.close()
        if self._pieces is not None:
            self._pieces.close()


def _pick_sheet(book: CalamineWorkbook, kind: type[Kind]):
    visible = [m.name for m in book.sheets_metadata
               if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet]
    if not visible:
        raise FileProblem("Tệp không có trang tính nào để đọc.")
    wanted = header_key(kind.sheet_title)
    for name in visible:
        if header_key(name) == wanted:
            return name
    return visible[0]


def open_sheet(path: Path, kind: type[Kind], *, name: str | None = None) -> Sheet:
    """Check the file and the sheet; raise FileProblem with one message when unusable."""
    name = name or path.name
    check_file(path, name=name)
    pieces = None
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet_name = _pick_sheet(book, kind)
        pieces = _split(path, sheet_name)
        if pieces is not None:  # a large sheet: read piece by piece
            book.close()
            book = CalamineWorkbook.from_path(str(pieces.pieces[0].path))
        sheet = book.get_sheet_by_name(sheet_name)
    except CalamineError as exc:
        if pieces is not None:
            pieces.close()
        if "password" in str(exc).lower():
            raise FileProblem(f"Tệp '{name}' được đặt mật khẩu nên không đọc được.") from None
        raise FileProblem(_corrupt(name)) from None
    try:
        return _open(path, kind, book, sheet_name, sheet, pieces)
    except BaseException:
        book.close()
        if pieces is not None:
            pieces.close()
        raise


def _split(path: Path, sheet_name: str) -> split.Pieces | None:
    try:
        part = _sheet_parts(path).get(sheet_name)
    except (KeyError, ET.ParseError, zipfile.BadZipFile):
        return None
    return split.split_sheet(path, part) if part else None


def _open(path: Path, kind: type[Kind], book, sheet_name: str, sheet,
          pieces: split.Pieces | None) -> Sheet:
    if sheet.start is None or sheet.height == 0:
        raise FileProblem(
            f"Trang tính '{sheet_name}' trống: không có dòng tiêu đề và không có dữ liệu. "
            "Hãy điền dữ liệu vào tệp mẫu (mỗi người một dòng, dưới dòng tiêu đề).")
    col0 = sheet.start[1]
    head_rows = []
    for index, cells in enumerate(sheet.iter_rows()):
        if index >= HEADER_SEARCH_ROWS:
            break
        head_rows.append(cells)
    required = [c for c in kind.columns if c.required]
    best = None
    for index, cells in enumerate(head_rows):
        mapping, headers = _match(cells, kind)
        score = len(mapping)
        if score and (best is None or score > best[0]):
            best = (score, index, mapping, headers)
    if best is None:
        needed = ", ".join(f"'{c.header}'" for c in required)
        raise FileProblem(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của trang tính "
            f"'{sheet_name}'. Dòng tiêu đề phải có các cột: {needed}. Hãy dùng tệp mẫu tải từ "
            "hệ thống.")
    _, header_index, mapping, headers = best
    header_row = header_index + 1
    merged = [
        ((r1, c1), (r2, c2)) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])
        if r1 <= header_index <= r2 or (r1 == header_index + 1 and r2 > r1)
    ]
    if merged:
        (r1, c1), (r2, c2) = merged[0]
        cells = f"{col_letter(c1)}{r1 + 1}:{col_letter(c2)}{r2 + 1}"
        raise FileProblem(
            f"Dòng tiêu đề (dòng {header_row}) có ô gộp ({cells}). Mỗi cột phải có tiêu đề riêng "
            "trong một ô: hãy bỏ gộp ô (Trang đầu › Gộp và căn giữa › Bỏ gộp ô) hoặc dùng tệp mẫu.")
    missing = [c.header for c in required if c.key not in headers]
    if missing:
        names = ", ".join(f"'{h}'" for h in missing)
        raise FileProblem(
            f"Trang tính '{sheet_name}' thiếu cột bắt buộc: {names} (dòng tiêu đề là dòng "
            f"{header_row}). Hãy thêm các cột này hoặc dùng tệp mẫu.")
    found = [e for e in formula_errors(path, sheet_name) if e[0] > header_row]
    errors = [e for e in found if e[2] is not None]
    # Only the imported columns: a row number column "=ROW()-1" harms nobody.
    unvalued = [e for e in found if e[2] is None and e[1] - col0 in mapping]
    if unvalued:
        by_index = {col0 + i: c for i, c in mapping.items()}
        shown_cells = "; ".join(f"dòng {r}, cột '{headers.get(by_index[c].key)}'"
                                for r, c, _ in unvalued[:5])
        more = f" và {vn.format_number(len(unvalued) - 5)} ô khác" if len(unvalued) > 5 else ""
        raise FileProblem(
            f"Tệp có ô công thức chưa có giá trị: {shown_cells}{more}. Tệp được tạo bằng một "
            "chương trình không tính công thức: hãy mở tệp bằng Excel, lưu lại rồi tải lên, "
            "hoặc thay công thức bằng giá trị.")
    if errors:
        by_index = {col0 + i: c for i, c in mapping.items()}
        shown_cells = "; ".join(
            f"dòng {r}, cột '{headers.get(by_index[c].key) if c in by_index else col_letter(c)}'"
            f" ({text})" for r, c, text in errors[:5])
        more = f" và {vn.format_number(len(errors) - 5)} ô khác" if len(errors) > 5 else ""
        raise FileProblem(
            f"Tệp có ô công thức bị lỗi: {shown_cells}{more}. Hãy sửa công thức hoặc thay bằng "
            "giá trị rồi tải lên lại.")
    last_row = pieces.last_row if pieces is not None else sheet.height + sheet.start[0]
    total = max(last_row - header_row, 0)
    if total == 0:
        raise FileProblem(
            f"Trang tính '{sheet_name}' chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    ignored = [vn.normalize_spaces(shown(v)) for i, v in enumerate(head_rows[header_index])
               if i not in mapping and not is_empty(v) and header_key(shown(v)) not in _INDEX]
    return Sheet(sheet_name, header_row, mapping, headers, total, book, sheet, ignored, pieces)


def _match(cells: list, kind: type[Kind]) -> tuple[dict[int, Column], dict[str, str]]:
    names = {c.key: c.names() for c in kind.columns}
    mapping: dict[int, Column] = {}
    headers: dict[str, str] = {}
    for i, value in enumerate(cells):
        if is_empty(value):
            continue
        key = header_key(shown(value))
        for column in kind.columns:
            if column.key not in headers and key in names[column.key]:
                mapping[i] = column
                headers[column.key] = vn.normalize_spaces(shown(value))
                break
    return mapping, headers
