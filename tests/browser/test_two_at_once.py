"""In real browsers: two officers edit the same allocation at once, and the second is told
of the conflict and re-applies; a death recorded by mistake is cancelled and the unit's
count returns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.core import vn
from dangvien.plans.services import plan_create
from tests.conftest import PASSWORD
from tests.plans.test_plans import TITLE, draft_of, tu_plan

from .conftest import DESKTOP, sign_in

__all__ = ["tu_plan"]

pytestmark = pytest.mark.browser


@pytest.fixture
def two_pages(chromium):
    """Two separate browser sessions, as two officers at two desks."""
    contexts = [chromium.new_context(viewport=DESKTOP, locale="vi-VN") for _ in range(2)]
    for context in contexts:
        context.set_default_timeout(10_000)
    yield [c.new_page() for c in contexts]
    for context in contexts:
        context.close()


def test_two_officers_allocate_the_same_plan(live_server, province, personas, tu_plan,
                                             two_pages, shots):
    plan = plan_create(by=personas.kimboi, unit=province.kb, year=2022, number="25-KH/HU",
                       title=TITLE, target=150, parent=tu_plan)
    second = get_user_model().objects.create_user(username="kimboi2", password=PASSWORD)
    RoleAssignment.objects.create(user=second, unit=province.kb, role=Role.EDITOR)
    url = f"{live_server.url}/ke-hoach/{plan.pk}/"
    first_page, second_page = two_pages
    sign_in(first_page, url, "kimboi")
    sign_in(second_page, url, "kimboi2")
    commune = f'input[name="u{province.kb_commune.pk}"]'
    school = f'input[name="u{province.kb_school.pk}"]'
    # Both have the draft open; the first saves.
    first_page.locator(commune).fill("108")
    first_page.locator(school).fill("42")
    first_page.get_by_role("button", name="Lưu chỉ tiêu giao").click()
    expect(first_page.get_by_text("Đã lưu chỉ tiêu giao")).to_be_visible()
    # The second, from his older page, is told who changed what; nothing of his is lost.
    second_page.locator(commune).fill("100")
    second_page.locator(school).fill("55")
    second_page.get_by_role("button", name="Lưu chỉ tiêu giao").click()
    alert = second_page.locator(".alert").first
    expect(alert).to_contain_text("Không lưu: Chỉ tiêu giao của Kế hoạch số 25-KH/HU đã "
                                  "được kimboi lúc")
    expect(second_page.locator(".stale")).to_contain_text("chỉ tiêu giao KB.01: (trống) → 108")
    expect(second_page.locator(commune)).to_have_value("100")
    second_page.screenshot(path=str(shots / "allocation-conflict.png"), full_page=True)
    assert dict(draft_of(plan).allocations.values_list("unit__code", "target")) == {
        "KB.01": 108, "KB.02": 42}
    # He looks, keeps his figures, saves again on purpose.
    second_page.get_by_role("button", name="Lưu chỉ tiêu giao").click()
    expect(second_page.get_by_text("Đã lưu chỉ tiêu giao")).to_be_visible()
    assert dict(draft_of(plan).allocations.values_list("unit__code", "target")) == {
        "KB.01": 100, "KB.02": 55}


def test_a_death_recorded_by_mistake_is_cancelled_and_the_count_returns(
        live_server, province, personas, make_member, browser_page, shots):
    make_member(province.kb_cell, "Bùi Văn Sống", recognized=dt.date(2016, 3, 2))
    make_member(province.kb_cell, "Bùi Thị Hoa")
    page, url = browser_page, live_server.url
    sign_in(page, f"{url}/to-chuc/{province.kb_cell.code}/", "chibo")
    stat = page.locator(".stat").first
    expect(stat).to_contain_text("2")
    page.get_by_role("link", name="Bùi Văn Sống").click()
    day = vn.format_date(timezone.localdate() - dt.timedelta(days=3))
    # Nothing is preselected: the officer picks the event and types the day.
    expect(page.get_by_label("Biến động")).to_have_value("")
    expect(page.get_by_label("Ngày có hiệu lực")).to_have_value("")
    page.get_by_label("Biến động").select_option(label="Từ trần")
    page.get_by_label("Ngày có hiệu lực").fill(day)
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator(".alert")).to_contain_text("sẽ không còn được tính là đảng viên từ ngày")
    page.get_by_role("button", name=f"Xác nhận: từ trần từ {day}").click()
    expect(page.get_by_text("Đã ghi biến động của Bùi Văn Sống")).to_be_visible()
    page.goto(f"{url}/to-chuc/{province.kb_cell.code}/")
    expect(stat).to_contain_text("1")
    # It was a mistake: cancelled with a reason, he is counted again.
    page.goto(f"{url}/to-chuc/{province.kb_cell.code}/")
    page.goto(page.url)  # the list shows current members only: open him by his page
    from dangvien.people.models import Person

    person = Person.objects.get(full_name="Bùi Văn Sống")
    page.goto(f"{url}/dang-vien/{person.pk}/")
    page.get_by_label("Lý do hủy").fill("Ghi nhầm người: đồng chí vẫn sinh hoạt bình thường")
    page.get_by_role("button", name="Hủy biến động").click()
    expect(page.get_by_text("được tính lại là đảng viên")).to_be_visible()
    expect(page.locator("del")).to_contain_text("Từ trần")
    page.screenshot(path=str(shots / "death-cancelled.png"), full_page=True)
    page.goto(f"{url}/to-chuc/{province.kb_cell.code}/")
    expect(stat).to_contain_text("2")
