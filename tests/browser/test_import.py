"""In a real browser: the Kim Bôi officer opens a cell's page, follows "Nhập từ Excel",
uploads a members file with errors, reads them by row and column, uploads the fixed
file, saves, watches the progress and sees the result; then opens the progress dashboard
for 31/05/2022 and downloads the report to the Standing Board."""

from __future__ import annotations

import pytest
from docx import Document as read_docx
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from dangvien.people.models import Person
from tests.conftest import PASSWORD
from tests.exchange.conftest import MEMBER_HEADERS, member_row, write_xlsx
from tests.plans import test_progress as progress

from .conftest import DESKTOP, PHONE

# Kim Bôi's 46 of 150 by 31/05/2022 (the fixtures of tests/plans/test_progress.py).
_fresh_calendar = progress._fresh_calendar
kb_admitted = progress.kb_admitted
kb_pipeline = progress.kb_pipeline
kim_boi = progress.kim_boi
ls_admitted = progress.ls_admitted
plan77 = progress.plan77

pytestmark = pytest.mark.browser
ROWS = 3000


def _rows(bad: bool) -> list[list]:
    rows = [member_row(f"Bùi Văn Số {i}", f"0171900{i:05d}", gender="Nam",
                       cell="KB.01.01" if i % 2 else "KB.01.02") for i in range(ROWS)]
    if bad:
        rows[213] = member_row("Hà Thị Mai", "017199999999", birth="31/02/1990")
        rows[500][5] = "LS.01.01"
    return rows


def both_sizes(page, shots, name):
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_upload_errors_fix_save(live_server, job_worker, province, personas, kim_boi, browser_page,
                                shots, tmp_path):
    bad = write_xlsx(tmp_path / "dang-vien-kb.xlsx", MEMBER_HEADERS, _rows(True))
    good = write_xlsx(tmp_path / "dang-vien-kb-da-sua.xlsx", MEMBER_HEADERS, _rows(False))
    people_before = Person.objects.count()
    page = browser_page
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("kimboi")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto(live_server.url + "/to-chuc/KB.01.01/")
    expect(page.get_by_role("link", name="Tải mẫu Excel").last).to_be_visible()
    page.get_by_role("link", name="Nhập từ Excel").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập đảng viên từ Excel")

    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.get_by_role("heading", name="Các lỗi cần sửa (2 lỗi ở 2 dòng)")).to_be_visible()
    rows = page.locator("table.imp-errors tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("215")
    expect(rows.nth(0)).to_contain_text("Ngày sinh")
    expect(rows.nth(0)).to_contain_text("'31/02/1990' không phải ngày hợp lệ")
    expect(rows.nth(1)).to_contain_text("502")
    expect(rows.nth(1)).to_contain_text("không có đơn vị mã 'LS.01.01' trong phạm vi")
    expect(page.locator(".stat").nth(0)).to_contain_text("2.998")
    expect(page.get_by_role("button", name="Lưu", exact=True)).to_have_count(0)
    both_sizes(page, shots, "import-errors")
    assert Person.objects.count() == people_before  # nothing saved from a file with errors

    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Tải lên và kiểm tra lại").click()
    expect(page.get_by_text("Tệp không có lỗi.")).to_be_visible()
    expect(page.locator(".stat").nth(0)).to_contain_text("3.000")
    page.get_by_role("button", name="Lưu", exact=True).click()
    # The progress bar, or the result if the save was quicker than the page.
    expect(page.locator("#imp-progress, .imp-ok").first).to_be_visible()
    if page.locator("#imp-progress").count():
        page.screenshot(path=str(shots / "import-progress-desktop.png"), full_page=True)
        try:
            page.reload()  # the job survives a reload
        except PlaywrightError:  # …unless the page reloaded itself that instant (job done)
            page.wait_for_load_state()
    expect(page.locator("p.imp-ok")).to_contain_text("Đã lưu xong", timeout=30_000)
    expect(page.locator("#imp-status")).to_contain_text("Đã lưu xong")
    expect(page.locator(".stat").nth(0)).to_contain_text("3.000")
    both_sizes(page, shots, "import-done")
    assert Person.objects.count() == people_before + ROWS
    imported = Person.objects.filter(full_name__startswith="Bùi Văn Số")
    assert imported.filter(unit=province.kb_cell2).count() == ROWS // 2
    page.goto(live_server.url + "/trao-doi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập dữ liệu từ Excel")
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    expect(page.locator("table.list tbody tr").first).to_contain_text("Đã lưu xong")
    both_sizes(page, shots, "import-index")

    # The report to the Standing Board, from the dashboard the officer reads.
    page.goto(live_server.url + "/ke-hoach/tien-do/?ngay=31/05/2022")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Huyện ủy Kim Bôi")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Báo cáo (Word)").click()
    download = caught.value
    assert download.suggested_filename.endswith("31-05-2022.docx")
    word_file = tmp_path / download.suggested_filename
    download.save_as(word_file)
    text = "\n".join(p.text for p in read_docx(str(word_file)).paragraphs)
    assert "BÁO CÁO" in text
    assert "Kế hoạch số 77-KH/TU" in text
    assert "30,7%" in text
