"""The dashboard's "Báo cáo" buttons: the Word file and the PDF of the plan, unit and day
shown, with the right content types and file names; the dashboard's scope; a Vietnamese
page, not a traceback, when this server cannot make PDF."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from docx import Document as read_docx
from pypdf import PdfReader

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(fmt, plan, unit="", day="31/05/2022"):
    u = f"/bao-cao/tien-do.{fmt}?ke-hoach={plan.pk}&ngay={day}"
    return u + (f"&don-vi={unit}" if unit else "")


def test_the_dashboard_offers_both_files_for_the_day_shown(client, personas, kim_boi):
    client.force_login(personas.provincial)
    page = client.get(f"/ke-hoach/tien-do/?ke-hoach={kim_boi.pk}&ngay=31/05/2022").content.decode()
    links = [urlsplit(html.unescape(h)) for h in re.findall(r'href="(/bao-cao/[^"]+)"', page)]
    assert [link.path for link in links] == ["/bao-cao/tien-do.docx", "/bao-cao/tien-do.pdf"]
    for link in links:
        assert parse_qs(link.query) == {"ke-hoach": [str(kim_boi.pk)], "don-vi": ["TU"],
                                        "ngay": ["31/05/2022"]}
    assert "Báo cáo (Word)" in page and "Báo cáo (PDF)" in page


def test_provincial_officer_downloads_the_word_file(client, personas, kim_boi):
    client.force_login(personas.provincial)
    response = client.get(url("docx", kim_boi, "TU"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == ('attachment; '
                                               'filename="Bao-cao-77-KH-TU-31-05-2022.docx"')
    word = read_docx(io.BytesIO(response.content))
    assert any("kết quả thực hiện Kế hoạch số 77-KH/TU" in p.text for p in word.paragraphs)


def test_kim_boi_officer_downloads_the_pdf_of_kim_boi(client, personas, kim_boi):
    client.force_login(personas.kimboi)
    response = client.get(url("pdf", kim_boi, "KB"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; '
                                               'filename="Bao-cao-77-KH-TU-KB-31-05-2022.pdf"')
    text = " ".join(" ".join(p.extract_text() for p in
                             PdfReader(io.BytesIO(response.content)).pages).split())
    assert "HUYỆN ỦY KIM BÔI" in text and "đạt 30,7% chỉ tiêu năm" in text


@pytest.mark.parametrize("unit", ["LS", "TU", "KHONG-CO"])
def test_kim_boi_officer_gets_nothing_outside_kim_boi(client, personas, kim_boi, unit):
    client.force_login(personas.kimboi)
    for fmt in ("docx", "pdf"):
        response = client.get(url(fmt, kim_boi, unit))
        assert response.status_code == 404
        assert "Lạc Sơn" not in response.content.decode(errors="replace")


def test_outsider_and_anonymous(client, personas, kim_boi):
    response = client.get(url("docx", kim_boi, "TU"))
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]
    client.force_login(personas.outsider)
    assert client.get(url("docx", kim_boi)).status_code == 404


def test_unknown_format_and_plan(client, personas, kim_boi):
    client.force_login(personas.provincial)
    assert client.get(url("odt", kim_boi, "TU")).status_code == 404
    assert client.get("/bao-cao/tien-do.docx?ke-hoach=999999").status_code == 404
    assert client.get("/bao-cao/tien-do.docx?ke-hoach=abc").status_code == 404


def test_pdf_without_the_font_shows_a_vietnamese_page(client, personas, kim_boi, settings,
                                                      tmp_path):
    settings.DANGVIEN_PDF_FONT_DIR = str(tmp_path)
    client.force_login(personas.provincial)
    response = client.get(url("pdf", kim_boi, "TU"))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = html.unescape(response.content.decode())
    assert "Chưa xuất được báo cáo PDF" in page
    assert "Không tìm thấy phông chữ Liberation Serif" in page
    assert "fonts-liberation2" in page
    assert "Traceback" not in page
    # The Word file is offered instead, for the same plan, unit and day.
    assert "/bao-cao/tien-do.docx?ke-hoach=" in page
