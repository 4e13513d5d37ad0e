"""In a real browser: the Kim Bôi officer logs in, opens the tree, expands a commune,
opens a unit, is refused a Lạc Sơn cell, and logs out."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dangvien.people.choices import Gender
from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def members(province, make_member):
    f = Gender.FEMALE
    make_member(province.kb_cell, "Bùi Thị Lan", gender=f)
    make_member(province.kb_cell, "Nguyễn Văn Hùng", ethnicity="Kinh")
    make_member(
        province.kb_cell, "Trần Thị Mai", gender=f, ethnicity="Kinh", admitted=dt.date(2025, 3, 1)
    )
    make_member(province.kb_cell2, "Hà Văn Dũng", ethnicity="Tày")
    make_member(province.kb_school, "Bùi Thị Hằng", gender=f)
    make_member(province.ls_cell, "Quách Thị Nga", gender=f)


def both_sizes(page, shots, name):
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_kimboi_officer_flow(live_server, personas, members, browser_page, shots):
    page = browser_page
    page.goto(live_server.url + "/")
    expect(page).to_have_url(f"{live_server.url}/tai-khoan/dang-nhap/?next=/")

    # A wrong password first: the same Vietnamese message as for an unknown user.
    page.get_by_label("Tên đăng nhập").fill("kimboi")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    both_sizes(page, shots, "login")

    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc cần làm: Huyện ủy Kim Bôi")
    page.get_by_role("link", name="Tổ chức", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/to-chuc/")
    expect(page.get_by_role("heading", name="Huyện ủy Kim Bôi")).to_be_visible()
    expect(page.get_by_text("Lạc Sơn")).to_have_count(0)
    # The stylesheet is served and applied.
    header_bg = page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_bg == "rgb(165, 29, 29)"

    # Expand the commune: its cells are fetched into the open row.
    commune = page.locator("details", has=page.get_by_role("link", name="Đảng bộ xã Vĩnh Đồng"))
    cell_link = page.get_by_role("link", name="Chi bộ xóm Mớ Đá", exact=True)
    expect(cell_link).to_have_count(0)
    commune.locator("summary .tg").click()
    expect(cell_link).to_be_visible()
    expect(commune).to_have_attribute("data-state", "loaded")
    expect(commune.get_by_role("link", name="Chi bộ xóm Chanh")).to_be_visible()
    both_sizes(page, shots, "tree")

    # Collapse and reopen: no second fetch, rows still there.
    commune.locator("summary .tg").click()
    expect(cell_link).to_be_hidden()
    commune.locator("summary .tg").click()
    expect(cell_link).to_be_visible()

    # Open a Kim Bôi unit.
    cell_link.click()
    expect(page).to_have_url(f"{live_server.url}/to-chuc/KB.01.01/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chi bộ xóm Mớ Đá")
    expect(page.locator("nav.crumbs").get_by_role("link", name="Huyện ủy Kim Bôi")).to_be_visible()
    expect(page.get_by_role("cell", name="Bùi Thị Lan")).to_be_visible()
    both_sizes(page, shots, "unit")

    # A Lạc Sơn cell: not found, and nothing about it shown.
    response = page.goto(live_server.url + "/to-chuc/LS.01.01/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    expect(page.get_by_text("Chi bộ xóm Bai")).to_have_count(0)
    both_sizes(page, shots, "404")

    # Log out: back to the login page, and the tree is closed again.
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.goto(live_server.url + "/to-chuc/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def test_tree_works_without_javascript(live_server, personas, chromium, shots):
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/tai-khoan/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill("kimboi")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Việc cần làm: Huyện ủy Kim Bôi")
        page.goto(live_server.url + "/to-chuc/")
        expect(page.get_by_role("heading", name="Huyện ủy Kim Bôi")).to_be_visible()
        page.locator("details summary .tg").first.click()
        page.get_by_role("link", name="Xem các đơn vị trực thuộc Đảng bộ xã Vĩnh Đồng").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Đảng bộ xã Vĩnh Đồng")
        expect(page.get_by_role("link", name="Chi bộ xóm Mớ Đá")).to_be_visible()
    finally:
        context.close()


def test_search_in_the_browser(live_server, personas, members, browser_page, shots):
    page = browser_page
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("kimboi")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Tìm đảng viên theo tên").fill("bui thi")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.get_by_role("cell", name="Bùi Thị Lan")).to_be_visible()
    expect(page.get_by_role("cell", name="Bùi Thị Hằng")).to_be_visible()
    expect(page.get_by_text("Quách Thị Nga")).to_have_count(0)
    both_sizes(page, shots, "search")
