"""In a real browser, the first day of a real province: an empty database in production
mode, `dangvien setup`, the administrator signs in and enrols an authenticator, adds Kim
Bôi under the province, creates its administrator; that officer changes the temporary
password, enrols, and signs in again with a code."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from dangvien.org.models import OrgUnit

from .conftest import PHONE, second_step, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ADMIN_PASSWORD = "Doi-Thong-Hoa-Binh-1"
OFFICER_PASSWORD = "Suoi-Mo-Kim-Boi-2026"


def sign_in(page, url, username, password):
    page.goto(url + "/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def enrol(page, shots, name):
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký xác thực hai bước")
    assert page.locator(".qr svg").count() == 1  # the QR code is drawn by the server
    page.screenshot(path=str(shots / f"{name}-enrol.png"), full_page=True)
    key = page.locator("#otp-key").inner_text()
    page.get_by_label("Mã xác thực").fill("000000")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".ferr")).to_contain_text("Mã xác thực không đúng")
    page.get_by_label("Mã xác thực").fill(totp_now(key))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mười mã dự phòng")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.screenshot(path=str(shots / f"{name}-recovery.png"), full_page=True)
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    return key


def test_first_day_of_a_real_province(live_server, browser_page, shots, settings, monkeypatch):
    settings.PRODUCTION = True
    monkeypatch.setenv("DANGVIEN_SETUP_PASSWORD", ADMIN_PASSWORD)
    call_command("setup", "--code", "TU", "--name", "Tỉnh ủy Hòa Bình", "--kind", "tinh_uy",
                 "--username", "tinhuy", "--full-name", "Bùi Văn Hùng", "--no-input",
                 "--valid-from", "01/01/2020")
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["tinhuy"]
    page, url = browser_page, live_server.url

    # The provincial administrator: sign in, enrol, add Kim Bôi under the province.
    sign_in(page, url, "tinhuy", ADMIN_PASSWORD)
    enrol(page, shots, "first-day-tinhuy")
    page.goto(url + "/to-chuc/TU/")
    page.get_by_role("link", name="Thêm đơn vị trực thuộc").click()
    page.get_by_label("Mã đơn vị").fill("KB")
    page.get_by_label("Tên đơn vị").fill("Huyện ủy Kim Bôi")
    page.get_by_label("Loại tổ chức").select_option("huyen_uy")
    page.get_by_label("Ngày hiệu lực").fill("01/01/2020")
    page.get_by_label("Số quyết định").fill("12-QĐ/TU")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator(".preview")).to_contain_text("Xem trước: Thành lập Huyện ủy Kim Bôi")
    page.get_by_role("button", name="Xác nhận thay đổi").click()
    expect(page.locator(".msgs")).to_contain_text("Huyện ủy Kim Bôi")
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="KB")).code == "TU"

    # Its administrator's account, with a temporary password shown once.
    page.get_by_role("link", name="Tài khoản", exact=True).click()
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill("kimboi")
    page.get_by_label("Họ và tên").fill("Quách Thị Hoa")
    page.get_by_label("Đơn vị (mã)").fill("KB")
    page.get_by_label("Vai trò").select_option("quan_tri")
    page.get_by_role("button", name="Tạo tài khoản").click()
    temp = page.locator("#temp-password").inner_text()
    page.screenshot(path=str(shots / "first-day-account-created.png"), full_page=True)
    page.reload()
    expect(page.locator("#temp-password")).to_have_count(0)
    page.get_by_role("button", name="Đăng xuất").first.click()

    # The Kim Bôi officer: temporary password, then her own, then the authenticator.
    sign_in(page, url, "kimboi", temp)
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")
    page.get_by_label("Mật khẩu hiện tại").fill(temp)
    page.get_by_label("Mật khẩu mới", exact=True).fill("12345678")
    page.get_by_label("Nhập lại mật khẩu mới").fill("12345678")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.locator(".ferr").first).to_contain_text("Mật khẩu quá ngắn")
    page.get_by_label("Mật khẩu hiện tại").fill(temp)
    page.get_by_label("Mật khẩu mới", exact=True).fill(OFFICER_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(OFFICER_PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    enrol(page, shots, "first-day-kimboi")
    page.goto(url + "/to-chuc/")
    expect(page.get_by_text("Huyện ủy Kim Bôi").first).to_be_visible()
    assert page.get_by_text("Tỉnh ủy Hòa Bình").count() == 0
    page.get_by_role("link", name="Tài khoản", exact=True).click()
    expect(page.locator("table.accounts")).to_contain_text("kimboi")
    expect(page.locator("table.accounts")).not_to_contain_text("tinhuy")
    page.get_by_role("button", name="Đăng xuất").first.click()

    # Next day: password and the app's code.
    sign_in(page, url, "kimboi", OFFICER_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập mã xác thực")
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / "first-day-verify-phone.png"), full_page=True)
    second_step(page, "kimboi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm: Huyện ủy Kim Bôi")
    page.goto(url + "/tai-khoan/")
    expect(page.locator("main")).to_contain_text("Quản trị — Huyện ủy Kim Bôi")
    page.screenshot(path=str(shots / "first-day-my-account-phone.png"), full_page=True)
