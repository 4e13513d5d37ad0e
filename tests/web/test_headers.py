"""Headers: a Content-Security-Policy without inline scripts or inline styles, no copy of a
page kept by a browser or proxy, HTTPS enforced in production."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

import dangvien
from dangvien.exchange import jobs
from dangvien.exchange.models import ImportJob, JobStatus
from tests.core.test_settings import run
from tests.web import test_crawler as crawler

pytestmark = pytest.mark.django_db
TEMPLATES = Path(dangvien.__file__).parent / "templates"
#: A <style> element or a style attribute: what a policy without 'unsafe-inline' blocks.
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
#: Printed by WeasyPrint only (reports/pdf.py), never served to a browser: it keeps its
#: <style> (fonts from file:// paths, the page box, each table's column widths).
PRINT_ONLY = {"reports/document.html"}

demo = crawler.demo


def test_pages_have_a_policy_without_inline_scripts_or_styles(client, personas):
    client.force_login(personas.kimboi)
    response = client.get("/to-chuc/")
    policy = response["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]+)", policy).group(1)
    assert script.strip() == "'self'"
    assert re.search(r"style-src ([^;]+)", policy).group(1).strip() == "'self'"
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_has_an_inline_script_or_handler():
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path


def test_no_template_has_an_inline_style():
    """The policy's style-src can be 'self' alone: every style is in a stylesheet file."""
    src = Path(dangvien.__file__).parent
    checked = 0
    for path in src.glob("**/templates/**/*.html"):
        name = path.as_posix().split("/templates/", 1)[1]
        if name in PRINT_ONLY:
            continue
        checked += 1
        assert not INLINE_STYLE.search(path.read_text()), path
    assert checked > 50


@pytest.mark.parametrize("persona", ["tinhuy", "chibo"])
def test_no_page_has_an_inline_style(demo, persona, monkeypatch):
    """Every page of the site, as the crawler opens it with real values, plus an import
    in progress (its progress bar) and the 404 page."""
    # The job below is a row only, with no worker behind it: take it as stored.
    monkeypatch.setattr(jobs, "job_refresh", lambda job: job)
    user = get_user_model().objects.get(username=persona)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    job = ImportJob.objects.create(user=user, kind="members", file_name="dang-vien.xlsx",
                                   stored_as="khong-co.xlsx", status=JobStatus.RUNNING,
                                   rows=200, done_rows=50)
    real = crawler._real_values()
    urls = [crawler._urls(pattern, real)[0] for pattern, name in crawler._patterns()
            if name not in crawler.SKIP]
    urls += [f"/trao-doi/nhap/luot/{job.pk}/", "/khong-co-trang-nay/"]
    pages = 0
    for url in urls:
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        body = response.content.decode(errors="replace")
        assert not INLINE_STYLE.search(body), (url, INLINE_STYLE.search(body))
        pages += response.status_code == 200
    assert pages > 20, pages
    # The import in progress shows its bar as a <progress>, set by attribute.
    page = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert '<progress class="imp-bar" max="100" value="25"' in page


def test_the_500_page_has_no_inline_style(settings, personas):
    """Linked, with the static prefix only: nothing on the error path can fail on it."""
    settings.ROOT_URLCONF = "tests.web.urls_boom"
    client = Client(raise_request_exception=False)
    client.force_login(personas.kimboi)
    response = client.get("/loi/")
    assert response.status_code == 500
    body = response.content.decode()
    assert not INLINE_STYLE.search(body)
    assert '<link rel="stylesheet" href="/static/dv/error.css">' in body


@pytest.mark.parametrize("url", ["/to-chuc/", "/to-chuc/KB/",
                                 "/trao-doi/xuat/dang-vien/?don-vi=KB", "/tai-khoan/"])
def test_pages_and_files_with_personal_data_are_not_stored(client, personas, province, url):
    client.force_login(personas.kimboi)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_https_is_enforced_in_production(tmp_path):
    code = ("from django.conf import settings as s; "
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)")
    on = run(code, tmp_path, DANGVIEN_PRODUCTION="1", DANGVIEN_SECRET_KEY="k" * 60)
    assert on.stdout.split() == ["31536000", "True", "True"], on.stderr
    proxy = run(code, tmp_path, DANGVIEN_PRODUCTION="1", DANGVIEN_SECRET_KEY="k" * 60,
                DANGVIEN_SSL_REDIRECT="0")
    assert proxy.stdout.split() == ["31536000", "False", "True"], proxy.stderr
    plain = run(code, tmp_path, DANGVIEN_PRODUCTION="1", DANGVIEN_SECRET_KEY="k" * 60,
                DANGVIEN_HTTPS="0")
    assert plain.stdout.split() == ["0", "False", "False"], plain.stderr
