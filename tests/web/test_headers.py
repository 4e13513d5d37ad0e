"""Headers: a Content-Security-Policy without inline scripts, no copy of a page kept by a
browser or proxy, HTTPS enforced in production."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dangvien
from tests.core.test_settings import run

pytestmark = pytest.mark.django_db
TEMPLATES = Path(dangvien.__file__).parent / "templates"


def test_pages_have_a_policy_without_inline_scripts(client, personas):
    client.force_login(personas.kimboi)
    response = client.get("/to-chuc/")
    policy = response["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]+)", policy).group(1)
    assert script.strip() == "'self'"
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_has_an_inline_script_or_handler():
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path


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
