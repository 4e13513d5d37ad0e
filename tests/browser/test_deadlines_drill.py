"""In a real browser: the Kim Bôi officer opens the deadlines page, sees the summary per
commune, drills down to a cell, pages through its list and climbs back up."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.admission.test_deadlines_by_unit import DAY, many

from .conftest import PHONE, sign_in

pytestmark = pytest.mark.browser


def test_drill_down_and_page(live_server, personas, province, browser_page, shots):
    many(province.kb_cell, 45)
    many(province.kb_cell2, 3)
    many(province.ls_cell, 2)
    page = browser_page
    sign_in(page, f"{live_server.url}/ket-nap/thoi-han/?ngay={DAY}", "kimboi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thời hạn trong quy trình kết nạp")
    units = page.locator("table.dl-units")
    expect(units.get_by_role("row", name="Đảng bộ xã Vĩnh Đồng")).to_contain_text("48")
    expect(page.get_by_text("Lạc Sơn")).to_have_count(0)

    units.get_by_role("link", name="Đảng bộ xã Vĩnh Đồng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thời hạn trong quy trình kết nạp: Đảng bộ xã Vĩnh Đồng")
    page.locator("table.dl-units").get_by_role("link", name="Chi bộ xóm Mớ Đá").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thời hạn trong quy trình kết nạp: Chi bộ xóm Mớ Đá")
    expect(page.locator("table.dl tbody tr")).to_have_count(40)
    page.get_by_role("link", name="Trang sau ›").click()
    expect(page.locator("table.dl tbody tr")).to_have_count(5)
    expect(page.get_by_text("Trang 2 / 2")).to_be_visible()
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / "deadlines-cell-phone.png"), full_page=True)

    page.get_by_role("navigation", name="Đường dẫn").get_by_role(
        "link", name="Đảng bộ xã Vĩnh Đồng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thời hạn trong quy trình kết nạp: Đảng bộ xã Vĩnh Đồng")
