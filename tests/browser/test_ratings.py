"""In a real browser: the cell secretary enters her cell's 2021 ratings on a phone-sized
screen (375 px), sees the 20% warning, saves, and the ratings report shows the change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.ratings.conftest import crowd as crowd_fixture

from .conftest import DESKTOP

pytestmark = pytest.mark.browser
PHONE_375 = {"width": 375, "height": 740}
crowd = crowd_fixture  # the ratings tests' bulk members


def row_text(page, unit: str, year: int) -> str:
    # The text depends on the stylesheet (the share sits on its own line): wait for it.
    page.wait_for_load_state("load")
    cells = page.locator(f'tr[data-unit="{unit}"][data-year="{year}"] td')
    return " ".join(" ".join(cells.all_inner_texts()).split())


def test_secretary_enters_ratings_and_report_changes(live_server, personas, province, crowd,
                                                     browser_page, shots):
    members = crowd(province.kb_cell, 10)
    crowd(province.kb_cell2, 3, "Hà Thị")  # another cell's members: not on her sheet
    page = browser_page
    page.goto(live_server.url + "/danh-gia/?nam=2021")
    page.get_by_label("Tên đăng nhập").fill("chibo")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả xếp loại chất lượng đảng viên")
    assert row_text(page, "KB.01.01", 2021).endswith("2021 0 0 — 0 — 0 — 0 —")
    expect(page.get_by_text("Chi bộ xóm Chanh")).to_have_count(0)

    page.get_by_role("link", name="Nhập kết quả xếp loại năm 2021").click()
    expect(page).to_have_url(f"{live_server.url}/danh-gia/nhap/KB.01.01/2021/")
    page.set_viewport_size(PHONE_375)
    rows = page.locator("li.rt-row")
    expect(rows).to_have_count(10)
    expect(page.get_by_text("Hà Thị")).to_have_count(0)
    for i, level in enumerate(["Xuất sắc"] * 2 + ["Tốt"] * 7 + ["Hoàn thành"]):
        # Scroll as a thumb does: the row to the middle, clear of the sticky save bar.
        rows.nth(i).evaluate("e => e.scrollIntoView({block: 'center'})")
        rows.nth(i).get_by_text(level, exact=True).click()
    live = page.locator("#rt-live")
    expect(live).to_contain_text("Đang chọn: 2 xuất sắc, 7 tốt, 1 hoàn thành, 0 không hoàn thành.")
    expect(live).to_contain_text("Vượt 20%")
    # Usable on a phone: no sideways scrolling, each choice a finger-sized target.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    box = rows.nth(0).get_by_text("Không hoàn thành", exact=True).locator("..").bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 375
    page.screenshot(path=str(shots / "ratings-entry-phone-375.png"), full_page=False)

    page.get_by_role("button", name="Lưu kết quả xếp loại").click()
    expect(page.get_by_text("Đã nhập mới 10 kết quả xếp loại.")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("2 xuất sắc là 28,6% của 7 tốt, vượt 20%")
    page.screenshot(path=str(shots / "ratings-saved-phone-375.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(shots / "ratings-saved-desktop.png"), full_page=True)

    page.get_by_role("link", name="Kết quả xếp loại").first.click()
    assert row_text(page, "KB.01.01", 2021).endswith(
        "2021 10 2 20,0% 7 70,0% 1 10,0% 0 0,0%")
    assert members[0].person.full_name not in page.content()  # the report shows no names
    page.screenshot(path=str(shots / "ratings-report-desktop.png"), full_page=True)


def test_scores_from_2025_show_their_level_while_typing(live_server, personas, province, crowd,
                                                        browser_page):
    crowd(province.kb_cell, 3)
    page = browser_page
    page.goto(live_server.url + "/danh-gia/nhap/KB.01.01/2025/")
    page.get_by_label("Tên đăng nhập").fill("chibo")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("theo QĐ 366-QĐ/TW: chấm điểm thang 100", exact=False)).to_be_visible()
    boxes = page.get_by_label("Điểm")
    expect(boxes).to_have_count(3)
    for box, score in zip(boxes.all(), ["92", "75", "101"], strict=True):
        box.fill(score)
    expect(page.locator("#rt-live")).to_contain_text("Đang chọn: 1 xuất sắc, 1 tốt, 0 hoàn thành")
    page.get_by_role("button", name="Lưu kết quả xếp loại").click()
    expect(page.get_by_role("alert")).to_contain_text("là 101: điểm phải từ 0 đến 100")
    expect(page.get_by_role("alert")).to_contain_text("Chưa lưu kết quả nào")
    boxes.nth(2).fill("40")
    page.get_by_role("button", name="Lưu kết quả xếp loại").click()
    expect(page.get_by_text("Đã nhập mới 3 kết quả xếp loại.")).to_be_visible()
    expect(page.get_by_text("Không hoàn thành nhiệm vụ", exact=True)).to_be_visible()


def test_two_secretaries_on_one_sheet(live_server, personas, province, crowd, chromium, shots):
    """Two phones open Mớ Đá's 2021 sheet; each rates a member, then both the same one:
    the second sees the first's choice named on that row, her own kept, and saves it."""
    from django.contrib.auth import get_user_model

    from dangvien.accounts.models import Role, RoleAssignment
    from dangvien.ratings.models import Rating

    from .conftest import sign_in

    deputy = get_user_model().objects.create_user(username="phobithu", password=PASSWORD)
    RoleAssignment.objects.create(user=deputy, unit=province.kb_cell, role=Role.EDITOR)
    members = crowd(province.kb_cell, 3)
    url = live_server.url + "/danh-gia/nhap/KB.01.01/2021/"
    pages = []
    for username in ("chibo", "phobithu"):
        context = chromium.new_context(viewport=PHONE_375, locale="vi-VN")
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, url, username)
        expect(page.locator("li.rt-row")).to_have_count(3)
        pages.append(page)
    first, second = pages
    save = "Lưu kết quả xếp loại"
    second.locator("li.rt-row").nth(0).get_by_text("Hoàn thành", exact=True).click()
    second.locator("li.rt-row").nth(1).get_by_text("Tốt", exact=True).click()
    second.get_by_role("button", name=save).click()
    expect(second.get_by_text("Đã nhập mới 2 kết quả xếp loại.")).to_be_visible()
    first.locator("li.rt-row").nth(0).get_by_text("Xuất sắc", exact=True).click()
    first.locator("li.rt-row").nth(2).get_by_text("Tốt", exact=True).click()
    first.get_by_role("button", name=save).click()
    expect(first.locator("#rt-conflicts")).to_contain_text("Các dòng khác đã lưu.")
    row = first.locator("li.rt-conflict")
    expect(row).to_contain_text("Đang lưu: Hoàn thành nhiệm vụ")
    expect(row).to_contain_text("phobithu lúc")
    expect(row.locator("input[value=xuat_sac]")).to_be_checked()
    assert first.evaluate("document.documentElement.scrollWidth") <= 375
    first.screenshot(path=str(shots / "ratings-conflict-phone-375.png"), full_page=True)
    first.get_by_role("button", name=save).click()
    expect(first.get_by_text("Đã sửa 1 kết quả xếp loại.")).to_be_visible()
    assert dict(Rating.objects.values_list("membership_id", "level")) == {
        members[0].pk: "xuat_sac", members[1].pk: "tot", members[2].pk: "tot"}
    for page in pages:
        page.context.close()
