"""Templates: Vietnamese headers with notes, dropdowns from the user's scope, date formats,
a frozen header row and one example row; read back with openpyxl as Excel would."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.core.management import call_command

from dangvien.exchange.blank import write_template
from dangvien.exchange.kinds import all_kinds, get


def _book(tmp_path, kind, user, **options):
    path = tmp_path / f"{kind}.xlsx"
    write_template(get(kind), path, user=user, **options)
    return openpyxl.load_workbook(path)


def _list(book, name) -> list[str]:
    lists = book["DanhMuc"]
    for col in lists.iter_cols(values_only=True):
        if col[0] == name:
            return [v for v in col[1:] if v is not None]
    raise AssertionError(name)


@pytest.mark.parametrize("kind", ["units", "members", "candidates", "allocations"])
def test_every_kind_has_notes_dropdowns_and_a_frozen_header(province, personas, tmp_path, kind):
    book = _book(tmp_path, kind, personas.provincial)
    sheet = book.worksheets[0]
    columns = get(kind).columns
    assert [c.value for c in sheet[1]] == [c.header for c in columns]
    for cell, column in zip(sheet[1], columns, strict=True):
        assert cell.comment is not None and cell.comment.text.startswith(column.note[:20])
    assert sheet.freeze_panes == "A2"
    assert book["DanhMuc"].sheet_state == "hidden"
    assert book["Hướng dẫn"]["A1"].value.startswith("Mẫu nhập")
    validations = {str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation}
    for i, column in enumerate(columns):
        letter = openpyxl.utils.get_column_letter(i + 1)
        dv = validations[f"{letter}2"]
        if column.dropdown:
            assert dv.type == "list" and dv.formula1.startswith("DanhMuc!$")
        elif column.type == "date":
            assert dv.type == "date"
        if column.type == "date":
            assert sheet.column_dimensions[letter].number_format == "dd/mm/yyyy" or \
                sheet.cell(2, i + 1).number_format == "dd/mm/yyyy"
    assert any(c.value is not None for c in sheet[2])  # the example row


def test_members_template_lists_only_the_users_cells(province, personas, tmp_path):
    book = _book(tmp_path, "members", personas.kimboi)
    assert _list(book, "cells") == ["KB.01.01 — Chi bộ xóm Mớ Đá", "KB.01.02 — Chi bộ xóm Chanh",
                                    "KB.02 — Chi bộ Trường THPT Kim Bôi"]
    assert len(_list(book, "ethnicities")) == 54
    assert _list(book, "religions")[0] == "Không"
    assert _list(book, "statuses") == ["Dự bị", "Chính thức"]
    sheet = book.worksheets[0]
    assert sheet["J2"].value == "KB.01.01 — Chi bộ xóm Mớ Đá"
    assert sheet["C2"].value.date() == dt.date(1990, 3, 9)
    assert sheet["C2"].number_format == "dd/mm/yyyy"
    assert sheet["D2"].value == "017190000123"  # text: the leading zero stays
    secretary = _book(tmp_path, "members", personas.secretary)
    assert _list(secretary, "cells") == ["KB.01.01 — Chi bộ xóm Mớ Đá"]


def test_candidates_template_offers_the_sources(province, personas, tmp_path):
    book = _book(tmp_path, "candidates", personas.lacson)
    assert _list(book, "sources")[0] == "Đoàn TNCS Hồ Chí Minh"
    assert _list(book, "cells") == ["LS.01.01 — Chi bộ xóm Bai"]


def test_kinds_registry_names_every_kind():
    assert {"units", "members", "candidates", "allocations"} <= set(all_kinds())


def test_template_command(province, personas, tmp_path, capsys):
    out = tmp_path / "mau.xlsx"
    call_command("template", "members", "-o", str(out), "--user", "kimboi")
    assert "Đã ghi tệp mẫu đảng viên" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).sheetnames == ["Đảng viên", "DanhMuc", "Hướng dẫn"]
    # A kind is also named by the slug of its page, as on the import command.
    call_command("template", "ket-qua-lop", "-o", str(out), "--user", "kimboi")
    assert "Đã ghi tệp mẫu kết quả lớp bồi dưỡng" in capsys.readouterr().out


def test_a_filled_in_template_imports(province, personas, tmp_path):
    """Download, fill below the example (as an official would), upload."""
    from dangvien.exchange.importer import run_import
    from dangvien.people.models import Person

    path = tmp_path / "mau.xlsx"
    write_template(get("members"), path, user=personas.kimboi)
    book = openpyxl.load_workbook(path)
    sheet = book["Đảng viên"]
    sheet.append(["Quách Văn Đông", "Nam", "12/08/1988", "017188000777", "Mường", "Không",
                  "Trung học cơ sở", "Nông dân", "", "KB.01.02 — Chi bộ xóm Chanh", "01/09/2012",
                  "", "01/09/2013", "Chính thức", ""])
    book.save(path)
    result = run_import(kind="members", path=path, user=personas.kimboi, dry_run=False)
    assert result.committed, (result.file_problem, [p.text() for p in result.problems])
    assert [w.text() for w in result.warnings] == [
        "Dòng 2: đây là dòng ví dụ của tệp mẫu: đã bỏ qua."]
    assert list(Person.objects.values_list("full_name", "education")) == [
        ("Quách Văn Đông", "thcs")]


def test_the_members_guide_says_a_blank_cell_keeps_the_stored_value(personas, tmp_path):
    import openpyxl

    from dangvien.exchange.blank import BLANK_KEEPS, HELP_SHEET, write_template
    from dangvien.exchange.kinds import get

    write_template(get("members"), tmp_path / "dv.xlsx", user=personas.kimboi)
    guide = openpyxl.load_workbook(tmp_path / "dv.xlsx")[HELP_SHEET]
    assert guide["A4"].value == BLANK_KEEPS
    write_template(get("units"), tmp_path / "tc.xlsx", user=personas.kimboi)
    assert openpyxl.load_workbook(tmp_path / "tc.xlsx")[HELP_SHEET]["A4"].value.startswith(
        "Với đơn vị đã có, ô để trống giữ nguyên giá trị đã lưu.")
