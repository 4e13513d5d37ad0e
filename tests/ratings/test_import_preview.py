"""The ratings import's preview (issue 13, item 6): each changed rating old → new in
`dangvien import ratings FILE --dry-run --format json` and on the check page, every error
of a row at once, a blank cell keeps the stored value (the guide says so), and an approved
rating is not changed by a file (that is a correction with a reason, on the page)."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from dangvien.exchange.blank import BLANK_KEEPS, write_template
from dangvien.exchange.kinds import get
from dangvien.ratings.models import Rating, RatingStatus
from dangvien.ratings.services import Entry, rating_enter, ratings_approve, ratings_enter_batch
from tests.exchange.conftest import imp, texts

pytestmark = pytest.mark.django_db
HEADERS = ["Số CCCD", "Họ và tên", "Chi bộ", "Năm", "Mức xếp loại", "Điểm", "Ghi chú"]
TODAY = dt.date(2026, 11, 27)
GOOD, EXCELLENT, DONE = ("Hoàn thành tốt nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ",
                         "Hoàn thành nhiệm vụ")


def xlsx(path, rows):
    """A real Excel file, made with openpyxl as an officer's spreadsheet program would."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Xếp loại"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def preview(path) -> dict:
    out = io.StringIO()
    try:
        call_command("import", "ratings", str(path), dry_run=True, format="json",
                     no_progress=True, user="chibo", stdout=out, stderr=io.StringIO())
    except CommandError:
        pass  # errors: the JSON is printed all the same
    return json.loads(out.getvalue())


@pytest.fixture
def rated(province, personas, crowd):
    """Three members of Mớ Đá rated "tốt" in 2021 (the first with a note)."""
    members = crowd(province.kb_cell, 3)
    ratings_enter_batch(by=personas.secretary, cell=province.kb_cell, year=2021, today=TODAY,
                        entries=[Entry(m.pk, level="tot", note="ghi chú cũ" if i == 0 else "")
                                 for i, m in enumerate(members)])
    return members


def test_preview_lists_each_change_old_to_new_and_writes_nothing(tmp_path, rated):
    a, b, c = (m.person for m in rated)
    path = xlsx(tmp_path / "a.xlsx", [
        [a.cccd, None, None, 2021, EXCELLENT, None, None],  # changed; the note kept
        [b.cccd, None, None, 2021, GOOD, None, None],  # as stored
        [c.cccd, None, None, 2021, DONE, None, "chuyển công tác"],  # level and note
    ])
    found = preview(path)
    assert (found["new"], found["changed"], found["unchanged"], found["errors"]) == (0, 2, 1, [])
    assert found["changes"] == [
        {"row": 2, "key": a.cccd[:3] + "*******" + a.cccd[-2:],
         "fields": {"level": {"old": GOOD, "new": EXCELLENT}}},
        {"row": 4, "key": c.cccd[:3] + "*******" + c.cccd[-2:],
         "fields": {"level": {"old": GOOD, "new": DONE},
                    "note": {"old": "", "new": "chuyển công tác"}}}]
    assert a.cccd not in json.dumps(found)  # the CCCD masked
    assert set(Rating.objects.values_list("level", flat=True)) == {"tot"}  # a dry run


@pytest.mark.django_db(transaction=True)
def test_the_check_page_lists_the_changes(tmp_path, rated, personas, client):
    from dangvien.exchange.models import ImportJob
    from tests.exchange.conftest import run_jobs

    a = rated[0].person
    path = xlsx(tmp_path / "b.xlsx", [[a.cccd, None, None, 2021, EXCELLENT, None, None]])
    client.force_login(personas.secretary)
    with path.open("rb") as fh:
        client.post("/trao-doi/nhap/xep-loai/", {"tep": fh})
    run_jobs()
    job = ImportJob.objects.get()
    html = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Các thay đổi sẽ được lưu (1 dòng)" in html
    assert ('<td data-label="Dòng" class="n">2</td><td data-label="Cột">Mức xếp loại</td>'
            f'<td data-label="Đang lưu">{GOOD}</td><td data-label="Sẽ thành">{EXCELLENT}</td>') in html
    assert Rating.objects.get(person=a, year=2021).level == "tot"  # not saved before "Lưu"


def test_every_error_of_a_row_at_once(tmp_path, rated, province, crowd):
    other = crowd(province.kb_cell, 1, "Đinh Thị")[0].person
    path = xlsx(tmp_path / "c.xlsx", [
        # Wrong name and a score in a year of four levels.
        [rated[0].person.cccd, "Nguyễn Văn Khác", None, 2021, None, 80, None],
        # A year in the future and a level not in the list.
        [other.cccd, None, None, 9999, "Giỏi", None, None],
        # Score 101 under QĐ 366 and a cell she is not in.
        [other.cccd, None, "KB.01.02", 2025, None, 101, None],
    ])
    result = imp(path, _secretary(), kind="ratings",
                 today=TODAY)
    assert not result.committed
    by_row: dict[int, list[str]] = {}
    for p in result.problems:
        by_row.setdefault(p.row, []).append(p.column)
    assert sorted(by_row[2]) == ["Họ và tên", "Điểm"]
    assert sorted(by_row[3]) == ["Mức xếp loại", "Năm"]
    assert sorted(by_row[4]) == ["Chi bộ", "Điểm"]
    problems = texts(result)
    assert any(p.startswith("Dòng 3, cột 'Năm': Năm đánh giá 9999 không hợp lệ") for p in problems)
    assert any("Năm này xếp loại theo QĐ 132-QĐ/TW (bốn mức, không chấm điểm)" in p
               for p in problems)
    assert set(Rating.objects.values_list("level", flat=True)) == {"tot"}


def _secretary():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="chibo")


def test_a_blank_cell_keeps_the_stored_value(tmp_path, rated, province, crowd):
    a, b = rated[0].person, rated[1].person
    scored = crowd(province.kb_cell, 1, "Hà Văn")[0]
    rating_enter(by=None, membership=scored, year=2025, score=75, note="", today=TODAY)
    new = crowd(province.kb_cell, 1, "Lò Thị")[0].person
    path = xlsx(tmp_path / "d.xlsx", [
        [a.cccd, a.full_name, None, 2021, None, None, None],  # nothing given: kept
        [b.cccd, None, None, 2021, None, None, "đi học dài hạn"],  # only the note
        [scored.person.cccd, None, None, 2025, GOOD, None, None],  # the level of score 75
        [new.cccd, None, None, 2021, None, None, None],  # not rated yet: a level is needed
    ])
    result = imp(path, _secretary(), kind="ratings", today=TODAY)
    assert texts(result) == ["Dòng 5, cột 'Mức xếp loại': hãy chọn mức xếp loại (hoặc ghi điểm "
                             "từ năm 2025)."]
    result = imp(xlsx(tmp_path / "e.xlsx", [
        [a.cccd, a.full_name, None, 2021, None, None, None],
        [b.cccd, None, None, 2021, None, None, "đi học dài hạn"],
        [scored.person.cccd, None, None, 2025, GOOD, None, None]]), _secretary(),
        kind="ratings", today=TODAY)
    assert result.committed, texts(result)
    assert (result.counts.changed, result.counts.unchanged) == (1, 2)
    kept = Rating.objects.get(person=a, year=2021)
    assert (kept.level, kept.note) == ("tot", "ghi chú cũ")
    assert Rating.objects.get(person=b, year=2021).note == "đi học dài hạn"
    assert Rating.objects.get(person=scored.person).score == 75
    # A level that does not match the stored score is refused, naming the band.
    result = imp(xlsx(tmp_path / "f.xlsx", [[scored.person.cccd, None, None, 2025, EXCELLENT,
                                             None, None]]), _secretary(), kind="ratings",
                 today=TODAY)
    assert "Điểm 75 của" in texts(result)[0] and "ứng với mức “Hoàn thành tốt nhiệm vụ”" in texts(result)[0]


def test_the_guide_says_a_blank_cell_keeps(tmp_path, personas, province):
    path = tmp_path / "mau.xlsx"
    write_template(get("ratings"), path, user=personas.secretary)
    book = openpyxl.load_workbook(path)
    guide = [c for ws in book.worksheets[1:] for row in ws.iter_rows(values_only=True)
             for c in row if c]
    assert BLANK_KEEPS in guide
    assert any("Kết quả đã được duyệt không sửa qua tệp" in str(c) for c in guide)


def test_an_approved_rating_is_not_changed_by_a_file(tmp_path, rated, personas, province):
    ratings_approve(by=personas.kimboi, cell=province.kb_cell, year=2021)
    a, b = rated[0].person, rated[1].person
    result = imp(xlsx(tmp_path / "g.xlsx", [
        [a.cccd, None, None, 2021, EXCELLENT, None, None],
        [b.cccd, None, None, 2021, GOOD, None, None]]), _secretary(), kind="ratings", today=TODAY)
    assert not result.committed
    assert texts(result) == [
        f"Dòng 2, cột 'Mức xếp loại': kết quả xếp loại năm 2021 của {a.full_name} đã được cấp ủy "
        "cấp trên duyệt: không sửa qua tệp nhập; cấp đã duyệt sửa trên trang xếp loại, với lý do."]
    assert Rating.objects.get(person=a, year=2021).level == "tot"
    # The same values as approved: nothing to change, the file goes through.
    result = imp(xlsx(tmp_path / "h.xlsx", [
        [a.cccd, None, None, 2021, GOOD, None, None],
        [b.cccd, None, None, 2021, None, None, None]]), _secretary(), kind="ratings", today=TODAY)
    assert result.committed and result.counts.unchanged == 2
    assert set(Rating.objects.values_list("status", flat=True)) == {RatingStatus.APPROVED}
