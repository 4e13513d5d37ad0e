"""The "kết quả lớp" file (issue 13, item 6): one class of 2017 and its forty learners in
one real xlsx; the class is created, the learners enrolled and their results recorded;
every error of every row at once; a blank keeps; the preview lists each change old → new;
the command line, the template and the web upload."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from dangvien.exchange.models import ImportJob, JobStatus
from dangvien.training.models import Enrolment, Result, ResultCorrection, TrainingClass

from ..training.conftest import class_2017, forty  # noqa: F401 - fixtures
from .conftest import imp, run_jobs, texts

pytestmark = pytest.mark.django_db

HEADERS = ["Tên lớp", "Loại lớp", "Đơn vị tổ chức", "Ngày khai giảng", "Ngày bế giảng", "Số CCCD",
           "Họ và tên", "Kết quả", "Số giấy chứng nhận", "Ngày cấp giấy chứng nhận", "Lý do sửa"]
CLASS = ["Lớp bồi dưỡng nhận thức về Đảng khóa 2 năm 2017", "Bồi dưỡng nhận thức về Đảng",
         "KB — Huyện ủy Kim Bôi", dt.date(2017, 6, 5), dt.date(2017, 6, 10)]


def workbook(path, rows):
    """A real xlsx written with openpyxl: dates as Excel dates, the CCCD as text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kết quả lớp"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    book.save(path)
    return path


def learner(person, result="Đạt", number=None, on=None, reason=None, *, first=False):
    return [*(CLASS if first else [None] * 5), person.cccd, person.full_name, result, number, on,
            reason]


def forty_rows(people):
    rows = [learner(p, first=(i == 0), number=f"CN-{i + 1}/2017") for i, p in enumerate(people)]
    if len(rows) < 10:
        return rows
    rows[5][7] = "Không đạt"
    rows[5][8] = None
    rows[9][7] = "Vắng"
    rows[9][8] = None
    return rows


def test_a_2017_class_with_forty_learners_in_one_file(tmp_path, personas, forty):  # noqa: F811
    path = workbook(tmp_path / "lop-2017.xlsx", forty_rows(forty))
    check = imp(path, personas.kimboi, kind="class_results", dry_run=True)
    assert check.ok, texts(check)
    assert (check.counts.new, check.counts.changed) == (40, 0)
    assert any("chưa có: sẽ được tạo khi lưu" in w.text() for w in check.warnings)
    assert not TrainingClass.objects.exists()  # the check wrote nothing

    done = imp(path, personas.kimboi, kind="class_results")
    assert done.committed and done.counts.new == 40
    klass = TrainingClass.objects.get()
    assert (klass.organiser.code, klass.starts_on, klass.ends_on) == ("KB", dt.date(2017, 6, 5),
                                                                      dt.date(2017, 6, 10))
    passed = Enrolment.objects.filter(training_class=klass, result=Result.PASSED)
    assert passed.count() == 38
    # Validity from the certificate's own date, by the rules of 2017 (five years).
    assert set(passed.values_list("certificate_expires_on", flat=True)) == {dt.date(2022, 6, 10)}
    assert Enrolment.objects.get(person=forty[5]).result == Result.FAILED
    assert Enrolment.objects.get(person=forty[9]).result == Result.ABSENT

    again = imp(path, personas.kimboi, kind="class_results")
    assert again.ok and (again.counts.new, again.counts.changed, again.counts.unchanged) == (0, 0, 40)
    assert TrainingClass.objects.count() == 1


def test_every_error_of_every_row_at_once(tmp_path, personas, province, forty):  # noqa: F811
    from dangvien.people.services import person_create

    elsewhere = person_create(by=None, unit=province.ls_cell,
                              data={"full_name": "Quách Văn Tư", "gender": "nam",
                                    "birth_date": dt.date(1990, 1, 1), "cccd": "017190009999"})
    rows = [
        learner(forty[0], first=True),
        learner(forty[1], result="Giỏi"),
        [None, None, None, None, dt.date(2017, 7, 1), forty[2].cccd, None, "Đạt", None, None, None],
        [None] * 5 + ["12345", None, "Đạt", None, None, None],
        learner(elsewhere),
        learner(forty[3], on=dt.date(9999, 12, 31)),
        learner(forty[4], on=dt.date(2016, 1, 1)),
        [*[None] * 5, forty[5].cccd, "Tên Khác Hẳn", "Đạt", None, None, None],
        learner(forty[0]),
        learner(forty[6], result="Không đạt", number="CN-1"),
    ]
    result = imp(workbook(tmp_path / "sai.xlsx", rows), personas.kimboi, kind="class_results",
                 dry_run=True)
    found = texts(result)
    assert "Dòng 3, cột 'Kết quả': 'Giỏi' không có trong danh mục kết quả" in found[0]
    assert any("Dòng 4, cột 'Ngày bế giảng': mỗi tệp là một lớp: ô này khác dòng 2 (10/06/2017)"
               in t for t in found)
    assert any(t.startswith("Dòng 5, cột 'Số CCCD'") for t in found)
    assert any("Dòng 6, cột 'Số CCCD': không có ai có số CCCD này" in t for t in found)
    assert any(t.startswith("Dòng 7, cột 'Ngày cấp giấy chứng nhận'") for t in found)
    assert any("Dòng 8, cột 'Ngày cấp giấy chứng nhận': ngày cấp giấy chứng nhận 01/01/2016 "
               "trước ngày khai giảng" in t for t in found)
    assert any("Dòng 9, cột 'Họ và tên': số CCCD này là của" in t for t in found)
    assert any("Dòng 10, cột 'Số CCCD': trùng số CCCD với dòng 2" in t for t in found)
    assert any("Dòng 11, cột 'Kết quả': chỉ học viên đạt mới có giấy chứng nhận" in t
               for t in found)
    assert "017190009999" not in " ".join(found)  # someone else's person: not found, nothing more
    assert not TrainingClass.objects.exists() and not Enrolment.objects.exists()


def test_the_class_row_must_be_complete(tmp_path, personas, forty):  # noqa: F811
    rows = [[CLASS[0], None, "LS", dt.date(2017, 6, 5), dt.date(2017, 6, 10), forty[0].cccd,
             None, "Đạt", None, None, None]]
    found = texts(imp(workbook(tmp_path / "lop.xlsx", rows), personas.kimboi,
                      kind="class_results", dry_run=True))
    assert any("Dòng 2, cột 'Loại lớp': dòng đầu tiên phải ghi đủ thông tin của lớp" in t
               for t in found)
    rows[0][1] = CLASS[1]
    found = texts(imp(workbook(tmp_path / "lop.xlsx", rows), personas.kimboi,
                      kind="class_results", dry_run=True))
    assert any("Dòng 2, cột 'Đơn vị tổ chức': không có đơn vị mã 'LS' trong phạm vi" in t
               for t in found)
    rows[0][2], rows[0][3] = "KB", dt.date(1985, 1, 1)
    found = texts(imp(workbook(tmp_path / "lop.xlsx", rows), personas.kimboi,
                      kind="class_results", dry_run=True))
    assert any("Dòng 2, cột 'Ngày khai giảng': ngày khai giảng 01/01/1985 quá xa" in t
               for t in found)


def test_blank_keeps_and_a_correction_needs_a_reason_and_shows_old_to_new(
        tmp_path, personas, forty, capsys):  # noqa: F811
    path = workbook(tmp_path / "lop.xlsx", forty_rows(forty[:3]))
    assert imp(path, personas.kimboi, kind="class_results").committed
    # Second file: first learner blank result (keeps), second corrected without reason.
    rows = [learner(forty[0], result=None, first=True),
            learner(forty[1], result="Không đạt"),
            learner(forty[2], on=dt.date(2017, 6, 12))]
    path = workbook(tmp_path / "sua.xlsx", rows)
    found = texts(imp(path, personas.kimboi, kind="class_results", dry_run=True))
    assert any("Dòng 3, cột 'Lý do sửa'" in t and "ít nhất 10 ký tự" in t for t in found)
    rows[1][10] = "Sổ lớp ghi không đạt"
    rows[2][10] = "Ngày cấp đúng theo sổ"
    workbook(path, rows)
    call_command("import", "ket-qua-lop", str(path), "--dry-run", "--format", "json",
                 "--user", "kimboi", "--no-progress")
    out = json.loads(capsys.readouterr().out)
    assert (out["new"], out["changed"], out["unchanged"], out["errors"]) == (0, 2, 1, [])
    changes = {c["row"]: c for c in out["changes"]}
    assert changes[3]["fields"]["result"] == {"old": "Đạt yêu cầu, được cấp giấy chứng nhận",
                                              "new": "Không đạt"}
    assert changes[3]["fields"]["certificate_on"] == {"old": "10/06/2017", "new": None}
    assert changes[4]["fields"] == {"certificate_on": {"old": "10/06/2017", "new": "12/06/2017"}}
    assert changes[3]["key"] != forty[1].cccd  # masked
    assert not ResultCorrection.objects.exists()  # a dry run

    done = imp(path, personas.kimboi, kind="class_results")
    assert done.committed and done.counts.changed == 2
    first = Enrolment.objects.get(person=forty[0])
    assert (first.result, first.certificate_number) == (Result.PASSED, "CN-1/2017")
    correction = ResultCorrection.objects.get(enrolment__person=forty[1])
    assert correction.old_result == Result.PASSED and correction.new_result == Result.FAILED
    assert correction.reason == "Sổ lớp ghi không đạt"


def test_the_template_and_the_web_upload(client, personas, forty, tmp_path):  # noqa: F811
    client.force_login(personas.kimboi)
    response = client.get("/trao-doi/mau/ket-qua-lop/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                             if response.streaming else response.content))
    sheet = book["Kết quả lớp"]
    assert [c.value for c in sheet[1]][:6] == HEADERS[:6]
    assert "KB — Huyện ủy Kim Bôi" in [c.value for c in book["DanhMuc"]["A"] + book["DanhMuc"]["B"]
                                        + book["DanhMuc"]["C"]]
    path = workbook(tmp_path / "lop.xlsx", forty_rows(forty))
    with path.open("rb") as fh:
        response = client.post("/trao-doi/nhap/ket-qua-lop/", {"tep": fh})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/trao-doi/nhap/luot/{job.pk}/"
    job = run_jobs(job)
    assert job.status == JobStatus.CHECKED and job.new == 40
    html = client.get(response["Location"]).content.decode()
    assert ">Lưu</button>" in html
    client.post(f"/trao-doi/nhap/luot/{job.pk}/luu/")
    job = run_jobs(job)
    assert job.status == JobStatus.DONE
    assert Enrolment.objects.filter(result=Result.PASSED).count() == 38


def test_outside_scope_the_class_and_the_people_are_not_found(tmp_path, personas,
                                                              forty):  # noqa: F811
    path = workbook(tmp_path / "lop.xlsx", forty_rows(forty[:2]))
    found = texts(imp(path, personas.lacson, kind="class_results", dry_run=True))
    assert any("không có đơn vị mã 'KB' trong phạm vi bạn được cập nhật" in t for t in found)
    assert any("Dòng 3, cột 'Số CCCD': không có ai có số CCCD này" in t for t in found)
    assert not TrainingClass.objects.exists()
