"""In a real browser: a cell submits its Quý I/2022 report, the grassroots committee returns
it with a comment, the cell corrects and resubmits, the committee approves it; on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.periods.conftest import officers, plans2022, q1

from .conftest import DESKTOP, second_step, sign_in

__all__ = ["officers", "plans2022", "q1"]

pytestmark = pytest.mark.browser
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def two_pages(chromium):
    """The cell's secretary and the committee's approver, each in their own browser."""
    contexts = [chromium.new_context(viewport=DESKTOP, locale="vi-VN") for _ in range(2)]
    for context in contexts:
        context.set_default_timeout(15_000)
    yield [c.new_page() for c in contexts]
    for context in contexts:
        context.close()


def test_submit_return_resubmit_approve(live_server, province, personas, officers, plans2022,
                                        q1, two_pages, shots):
    cell, committee = two_pages
    report_url = f"{live_server.url}/ky-bao-cao/{q1.pk}/KB.01.01/"
    cell.set_viewport_size(PHONE_390)
    sign_in(cell, report_url, "chibo")
    expect(cell.get_by_role("heading", level=1)).to_have_text(
        "Báo cáo Quý I/2022: Chi bộ xóm Mớ Đá")
    box = cell.get_by_label("Tồn tại, hạn chế; nguyên nhân; giải pháp", exact=False)
    expect(box).to_contain_text("kết nạp 5/60 đảng viên")  # the draft from the figures
    box.fill("Kết nạp 5/60. Nguyên nhân: nguồn ít.")
    cell.get_by_role("button", name="Nộp báo cáo").click()
    expect(cell.locator("#pr-status")).to_have_text("Đã nộp")
    assert cell.evaluate("document.documentElement.scrollWidth") <= 390

    sign_in(committee, report_url, "vd_duyet")
    second_step(committee, "vd_duyet")  # an approver signs in with two factors
    committee.goto(report_url)
    expect(committee.locator("#pr-text")).to_have_text("Kết nạp 5/60. Nguyên nhân: nguồn ít.")
    committee.get_by_role("button", name="Trả lại").click()
    expect(committee.locator("#pr-error")).to_have_text("Hãy nhập ý kiến khi trả lại.")
    committee.get_by_label("Ý kiến (bắt buộc khi trả lại)").fill(
        "Bổ sung giải pháp cụ thể cho từng xóm.")
    committee.get_by_role("button", name="Trả lại").click()
    expect(committee.locator("#pr-status")).to_have_text("Bị trả lại")

    cell.reload()
    expect(cell.locator("#pr-status")).to_have_text("Bị trả lại")
    expect(cell.locator("#pr-history")).to_contain_text("Bổ sung giải pháp cụ thể cho từng xóm.")
    cell.get_by_label("Tồn tại, hạn chế; nguyên nhân; giải pháp", exact=False).fill(
        "Kết nạp 5/60. Nguyên nhân: nguồn ít. Giải pháp: mở lớp nhận thức ở xóm Mớ Đá.")
    cell.get_by_role("button", name="Nộp báo cáo").click()
    expect(cell.locator("#pr-status")).to_have_text("Đã nộp")

    committee.reload()
    committee.get_by_role("button", name="Duyệt").click()
    expect(committee.locator("#pr-status")).to_have_text("Đã duyệt")
    history = committee.locator("#pr-history li")
    expect(history).to_have_count(4)
    expect(history.nth(1)).to_contain_text("vd_duyet: Trả lại")
    expect(history.nth(3)).to_contain_text("vd_duyet: Duyệt")
    committee.screenshot(path=str(shots / "period-report-approved.png"), full_page=True)

    cell.reload()
    expect(cell.locator("#pr-status")).to_have_text("Đã duyệt")
    expect(cell.get_by_role("button", name="Nộp báo cáo")).to_have_count(0)
    cell.screenshot(path=str(shots / "period-report-phone-390.png"), full_page=True)
    # The committee's completeness shows it approved.
    committee.goto(f"{live_server.url}/ky-bao-cao/{q1.pk}/?don-vi=KB.01")
    expect(committee.locator('tr[data-level="chi_bo"] td').nth(3)).to_have_text("1")
