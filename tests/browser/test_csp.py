"""In a real browser, under a Content-Security-Policy whose style-src is 'self' alone (no
'unsafe-inline'): the pages with their own stylesheets (import, ratings) are styled and
the browser refuses nothing; the import's progress bar follows the server without an
inline style and the page reloads when the save ends."""

from __future__ import annotations

import copy

import pytest
from playwright.sync_api import expect

from dangvien.exchange import jobs
from dangvien.exchange.models import ImportJob, JobStatus
from tests.ratings.conftest import crowd as crowd_fixture

from .conftest import sign_in

pytestmark = pytest.mark.browser
crowd = crowd_fixture


@pytest.fixture
def strict_styles(settings):
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["style-src"] = ["'self'"]
    settings.CONTENT_SECURITY_POLICY = policy


@pytest.fixture
def refused(browser_page):
    """What the browser refused because of the policy (Chromium says so on the console)."""
    said: list[str] = []
    browser_page.on("console", lambda m: said.append(f"{browser_page.url}: {m.text}")
                    if "Content Security Policy" in m.text else None)
    return said


def css(page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(
        f"e => getComputedStyle(e).getPropertyValue('{prop}')")


def test_pages_are_styled_without_inline_styles(live_server, personas, province, crowd,
                                                strict_styles, refused, browser_page, shots,
                                                monkeypatch):
    # The job is a row only, with no worker behind it: take it as stored.
    monkeypatch.setattr(jobs, "job_refresh", lambda job: job)
    crowd(province.kb_cell, 4)
    job = ImportJob.objects.create(user=personas.kimboi, kind="members",
                                   file_name="dang-vien-kb.xlsx", stored_as="khong-co.xlsx",
                                   status=JobStatus.RUNNING, rows=200, done_rows=50)
    page = browser_page
    base = live_server.url
    sign_in(page, base + "/trao-doi/", "kimboi")
    response = page.goto(base + "/trao-doi/")
    assert "style-src 'self';" in response.headers["content-security-policy"] + ";"
    assert css(page, ".imp-kinds", "display") == "grid"

    # The import in progress: the bar is a <progress> the script moves.
    page.goto(f"{base}/trao-doi/nhap/luot/{job.pk}/")
    bar = page.locator("progress.imp-bar")
    expect(bar).to_have_js_property("value", 25)
    assert bar.bounding_box()["width"] > 300
    assert css(page, "progress.imp-bar", "background-color") == "rgb(232, 237, 242)"
    page.screenshot(path=str(shots / "csp-import-progress-desktop.png"), full_page=True)
    ImportJob.objects.filter(pk=job.pk).update(done_rows=150)
    expect(bar).to_have_js_property("value", 75)
    expect(page.locator(".imp-pct")).to_have_text("75")
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, new=200)
    expect(page.locator("#imp-status")).to_contain_text("Đã lưu xong")
    expect(page.locator("progress.imp-bar")).to_have_count(0)

    # Ratings: the entry sheet, the approval page and the report have their stylesheet.
    page.goto(f"{base}/danh-gia/nhap/KB.01.01/2021/")
    expect(page.locator("li.rt-row")).to_have_count(4)
    assert css(page, "li.rt-row", "border-top-left-radius") == "8px"
    page.screenshot(path=str(shots / "csp-ratings-entry-desktop.png"), full_page=True)
    page.goto(f"{base}/danh-gia/duyet/KB/2021/")
    assert css(page, ".rt-dist td.n", "text-align") == "right"
    page.goto(f"{base}/danh-gia/?don-vi=KB&nam=2021")
    assert css(page, ".rt-dist td.n", "text-align") == "right"
    page.screenshot(path=str(shots / "csp-ratings-report-desktop.png"), full_page=True)

    for url in ("/to-chuc/", "/to-chuc/KB/", "/trao-doi/nhap/dang-vien/", "/ket-nap/",
                "/ke-hoach/", "/tai-khoan/"):
        page.goto(base + url)
    assert refused == []
