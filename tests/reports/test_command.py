"""`dangvien report progress --format docx|pdf -o FILE`: the written report from the
command line, with the same scope as the web."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document as read_docx
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", "progress", "--plan", "77-KH/TU", *args, stdout=out,
                 stderr=io.StringIO())
    return out.getvalue()


def test_docx_to_a_file(kim_boi, tmp_path):
    target = tmp_path / "bao-cao.docx"
    said = run("--as-of", "31/05/2022", "--format", "docx", "-o", str(target))
    assert said.startswith("Đã ghi báo cáo kết quả thực hiện Kế hoạch số 77-KH/TU của Tỉnh ủy "
                           "Hòa Bình, tính đến ngày 31/05/2022")
    word = read_docx(str(target))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "BÁO CÁO" in text and "Kế hoạch số 77-KH/TU ngày 14/02/2022" in text
    rows = [[c.text for c in r.cells] for t in word.tables for r in t.rows]
    assert ["1", "Huyện ủy Kim Bôi", "150", "46", "30,7%", "41,7%", "Chậm tiến độ", "116"] in rows


def test_pdf_for_kim_boi_as_its_officer(kim_boi, kb_plan, personas, tmp_path):
    target = tmp_path / "bao-cao.pdf"
    run("--as-of", "2022-05-31", "--unit", "KB", "--user", "kimboi", "--format", "pdf",
        "-o", str(target))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(target)).pages).split())
    assert "HUYỆN ỦY KIM BÔI" in text
    assert "toàn Đảng bộ huyện đã kết nạp 46 đảng viên, đạt 30,7% chỉ tiêu năm" in text
    assert "Lạc Sơn" not in text


def test_a_unit_outside_the_users_scope_is_refused(kim_boi, personas, tmp_path):
    target = tmp_path / "bao-cao.docx"
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị LS trong phạm vi của người "
                                           "dùng kimboi"):
        run("--as-of", "31/05/2022", "--unit", "LS", "--user", "kimboi", "--format", "docx",
            "-o", str(target))
    assert not target.exists()


def test_docx_and_pdf_need_a_file_name(kim_boi):
    with pytest.raises(CommandError, match="Báo cáo dạng pdf cần tên tệp để ghi: -o TEP.pdf"):
        run("--as-of", "31/05/2022", "--format", "pdf")


def test_pdf_without_the_font_fails_with_a_vietnamese_message(kim_boi, settings, tmp_path):
    settings.DANGVIEN_PDF_FONT_DIR = str(tmp_path / "khong-co")
    target = tmp_path / "bao-cao.pdf"
    with pytest.raises(CommandError, match="Không tìm thấy phông chữ Liberation Serif"):
        run("--as-of", "31/05/2022", "--format", "pdf", "-o", str(target))
    assert not target.exists()


def test_the_real_command_exits_non_zero_without_the_font(kim_boi, settings, tmp_path,
                                                          capsys):
    """Through the command-line entry point: exit status 1 and one line, no traceback."""
    from django.core.management import ManagementUtility

    settings.DANGVIEN_PDF_FONT_DIR = str(tmp_path)
    utility = ManagementUtility(["dangvien", "report", "progress", "--plan", "77-KH/TU",
                                 "--as-of", "31/05/2022", "--format", "pdf", "-o",
                                 str(tmp_path / "x.pdf")])
    with pytest.raises(SystemExit) as stop:
        utility.execute()
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert "Không tìm thấy phông chữ Liberation Serif" in err
    assert "Traceback" not in err
