"""Ratings from Excel (the `ratings` kind of the import machinery): members found by CCCD,
the entry page's rules, nothing saved on a bad row, idempotent, scoped; the template."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from dangvien.exchange.blank import write_template
from dangvien.exchange.kinds import get
from dangvien.ratings.models import Rating, RatingStatus
from dangvien.ratings.services import ratings_approve
from tests.exchange.conftest import imp, texts, write_xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["Số CCCD", "Họ và tên", "Chi bộ", "Năm", "Mức xếp loại", "Điểm"]
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def people(province, crowd):
    return crowd(province.kb_cell, 3), crowd(province.ls_cell, 1, "Quách Văn")


def run(tmp_path, rows, user, name="xep-loai.xlsx", **kw):
    return imp(write_xlsx(tmp_path / name, HEADERS, rows, sheet="Xếp loại"), user, kind="ratings",
               today=TODAY, **kw)


def test_import_then_unchanged_then_changed(tmp_path, personas, people):
    kb, _ = people
    rows = [[m.person.cccd, m.person.full_name, "KB.01.01", 2021, level, None]
            for m, level in zip(kb, ["Hoàn thành xuất sắc nhiệm vụ", "hoan thanh tot nhiem vu",
                                     "Không hoàn thành nhiệm vụ"], strict=True)]
    first = run(tmp_path, rows, personas.secretary)
    assert first.committed, (first.file_problem, texts(first))
    assert (first.counts.new, first.counts.changed, first.counts.unchanged) == (3, 0, 0)
    assert sorted(Rating.objects.values_list("level", flat=True)) == [
        "khong_hoan_thanh", "tot", "xuat_sac"]
    # 1 xuất sắc of 1 tốt: the page's 20% warning, not an error.
    assert [w.message for w in first.warnings] == [
        "Chi bộ xóm Mớ Đá, năm 2021: 1 xuất sắc là 100,0% của 1 tốt, vượt 20% (QĐ 132-QĐ/TW: "
        "tối đa 0 xuất sắc). Hãy xem lại."]
    again = run(tmp_path, rows, personas.secretary, name="b.xlsx")
    assert (again.counts.new, again.counts.changed, again.counts.unchanged) == (0, 0, 3)
    rows[0][4] = "Hoàn thành tốt nhiệm vụ"
    changed = run(tmp_path, rows, personas.secretary, name="c.xlsx")
    assert (changed.counts.new, changed.counts.changed, changed.counts.unchanged) == (0, 1, 2)
    assert not changed.warnings


def test_2025_scores_give_levels(tmp_path, personas, people):
    kb, _ = people
    rows = [[kb[0].person.cccd, None, None, 2025, None, 91],
            [kb[1].person.cccd, None, None, 2025, None, 69]]
    result = run(tmp_path, rows, personas.secretary)
    assert result.committed, texts(result)
    assert dict(Rating.objects.values_list("score", "level")) == {91: "xuat_sac", 69: "hoan_thanh"}


def test_bad_rows_refused_with_nothing_saved(tmp_path, personas, people):
    kb, ls = people
    rows = [
        [kb[0].person.cccd, None, None, 2025, None, 101],  # score 101
        [kb[1].person.cccd, None, None, 2021, "Hoàn thành tốt nhiệm vụ", None],
        [kb[1].person.cccd, None, None, 2021, "Hoàn thành nhiệm vụ", None],  # second rating
        [ls[0].person.cccd, None, None, 2021, "Hoàn thành tốt nhiệm vụ", None],  # not her cell
        [kb[2].person.cccd, "Nguyễn Văn Khác", None, 2021, "Hoàn thành tốt nhiệm vụ", None],
        [kb[2].person.cccd, None, "KB.01.02", 2020, "Hoàn thành tốt nhiệm vụ", None],
        [kb[2].person.cccd, None, None, 2020, "Giỏi", None],
    ]
    result = run(tmp_path, rows, personas.secretary)
    assert not result.committed
    problems = texts(result)
    assert problems[0].startswith("Dòng 2, cột 'Điểm': Điểm của ")
    assert "là 101: điểm phải từ 0 đến 100" in problems[0]
    assert problems[1] == ("Dòng 4, cột 'Số CCCD': đảng viên này đã có kết quả năm 2021 ở dòng 3 "
                           "(mỗi đảng viên một dòng mỗi năm).")
    # Lạc Sơn's member: the same words as an unknown CCCD; no name, no number.
    assert problems[2] == ("Dòng 5, cột 'Số CCCD': không có đảng viên nào có số CCCD này trong "
                           "phạm vi bạn được cập nhật. Hãy kiểm tra lại số CCCD (đủ 12 chữ số).")
    assert ls[0].person.full_name not in " ".join(problems)
    assert problems[3].startswith("Dòng 6, cột 'Họ và tên': số CCCD này là của ")
    assert problems[4].startswith("Dòng 7, cột 'Chi bộ': ") and "không sinh hoạt ở chi bộ 'KB.01.02'" in problems[4]
    assert problems[5].startswith("Dòng 8, cột 'Mức xếp loại': 'Giỏi' không có trong danh mục mức xếp loại")
    assert not Rating.objects.exists()


def test_second_rating_after_approval_refused(tmp_path, personas, people):
    kb, _ = people
    rows = [[kb[0].person.cccd, None, None, 2021, "Hoàn thành tốt nhiệm vụ", None]]
    assert run(tmp_path, rows, personas.secretary).committed
    ratings_approve(by=personas.kimboi, cell=kb[0].cell, year=2021)
    rows[0][4] = "Hoàn thành xuất sắc nhiệm vụ"
    result = run(tmp_path, rows, personas.secretary, name="b.xlsx")
    assert not result.committed
    assert "đã được cấp ủy cấp trên duyệt" in texts(result)[0]
    assert Rating.objects.get().level == "tot"
    assert Rating.objects.get().status == RatingStatus.APPROVED


def test_template_offers_levels_and_only_her_cells(tmp_path, personas, province):
    path = tmp_path / "mau.xlsx"
    write_template(get("ratings"), path, user=personas.secretary)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["Số CCCD", "Họ và tên", "Chi bộ", "Năm", "Mức xếp loại",
                                            "Điểm", "Ghi chú"]
    lists = {col[0]: [v for v in col[1:] if v] for col in book["DanhMuc"].iter_cols(values_only=True)}
    assert lists["levels"] == ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
                               "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"]
    assert lists["cells"] == ["KB.01.01 — Chi bộ xóm Mớ Đá"]
