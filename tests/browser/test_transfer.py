"""In a real browser, on a phone: Lạc Sơn sends a member to a Kim Bôi cell, Kim Bôi
confirms from its inbox, and the unit pages count the member where the dates say."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangvien.core import vn
from tests.conftest import PASSWORD

from .conftest import PHONE

pytestmark = pytest.mark.browser


def login(page, url, username):
    page.goto(url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{url}/")  # "Việc cần làm"


def logout(page):
    # On a phone "Đăng xuất" is in the header's menu.
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("button", name="Đăng xuất").click()


def test_transfer_from_lac_son_confirmed_by_kim_boi(live_server, province, personas, make_member,
                                                     browser_page, shots):
    make_member(province.ls_cell, "Hà Văn Chiến")
    make_member(province.ls_cell, "Bùi Thị Xuân")
    today = timezone.localdate()
    letter_on = today - dt.timedelta(days=10)
    page = browser_page
    page.set_viewport_size(PHONE)
    url = live_server.url

    login(page, url, "lacson")
    page.goto(f"{url}/to-chuc/LS.01.01/")
    page.get_by_role("link", name="Hà Văn Chiến").click()
    page.get_by_role("link", name="Chuyển sinh hoạt đảng").click()
    page.get_by_label("Tìm chi bộ nơi đến").fill("mo da")
    page.get_by_role("button", name="Tìm chi bộ").click()
    expect(page.locator(".cells-found")).to_contain_text("KB.01.01 — Chi bộ xóm Mớ Đá")
    page.locator(".cells-found li").filter(has_text="KB.01.01").get_by_role("link", name="Chọn").click()
    expect(page.get_by_label("Mã chi bộ nơi đến")).to_have_value("KB.01.01")
    expect(page.get_by_label("Một chi bộ trong tỉnh")).to_be_checked()
    page.get_by_label("Số giấy giới thiệu sinh hoạt đảng").fill("15-GGT/HU")
    page.get_by_label("Ngày giới thiệu chuyển đi").fill(vn.format_date(letter_on))
    page.screenshot(path=str(shots / "transfer-form-phone.png"), full_page=True)
    page.get_by_role("button", name="Ghi giấy giới thiệu").click()
    expect(page.locator("#dang-chuyen")).to_contain_text("Đang chờ Chi bộ xóm Mớ Đá tiếp nhận")
    # Still counted in Lạc Sơn while the letter waits.
    page.goto(f"{url}/to-chuc/LS.01.01/")
    expect(page.locator(".stat").first).to_contain_text("2")
    logout(page)

    login(page, url, "kimboi")
    page.goto(f"{url}/to-chuc/KB/")
    page.get_by_role("link", name="Hộp chuyển đến").click()
    card = page.locator(".inbox li").filter(has_text="Hà Văn Chiến")
    expect(card).to_contain_text("15-GGT/HU")
    card.get_by_label("Ngày tiếp nhận").fill(vn.format_date(today))
    page.screenshot(path=str(shots / "transfer-inbox-phone.png"), full_page=True)
    card.get_by_role("button", name="Xác nhận tiếp nhận").click()
    expect(page.locator(".msgs")).to_contain_text("Đã tiếp nhận Hà Văn Chiến vào Chi bộ xóm Mớ Đá")
    page.goto(f"{url}/to-chuc/KB.01.01/")
    expect(page.get_by_role("link", name="Hà Văn Chiến")).to_be_visible()
    page.get_by_role("link", name="Hà Văn Chiến").click()
    expect(page.locator(".timeline")).to_contain_text("Chuyển sinh hoạt đến")
    page.screenshot(path=str(shots / "member-history-phone.png"), full_page=True)
    # The day before the confirmation Kim Bôi's cell did not count him yet.
    page.goto(f"{url}/to-chuc/KB.01.01/?ngay={vn.format_date(today - dt.timedelta(days=1))}")
    expect(page.get_by_role("link", name="Hà Văn Chiến")).to_have_count(0)
    logout(page)

    login(page, url, "lacson")
    page.goto(f"{url}/to-chuc/LS.01.01/")
    expect(page.locator(".stat").first).to_contain_text("1")
    page.goto(f"{url}/dang-vien/chuyen-di/LS/")
    expect(page.locator("table.list")).to_contain_text("Đã hoàn tất")
