"""Files that cannot be imported: each gives ONE clear Vietnamese message; nothing is written.

Every case is a real file on disk: a CSV and a PNG named .xlsx, an xlsx encrypted with a
password (msoffcrypto-tool), a truncated zip, sheets without data or without the needed
headers, merged header cells, a formula error, a unit outside scope, a CCCD twice, a file
over the size limit, and an import that stops half-way.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.people.models import Membership, Person

from .conftest import MEMBER_HEADERS, imp, member_row, texts, write_xlsx


def _nothing_written(before_audit: int) -> None:
    assert Person.objects.count() == 0
    assert Membership.objects.count() == 0
    assert AuditEvent.objects.count() == before_audit


@pytest.fixture
def audit_count(province):
    return AuditEvent.objects.count()


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_a_csv_named_xlsx(personas, tmp_path, audit_count):
    path = tmp_path / "dang-vien.xlsx"
    path.write_text("Họ và tên,Giới tính\nBùi Thị Hoa,Nữ\n", encoding="utf-8")
    result = imp(path, personas.kimboi)
    assert result.file_problem == (
        "Tệp 'dang-vien.xlsx' không phải tệp Excel (.xlsx). Hãy dùng tệp mẫu tải từ hệ thống, "
        "hoặc mở tệp bằng Excel và lưu dạng Sổ làm việc Excel (.xlsx).")
    assert not result.problems
    _nothing_written(audit_count)


def test_a_png_named_xlsx(personas, tmp_path, audit_count):
    path = tmp_path / "anh.xlsx"
    path.write_bytes(_png())
    assert imp(path, personas.kimboi).file_problem.startswith(
        "Tệp 'anh.xlsx' không phải tệp Excel (.xlsx).")
    _nothing_written(audit_count)


def test_a_password_protected_xlsx(personas, xlsx, tmp_path, audit_count):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = xlsx([member_row()])
    locked = tmp_path / "co-mat-khau.xlsx"
    with plain.open("rb") as src, locked.open("wb") as out:
        OOXMLFile(src).encrypt("matkhau123", out)
    assert locked.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # an OLE file, not a zip
    result = imp(locked, personas.kimboi)
    assert result.file_problem.startswith(
        "Tệp 'co-mat-khau.xlsx' được đặt mật khẩu nên không đọc được. Hãy mở tệp bằng Excel, bỏ "
        "mật khẩu")
    _nothing_written(audit_count)


def test_a_truncated_xlsx(personas, xlsx, tmp_path, audit_count):
    whole = xlsx([member_row() for _ in range(1)]).read_bytes()
    cut = tmp_path / "bi-cat.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    assert imp(cut, personas.kimboi).file_problem == (
        "Tệp 'bi-cat.xlsx' bị hỏng, không đọc được (có thể tải lên chưa hết hoặc bị cắt). Hãy mở "
        "tệp bằng Excel, lưu lại rồi tải lên lần nữa.")
    _nothing_written(audit_count)


def test_an_empty_sheet(personas, tmp_path, audit_count):
    path = write_xlsx(tmp_path / "trong.xlsx", [], [])
    assert imp(path, personas.kimboi).file_problem == (
        "Trang tính 'Đảng viên' trống: không có dòng tiêu đề và không có dữ liệu. Hãy điền dữ liệu "
        "vào tệp mẫu (mỗi người một dòng, dưới dòng tiêu đề).")
    headers_only = write_xlsx(tmp_path / "chi-tieu-de.xlsx", MEMBER_HEADERS, [])
    assert imp(headers_only, personas.kimboi).file_problem == (
        "Trang tính 'Đảng viên' chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    _nothing_written(audit_count)


def test_missing_required_headers_are_named(personas, xlsx, audit_count):
    headers = ["Họ và tên", "Giới tính", "Chi bộ", "Ngày vào Đảng"]
    result = imp(xlsx([["Bùi Thị Hoa", "Nữ", "KB.01.01", dt.date(2015, 3, 2)]], headers),
                 personas.kimboi)
    assert result.file_problem == (
        "Trang tính 'Đảng viên' thiếu cột bắt buộc: 'Ngày sinh', 'Số CCCD' (dòng tiêu đề là dòng "
        "1). Hãy thêm các cột này hoặc dùng tệp mẫu.")
    _nothing_written(audit_count)


def test_a_title_above_the_headers_is_fine(personas, xlsx):
    def title(book, ws):
        ws.write_string(0, 0, "DANH SÁCH ĐẢNG VIÊN CHI BỘ XÓM MỚ ĐÁ")

    result = imp(xlsx([member_row()], header_row=2, before=title), personas.kimboi)
    assert result.committed, (result.file_problem, texts(result))


def test_merged_header_cells(personas, xlsx, audit_count):
    def merge(book, ws):
        ws.merge_range(0, 6, 0, 7, "Ngày vào Đảng")

    result = imp(xlsx([member_row()], before=merge), personas.kimboi)
    assert result.file_problem == (
        "Dòng tiêu đề (dòng 1) có ô gộp (G1:H1). Mỗi cột phải có tiêu đề riêng trong một ô: hãy "
        "bỏ gộp ô (Trang đầu › Gộp và căn giữa › Bỏ gộp ô) hoặc dùng tệp mẫu.")
    _nothing_written(audit_count)


def test_a_formula_error_cell(personas, xlsx, audit_count):
    def broken(book, ws):
        ws.write_formula(2, 2, "=1/0", None, "#DIV/0!")

    result = imp(xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002")],
                      before=broken), personas.kimboi)
    assert result.file_problem == (
        "Tệp có ô công thức bị lỗi: dòng 3, cột 'Ngày sinh' (#DIV/0!). Hãy sửa công thức hoặc "
        "thay bằng giá trị rồi tải lên lại.")
    _nothing_written(audit_count)


def test_a_unit_outside_scope(personas, xlsx, audit_count):
    result = imp(xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002",
                                                cell="LS.01.01")]), personas.kimboi)
    assert texts(result) == [
        "Dòng 3, cột 'Chi bộ': không có đơn vị mã 'LS.01.01' trong phạm vi bạn được cập nhật. Hãy "
        "chọn đơn vị trong danh sách của tệp mẫu."]
    assert not result.committed
    _nothing_written(audit_count)


def test_duplicate_cccds_name_both_rows(personas, xlsx, audit_count):
    rows = [member_row(), member_row("Đinh Văn Nam", "017185000002"),
            member_row("Bùi Thị Hoa Hai", "017190000001")]
    result = imp(xlsx(rows), personas.kimboi)
    assert texts(result) == [
        "Dòng 4, cột 'Số CCCD': trùng số CCCD với dòng 2: mỗi người chỉ ghi một dòng (dòng 2 và "
        "dòng 4)."]
    _nothing_written(audit_count)


def test_a_file_above_the_size_limit(personas, xlsx, settings, audit_count):
    path = xlsx([member_row()])
    settings.DANGVIEN_IMPORT_MAX_BYTES = path.stat().st_size - 1
    result = imp(path, personas.kimboi)
    assert result.file_problem.startswith("Tệp 'dang-vien.xlsx' có dung lượng 0,0 MB, vượt giới "
                                          "hạn 0,0 MB.")
    _nothing_written(audit_count)


def test_an_import_stopped_half_way_leaves_the_database_as_it_was(personas, xlsx, audit_count):
    """Ctrl-C (or a crash) after the first batch was written: the transaction rolls back."""
    rows = [member_row(f"Bùi Văn Số {i}", f"0171900{i:05d}", gender="Nam") for i in range(5000)]
    rows += [member_row("Bùi Thị Cuối", "017191999999")]
    path = xlsx(rows)
    calls = []

    def stop(done, total):
        calls.append(done)
        # The first batch of 5.000 rows has been written inside the transaction.
        assert Person.objects.count() == 5000
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        imp(path, personas.kimboi, progress=stop)
    assert calls == [5000]
    _nothing_written(audit_count)


def test_a_file_wrong_in_every_cell_keeps_the_first_problems_and_counts_all(
        personas, tmp_path, audit_count, monkeypatch):
    """Millions of wrong cells must not mean millions of messages held in memory: the
    first ones are kept (here 50), every one is counted."""
    from dangvien.exchange.kinds import base

    monkeypatch.setattr(base, "KEPT", 50)
    rows = [["x", "?", "31/02/1990", "không-phải-số", "x", "x", "x", "x", "x", "LS.99",
             "99/99/9999"] for _ in range(300)]
    result = imp(write_xlsx(tmp_path / "sai.xlsx", MEMBER_HEADERS, rows), personas.kimboi)
    assert not result.ok and not result.committed
    assert len(result.problems) == 50
    assert result.problem_count > 300 * 4
    assert result.counts.error_rows == 300
    assert [p.row for p in result.problems[:3]] == [2, 2, 2]  # in file order


@pytest.mark.parametrize("kind, headers, row", [
    ("members", None, ["Bùi Thị\x00 Hoa"] + member_row()[1:]),
    ("units", ["Mã đơn vị", "Tên đơn vị", "Đơn vị cấp trên", "Loại tổ chức", "Ngày thành lập"],
     ["KB.01.09", "Chi bộ\x00 mới", "KB.01", "Chi bộ trực thuộc đảng ủy cơ sở",
      dt.date(2022, 1, 1)]),
])
def test_a_control_character_in_free_text_is_one_message(personas, xlsx, audit_count, kind,
                                                         headers, row):
    """A NUL cannot be stored by PostgreSQL: it is refused at the cell, in every kind."""
    result = imp(xlsx([row], headers, sheet="Sheet1"), personas.provincial, kind=kind)
    found = texts(result)
    assert any("ký tự không hợp lệ" in t for t in found), found
    assert not any("\x00" in t for t in found)
    assert not result.committed
    _nothing_written(audit_count)
