"""Looking inside an xlsx before calamine opens it (issue 12): refuse what would make the
reader allocate without bound, with ONE clear message, in seconds and in little memory.

calamine trusts the file: it reserves room for the sheet's declared `<dimension>` (a 2 KB
file naming XFD1048576 asks for 512 GiB), copies a shared string into every cell that
uses it, and lays the sheet out as a dense rows × columns grid. So, before it runs:

* the zip's central directory: entry count, duplicate names, encryption, macros
  (`vbaProject.bin`, whatever the file is called), links to other workbooks, the
  uncompressed size of every part and of all of them;
* every part is decompressed once, in 1 MB pieces, by our own loop that stops as soon as
  it yields more than the directory declares (a lying header is a corrupt file) and checks
  the CRC: nothing is ever decompressed beyond the uncompressed-size limit;
* the shared strings: declared and counted number, longest string, length of each (its
  bytes: an upper bound of what calamine keeps);
* every worksheet: the declared dimension (in its first bytes), then a chunked scan of the
  rows and cells for the last row and column used, the number of cells, the longest cell
  and the text the sheet's cells hold once the shared strings are copied into them.

Only regular expressions over bytes: no XML tree is built, no entity is expanded.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings

from dangvien.core import vn

#: Zip entries an xlsx may hold (a plain one has about ten; pictures add a few each).
MAX_ENTRIES = 2000
#: Parts bigger than this are refused when they unpack more than `MAX_RATIO` times
#: (ordinary sheets unpack 5–20 times); checked last, after the sharper limits.
RATIO_MIN_BYTES = 1 << 20
MAX_RATIO = 200
#: Bytes of a sheet read to find `<dimension ref>` (it comes before the cells).
HEAD_BYTES = 64 * 1024
CHUNK = 1 << 20
#: A row (or shared string) still open after this many bytes is refused: no real row is
#: that long under the column and cell-length limits.
MAX_OPEN_BYTES = 16 << 20
_MAX_EXCEL_ROWS, _MAX_EXCEL_COLUMNS = 1_048_576, 16_384

_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (x:c, x:row…)
_DIMENSION = re.compile(rb"<" + _P + rb"dimension\b[^>]*?\bref=\"([^\"]*)\"")
_SHEETDATA = re.compile(rb"<" + _P + rb"sheetData\b")
_ROW_R = re.compile(rb"<" + _P + rb"row\b[^>]*?\sr=\"(\d{1,12})\"")
_ROW_TAG = re.compile(rb"<" + _P + rb"row[\s>/]")
_ROW_END = re.compile(rb"</" + _P + rb"row>|<" + _P + rb"row\b[^>]*/>")
_CELL_TAG = re.compile(rb"<" + _P + rb"c[\s>/]")
_CELL_COL = re.compile(rb"<" + _P + rb"c\b[^>]*?\sr=\"([A-Za-z]{1,7})(\d{0,12})\"")
_S_CELL = re.compile(rb"<" + _P + rb"c\b[^>]*?\st=\"s\"[^>]*>\s*<" + _P + rb"v>\s*(\d{1,12})\s*<")
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row|is|t|v|f)[\s>/]")
_ROW_FAST = re.compile(rb"<row r=\"(\d{1,12})\"")
_CELL_LETTERS = re.compile(rb"<c r=\"([A-Z]{1,7})")
_CELL_ROWS = re.compile(rb"<c r=\"[A-Z]{1,7}(\d{1,12})\"")
_S_FAST = re.compile(rb"t=\"s\"[^>]*>\s*<v>\s*(\d{1,12})\s*<")
_TEXT_FAST = re.compile(rb"<[tvf](?:>| [^>]*>)([^<]*)<")
_TEXT = re.compile(rb"<" + _P + rb"(?:t|v|f)\b[^>/]*>([^<]*)<")
_SI = re.compile(rb"<" + _P + rb"si\b[^>]*?(?:/>|>(.*?)</" + _P + rb"si>)", re.S)
_SI_OPEN = re.compile(rb"<" + _P + rb"si[\s>/]")
_SST = re.compile(rb"<" + _P + rb"sst\b([^>]*)>")
_ATTR = re.compile(rb"\b(count|uniqueCount)=\"(\d{1,20})\"")
_TAGS = re.compile(rb"<[^>]*>")
_REF = re.compile(r"^\$?([A-Za-z]{1,7})\$?(\d{1,12})$")
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class Refused(Exception):
    """The file is refused; `message` says why and what to do (Vietnamese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    cells: int
    uncompressed: int
    cell_chars: int
    shared_strings: int
    text_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(rows=settings.DANGVIEN_IMPORT_MAX_ROWS,
                   columns=settings.DANGVIEN_IMPORT_MAX_COLUMNS,
                   cells=settings.DANGVIEN_IMPORT_MAX_CELLS,
                   uncompressed=settings.DANGVIEN_IMPORT_MAX_UNCOMPRESSED_BYTES,
                   cell_chars=settings.DANGVIEN_IMPORT_MAX_CELL_CHARS,
                   shared_strings=settings.DANGVIEN_IMPORT_MAX_SHARED_STRINGS,
                   text_bytes=settings.DANGVIEN_IMPORT_MAX_TEXT_BYTES)


@dataclass
class SheetFacts:
    part: str
    name: str
    rows: int = 0  # last row used (1-based)
    columns: int = 0  # last column used (1-based)
    cells: int = 0
    text_bytes: int = 0
    row_tags: int = 0
    plain: bool = True  # no namespace prefix on the root element


@dataclass
class Facts:
    """What the inspection found (the benchmark prints it)."""

    entries: int = 0
    uncompressed: int = 0
    compressed: int = 0
    shared_strings: int = 0
    sheets: list[SheetFacts] = field(default_factory=list)


def _n(value: int) -> str:
    return vn.format_number(value)


def _mb(value: int) -> str:
    return vn.format_number(value / 2**20, 1)


def col_letters(index: int) -> str:
    """1-based column number -> letters (1 -> A, 16384 -> XFD)."""
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        n = n * 26 + ord(ch) - 64
    return n


def corrupt(name: str) -> str:
    return (f"Tệp '{name}' bị hỏng, không đọc được (có thể tải lên chưa hết hoặc bị cắt). "
            "Hãy mở tệp bằng Excel, lưu lại rồi tải lên lần nữa.")


def inspect_xlsx(path: Path, *, name: str, limits: Limits | None = None) -> Facts:
    """Check an xlsx against the limits; raise `Refused` with one message, else the facts."""
    limits = limits or Limits.from_settings()
    entries = _declared_entries(path)
    if entries > MAX_ENTRIES:  # before zipfile builds an object for each of them
        raise Refused(_too_many_entries(name, entries))
    try:
        with zipfile.ZipFile(path) as zf, path.open("rb") as fp:
            return _Inspection(zf, fp, name, limits).run()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error,
            UnicodeDecodeError, ValueError, struct.error):
        raise Refused(corrupt(name)) from None


def _declared_entries(path: Path) -> int:
    """Entry count from the end-of-central-directory record (0 when not found: zipfile
    then says the file is corrupt). 65.535 stands for "more, see zip64": too many anyway."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65_557))
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return 0
    return struct.unpack("<H", tail[at + 10:at + 12])[0]


def _too_many_entries(name: str, count: int) -> str:
    return (f"Tệp '{name}' chứa {_n(count)} thành phần, nhiều bất thường so với một sổ làm việc "
            f"Excel (tối đa {_n(MAX_ENTRIES)}). Hãy mở tệp bằng Excel, chép dữ liệu sang tệp "
            "mẫu tải từ hệ thống rồi tải lên.")


class _Inspection:
    def __init__(self, zf: zipfile.ZipFile, fp, name: str, limits: Limits):
        self.zf, self.fp, self.name, self.limits = zf, fp, name, limits
        self.facts = Facts()
        self.infos = zf.infolist()
        self.by_name = {i.filename: i for i in self.infos}
        self.sst_lengths = array("I")
        self.verified: set[str] = set()

    def run(self) -> Facts:
        self._directory()
        sheets = self._sheet_parts()
        for part, sheet in sheets.items():
            self._dimension(part, sheet)
        self._shared_strings()
        for part, sheet in sheets.items():
            self.facts.sheets.append(self._scan_sheet(part, sheet))
        for info in self.infos:  # every other part: its CRC and its true size
            if info.filename not in self.verified and not info.is_dir():
                for _ in self._stream(info):
                    pass
        self._ratio()
        return self.facts

    # -- the central directory ---------------------------------------------------------

    def _directory(self) -> None:
        name, limits, infos = self.name, self.limits, self.infos
        self.facts.entries = len(infos)
        if len(infos) > MAX_ENTRIES:
            raise Refused(_too_many_entries(name, len(infos)))
        lowered = [i.filename.lower() for i in infos]
        if len(set(lowered)) != len(lowered) or any(i.flag_bits & 1 for i in infos):
            raise Refused(corrupt(name))
        if "xl/workbook.xml" not in self.by_name:
            raise Refused(f"Tệp '{name}' không phải sổ làm việc Excel (.xlsx).")
        content_types = self._small("[Content_Types].xml")
        if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in lowered) \
                or b"macroenabled" in content_types.lower():
            raise Refused(
                f"Tệp '{name}' có chứa macro (VBA) nên không được nhận. Hãy mở tệp bằng Excel, "
                "lưu lại dạng Sổ làm việc Excel (.xlsx) không có macro rồi tải lên.")
        if any(n.startswith("xl/externallinks/") for n in lowered):
            raise Refused(
                f"Tệp '{name}' có liên kết tới sổ làm việc khác nên không được nhận (giá trị "
                "lấy từ tệp khác có thể đã cũ). Hãy ngắt liên kết trong Excel (Dữ liệu › Sửa "
                "liên kết › Ngắt liên kết), lưu lại rồi tải lên.")
        total = sum(i.file_size for i in infos)
        self.facts.uncompressed = total
        self.facts.compressed = sum(i.compress_size for i in infos)
        if total > limits.uncompressed:
            raise Refused(
                f"Tệp '{name}' khi giải nén có dung lượng {_mb(total)} MB, vượt giới hạn "
                f"{_mb(limits.uncompressed)} MB. Hãy chia thành nhiều tệp nhỏ hơn (hoặc xóa "
                "các dòng, cột, hình ảnh thừa) rồi tải lên.")
        if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
               for i in infos):
            raise Refused(corrupt(name))

    def _ratio(self) -> None:
        for info in self.infos:
            ratio = info.file_size // max(info.compress_size, 1)
            if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
                raise Refused(
                    f"Tệp '{self.name}' có phần '{info.filename}' nén tới {_n(ratio)} "
                    "lần, bất thường so với một sổ làm việc Excel. Hãy mở tệp bằng Excel, chép "
                    "dữ liệu sang tệp mẫu tải từ hệ thống rồi tải lên.")

    # -- reading parts -----------------------------------------------------------------

    def _stream(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The part's bytes in pieces of at most 1 MB: never more than the directory says
        (else corrupt), the CRC checked at the end of a complete read."""
        fp = self.fp
        fp.seek(info.header_offset)
        head = fp.read(30)
        if len(head) != 30 or head[:4] != b"PK\x03\x04":
            raise Refused(corrupt(self.name))
        skip = struct.unpack("<HH", head[26:30])
        fp.seek(info.header_offset + 30 + skip[0] + skip[1])
        left, out, crc = info.compress_size, 0, 0
        inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        while left > 0:
            raw = fp.read(min(left, CHUNK))
            if not raw:
                raise Refused(corrupt(self.name))
            left -= len(raw)
            while raw:
                if inflate is None:
                    piece, raw = raw, b""
                else:
                    piece = inflate.decompress(raw, CHUNK)
                    raw = inflate.unconsumed_tail
                out += len(piece)
                if out > info.file_size:
                    raise Refused(corrupt(self.name))
                crc = zlib.crc32(piece, crc)
                if piece:
                    yield piece
        if inflate is not None:
            piece = inflate.flush()
            out += len(piece)
            if out > info.file_size or not inflate.eof:
                raise Refused(corrupt(self.name))
            crc = zlib.crc32(piece, crc)
            if piece:
                yield piece
        if out != info.file_size or crc != info.CRC:
            raise Refused(corrupt(self.name))
        self.verified.add(info.filename)

    def _small(self, part: str, limit: int = 4 << 20) -> bytes:
        """A small index part whole (workbook, relationships, content types)."""
        info = self.by_name.get(part)
        if info is None:
            return b""
        if info.file_size > limit:
            raise Refused(f"Tệp '{self.name}' không phải sổ làm việc Excel (.xlsx) thông thường: "
                          f"phần '{part}' quá lớn ({_mb(info.file_size)} MB).")
        data = b"".join(self._stream(info))
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise Refused(corrupt(self.name))
        return data

    def _sheet_parts(self) -> dict[str, str]:
        """Worksheet part -> sheet name, from the workbook and its relationships (parts under
        xl/worksheets/ that no sheet names are checked too: a reader might open them)."""
        book = self._small("xl/workbook.xml")
        rels = self._small("xl/_rels/workbook.xml.rels")
        targets = {}
        for m in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
            attrs = dict(re.findall(rb"\b(Id|Target)=\"([^\"]*)\"", m.group(1)))
            if b"Id" in attrs:
                targets[attrs[b"Id"]] = html.unescape(attrs.get(b"Target", b"").decode())
        out: dict[str, str] = {}
        lowered = {n.lower(): n for n in self.by_name}
        for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)>", book):
            attrs = dict(re.findall(rb"\b(name|r:id|\w+:id)=\"([^\"]*)\"", m.group(1)))
            sheet = html.unescape(attrs.get(b"name", b"").decode())
            rid = next((v for k, v in attrs.items() if k.endswith(b":id")), b"")
            target = targets.get(rid, "")
            if not target:
                continue
            part = target.lstrip("/") if target.startswith("/") else \
                str(PurePosixPath("xl") / target)
            real = lowered.get(part.lower())
            if real is not None:
                out[real] = sheet
        for part in self.by_name:
            low = part.lower()
            if low.startswith("xl/worksheets/") and low.endswith(".xml") and part not in out:
                out[part] = PurePosixPath(part).stem
        return out

    # -- limits ------------------------------------------------------------------------

    def _check_size(self, sheet: str, rows: int, columns: int, cells: int | None = None,
                    *, where: str = "") -> None:
        name, limits = self.name, self.limits
        if rows > limits.rows:
            raise Refused(
                f"Trang tính '{sheet}' của tệp '{name}' dùng tới dòng {_n(rows)}{where}, vượt "
                f"giới hạn {_n(limits.rows)} dòng một lần nhập. Nếu bên dưới không có dữ liệu, "
                "hãy xóa các dòng thừa (cả định dạng) rồi lưu lại; nếu có, hãy chia thành "
                "nhiều tệp nhỏ hơn.")
        if columns > limits.columns:
            raise Refused(
                f"Trang tính '{sheet}' của tệp '{name}' dùng tới cột {col_letters(columns)} "
                f"({_n(columns)} cột){where}, vượt giới hạn {_n(limits.columns)} cột. Hãy xóa "
                "các cột thừa bên phải (cả định dạng) rồi lưu lại, hoặc dùng tệp mẫu.")
        cells = rows * columns if cells is None else cells
        if cells > limits.cells:
            raise Refused(
                f"Trang tính '{sheet}' của tệp '{name}' có vùng dữ liệu {_n(rows)} dòng × "
                f"{_n(columns)} cột ({_n(cells)} ô), vượt giới hạn {_n(limits.cells)} ô một lần "
                "nhập. Hãy xóa các dòng, cột thừa hoặc chia thành nhiều tệp nhỏ hơn.")

    def _too_long(self, chars: int, where: str, *, at_least: bool = False) -> Refused:
        return Refused(
            f"Tệp '{self.name}' có ô chứa văn bản dài {'hơn ' if at_least else ''}{_n(chars)} ký "
            f"tự ({where}), vượt giới hạn "
            f"{_n(self.limits.cell_chars)} ký tự một ô. Hãy rút gọn nội dung ô đó rồi tải lên.")

    def _chars(self, raw: bytes) -> int:
        """Characters of a piece of cell XML's text (tags dropped, entities as one)."""
        return len(html.unescape(_TAGS.sub(b"", raw).decode("utf-8", "replace")))

    # -- sheets --------------------------------------------------------------------------

    def _dimension(self, part: str, sheet: str) -> None:
        info = self.by_name[part]
        head = b""
        stream = self._stream(info)
        for piece in stream:
            head += piece
            if len(head) >= HEAD_BYTES or _SHEETDATA.search(head):
                break
        stream.close()
        m = _DIMENSION.search(head)
        if not m:
            return
        last = m.group(1).decode(errors="replace").split(":")[-1]
        ref = _REF.match(last)
        if ref:
            self._check_size(sheet, int(ref.group(2)), _col_number(ref.group(1)),
                             where=f" (khai báo vùng dữ liệu tới ô {last.upper()})")

    def _scan_sheet(self, part: str, sheet: str) -> SheetFacts:
        facts = SheetFacts(part=part, name=sheet)
        carry = b""
        first = True
        for piece in self._stream(self.by_name[part]):
            data = carry + piece
            if first:
                root = _ROOT.search(data)
                facts.plain = bool(root) and not root.group(1)
                first = False
            # whole tags only: cut at the last "<" (kept on both sides: a text before it
            # is then complete, and a lone "<" starts no tag)
            cut = data.rfind(b"<")
            if cut <= 0:
                if len(data) > MAX_OPEN_BYTES:
                    raise self._too_long(self._chars(data[data.rfind(b">") + 1:]),
                                         f"trang tính '{sheet}'", at_least=True)
                carry = data
                continue
            carry = data[cut:]
            self._rows(facts, data[:cut + 1])
        self._rows(facts, carry)
        return facts

    def _rows(self, facts: SheetFacts, data: bytes) -> None:
        """Whole rows of a sheet: add what they use to `facts`, refuse past a limit.

        The fast path counts tags with `bytes.count` and reads `<c r="B7"` where every
        writer puts it; a piece it cannot vouch for (namespace prefixes, a cell whose
        reference is not first or missing) goes through the general expressions."""
        limits, sheet = self.limits, facts.name
        fast = facts.plain and not _PREFIXED.search(data)
        if fast:
            row_tags = data.count(b"<row ") + data.count(b"<row>")
            rows = _ROW_FAST.findall(data)
            tags = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
            letters = _CELL_LETTERS.findall(data)
            fast = len(letters) == tags
        if fast:
            numbers = set(_CELL_ROWS.findall(data))
            refs = len(letters)
            letters = set(letters)
        else:
            row_tags = len(_ROW_TAG.findall(data))
            rows = _ROW_R.findall(data)
            tags = len(_CELL_TAG.findall(data))
            cols = _CELL_COL.findall(data)
            refs = len(cols)
            letters = {c[0] for c in cols}
            numbers = {c[1] for c in cols if c[1]}
        facts.row_tags += row_tags
        facts.rows = max(facts.rows, facts.row_tags, max(map(int, rows), default=0),
                         max(map(int, numbers), default=0))
        facts.cells += tags
        if letters:
            facts.columns = max(facts.columns, max(map(_col_number, letters)))
        if refs < tags:  # cells without a reference sit one after another in their row
            facts.columns = max(facts.columns, max(
                (len(_CELL_TAG.findall(r)) for r in _ROW_END.split(data)), default=0))
        # calamine keeps every cell twice for a moment: as read, then in the dense grid
        self._check_size(sheet, facts.rows, facts.columns)
        self._check_size(sheet, facts.rows, facts.columns, cells=facts.cells)
        texts = list(map(len, (_TEXT_FAST if fast else _TEXT).findall(data)))
        if texts and max(texts) > limits.cell_chars:
            raw = max((_TEXT_FAST if fast else _TEXT).findall(data), key=len)
            if self._chars(raw) > limits.cell_chars:
                raise self._too_long(self._chars(raw), f"trang tính '{sheet}'")
        text = sum(texts)
        shared = (_S_FAST if fast else _S_CELL).findall(data) if b'"s"' in data else ()
        if shared:
            try:
                text += sum(map(self.sst_lengths.__getitem__, map(int, shared)))
            except IndexError:
                raise Refused(corrupt(self.name)) from None
        facts.text_bytes += text
        if facts.text_bytes > limits.text_bytes:
            raise Refused(
                f"Trang tính '{sheet}' của tệp '{self.name}' chứa hơn "
                f"{_mb(limits.text_bytes)} MB văn bản trong các ô (giới hạn một lần nhập). "
                "Hãy chia thành nhiều tệp nhỏ hơn hoặc xóa nội dung thừa.")

    # -- shared strings -------------------------------------------------------------------

    def _shared_strings(self) -> None:
        part = next((n for n in self.by_name if n.lower() == "xl/sharedstrings.xml"), None)
        if part is None:
            return
        limits, name = self.limits, self.name
        too_many = (f"Tệp '{name}' có {{count}} chuỗi văn bản khác nhau, vượt giới hạn "
                    f"{_n(limits.shared_strings)}. Hãy chia thành nhiều tệp nhỏ hơn.")
        lengths = self.sst_lengths
        carry = b""
        header = False
        for piece in self._stream(self.by_name[part]):
            data = carry + piece
            if not header:
                m = _SST.search(data)
                if m is None and len(data) < HEAD_BYTES:
                    carry = data
                    continue
                header = True
                for key, value in _ATTR.findall(m.group(1) if m else b""):
                    # calamine reserves room for the declared number of strings
                    if key == b"uniqueCount" and int(value) > limits.shared_strings:
                        raise Refused(too_many.format(count=_n(int(value))))
            if b"si>" not in piece and b"si/>" not in piece:  # inside one long string
                carry = data
                if len(carry) > MAX_OPEN_BYTES:
                    raise self._too_long(self._chars(carry), "một chuỗi văn bản dùng chung",
                                         at_least=True)
                continue
            carry = self._strings(data)
        carry = self._strings(carry)
        if _SI_OPEN.search(carry):
            raise Refused(corrupt(name))
        self.facts.shared_strings = len(lengths)

    def _strings(self, data: bytes) -> bytes:
        """Record the length of every whole shared string in `data`; return the rest."""
        limits, lengths = self.limits, self.sst_lengths
        closed = 0
        for m in _SI.finditer(data):
            lengths.append(m.end(1) - m.start(1) if m.group(1) is not None else 0)
            closed = m.end()
            if len(m.group(1) or b"") > limits.cell_chars \
                    and self._chars(m.group(1)) > limits.cell_chars:
                raise self._too_long(self._chars(m.group(1)), "một chuỗi văn bản dùng chung")
        carry = data[closed:]
        if len(carry) > MAX_OPEN_BYTES:
            raise self._too_long(self._chars(carry), "một chuỗi văn bản dùng chung",
                                 at_least=True)
        if len(lengths) > limits.shared_strings:
            raise Refused(
                f"Tệp '{self.name}' có hơn {_n(limits.shared_strings)} chuỗi văn bản khác nhau, "
                f"vượt giới hạn {_n(limits.shared_strings)}. Hãy chia thành nhiều tệp nhỏ hơn.")
        return carry


def inspect_package(path: Path, *, name: str, required: str, what: str,
                    max_uncompressed: int) -> Facts:
    """Any other Office package (a Word template): the central directory's checks (entry
    count, duplicate names, encryption, macros, total unpacked size, compression method)
    and every part decompressed once by the bounded loop (true size and CRC), then the
    compression ratio. `required` is the part the package must hold ("word/document.xml");
    `what` names the kind of file in the messages ("tệp Word (.docx)")."""
    entries = _declared_entries(path)
    if entries > MAX_ENTRIES:
        raise Refused(f"Tệp '{name}' chứa {_n(entries)} thành phần, bất thường so với một "
                      f"{what} (tối đa {_n(MAX_ENTRIES)}).")
    broken = (f"Tệp '{name}' bị hỏng, không đọc được (có thể tải lên chưa hết hoặc bị cắt). "
              f"Hãy mở tệp, lưu lại thành {what} rồi tải lên lần nữa.")
    limits = Limits(rows=0, columns=0, cells=0, uncompressed=max_uncompressed, cell_chars=0,
                    shared_strings=0, text_bytes=0)
    try:
        with zipfile.ZipFile(path) as zf, path.open("rb") as fp:
            inspection = _Inspection(zf, fp, name, limits)
            infos = inspection.infos
            lowered = [i.filename.lower() for i in infos]
            if len(set(lowered)) != len(lowered) or any(i.flag_bits & 1 for i in infos) \
                    or any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
                           for i in infos):
                raise Refused(broken)
            if required not in inspection.by_name:
                raise Refused(f"Tệp '{name}' không phải {what}.")
            if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in lowered):
                raise Refused(f"Tệp '{name}' có chứa macro (VBA) nên không được nhận. Hãy lưu "
                              f"lại thành {what} không có macro rồi tải lên.")
            total = sum(i.file_size for i in infos)
            inspection.facts.entries, inspection.facts.uncompressed = len(infos), total
            if total > max_uncompressed:
                raise Refused(f"Tệp '{name}' khi giải nén có dung lượng {_mb(total)} MB, vượt "
                              f"giới hạn {_mb(max_uncompressed)} MB.")
            for info in infos:
                ratio = info.file_size // max(info.compress_size, 1)
                if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
                    raise Refused(f"Tệp '{name}' có phần '{info.filename}' nén tới {_n(ratio)} "
                                  f"lần, bất thường so với một {what}.")
                if not info.is_dir():
                    try:
                        for _ in inspection._stream(info):
                            pass
                    except Refused:  # the stream's words speak of a workbook
                        raise Refused(broken) from None
            return inspection.facts
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error,
            UnicodeDecodeError, ValueError, struct.error):
        raise Refused(broken) from None
