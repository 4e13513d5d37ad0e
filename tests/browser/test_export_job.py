"""In a real browser: a list longer than DANGVIEN_EXPORT_JOB_ROWS rows. The Kim Bôi
officer clicks "Tải Excel" under the member list, lands on the job's page, watches it
finish (a job worker runs beside the live server, as `dangvien serve` runs one) and
downloads the file of what the page lists."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.exchange import test_export as web
from tests.exchange.test_export import MEMBER_HEADERS, body, headers
from tests.jobs.helpers import file_dir  # noqa: F401 - a fixture

from .conftest import sign_in

pytestmark = pytest.mark.browser
members = web.members


def test_a_large_list_is_made_then_downloaded(personas, members, live_server, job_worker,
                                              browser_page, settings, tmp_path, shots):
    settings.DANGVIEN_EXPORT_JOB_ROWS = 50  # Kim Bôi has 63 members
    page = browser_page
    sign_in(page, live_server.url + "/tai-khoan/dang-nhap/", "kimboi")
    page.goto(live_server.url + "/to-chuc/KB/?ngay=31/05/2022")
    page.locator("#dang-vien ~ p.xlsx a").click()

    expect(page).to_have_url(re.compile(r"/tep/\d+/$"))
    expect(page.get_by_role("heading", name="Tải Excel: Danh sách đảng viên")).to_be_visible()
    link = page.get_by_role("link", name="Tải về dang-vien-KB-31-05-2022.xlsx")
    expect(link).to_be_visible(timeout=15_000)  # the page reloads itself when the job ends
    page.screenshot(path=str(shots / "export-job-done.png"), full_page=True)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "dang-vien-KB-31-05-2022.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    sheet = openpyxl.load_workbook(target).active
    assert headers(sheet) == MEMBER_HEADERS
    assert len(body(sheet)) == 63
