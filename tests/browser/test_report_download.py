"""In a real browser: the provincial officer opens the progress dashboard for 31/05/2022,
clicks "Báo cáo (Word)" and "Báo cáo (PDF)", and the downloaded files carry the report's
subject line (báo cáo kết quả thực hiện Kế hoạch số 77-KH/TU)."""

from __future__ import annotations

import pytest
from docx import Document as read_docx
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import PASSWORD
from tests.reports import conftest as data

from .conftest import second_step

# The shared data of tests/reports (Kim Bôi's 46 of 150, two overdue recognitions).
_fresh_calendar = data._fresh_calendar
kb_admitted = data.kb_admitted
kb_pipeline = data.kb_pipeline
kim_boi = data.kim_boi
ls_admitted = data.ls_admitted
overdue_recognitions = data.overdue_recognitions
plan77 = data.plan77


pytestmark = pytest.mark.browser

SUBJECT = ("kết quả thực hiện Kế hoạch số 77-KH/TU ngày 14/02/2022 của Ban Thường vụ Tỉnh ủy "
           "về phát triển đảng viên năm 2022 (tính đến ngày 31/5/2022)")


def test_provincial_officer_downloads_the_report(live_server, personas, kim_boi,
                                                 overdue_recognitions, browser_page, shots,
                                                 tmp_path):
    page = browser_page
    page.goto(live_server.url + "/ke-hoach/tien-do/")
    page.get_by_label("Tên đăng nhập").fill("tinhuy")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    second_step(page, "tinhuy")  # an admin or approver signs in with two factors
    page.get_by_label("Số liệu tính đến ngày").fill("31/05/2022")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tiến độ kết nạp đảng viên: Tỉnh ủy Hòa Bình")
    page.screenshot(path=str(shots / "report-buttons.png"))

    with page.expect_download() as caught:
        page.get_by_role("link", name="Báo cáo (Word)").click()
    download = caught.value
    assert download.suggested_filename == "Bao-cao-77-KH-TU-31-05-2022.docx"
    word_file = tmp_path / download.suggested_filename
    download.save_as(word_file)
    word = read_docx(str(word_file))
    paragraphs = [p.text for p in word.paragraphs]
    assert "BÁO CÁO" in paragraphs
    assert SUBJECT in paragraphs
    rows = [[c.text for c in r.cells] for t in word.tables for r in t.rows]
    assert ["1", "Huyện ủy Kim Bôi", "150", "46", "30,7%", "41,7%", "Chậm tiến độ", "116"] in rows

    with page.expect_download() as caught:
        page.get_by_role("link", name="Báo cáo (PDF)").click()
    download = caught.value
    assert download.suggested_filename == "Bao-cao-77-KH-TU-31-05-2022.pdf"
    pdf_file = tmp_path / download.suggested_filename
    download.save_as(pdf_file)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf_file)).pages).split())
    assert SUBJECT in text
    assert "Huyện ủy Kim Bôi 150 46 30,7% 41,7% Chậm tiến độ 116" in text
    # Still on the dashboard: the downloads did not navigate away.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tiến độ kết nạp đảng viên: Tỉnh ủy Hòa Bình")
