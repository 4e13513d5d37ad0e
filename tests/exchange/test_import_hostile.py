"""Hostile xlsx files (issue 12): each is refused before calamine reads it, with ONE clear
Vietnamese message, through the `import` command and the web upload; nothing is written.

The files come from hostile_corpus.py, written once per test process. Speed and memory are
measured by bench/hostile_import.py, not asserted here.
"""

from __future__ import annotations

import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape

from dangvien.audit.models import AuditEvent
from dangvien.exchange import zipcheck
from dangvien.exchange.models import ImportJob, JobStatus
from dangvien.people.models import Membership, Person

from . import hostile_corpus
from .conftest import MEMBER_HEADERS, imp, member_row, run_jobs, write_xlsx

#: file -> what its message says (the whole message starts with "Tệp '…'" or "Trang tính").
EXPECTED = {
    "o-xa-nhat.xlsx": "dùng tới dòng 1.048.576 (khai báo vùng dữ liệu tới ô XFD1048576), "
                      "vượt giới hạn 250.000 dòng một lần nhập.",
    "o-xa-nhat-khong-khai.xlsx": "dùng tới dòng 1.048.576, vượt giới hạn 250.000 dòng",
    "16384-cot.xlsx": "dùng tới cột XFD (16.384 cột), vượt giới hạn 100 cột.",
    "1048576-dong.xlsx": "dùng tới dòng 1.048.576 (khai báo vùng dữ liệu tới ô H1048576)",
    "1048576-dong-khong-khai.xlsx": "vượt giới hạn 250.000 dòng một lần nhập.",
    "luoi-thua.xlsx": "có vùng dữ liệu 250.000 dòng × 100 cột (25.000.000 ô), vượt giới hạn",
    "bom-chuoi-so-luong.xlsx": "có hơn 1.000.000 chuỗi văn bản khác nhau, vượt giới hạn",
    "bom-chuoi-khai.xlsx": "có 4.294.967.295 chuỗi văn bản khác nhau, vượt giới hạn",
    "chuoi-150mb.xlsx": "(một chuỗi văn bản dùng chung), vượt giới hạn 32.767 ký tự một ô.",
    "chuoi-nhan-ban.xlsx": "chứa hơn 64,0 MB văn bản trong các ô",
    "o-1gb.xlsx": "khi giải nén có dung lượng 1.024,0 MB, vượt giới hạn 200,0 MB.",
    "o-1gb-khai-sai.xlsx": "bị hỏng, không đọc được",
    "o-40mb.xlsx": "có ô chứa văn bản dài hơn",
    "co-macro.xlsx": "có chứa macro (VBA) nên không được nhận.",
    "lien-ket-ngoai.xlsx": "có liên kết tới sổ làm việc khác nên không được nhận",
    "nhieu-phan.xlsx": "chứa 5.005 thành phần, nhiều bất thường",
}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """name -> path, each file written the first time a test asks for it."""
    folder = tmp_path_factory.mktemp("hostile")
    made: dict = {}

    def get(name):
        if name not in made:
            made[name] = hostile_corpus.CORPUS[name](folder)
        return made[name]
    return get


def test_every_file_of_the_corpus_has_an_expected_message():
    assert set(EXPECTED) == set(hostile_corpus.CORPUS)


def _nothing_written(audit_before: int) -> None:
    assert Person.objects.count() == 0
    assert Membership.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_refused_by_the_import_command(name, corpus, personas):
    path = corpus(name)
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("import", "members", str(path), "--user", "kimboi", "--no-progress")
    message = str(refused.value)
    assert EXPECTED[name] in message
    assert f"'{name}'" in message  # the file is named
    assert "\n" not in message  # one message
    _nothing_written(before)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_refused_by_the_web_upload(name, corpus, personas, client):
    client.force_login(personas.kimboi)
    before = AuditEvent.objects.count()
    with corpus(name).open("rb") as fh:
        response = client.post("/trao-doi/nhap/dang-vien/", {"tep": fh})
    job = run_jobs(ImportJob.objects.get(file_name=name))
    assert response.status_code == 302
    assert job.status == JobStatus.INVALID
    assert EXPECTED[name] in job.message
    assert job.stored_as == ""  # the upload is not kept
    page = client.get(response["Location"]).content.decode()
    assert escape(job.message) in page
    _nothing_written(before)


def test_an_ordinary_file_with_shared_strings_passes(personas, tmp_path):
    """XlsxWriter's default mode keeps text in the shared strings: counted and accepted."""
    path = write_xlsx(tmp_path / "dv.xlsx", MEMBER_HEADERS,
                      [member_row(cccd=f"0171900000{i:02d}") for i in range(1, 21)])
    facts = zipcheck.inspect_xlsx(path, name="dv.xlsx")
    sheet = facts.sheets[0]
    assert (sheet.rows, sheet.columns, sheet.cells) == (21, 8, 21 * 8)
    assert facts.shared_strings > 20
    result = imp(path, personas.kimboi)
    assert result.ok and result.committed


def test_limits_come_from_the_settings(personas, tmp_path, settings):
    path = write_xlsx(tmp_path / "dv.xlsx", MEMBER_HEADERS,
                      [member_row(cccd=f"0171900000{i:02d}") for i in range(1, 11)])
    settings.DANGVIEN_IMPORT_MAX_ROWS = 5
    result = imp(path, personas.kimboi)
    assert result.file_problem == (
        "Trang tính 'Đảng viên' của tệp 'dv.xlsx' dùng tới dòng 11 (khai báo vùng dữ liệu tới "
        "ô H11), vượt giới hạn 5 dòng một lần nhập. Nếu bên dưới không có dữ liệu, hãy xóa các "
        "dòng thừa (cả định dạng) rồi lưu lại; nếu có, hãy chia thành nhiều tệp nhỏ hơn.")
    settings.DANGVIEN_IMPORT_MAX_ROWS = 250_000
    settings.DANGVIEN_IMPORT_MAX_CELL_CHARS = 10
    assert "vượt giới hạn 10 ký tự một ô" in imp(path, personas.kimboi).file_problem


def _prefixed(path, rows: int) -> None:
    """A sheet whose elements carry a namespace prefix (x:row, x:c), no dimension, no
    cell references: the general expressions must see every row and cell."""
    sheet = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             "<x:sheetData>" + "".join(
                 '<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c><x:v>1</x:v>'
                 "</x:c><x:c><x:v>2</x:v></x:c></x:row>" for _ in range(rows))
             + "</x:sheetData></x:worksheet>")
    hostile_corpus.write_xlsx(path, [])
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_a_prefixed_sheet_without_references_is_counted(tmp_path, settings):
    path = tmp_path / "x.xlsx"
    _prefixed(path, 40)
    sheet = zipcheck.inspect_xlsx(path, name="x.xlsx").sheets[0]
    assert (sheet.rows, sheet.columns, sheet.cells) == (40, 3, 120)
    settings.DANGVIEN_IMPORT_MAX_COLUMNS = 2
    with pytest.raises(zipcheck.Refused, match="dùng tới cột C"):
        zipcheck.inspect_xlsx(path, name="x.xlsx")


def test_a_part_that_unpacks_far_too_much_is_refused(tmp_path):
    """Past the sharper limits, a part unpacking more than 200 times is still refused."""
    path = hostile_corpus.write_xlsx(
        tmp_path / "nen.xlsx", [hostile_corpus.header_row()],
        extra={"xl/media/image1.bin": b"\0" * (4 << 20)})
    with pytest.raises(zipcheck.Refused, match=r"có phần 'xl/media/image1.bin' nén tới [\d.]+ "
                                               "lần, bất thường"):
        zipcheck.inspect_xlsx(path, name="nen.xlsx")
