"""A large sheet is read in pieces (exchange.split): the import finds exactly what reading
it whole finds (rows, row numbers, errors, writes), and the pieces are gone afterwards."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.exchange import split
from dangvien.people.models import Membership, Person

from .conftest import MEMBER_HEADERS, imp, member_row, texts, write_xlsx


def _rows(count: int) -> list[list]:
    rows = []
    for i in range(count):
        row = member_row(f"Bùi Văn Số {i}", f"0171900{i:05d}", gender="Nam",
                         cell="KB.01.01" if i % 2 else "KB.01.02", birth=dt.date(1980, 1, 1))
        # A row number in the first column on the first rows only: later pieces begin one
        # column further right, and their cells must still land in the right columns.
        rows.append([i + 1 if i < 5 else None, *row])
    rows[150][3] = "31/02/1990"  # an error deep in the file, in its own piece
    rows[290][4] = rows[10][4]  # a CCCD twice, across pieces
    return rows


@pytest.fixture
def pieces_made(monkeypatch):
    made = []
    real = split.split_sheet

    def spy(path, part):
        found = real(path, part)
        made.append(None if found is None else len(found.pieces))
        return found

    monkeypatch.setattr(split, "split_sheet", spy)
    return made


@pytest.mark.parametrize("chunk", [None, 3000])
def test_pieces_read_as_the_whole_sheet(province, personas, tmp_path, settings, chunk,
                                        pieces_made):
    settings.DANGVIEN_IMPORT_DIR = tmp_path / "imports"
    if chunk:
        settings.DANGVIEN_IMPORT_CHUNK_BYTES = chunk
    path = write_xlsx(tmp_path / "lon.xlsx", ["STT", *MEMBER_HEADERS], _rows(300))
    result = imp(path, personas.kimboi, dry_run=True)
    assert pieces_made == ([None] if not chunk else [pieces_made[0]])
    if chunk:
        assert pieces_made[0] > 5  # really in pieces
    assert result.rows == 300
    assert texts(result) == [
        "Dòng 152, cột 'Ngày sinh': '31/02/1990' không phải ngày hợp lệ (nhập theo dạng "
        "ngày/tháng/năm, ví dụ 31/05/2022).",
        "Dòng 292, cột 'Số CCCD': trùng số CCCD với dòng 12: mỗi người chỉ ghi một dòng "
        "(dòng 12 và dòng 292).",
    ]
    assert not list(settings.DANGVIEN_IMPORT_DIR.glob("dv-tach-*"))  # the pieces are gone


@pytest.mark.django_db(transaction=True)
def test_a_file_in_pieces_is_saved_whole(province, personas, tmp_path, settings):
    settings.DANGVIEN_IMPORT_CHUNK_BYTES = 3000
    rows = [r[1:] for r in _rows(300)]
    rows[150][2] = dt.date(1980, 1, 1)
    rows[290][3] = "017190099999"
    result = imp(write_xlsx(tmp_path / "lon.xlsx", MEMBER_HEADERS, rows), personas.kimboi)
    assert result.committed, texts(result)
    assert Person.objects.filter(full_name__startswith="Bùi Văn Số").count() == 300
    assert Membership.objects.filter(cell=province.kb_cell).count() >= 150
    assert Person.objects.get(cccd="017190099999").full_name == "Bùi Văn Số 290"
