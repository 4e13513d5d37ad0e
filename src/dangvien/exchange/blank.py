"""Writing a kind's template (tệp mẫu Excel) with XlsxWriter.

The data sheet has the kind's Vietnamese headers (each with a note saying what goes in
it), a frozen header row, dd/mm/yyyy date columns, dropdowns (data validation) for the
lists, and one example row. The lists themselves (units in the user's scope can be
thousands) live on a hidden sheet "DanhMuc"; a "Hướng dẫn" sheet explains each column.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import IO

import xlsxwriter

from .kinds.base import Kind
from .reader import col_letter

#: Rows of the data sheet that get the dropdowns and formats.
TEMPLATE_ROWS = 20_000
LISTS_SHEET = "DanhMuc"
HELP_SHEET = "Hướng dẫn"
BLANK_KEEPS = ("Với người đã có hồ sơ, ô để trống giữ nguyên giá trị đã lưu; muốn xóa một giá "
               "trị, hãy sửa trên trang của người đó. Trước khi lưu, trang kiểm tra liệt kê "
               "từng thay đổi (cũ → mới).")


def write_template(kind: type[Kind], target: str | Path | IO[bytes], *, user, **options) -> None:
    """Write the template of `kind` for `user` (None: every unit) to a path or a stream."""
    book = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target),
                               {"strings_to_numbers": False, "strings_to_formulas": False})
    book.set_properties({"title": f"Mẫu nhập {kind.label.lower()}", "author": "dangvien",
                         "comments": kind.description})
    fmt = {
        "head": book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter",
                                 "bg_color": "#DDE7F3", "border": 1}),
        "head_required": book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter",
                                          "bg_color": "#F8D7C4", "border": 1}),
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "text": book.add_format({"num_format": "@"}),
        "int": book.add_format({"num_format": "#,##0"}),
        "example": book.add_format({"italic": True, "font_color": "#555555"}),
        "example_date": book.add_format({"italic": True, "font_color": "#555555",
                                         "num_format": "dd/mm/yyyy"}),
        "bold": book.add_format({"bold": True}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    sheet = book.add_worksheet(kind.sheet_title)
    lists = book.add_worksheet(LISTS_SHEET)
    guide = book.add_worksheet(HELP_SHEET)
    dropdowns = kind.dropdowns(user, **options)
    ranges = _write_lists(lists, dropdowns)
    lists.hide()

    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 36)
    for i, column in enumerate(kind.columns):
        cell_format = {"date": fmt["date"], "int": fmt["int"]}.get(column.type, fmt["text"])
        sheet.set_column(i, i, column.width, cell_format)
        sheet.write_string(0, i, column.header,
                           fmt["head_required"] if column.required else fmt["head"])
        sheet.write_comment(0, i, column.note, {"x_scale": 2.2, "y_scale": 1.6,
                                                "author": "dangvien"})
        _validate(sheet, i, column, ranges)
    for r, row in enumerate(kind.example_rows(user, **options), start=1):
        example = r == 1 and kind.skip_example
        for i, column in enumerate(kind.columns):
            value = row.get(column.key)
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, i, value, fmt["example_date" if example else "date"])
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, i, value, fmt["example"] if example else fmt["int"])
            else:
                sheet.write_string(r, i, str(value), fmt["example"] if example else fmt["text"])
    sheet.autofilter(0, 0, 0, len(kind.columns) - 1)
    sheet.activate()
    _write_guide(guide, kind, fmt)
    book.close()


def template_bytes(kind: type[Kind], *, user, **options) -> bytes:
    out = io.BytesIO()
    write_template(kind, out, user=user, **options)
    return out.getvalue()


def _write_lists(lists, dropdowns: dict[str, list[str]]) -> dict[str, str]:
    ranges = {}
    for j, (name, values) in enumerate(dropdowns.items()):
        lists.write_string(0, j, name)
        for r, value in enumerate(values, start=1):
            lists.write_string(r, j, value)
        letter = col_letter(j)
        ranges[name] = f"={LISTS_SHEET}!${letter}$2:${letter}${max(len(values), 1) + 1}"
    return ranges


def _validate(sheet, i: int, column, ranges: dict[str, str]) -> None:
    if column.dropdown and column.dropdown in ranges:
        units = column.dropdown in {"cells", "units", "parents"}
        sheet.data_validation(1, i, TEMPLATE_ROWS, i, {
            "validate": "list", "source": ranges[column.dropdown],
            "input_title": column.header[:32], "input_message": column.note[:255],
            "error_title": "Giá trị không có trong danh sách",
            "error_message": (f"Hãy chọn {column.header.lower()} trong danh sách."
                              + (" Có thể ghi mã đơn vị." if units else "")
                              + ("" if column.list_only or units else
                                 " Xem cách ghi khác ở trang Hướng dẫn."))[:255],
            # Units may also be typed as their code: a warning, not a refusal.
            "error_type": "warning" if units or not column.list_only else "stop",
        })
    elif column.type == "date":
        sheet.data_validation(1, i, TEMPLATE_ROWS, i, {
            "validate": "date", "criteria": "between",
            "minimum": dt.date(1900, 1, 1), "maximum": dt.date(2100, 12, 31),
            "input_title": column.header[:32], "input_message": column.note[:255],
            "error_title": "Ngày không hợp lệ",
            "error_message": "Hãy nhập ngày dạng ngày/tháng/năm, ví dụ 31/05/2022.",
            "error_type": "warning",
        })
    else:
        sheet.data_validation(1, i, TEMPLATE_ROWS, i, {
            "validate": "any", "input_title": column.header[:32],
            "input_message": column.note[:255],
        })


def _write_guide(guide, kind: type[Kind], fmt) -> None:
    guide.set_column(0, 0, 30)
    guide.set_column(1, 1, 12)
    guide.set_column(2, 2, 90, fmt["wrap"])
    guide.set_column(3, 9, 18)  # the guide's example tables (`Kind.guide_sections`)
    guide.write_string(0, 0, f"Mẫu nhập {kind.label.lower()}", fmt["bold"])
    guide.write_string(1, 0, kind.description)
    guide.write_string(2, 0, "Mỗi dòng một bản ghi, bắt đầu từ dòng 2 của trang "
                             f"'{kind.sheet_title}'. Dòng ví dụ (chữ nghiêng) hãy ghi đè hoặc xóa. "
                             "Tải lên lại cùng một tệp không làm thay đổi gì.")
    if kind.blank_keeps:
        guide.write_string(3, 0, kind.blank_note or BLANK_KEEPS)
    guide.write_row(4, 0, ["Cột", "Bắt buộc", "Cách ghi"], fmt["bold"])
    for r, column in enumerate(kind.columns, start=5):
        guide.write_row(r, 0, [column.header, "Có" if column.required else "", column.note])
    r = 5 + len(kind.columns)
    for title, rows in kind.guide_sections():
        r += 1
        guide.write_string(r, 0, title, fmt["bold"])
        r += 1
        for i, row in enumerate(rows):
            if len(row) == 1:  # a sentence, read across the empty cells on its right
                guide.write_string(r, 0, row[0])
            else:
                guide.write_row(r, 0, row, fmt["bold"] if i == 0 else fmt["wrap"])
            r += 1
