"""The shared layout: phone-ready, light, no third-party assets, Quản trị for staff only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dangvien

pytestmark = pytest.mark.django_db

STATIC = Path(dangvien.__file__).parent / "static"


def page(client, user, url="/to-chuc/"):
    client.force_login(user)
    return client.get(url).content.decode()


def test_nav_for_an_officer(client, personas):
    html = page(client, personas.kimboi)
    assert 'href="/to-chuc/"' in html and ">Tổ chức<" in html
    assert 'href="/dang-vien/tim-kiem/"' in html and ">Tìm đảng viên<" in html
    assert "Quản trị" not in html
    assert "/quan-tri/" not in html


def test_the_surveys_and_the_import_hub_are_in_the_menu(client, personas):
    html = page(client, personas.kimboi)
    assert 'href="/ket-nap/khao-sat/"' in html and ">Khảo sát quý<" in html
    assert 'href="/trao-doi/"' in html and ">Trao đổi dữ liệu<" in html
    # Someone who may update nothing has no import hub to go to.
    assert 'href="/trao-doi/"' not in page(client, personas.outsider)


def test_only_a_superuser_sees_the_system_admin_link(client, personas):
    personas.provincial.is_staff = True  # staff alone opens nothing: the admin is for superusers
    personas.provincial.save()
    assert 'href="/quan-tri/"' not in page(client, personas.provincial)
    personas.provincial.is_superuser = True
    personas.provincial.save()
    html = page(client, personas.provincial)
    assert 'href="/quan-tri/"' in html
    assert ">Quản trị hệ thống<" in html


def test_phone_viewport_and_own_assets_only(client, personas):
    html = page(client, personas.kimboi)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html)
    assert assets == ["/static/dv/app.css", "/static/dv/app.js"]
    assert "http://" not in html and "https://" not in html


def test_assets_are_small_and_self_contained():
    css = (STATIC / "dv" / "app.css").read_text()
    js = (STATIC / "dv" / "app.js").read_text()
    assert len(css.encode()) < 16_000  # a slow connection loads it in a second
    assert len(js.encode()) < 4_000
    for text in (css, js):
        assert "http" not in text and "@import" not in text
    assert "font-size:.8" not in css  # nothing smaller than ~15px
    assert "17px" in css


def test_current_section_is_marked(client, personas):
    html = page(client, personas.kimboi)
    assert 'href="/to-chuc/" aria-current="page"' in html
    html = page(client, personas.kimboi, "/dang-vien/tim-kiem/")
    assert 'href="/dang-vien/tim-kiem/" aria-current="page"' in html


def test_date_fields_open_the_digit_keypad_on_a_phone(client, personas):
    """inputmode=decimal: digits and a dot, and 31.05.2022 is read as 31/05/2022."""
    html = page(client, personas.kimboi, "/to-chuc/KB/")
    assert re.search(r'<input id="ngay"[^>]*inputmode="decimal"', html)
    html = page(client, personas.provincial, "/to-chuc/KB/giai-the/")
    assert re.search(r'<input[^>]*name="effective"[^>]*inputmode="decimal"', html) or re.search(
        r'<input[^>]*inputmode="decimal"[^>]*name="effective"', html)
