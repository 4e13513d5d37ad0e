"""Reading a large sheet in pieces (tách trang tính lớn), so calamine never holds it whole.

python-calamine lays a whole sheet out in memory (a grid of about 100 bytes a cell, each
string copied into its cell): 160.000 rows of 15 columns took 316 MB. A sheet whose XML is
larger than `DANGVIEN_IMPORT_CHUNK_BYTES` is therefore cut, streamed from the zip, into
workbooks of its own: the same parts, and a sheet holding only a run of whole rows (with
their Excel row numbers, so calamine places them where they were) and, in the first, the
rest of the sheet (merged cells…). Each piece is read and deleted before the next is
opened: the reader's memory follows the piece, not the file.

A row without its number (`r="…"`) cannot be placed in a piece: such a sheet is read whole
(the zip's limits still bound it).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

_PIECE = 1 << 20
_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b[^>]*?(/?)>")
_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b")
_NUMBERED_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\br=\"(\d+)\"")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*/>")
#: The sheet's head and tail (before and after its rows) are kept in memory: a larger one
#: is not a sheet worth cutting.
_MAX_EDGE = 8 << 20


def chunk_bytes() -> int:
    return getattr(settings, "DANGVIEN_IMPORT_CHUNK_BYTES", 16 << 20)


@dataclass
class Piece:
    """One workbook cut from the file: its path and the Excel rows it holds."""

    path: Path
    first_row: int
    last_row: int


class Pieces:
    """The pieces of one sheet, in a temporary folder removed by `close`."""

    def __init__(self, folder: Path, pieces: list[Piece]):
        self.folder = folder
        self.pieces = pieces

    @property
    def last_row(self) -> int:
        return self.pieces[-1].last_row

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def split_sheet(path: Path, part: str) -> Pieces | None:
    """Cut the sheet `part` of the workbook at `path` into pieces of about
    `chunk_bytes()` of rows each; None if it is small or cannot be cut."""
    limit = chunk_bytes()
    with zipfile.ZipFile(path) as zf:
        try:
            info = zf.getinfo(part)
        except KeyError:
            return None
        if info.file_size <= limit:
            return None
        edges = _locate(zf, part)
        if edges is None:
            return None
        head, start, end, tail = edges
        head = _DIMENSION.sub(b"", head)
        base = Path(settings.DANGVIEN_IMPORT_DIR)
        base.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="dv-tach-", dir=base))
        pieces: list[Piece] = []
        writer = None
        try:
            for run in _blocks(zf, part, start, end, min(_PIECE, limit)):
                if run is None:
                    shutil.rmtree(folder, ignore_errors=True)
                    return None
                rows, first, last = run
                if writer is None or writer.size >= limit:
                    if writer is not None:
                        pieces.append(writer.close(tail if not pieces else _closing(tail)))
                    writer = _Writer(zf, part, folder / f"{len(pieces) + 1}.xlsx", head,
                                     first)
                writer.add(rows, last)
            if writer is None:
                shutil.rmtree(folder, ignore_errors=True)
                return None
            pieces.append(writer.close(tail if not pieces else _closing(tail)))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    return Pieces(folder, pieces)


def _locate(zf: zipfile.ZipFile, part: str) -> tuple[bytes, int, int, bytes] | None:
    """(head up to and with the <sheetData> tag, offset of the first row, offset of
    </sheetData>, tail from there to the end of the part), in one streamed pass."""
    head = bytearray()
    start = end = None
    tail = bytearray()
    carry = b""
    offset = 0
    with zf.open(part) as fh:
        while piece := fh.read(_PIECE):
            data_at = offset - len(carry)
            data = carry + piece
            offset += len(piece)
            if start is None:
                head += piece
                m = _OPEN.search(head)
                if m is None:
                    if len(head) > _MAX_EDGE:
                        return None
                    continue
                if m.group(1):  # <sheetData/>: no rows
                    return None
                start = m.end()
                head = head[:start]
                # The tag ends in this piece (else an earlier one had found it).
                data, data_at = data[start - data_at:], start
            if end is None:
                m = _CLOSE.search(data)
                if m is None:
                    carry = data[-64:]
                    continue
                end = data_at + m.start()
                tail += data[m.start():]
            else:
                tail += piece
            carry = b""
            if len(tail) > _MAX_EDGE:
                return None
    if start is None or end is None:
        return None
    return bytes(head), start, end, bytes(tail)


_WORKSHEET_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?worksheet\s*>\s*$")


def _closing(tail: bytes) -> bytes:
    """The tags that close a piece other than the first: </sheetData> and </worksheet>,
    with the file's own prefixes."""
    close = _CLOSE.match(tail)
    end = _WORKSHEET_END.search(tail)
    return (close.group(0) if close else b"</sheetData>") + (end.group(0) if end else b"</worksheet>")


def _blocks(zf: zipfile.ZipFile, part: str, start: int, end: int, size: int):
    """Runs of whole rows between the offsets, about `size` bytes each: (XML, first row
    number, last row number), or None for a run holding a row without its number."""
    with zf.open(part) as fh:
        skipped = 0
        while skipped < start:
            piece = fh.read(min(_PIECE, start - skipped))
            if not piece:
                return
            skipped += len(piece)
        left = end - start
        buffer = b""
        while left > 0 or buffer:
            piece = fh.read(min(size, left)) if left > 0 else b""
            left -= len(piece)
            buffer += piece
            if left > 0 and piece:
                cut = _last_row_start(buffer)
                if cut <= 0:
                    continue
                block, buffer = buffer[:cut], buffer[cut:]
            else:
                block, buffer = buffer, b""
            first = _ROW.search(block)
            if first is None:
                continue
            block = block[first.start():]
            yield _run(block)


def _last_row_start(data: bytes) -> int:
    """Where the last row of `data` begins (it may be incomplete): -1 if none."""
    at = len(data)
    while True:
        at = data.rfind(b"row", 0, at)
        if at <= 0:
            return -1
        lt = data.rfind(b"<", 0, at)
        if lt >= 0 and _ROW.match(data, lt):
            return lt


def _run(block: bytes) -> tuple[bytes, int, int] | None:
    # Every row numbered? Counted in C: "<row " with r first (Excel, LibreOffice,
    # XlsxWriter, openpyxl), else by the slower expressions.
    plain = block.count(b"<row ") + block.count(b"<row>")
    if not plain or block.count(b'<row r="') != plain:
        if len(_ROW.findall(block)) != len(_NUMBERED_ROW.findall(block)):
            return None
    first = _NUMBERED_ROW.match(block)
    last = _NUMBERED_ROW.match(block, _last_row_start(block))
    if first is None or last is None:
        return None
    return block, int(first.group(1)), int(last.group(1))


class _Writer:
    """One piece: every part of the file copied, and the sheet with a run of rows."""

    def __init__(self, src: zipfile.ZipFile, part: str, path: Path, head: bytes, first: int):
        self.path = path
        self.first = self.last = first
        self.size = 0
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_STORED)  # written once, read once
        for info in src.infolist():
            if info.filename == part or info.is_dir():
                continue
            with src.open(info) as fin, self.zip.open(info.filename, "w") as fout:
                shutil.copyfileobj(fin, fout, _PIECE)
        self.sheet = self.zip.open(part, "w", force_zip64=True)
        self.sheet.write(head)

    def add(self, row: bytes, number: int) -> None:
        self.sheet.write(row)
        self.size += len(row)
        self.last = number

    def close(self, tail: bytes) -> Piece:
        # The first piece keeps the sheet's tail (merged cells…); the others only close.
        self.sheet.write(tail)
        self.sheet.close()
        self.zip.close()
        return Piece(self.path, self.first, self.last)
