"""On a phone (390 × 844) in real Chromium: the header is one slim row whose "Menu" button
opens the links, every tap target is at least 44 px high, and the dashboard's key figures
are on the first screen; on a desktop the links show without a button. Screenshots go to
DANGVIEN_SHOTS for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.plans import test_progress as data

from .conftest import second_step, sign_in

# The shared data of test_progress.py: Kim Bôi admitted 46 of 150 by 31/05/2022.
_fresh_calendar = data._fresh_calendar
kb_admitted = data.kb_admitted
kb_pipeline = data.kb_pipeline
kim_boi = data.kim_boi
ls_admitted = data.ls_admitted
plan77 = data.plan77

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}
NAV = "Chức năng chính"
#: Links of the Kim Bôi officer's menu, in order (an editor: no accounts page).
LINKS = ["Việc cần làm", "Tổ chức", "Tìm đảng viên", "Kết nạp", "Thời hạn", "Lớp bồi dưỡng",
         "Kế hoạch", "Xếp loại", "Khảo sát quý", "Trao đổi dữ liệu"]


def _page(chromium, size, *, js=True):
    context = chromium.new_context(viewport=size, locale="vi-VN", java_script_enabled=js)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _height(locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["height"]


def _menu_links_usable(page) -> None:
    nav = page.get_by_role("navigation", name=NAV)
    expect(nav).to_be_visible()
    links = nav.get_by_role("link")
    texts = links.all_inner_texts()
    assert texts[0] == "Việc cần làm"
    assert [t for t in texts if t in LINKS] == LINKS
    for link in links.all():
        expect(link).to_be_visible()
        assert _height(link) >= 44, link.inner_text()
    assert nav.get_by_role("link", name="Việc cần làm").get_attribute("href") == "/"
    search = nav.get_by_role("searchbox", name="Tìm đảng viên theo tên")
    expect(search).to_be_visible()
    assert _height(search) >= 44
    assert _height(nav.get_by_role("button", name="Tìm")) >= 44
    logout = page.get_by_role("button", name="Đăng xuất")
    expect(logout).to_be_visible()
    assert _height(logout) >= 44
    # Nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_phone_header_is_one_row_and_the_menu_opens(live_server, personas, chromium, shots):
    context, page = _page(chromium, PHONE)
    try:
        sign_in(page, live_server.url + "/to-chuc/", "kimboi")
        second_step(page, "kimboi")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert _height(page.locator("header.top")) <= 64
        nav = page.get_by_role("navigation", name=NAV)
        expect(nav).to_be_hidden()
        button = page.get_by_role("button", name="Menu")
        expect(button).to_have_attribute("aria-expanded", "false")
        assert _height(button) >= 44
        page.screenshot(path=str(shots / "phone-header-closed.png"))

        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
        _menu_links_usable(page)
        expect(nav.get_by_role("link", name="Tổ chức")).to_have_attribute("aria-current", "page")
        page.screenshot(path=str(shots / "phone-header-open.png"), full_page=True)

        page.keyboard.press("Escape")
        expect(nav).to_be_hidden()
        expect(button).to_have_attribute("aria-expanded", "false")

        # The menu leads somewhere: open it again and go to the plans.
        button.click()
        nav.get_by_role("link", name="Kế hoạch").click()
        expect(page.get_by_role("navigation", name=NAV)).to_be_hidden()
        assert "/ke-hoach/" in page.url
    finally:
        context.close()


def test_phone_menu_opens_without_javascript(live_server, personas, chromium, shots):
    context, page = _page(chromium, PHONE, js=False)
    try:
        sign_in(page, live_server.url + "/to-chuc/", "kimboi")
        assert _height(page.locator("header.top")) <= 64
        expect(page.get_by_role("navigation", name=NAV)).to_be_hidden()
        page.get_by_text("Menu", exact=True).click()
        _menu_links_usable(page)
        page.screenshot(path=str(shots / "phone-header-open-nojs.png"), full_page=True)
    finally:
        context.close()


def test_desktop_shows_the_links_without_a_button(live_server, personas, chromium, shots):
    context, page = _page(chromium, WIDE)
    try:
        sign_in(page, live_server.url + "/to-chuc/", "kimboi")
        second_step(page, "kimboi")
        nav = page.get_by_role("navigation", name=NAV)
        expect(nav).to_be_visible()
        for name in LINKS:
            expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
        # The links share rows, not one link per row as on a phone.
        first = nav.get_by_role("link", name="Việc cần làm").bounding_box()
        second = nav.get_by_role("link", name="Tổ chức").bounding_box()
        assert first is not None and second is not None and first["y"] == second["y"]
        page.screenshot(path=str(shots / "desktop-header.png"))
    finally:
        context.close()


def test_phone_dashboard_shows_key_figures_on_the_first_screen(live_server, personas, kim_boi,
                                                               chromium, shots):
    context, page = _page(chromium, PHONE)
    try:
        sign_in(page, live_server.url + "/ke-hoach/tien-do/?ngay=31/05/2022", "kimboi")
        second_step(page, "kimboi")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Tiến độ kết nạp đảng viên: Huyện ủy Kim Bôi")
        # The day chosen shows in the header, with the way back to today.
        strip = page.locator("form.inview")
        expect(strip).to_contain_text("Đang xem ngày 31/05/2022")
        expect(strip.get_by_role("button", name="về hôm nay")).to_be_visible()

        key = page.get_by_role("region", name="Số liệu đến hết ngày 31/05/2022")
        expect(key).to_contain_text("46")
        expect(key).to_contain_text("/ 150")
        expect(key).to_contain_text("30,7%")
        expect(key).to_contain_text("Chậm tiến độ")
        expect(key).to_contain_text("Dự kiến đến ngày")
        box = key.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]
        # Before the date form, the chart and the table.
        for later in (page.get_by_label("Số liệu tính đến ngày"),
                      page.get_by_role("img", name="Kết nạp đảng viên lũy kế theo tháng năm 2022"),
                      page.locator("table.pg")):
            later_box = later.bounding_box()
            assert later_box is not None and later_box["y"] > box["y"] + box["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(shots / "phone-dashboard-first-screen.png"))
        page.screenshot(path=str(shots / "phone-dashboard-full.png"), full_page=True)
    finally:
        context.close()


def test_phone_search_marks_a_candidate_and_opens_her_file(live_server, personas, province,
                                                           make_member, chromium, shots):
    from tests.people.test_search_candidates import make_candidate

    make_member(province.kb_cell, "Hà Văn Hùng")
    make_candidate(province.kb_cell, "Hà Thị Mai")
    context, page = _page(chromium, PHONE)
    try:
        sign_in(page, live_server.url + "/dang-vien/tim-kiem/?q=ha", "kimboi")
        second_step(page, "kimboi")
        mark = page.get_by_role("link", name="Quần chúng ưu tú")
        expect(mark).to_have_count(1)
        expect(page.locator("table.found tr", has=mark)).to_contain_text("Hà Thị Mai")
        assert _height(mark) >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(shots / "phone-search-candidate.png"), full_page=True)
        mark.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hà Thị Mai")
        assert "/ket-nap/ho-so/" in page.url
    finally:
        context.close()


#: What a finger taps: buttons, form controls, the pager and the breadcrumbs.
TAPPABLE = ("button:visible, select:visible, .btn:visible, .btn2:visible, .pager a:visible, "
            ".crumbs a:visible, input:visible:not([type=checkbox]):not([type=radio])")


def _short_targets(page) -> list[str]:
    short = []
    for el in page.locator(TAPPABLE).all():
        box = el.bounding_box()
        if box is not None and box["height"] < 44:
            short.append(f"{el.evaluate('e => e.outerHTML.slice(0, 120)')}: {box['height']:.0f}px")
    return short


def test_phone_tap_targets_are_44px_high(live_server, personas, kim_boi, chromium, shots):
    context, page = _page(chromium, PHONE)
    try:
        sign_in(page, live_server.url + "/to-chuc/", "kimboi")
        second_step(page, "kimboi")
        short = {}
        for url in ("/to-chuc/", "/dang-vien/tim-kiem/?q=ha", "/ket-nap/", "/ket-nap/thoi-han/",
                    "/lop/", "/ke-hoach/", "/ke-hoach/tien-do/?ngay=31/05/2022",
                    "/danh-gia/?nam=2021", "/ket-nap/khao-sat/", "/tai-khoan/"):
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, url
            short[url] = _short_targets(page)
        assert {url: s for url, s in short.items() if s} == {}
        page.goto(live_server.url + "/danh-gia/?nam=2021")
        page.screenshot(path=str(shots / "phone-ratings-report.png"), full_page=True)
    finally:
        context.close()


def test_phone_ratings_report_shows_completion_and_keeps_the_year(live_server, personas, province,
                                                                  make_member, chromium, shots):
    import datetime as dt

    from dangvien.people.models import Membership
    from dangvien.ratings.services import rating_enter

    rated = make_member(province.kb_cell, "Bùi Văn Thành")
    make_member(province.kb_cell2, "Đinh Thị Nga")
    rating_enter(by=None, membership=Membership.objects.get(person=rated), year=2021, level="tot",
                 today=dt.date(2022, 1, 10))
    context, page = _page(chromium, PHONE)
    try:
        sign_in(page, live_server.url + "/danh-gia/", "kimboi")
        second_step(page, "kimboi")
        year = page.get_by_label("Năm đánh giá")
        expect(year).to_have_value("2021")
        expect(page.get_by_text("Năm 2021: đã nhập 1 / 2 chi bộ")).to_be_visible()
        page.screenshot(path=str(shots / "phone-ratings-completion.png"))

        year.select_option("2020")
        page.get_by_role("button", name="Xem").click()
        expect(page.get_by_label("Năm đánh giá")).to_have_value("2020")
        expect(page.get_by_text("Năm 2020 chưa có kết quả xếp loại nào của Huyện ủy Kim Bôi."))\
            .to_be_visible()
        expect(page.get_by_text("Năm 2020: đã nhập 0 / 2 chi bộ")).to_be_visible()
        # Elsewhere and back through the menu: still 2020.
        page.get_by_role("button", name="Menu").click()
        page.get_by_role("navigation", name=NAV).get_by_role("link", name="Tổ chức").click()
        page.get_by_role("button", name="Menu").click()
        page.get_by_role("navigation", name=NAV).get_by_role("link", name="Xếp loại").click()
        expect(page.get_by_label("Năm đánh giá")).to_have_value("2020")
        page.screenshot(path=str(shots / "phone-ratings-no-data.png"))
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 360])
def test_narrow_phones_keep_the_header_on_one_row(live_server, personas, chromium, shots, width):
    context, page = _page(chromium, {"width": width, "height": 700})
    try:
        sign_in(page, live_server.url + "/to-chuc/", "kimboi")
        second_step(page, "kimboi")
        button = page.get_by_role("button", name="Menu")
        expect(button).to_be_visible()
        assert _height(page.locator("header.top")) <= 64
        brand, menu = page.locator(".brand").bounding_box(), button.bounding_box()
        assert brand is not None and menu is not None
        assert menu["y"] < brand["y"] + brand["height"]  # side by side, not one under the other
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots / f"phone-header-{width}.png"))
    finally:
        context.close()
