"""Hostile xlsx files (issue 12), written on demand: nothing binary is committed.

Each `write_*` function writes one file into a folder and returns its path; `CORPUS` maps a
file name to its writer and `write_all(folder)` writes them all. Every file is a zip small
on disk (a few MB at most) that asks a reader for far more: a cell at XFD1048576, 16.384
columns, 1.048.576 rows, millions of shared strings, a string of 150 MB, a cell of 1 GB, a
shared string copied into 200.000 cells, macros, links to another workbook…

Used by tests/exchange/test_import_hostile.py and bench/hostile_import.py.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADERS = ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Dân tộc", "Chi bộ",
           "Ngày vào Đảng", "Ngày chính thức"]
MB = 1 << 20


def _col(index: int) -> str:
    """1-based column number -> letters."""
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header_row() -> bytes:
    cells = "".join(f'<c r="{_col(i)}1" t="inlineStr"><is><t>{_esc(h)}</t></is></c>'
                    for i, h in enumerate(HEADERS, start=1))
    return f'<row r="1">{cells}</row>'.encode()


def _content_types(extra: str = "", main: str = "sheet.main+xml") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        f'officedocument.spreadsheetml.{main}"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        f"{extra}</Types>")


def write_xlsx(path: Path, rows: Iterable[bytes], *, dimension: str | None = None,
               shared: Iterable[bytes] | None = None, sst_attrs: str = "",
               extra: dict[str, bytes] | None = None, types: str = "", rels: str = "",
               main: str = "sheet.main+xml", level: int = 6) -> Path:
    """A minimal xlsx whose sheet 'Đảng viên' holds `rows` (row XML, streamed into the zip)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        ct = _content_types(types, main)
        if shared is not None:
            ct = ct.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType'
                            '="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                            'sharedStrings+xml"/></Types>')
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                    f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                    '<sheet name="Đảng viên" sheetId="1" r:id="rId1"/></sheets></workbook>')
        sst_rel = (f'<Relationship Id="rId2" Type="{REL}/sharedStrings" '
                   'Target="sharedStrings.xml"/>' if shared is not None else "")
        zf.writestr("xl/_rels/workbook.xml.rels",
                    f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/'
                    f'worksheet" Target="worksheets/sheet1.xml"/>{sst_rel}{rels}'
                    "</Relationships>")
        if shared is not None:
            with zf.open("xl/sharedStrings.xml", "w") as out:
                out.write(f'<sst xmlns="{MAIN}"{sst_attrs}>'.encode())
                for item in shared:
                    out.write(item)
                out.write(b"</sst>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                      f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'.encode())
            if dimension:
                out.write(f'<dimension ref="{dimension}"/>'.encode())
            out.write(b"<sheetData>")
            buf = []
            size = 0
            for row in rows:
                buf.append(row)
                size += len(row)
                if size > MB:
                    out.write(b"".join(buf))
                    buf, size = [], 0
            out.write(b"".join(buf))
            out.write(b"</sheetData></worksheet>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def _member(row: int) -> bytes:
    return (f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>Bùi Thị Hoa {row}</t></is></c>'
            f'<c r="B{row}" t="inlineStr"><is><t>Nữ</t></is></c></row>').encode()


def write_far_corner(folder: Path) -> Path:
    """2 KB: one cell at XFD1048576, declared in <dimension> (a reader reserves 512 GiB)."""
    rows = [header_row(), _member(2),
            b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']
    return write_xlsx(folder / "o-xa-nhat.xlsx", rows, dimension="A1:XFD1048576")


def write_far_corner_undeclared(folder: Path) -> Path:
    """The same cell, the dimension claiming A1:H2: only the rows themselves tell."""
    rows = [header_row(), _member(2),
            b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']
    return write_xlsx(folder / "o-xa-nhat-khong-khai.xlsx", rows, dimension="A1:H2")


def write_columns_16384(folder: Path) -> Path:
    """A row of 16.384 cells, no dimension."""
    cells = b"".join(f'<c r="{_col(i)}2"><v>{i}</v></c>'.encode() for i in range(1, 16385))
    return write_xlsx(folder / "16384-cot.xlsx", [header_row(), b'<row r="2">' + cells + b"</row>"])


def write_rows_1048576(folder: Path) -> Path:
    """1.048.576 rows actually present (a few MB compressed), declared as such."""
    rows = (f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'.encode()
            for r in range(2, 1_048_577))
    return write_xlsx(folder / "1048576-dong.xlsx", _with_header(rows),
                      dimension="A1:H1048576", level=1)


def write_rows_1048576_undeclared(folder: Path) -> Path:
    """The same rows, the dimension claiming A1:H2."""
    rows = (f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'.encode()
            for r in range(2, 1_048_577))
    return write_xlsx(folder / "1048576-dong-khong-khai.xlsx", _with_header(rows),
                      dimension="A1:H2", level=1)


def write_sparse_grid(folder: Path) -> Path:
    """Two cells, A1 and CV250000: within the rows and the columns, but a dense grid of 25
    million cells."""
    rows = [header_row(), b'<row r="250000"><c r="CV250000"><v>1</v></c></row>']
    return write_xlsx(folder / "luoi-thua.xlsx", rows)


def _with_header(rows: Iterable[bytes]) -> Iterable[bytes]:
    yield header_row()
    yield from rows


def write_shared_strings_count(folder: Path) -> Path:
    """5 million tiny shared strings (85 MB of XML, a few hundred KB compressed), no
    uniqueCount."""
    shared = (b"<si><t>x</t></si>" * 100_000 for _ in range(50))
    return write_xlsx(folder / "bom-chuoi-so-luong.xlsx", [header_row(), _member(2)],
                      shared=shared)


def write_shared_strings_declared(folder: Path) -> Path:
    """One shared string declaring uniqueCount 4.294.967.295 (a reader reserves for it)."""
    return write_xlsx(folder / "bom-chuoi-khai.xlsx", [header_row(), _member(2)],
                      shared=[b"<si><t>x</t></si>"],
                      sst_attrs=' count="4294967295" uniqueCount="4294967295"')


def write_shared_string_long(folder: Path) -> Path:
    """One shared string of 150 MB (compressed: about 150 KB), used by one cell."""
    def shared():
        yield b"<si><t>"
        block = b"a" * MB
        for _ in range(150):
            yield block
        yield b"</t></si>"
    rows = [header_row(), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return write_xlsx(folder / "chuoi-150mb.xlsx", rows, shared=shared())


def write_shared_string_fanout(folder: Path) -> Path:
    """One shared string of 32.000 characters copied into 200.000 cells (6 GB once each
    cell holds its copy); the file is small."""
    rows = (f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>'.encode()
            for r in range(2, 200_002))
    return write_xlsx(folder / "chuoi-nhan-ban.xlsx", _with_header(rows),
                      shared=[b"<si><t>" + "Đảng".encode() * 8000 + b"</t></si>"])


def _cell_1gb() -> Iterable[bytes]:
    yield header_row()
    yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    block = b"a" * (16 * MB)
    for _ in range(64):
        yield block
    yield b"</t></is></c></row>"


def write_cell_1gb(folder: Path) -> Path:
    """One inline string of 1 GB (under 5 MB compressed)."""
    return write_xlsx(folder / "o-1gb.xlsx", _cell_1gb(), level=1)


def write_cell_1gb_lying(folder: Path) -> Path:
    """The 1 GB cell, its zip headers claiming the sheet unpacks to 10 KB."""
    path = write_xlsx(folder / "o-1gb-khai-sai.xlsx", _cell_1gb(), level=1)
    lie_about_size(path, "xl/worksheets/sheet1.xml", 10_000)
    return path


def write_cell_40mb(folder: Path) -> Path:
    """One inline string of 40 MB: under the unpacked-size limit, far over a cell's."""
    def rows():
        yield header_row()
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"b" * (40 * MB) + \
            b"</t></is></c></row>"
    return write_xlsx(folder / "o-40mb.xlsx", rows())


def write_macro(folder: Path) -> Path:
    """A vbaProject.bin inside a file named .xlsx."""
    return write_xlsx(folder / "co-macro.xlsx", [header_row(), _member(2)],
                      extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512},
                      types='<Default Extension="bin" ContentType="application/vnd.ms-office.'
                            'vbaProject"/>', main="sheet.macroEnabled.main+xml")


def write_external_link(folder: Path) -> Path:
    """A link to another workbook (xl/externalLinks/)."""
    link = (f'<externalLink xmlns="{MAIN}" xmlns:r="{REL}"><externalBook r:id="rId1">'
            '<sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>')
    link_rels = (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/'
                 'externalLinkPath" Target="file:///C:/khac.xlsx" TargetMode="External"/>'
                 "</Relationships>")
    return write_xlsx(folder / "lien-ket-ngoai.xlsx", [header_row(), _member(2)],
                      extra={"xl/externalLinks/externalLink1.xml": link.encode(),
                             "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels.encode()},
                      rels=f'<Relationship Id="rId9" Type="{REL}/externalLink" '
                           'Target="externalLinks/externalLink1.xml"/>')


def write_many_entries(folder: Path) -> Path:
    """5.000 empty parts."""
    extra = {f"xl/media/x{i}.xml": b"" for i in range(5000)}
    return write_xlsx(folder / "nhieu-phan.xlsx", [header_row(), _member(2)], extra=extra)


def lie_about_size(path: Path, part: str, size: int) -> None:
    """Rewrite the uncompressed size of `part` in its local and central headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(part)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    pos = data.find(b"PK\x01\x02")
    name = part.encode()
    while pos >= 0:
        n, m, k = struct.unpack("<HHH", data[pos + 28:pos + 34])
        if bytes(data[pos + 46:pos + 46 + n]) == name:
            struct.pack_into("<I", data, pos + 24, size)
            break
        pos = data.find(b"PK\x01\x02", pos + 46 + n + m + k)
    path.write_bytes(bytes(data))


#: file name -> the function that writes it
CORPUS: dict[str, Callable[[Path], Path]] = {
    "o-xa-nhat.xlsx": write_far_corner,
    "o-xa-nhat-khong-khai.xlsx": write_far_corner_undeclared,
    "16384-cot.xlsx": write_columns_16384,
    "1048576-dong.xlsx": write_rows_1048576,
    "1048576-dong-khong-khai.xlsx": write_rows_1048576_undeclared,
    "luoi-thua.xlsx": write_sparse_grid,
    "bom-chuoi-so-luong.xlsx": write_shared_strings_count,
    "bom-chuoi-khai.xlsx": write_shared_strings_declared,
    "chuoi-150mb.xlsx": write_shared_string_long,
    "chuoi-nhan-ban.xlsx": write_shared_string_fanout,
    "o-1gb.xlsx": write_cell_1gb,
    "o-1gb-khai-sai.xlsx": write_cell_1gb_lying,
    "o-40mb.xlsx": write_cell_40mb,
    "co-macro.xlsx": write_macro,
    "lien-ket-ngoai.xlsx": write_external_link,
    "nhieu-phan.xlsx": write_many_entries,
}


def write_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: write(folder) for name, write in CORPUS.items()}
