"""The one Excel writer: what a reader of the file sees, by both of its body paths.

The fast path writes the body rows' XML itself; XlsxWriter's own cell methods are the
reference. Every cell must read back the same (value, type, format), including the strings
an XML writer gets wrong: markup characters, control characters, Excel's own `_x0001_`
escapes, leading spaces, a formula-looking name.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest

from dangvien.exchange.export import writer
from dangvien.exchange.export.writer import DATE, DEC, INT, PCT, YEAR, Column, Export, Sheet

COLUMNS = [Column("STT", 6, INT), Column("Họ và tên", 28), Column("Năm sinh", 8, YEAR),
           Column("Tỷ lệ", 8, PCT), Column("Dự báo", 8, DEC), Column("Ngày vào Đảng", 12, DATE)]
TRICKY = ["Bùi Văn An", "A & B <c> \"d\" 'e'", " khoảng trắng đầu", "cuối ", "=1+1",
          "dòng\x01điều khiển", "_x0001_ nguyên văn", "Tab\tvà\nxuống dòng", "Đặng Thị Ánh"]


def rows():
    for i, name in enumerate(TRICKY, 1):
        yield (i, name, 1990 + i, i / 100, i * 1.5, dt.date(2015, 3, i))
    yield (99, None, None, None, None, None)  # empty cells stay empty
    yield (1_600_000, "", 2000, 0.307, 1234.5, dt.date(2022, 5, 31))


def build(tmp_path, name: str, raw: bool, monkeypatch) -> openpyxl.Workbook:
    monkeypatch.setattr(writer, "RAW_ROWS", raw)
    export = Export(title="DANH SÁCH THỬ", scope_line="Đơn vị: Thử (T). Ngày 31/05/2022.",
                    sheets=[Sheet("Thử", COLUMNS, rows(), footer=[(None, "Cộng", None, 1.0, 9.5,
                                                                   None)],
                                  notes=["Ghi chú dưới bảng."], freeze_cols=2),
                            Sheet("Trang hai", COLUMNS[:2], iter([(1, "Một")]))])
    target = tmp_path / name
    count = writer.write_xlsx(export, target, by="kiemthu",
                              at=dt.datetime(2026, 11, 27, 22, 5, tzinfo=dt.UTC))
    assert count == len(TRICKY) + 3
    return openpyxl.load_workbook(target)


def cells(book):
    return [[(c.value, c.data_type, c.number_format, c.font.b) for c in row]
            for sheet in book for row in sheet.iter_rows()]


def test_both_paths_write_the_same_cells(tmp_path, monkeypatch):
    fast = build(tmp_path, "fast.xlsx", True, monkeypatch)
    slow = build(tmp_path, "slow.xlsx", False, monkeypatch)
    assert cells(fast) == cells(slow)
    for book in (fast, slow):
        sheet = book["Thử"]
        assert sheet.freeze_panes == "C5" and sheet.auto_filter.ref == "A4:F15"
        assert sheet.dimensions == "A1:F18"


def test_what_the_reader_sees(tmp_path, monkeypatch):
    sheet = build(tmp_path, "fast.xlsx", True, monkeypatch)["Thử"]
    assert sheet["A1"].value == "DANH SÁCH THỬ" and sheet["A1"].font.b
    assert sheet["A3"].value == "Người xuất: kiemthu; lúc 22:05 ngày 27/11/2026."
    assert [c.value for c in sheet[4]] == ["STT", "Họ và tên", "Năm sinh", "Tỷ lệ", "Dự báo",
                                           "Ngày vào Đảng"]
    names = [sheet.cell(5 + i, 2).value for i in range(len(TRICKY))]
    # openpyxl does not decode Excel's _xHHHH_ escapes of control characters; Excel does.
    decoded = [n.replace("_x0001_", "\x01").replace("_x005F\x01", "_x0001_") for n in names]
    assert decoded == TRICKY  # markup, spaces, control characters, "=1+1" as text
    assert sheet.cell(9, 2).data_type == "s"  # "=1+1" is not a formula
    big = sheet.cell(15, 1)
    assert big.value == 1_600_000 and big.number_format == "#,##0"  # Excel: 1.600.000
    assert sheet.cell(15, 4).value == pytest.approx(0.307) and sheet.cell(15, 4).number_format == "0.0%"
    assert sheet.cell(15, 5).number_format == "#,##0.0"
    assert sheet.cell(15, 3).number_format == "0"
    day = sheet.cell(15, 6)
    assert day.value.date() == dt.date(2022, 5, 31) and day.number_format == "dd/mm/yyyy"
    assert [sheet.cell(14, c).value for c in range(2, 7)] == [None] * 5
    total = sheet.cell(16, 2)
    assert total.value == "Cộng" and total.font.b
    assert sheet.cell(18, 1).value == "Ghi chú dưới bảng."
    assert sheet.column_dimensions["B"].width == pytest.approx(28, abs=1)


def test_the_file_is_valid_xml_for_excel(tmp_path, monkeypatch):
    build(tmp_path, "fast.xlsx", True, monkeypatch)
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as z:
        assert z.testzip() is None
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "A &amp; B &lt;c&gt;" in sheet
    assert "_x0001_" in sheet and "_x005F_x0001_" in sheet  # Excel's escape, and the escape of it
    assert '<t xml:space="preserve"> khoảng trắng đầu</t>' in sheet
    assert '<dimension ref="A1:F18"/>' in sheet
