"""The API's interactive docs (/api/v1/docs) in a real browser: scripts and styles come
from our own static files (no CDN), nothing is refused by the Content-Security-Policy,
and every operation is listed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_docs_list_the_operations_under_the_policy(live_server, browser_page, shots, db):
    page = browser_page
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:") else None)
    response = page.goto(live_server.url + "/api/v1/docs")
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for expected in ["/api/v1/units", "/api/v1/members", "/api/v1/candidacies",
                     "/api/v1/candidacies/{candidacy_id}/steps", "/api/v1/deadlines",
                     "/api/v1/plans/{plan_id}/progress", "/api/v1/ratings"]:
        assert any(p.replace("\u200b", "") == expected for p in paths), (expected, paths)
    expect(page.get_by_text("Cây tổ chức vào một ngày")).to_be_visible()
    page.screenshot(path=str(shots / "api-docs.png"))
    assert refused == []
    assert outside == []
