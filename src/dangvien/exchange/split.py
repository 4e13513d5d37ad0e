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
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")
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
        folder = Path(tempfile.mkdtemp(prefix="dv-tach-"))
        pieces: list[Piece] = []
        writer = None
        try:
            for number, row in _rows(zf, part, start, end):
                if number is None:
                    shutil.rmtree(folder, ignore_errors=True)
                    return None
                if writer is None or writer.size >= limit:
                    if writer is not None:
                        pieces.append(writer.close(tail if not pieces else _closing(tail)))
                    writer = _Writer(zf, part, folder / f"{len(pieces) + 1}.xlsx", head,
                                     number)
                writer.add(row, number)
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
                data, data_at = data[start - data_at:] if start > data_at else data, max(start, data_at)
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


def _rows(zf: zipfile.ZipFile, part: str, start: int, end: int):
    """(Excel row number or None, the row's XML) for each row between the offsets."""
    with zf.open(part) as fh:
        skipped = 0
        while skipped < start:
            piece = fh.read(min(_PIECE, start - skipped))
            if not piece:
                return
            skipped += len(piece)
        left = end - start
        buffer = b""
        while left > 0:
            piece = fh.read(min(_PIECE, left))
            if not piece:
                break
            left -= len(piece)
            buffer += piece
            starts = [m.start() for m in _ROW.finditer(buffer)]
            if len(starts) < 2:
                continue
            for a, b in zip(starts, starts[1:], strict=False):
                yield _number(buffer[a:b]), buffer[a:b]
            buffer = buffer[starts[-1]:]
        if buffer.strip():
            first = _ROW.search(buffer)
            if first is None:
                return
            yield _number(buffer[first.start():]), buffer[first.start():]


def _number(row: bytes) -> int | None:
    tag_end = row.find(b">")
    m = _ROW_NUMBER.search(row, 0, tag_end if tag_end > 0 else len(row))
    return int(m.group(1)) if m else None


class _Writer:
    """One piece: every part of the file copied, and the sheet with a run of rows."""

    def __init__(self, src: zipfile.ZipFile, part: str, path: Path, head: bytes, first: int):
        self.path = path
        self.first = self.last = first
        self.size = 0
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
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
