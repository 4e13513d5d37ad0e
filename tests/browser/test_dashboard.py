"""In a real browser: the provincial officer opens the progress dashboard, sets the date to
31/05/2022, clicks Kim Bôi and reads 30,7%; screenshots at phone and desktop sizes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.plans import test_progress as data

from .conftest import DESKTOP, PHONE, second_step

# The shared data of test_progress.py.
_fresh_calendar = data._fresh_calendar
kb_admitted = data.kb_admitted
kb_pipeline = data.kb_pipeline
kb_plan = data.kb_plan
kim_boi = data.kim_boi
ls_admitted = data.ls_admitted
plan77 = data.plan77


pytestmark = pytest.mark.browser


def both_sizes(page, shots, name):
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_provincial_officer_drills_into_kim_boi(live_server, personas, kim_boi, kb_plan,
                                                browser_page, shots):
    page = browser_page
    page.goto(live_server.url + "/ke-hoach/tien-do/")
    page.get_by_label("Tên đăng nhập").fill("tinhuy")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    second_step(page, "tinhuy")  # an admin or approver signs in with two factors
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tiến độ kết nạp đảng viên")

    page.get_by_label("Số liệu tính đến ngày").fill("31/05/2022")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tiến độ kết nạp đảng viên: Tỉnh ủy Hòa Bình")
    expect(page.get_by_text("Kế hoạch số 77-KH/TU ngày 14/02/2022: kết nạp 1.600 đảng viên "
                            "trở lên")).to_be_visible()
    expect(page.get_by_role("heading", name="Có nguy cơ không đạt chỉ tiêu năm")).to_be_visible()
    chart = page.get_by_role("img", name="Kết nạp đảng viên lũy kế theo tháng năm 2022")
    expect(chart).to_be_visible()
    # The chart fits the page's width on a phone (no sideways scrolling).
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    both_sizes(page, shots, "progress-province")

    page.locator("table.pg").get_by_role("link", name="Huyện ủy Kim Bôi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tiến độ kết nạp đảng viên: Huyện ủy Kim Bôi")
    expect(page.get_by_label("Số liệu tính đến ngày")).to_have_value("31/05/2022")
    total = page.locator("tr.pg-tot")
    expect(total).to_contain_text("30,7%")
    expect(total).to_contain_text("Chậm tiến độ")
    expect(page.locator("table.pg")).to_contain_text("Đảng bộ xã Vĩnh Đồng")
    expect(page.get_by_role("link", name="Tỉnh ủy Hòa Bình")).to_be_visible()
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    both_sizes(page, shots, "progress-kimboi")
