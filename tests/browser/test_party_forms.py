"""In a real browser: the province administrator replaces the 9-KNĐ template from the
accounts pages; the Kim Bôi officer downloads Hà Thị Mai's 9-KNĐ from her candidate page
and gets the province's wording filled from the record; back to the default after."""

from __future__ import annotations

import pytest
from docx import Document as new_docx
from docx import Document as read_docx
from playwright.sync_api import expect

from tests.admission import conftest as admission
from tests.admission.test_path import walk_to_ceremony

from .conftest import second_step, sign_in

pytestmark = pytest.mark.browser

awareness_class = admission.awareness_class
candidate = admission.candidate
introducers = admission.introducers
ready = admission.ready


def test_a_replaced_template_fills_the_form_the_officer_downloads(
        live_server, personas, ready, chromium, shots, tmp_path):
    c = walk_to_ceremony(ready)
    template = tmp_path / "mau-tinh.docx"
    doc = new_docx()
    doc.add_paragraph("QUYẾT ĐỊNH (MẪU TỈNH) kết nạp {{ candidate_name }}, số {{ decision_no }}")
    doc.save(str(template))

    admin = chromium.new_context(locale="vi-VN").new_page()
    sign_in(admin, live_server.url + "/tai-khoan/quan-ly/", "tinhuy")
    second_step(admin, "tinhuy")
    admin.get_by_role("link", name="Mẫu văn bản kết nạp (biểu mẫu Word)").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Mẫu văn bản kết nạp đảng viên")
    admin.get_by_label("Tệp mẫu 9-KNĐ").set_input_files(str(template))
    admin.locator("form", has=admin.get_by_label("Tệp mẫu 9-KNĐ")) \
        .get_by_role("button", name="Tải lên").click()
    expect(admin.get_by_text("Đã thay mẫu 9-KNĐ bằng tệp 'mau-tinh.docx'.")).to_be_visible()
    expect(admin.get_by_text("Đã thay: mau-tinh.docx")).to_be_visible()
    admin.screenshot(path=str(shots / "party-form-templates.png"), full_page=True)

    officer = chromium.new_context(locale="vi-VN").new_page()
    sign_in(officer, f"{live_server.url}/ket-nap/ho-so/{c.pk}/", "kimboi")
    second_step(officer, "kimboi")
    expect(officer.get_by_role("heading", name="Biểu mẫu (Word)")).to_be_visible()
    with officer.expect_download() as caught:
        officer.get_by_role("link", name="9-KNĐ — Quyết định kết nạp đảng viên").click()
    download = caught.value
    assert download.suggested_filename == "9-KND-Ha-Thi-Mai.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert [p.text for p in read_docx(str(saved)).paragraphs] == [
        "QUYẾT ĐỊNH (MẪU TỈNH) kết nạp Hà Thị Mai, số 311-QĐ/HU"]

    admin.get_by_role("button", name="Trở lại mẫu mặc định").click()
    expect(admin.get_by_text("Mẫu 9-KNĐ đã trở lại mẫu mặc định.")).to_be_visible()
    with officer.expect_download() as caught:
        officer.get_by_role("link", name="9-KNĐ — Quyết định kết nạp đảng viên").click()
    caught.value.save_as(saved)
    paragraphs = [p.text for p in read_docx(str(saved)).paragraphs]
    assert "QUYẾT ĐỊNH" in paragraphs and "BAN THƯỜNG VỤ HUYỆN ỦY KIM BÔI" in paragraphs
