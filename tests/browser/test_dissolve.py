"""In a real browser: the provincial officer opens Kim Bôi's page, chooses "Giải thể /
sáp nhập", picks the province as successor from 01/07/2025 with the decision number, reads
the preview (organisations that move, members, open candidacies, the 2025 allocation,
the ended role) and confirms; the tree of 01/07/2025 has Kim Bôi's organisations directly
under the province, the tree of 30/06/2025 still has Kim Bôi."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dangvien.org.models import OrgUnit
from dangvien.plans.models import Plan
from tests.plans.test_progress import issue

from .conftest import PHONE, second_step, sign_in

pytestmark = pytest.mark.browser


def test_dissolve_kim_boi_with_its_preview(live_server, province, personas, make_member,
                                           browser_page, shots):
    make_member(province.kb_cell, "Bùi Văn Mớ")
    make_member(province.kb_school, "Quách Thị Hoa", gender="nu")
    tu_plan = Plan.objects.create(unit=province.tu, year=2025, number="5-KH/TU", title="2025")
    issue(tu_plan, 300, dt.date(2025, 2, 1), {province.kb: 150, province.ls: 120})
    kb_plan = Plan.objects.create(unit=province.kb, year=2025, number="9-KH/HU", title="2025",
                                  parent=tu_plan)
    issue(kb_plan, 150, dt.date(2025, 3, 1), {province.kb_commune: 100, province.kb_school: 55})
    page, url = browser_page, live_server.url

    sign_in(page, f"{url}/to-chuc/KB/", "tinhuy")
    second_step(page, "tinhuy")
    page.goto(f"{url}/to-chuc/KB/")
    page.get_by_role("link", name="Giải thể / sáp nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Giải thể / sáp nhập Huyện ủy Kim Bôi vào đơn vị khác")
    expect(page.get_by_label("Mã đơn vị kế thừa")).to_have_value("TU")
    page.get_by_label("Ngày hiệu lực").fill("01/07/2025")
    page.get_by_label("Số quyết định").fill("294-QĐ/TW")
    page.get_by_label("Ngày quyết định").fill("23/04/2025")
    page.get_by_role("button", name="Xem trước").click()

    preview = page.locator(".preview")
    expect(preview).to_contain_text("Xem trước: Giải thể Huyện ủy Kim Bôi, đơn vị kế thừa "
                                     "Tỉnh ủy Hòa Bình")
    expect(preview).to_contain_text("Đảng bộ xã Vĩnh Đồng (KB.01), cùng 2 tổ chức trực thuộc")
    expect(preview).to_contain_text("2 đảng viên sinh hoạt ở các chi bộ này vào 01/07/2025")
    expect(preview).to_contain_text("Kế hoạch số 5-KH/TU năm 2025, điều chỉnh lần 2 từ "
                                    "01/07/2025: chỉ tiêu của Huyện ủy Kim Bôi (150) giao thẳng "
                                    "cho 2 tổ chức trực thuộc theo Kế hoạch số 9-KH/HU")
    expect(preview).to_contain_text("kimboi (kimboi), Cập nhật tại Huyện ủy Kim Bôi: thôi")
    page.screenshot(path=str(shots / "dissolve-preview-desktop.png"), full_page=True)
    assert OrgUnit.objects.get(code="KB").valid_to is None  # a preview saves nothing

    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots / "dissolve-preview-phone.png"), full_page=True)
    page.get_by_role("button", name="Xác nhận thay đổi").click()
    expect(page.locator(".msgs")).to_contain_text(
        "Đã ghi thay đổi tổ chức: Giải thể Huyện ủy Kim Bôi, đơn vị kế thừa Tỉnh ủy Hòa Bình.")
    expect(page).to_have_url(f"{url}/to-chuc/TU/")

    page.goto(f"{url}/to-chuc/TU/?ngay=01/07/2025")
    rows = page.locator("ul.rows").first
    expect(rows).to_contain_text("Đảng bộ xã Vĩnh Đồng")
    expect(rows).not_to_contain_text("Huyện ủy Kim Bôi")
    page.goto(f"{url}/to-chuc/TU/?ngay=30/06/2025")
    expect(page.locator("ul.rows").first).to_contain_text("Huyện ủy Kim Bôi")
    page.goto(f"{url}/to-chuc/KB/?ngay=30/06/2025")
    expect(page.locator("ul.changes")).to_contain_text(
        "Giải thể Huyện ủy Kim Bôi, đơn vị kế thừa Tỉnh ủy Hòa Bình (Quyết định số 294-QĐ/TW "
        "ngày 23/04/2025)")
    page.screenshot(path=str(shots / "dissolve-history-phone.png"), full_page=True)
