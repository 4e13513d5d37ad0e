"""In a real browser on a phone (390 × 844): a cell secretary and a district officer sign
in, land on "Việc cần làm", and find their work on the first screen; each item leads to
where the work is done. Screenshots are kept to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.reports import conftest as shared

from .conftest import second_step, sign_in

_fresh_calendar = shared._fresh_calendar
kb_admitted = shared.kb_admitted
kb_pipeline = shared.kb_pipeline
kim_boi = shared.kim_boi
ls_admitted = shared.ls_admitted
plan77 = shared.plan77
overdue_recognitions = shared.overdue_recognitions

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True,
                                   has_touch=True, device_scale_factor=1)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def on_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def choose_day(page, day: str) -> None:
    page.get_by_label("Xem việc cần làm tính đến ngày").fill(day)
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_load_state()


def test_a_cell_secretary_finds_the_overdue_recognitions_on_her_phone(
        live_server, personas, overdue_recognitions, phone, shots):
    page = phone
    sign_in(page, live_server.url + "/", "chibo")
    second_step(page, "chibo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm: Chi bộ xóm Mớ Đá")
    choose_day(page, "31/05/2022")
    expect(page.get_by_text("Đang xem ngày 31/05/2022")).to_be_visible()
    first = page.locator(".todo-list li").first
    expect(first).to_contain_text("Dự Bị")
    assert on_first_screen(page.get_by_role("heading", name="Thời hạn: 4 việc quá hạn"))
    page.screenshot(path=str(shots / "home-cell-phone.png"), full_page=True)

    page.get_by_role("link", name="Bùi Thị Dự Bị").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bùi Thị Dự Bị")
    # The chosen day stays: back home, the list is still as of 31/05/2022.
    page.go_back()
    page.goto(live_server.url + "/")
    expect(page.get_by_text("Đang xem ngày 31/05/2022")).to_be_visible()
    page.get_by_role("button", name="về hôm nay").click()
    expect(page.get_by_text("Đang xem ngày")).to_have_count(0)
    # The header folds into one row with a menu button.
    assert page.locator("header.top").bounding_box()["height"] <= 64


def test_a_district_officer_reads_46_of_150_on_the_first_screen(live_server, personas, kim_boi,
                                                                phone, shots):
    page = phone
    sign_in(page, live_server.url + "/?ngay=31/05/2022", "kimboi")
    second_step(page, "kimboi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm: Huyện ủy Kim Bôi")
    assert page.locator("header.top .bar").bounding_box()["height"] <= 64
    figures = page.locator(".todo-key")
    expect(figures).to_contain_text("46 / 150 · 30,7%")
    assert on_first_screen(figures)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "home-district-phone.png"), full_page=True)

    figures.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tiến độ kết nạp đảng viên: Huyện ủy Kim Bôi")
