"""In a real browser: the Kim Bôi officer opens Kim Bôi's page on 31/05/2022, clicks
"Tải Excel" under the member list and gets the file of what the page lists."""

from __future__ import annotations

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.exchange import test_export as web
from tests.exchange.test_export import MEMBER_HEADERS, body, headers

pytestmark = pytest.mark.browser
members = web.members


def test_download_from_the_unit_page(live_server, personas, members, browser_page, tmp_path):
    page = browser_page
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("kimboi")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(live_server.url + "/to-chuc/KB/?ngay=31/05/2022")
    expect(page.get_by_role("heading", name="Huyện ủy Kim Bôi")).to_be_visible()
    button = page.locator("#dang-vien ~ p.xlsx a")
    expect(button).to_have_text("Tải Excel")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "dang-vien-KB-31-05-2022.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    sheet = openpyxl.load_workbook(target).active
    assert headers(sheet) == MEMBER_HEADERS
    assert len(body(sheet)) == 63
    assert sheet["A3"].value.startswith("Người xuất: kimboi;")
