"""The report as a Word file and as a PDF: the party-format header, the subject line, Kim
Bôi's line, the sections; Times New Roman in the docx, Liberation Serif embedded in the
PDF with Vietnamese letters that survive text extraction; a clear Vietnamese message when
the font cannot be found."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from docx import Document as read_docx
from docx.shared import Pt
from pypdf import PdfReader

from dangvien.reports.pdf import PdfUnavailable, render_pdf
from dangvien.reports.progress_report import progress_document, progress_report
from dangvien.reports.word import render_docx

from .conftest import MAY_END

pytestmark = pytest.mark.django_db

#: Where the rendered files are left for a person to look at.
OUT = Path(os.environ.get("DANGVIEN_SHOTS", "/tmp/dv-shots"))  # noqa: S108

SUBJECT = ("kết quả thực hiện Kế hoạch số 77-KH/TU ngày 14/02/2022 của Ban Thường vụ Tỉnh ủy "
           "về phát triển đảng viên năm 2022 (tính đến ngày 31/5/2022)")


@pytest.fixture
def document(kim_boi, province, overdue_recognitions):
    return progress_document(progress_report(plan=kim_boi, unit=province.tu, as_of=MAY_END,
                                             user=None))


def keep(name: str, data: bytes) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_bytes(data)


def docx_lines(data: bytes) -> tuple[object, list[str], list[list[list[str]]]]:
    word = read_docx(io.BytesIO(data))
    paragraphs = [p.text for p in word.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in word.tables]
    return word, paragraphs, tables


def test_docx_has_the_party_header_subject_sections_and_kim_boi(document):
    data = render_docx(document)
    keep("bao-cao-77-KH-TU.docx", data)
    word, paragraphs, tables = docx_lines(data)
    head = tables[0]
    assert head[0][0] == "ĐẢNG BỘ TỈNH HÒA BÌNH\nTỈNH ỦY\n*"
    assert head[0][1] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert head[1][0].startswith("Số:") and head[1][0].endswith("-BC/TU")
    assert head[1][1] == "Hòa Bình, ngày 31 tháng 5 năm 2022"
    # The header table has no borders.
    assert 'w:val="nil"' in word.tables[0]._tbl.xml
    # The issuing body bold, the party line bold and underlined, the date in italics.
    issuer_run = word.tables[0].rows[0].cells[0].paragraphs[1].runs[0]
    party_run = word.tables[0].rows[0].cells[1].paragraphs[0].runs[0]
    date_run = word.tables[0].rows[1].cells[1].paragraphs[0].runs[0]
    assert issuer_run.bold and party_run.bold and party_run.underline and date_run.italic
    assert party_run.font.size == Pt(15)

    assert "BÁO CÁO" in paragraphs
    assert SUBJECT in paragraphs
    for heading in ("I. KẾT QUẢ THỰC HIỆN CHỈ TIÊU KẾT NẠP ĐẢNG VIÊN",
                    "II. NGUỒN KẾT NẠP VÀ DỰ BÁO KẾT QUẢ CẢ NĂM",
                    "III. XÉT CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC",
                    "IV. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI"):
        assert heading in paragraphs
    progress = next(t for t in tables if t[0][:4] == ["TT", "Đơn vị", "Chỉ tiêu", "Đã kết nạp"])
    assert ["1", "Huyện ủy Kim Bôi", "150", "46", "30,7%", "41,7%", "Chậm tiến độ",
            "116"] in progress
    assert progress[-1][1:5] == ["Toàn Đảng bộ tỉnh", "1.600", "76", "4,8%"]
    closing = tables[-1]
    assert closing[0][0].startswith("Nơi nhận:\n- Ban Tổ chức Trung ương (để báo cáo),")
    assert closing[0][1].strip() == "T/M BAN THƯỜNG VỤ\nBÍ THƯ"

    # Page and font per Hướng dẫn 36-HD/VPTW.
    section = word.sections[0]
    mm = [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin,
                                section.bottom_margin, section.left_margin, section.right_margin)]
    assert mm == [210, 297, 20, 20, 30, 15]
    normal = word.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    body = next(p for p in word.paragraphs if p.text.startswith("Thực hiện Kế hoạch"))
    assert all(r.font.name == "Times New Roman" for r in body.runs)


def pdf_fonts(reader: PdfReader) -> set[tuple[str, bool]]:
    """(BaseFont, embedded?) of every font the pages use."""
    out = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font.get("/DescendantFonts")
            target = descendant[0].get_object() if descendant else font
            descriptor = target["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            out.add((str(font["/BaseFont"]), embedded))
    return out


def test_pdf_has_the_same_text_and_embeds_liberation_serif(document):
    data = render_pdf(document)
    keep("bao-cao-77-KH-TU.pdf", data)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    flat = " ".join(text.split())
    for line in ("ĐẢNG BỘ TỈNH HÒA BÌNH", "TỈNH ỦY", "ĐẢNG CỘNG SẢN VIỆT NAM",
                 "Hòa Bình, ngày 31 tháng 5 năm 2022", "BÁO CÁO", SUBJECT,
                 "I. KẾT QUẢ THỰC HIỆN CHỈ TIÊU KẾT NẠP ĐẢNG VIÊN",
                 "IV. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI",
                 "Huyện ủy Kim Bôi 150 46 30,7% 41,7% Chậm tiến độ 116",
                 "Nơi nhận:", "T/M BAN THƯỜNG VỤ"):
        assert line in flat, line
    assert "-BC/TU" in flat
    # Vietnamese letters with stacked marks survive extraction.
    for word in ("Đảng", "quần chúng ưu tú", "đạt 30,7% chỉ tiêu", "dự báo", "Thường vụ"):
        assert word in flat
    fonts = pdf_fonts(reader)
    assert fonts and all(embedded for _, embedded in fonts)
    assert all("Liberation" in name and "Serif" in name for name, _ in fonts), fonts
    assert len(reader.pages) >= 2


def test_pdf_without_the_font_says_what_to_install(document, settings, tmp_path):
    settings.DANGVIEN_PDF_FONT_DIR = str(tmp_path)  # an empty folder: no font there
    with pytest.raises(PdfUnavailable) as caught:
        render_pdf(document)
    message = str(caught.value)
    assert "Không tìm thấy phông chữ Liberation Serif" in message
    assert "fonts-liberation2" in message
    assert "Bản Word (.docx) vẫn tải được" in message


def test_pdf_with_a_broken_font_file_is_refused(document, settings, tmp_path):
    """Files with the right names that are not fonts (a broken copy): refused, not printed
    with boxes for the Vietnamese letters."""
    for style in ("Regular", "Bold", "Italic", "BoldItalic"):
        (tmp_path / f"LiberationSerif-{style}.ttf").write_bytes(b"not a font")
    settings.DANGVIEN_PDF_FONT_DIR = str(tmp_path)
    with pytest.raises(PdfUnavailable, match="thiếu chữ tiếng Việt"):
        render_pdf(document)


def test_pdf_without_weasyprints_libraries_says_what_to_install(document, monkeypatch):
    """WeasyPrint cannot load (Pango missing makes its import fail): a Vietnamese message."""
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # the import now fails
    with pytest.raises(PdfUnavailable) as caught:
        render_pdf(document)
    message = str(caught.value)
    assert "WeasyPrint cần Pango" in message and "libpango-1.0-0" in message
