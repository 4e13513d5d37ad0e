"""A unit outside the user's scope answers 404, exactly like a unit that does not exist."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

ALL_CODES = ["TU", "KB", "KB.01", "KB.01.01", "KB.01.02", "KB.02", "LS", "LS.01", "LS.01.01"]


def without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


@pytest.mark.parametrize("code", ["LS", "LS.01", "LS.01.01", "TU", "KHONG-CO"])
def test_kimboi_officer_gets_404_outside_kimboi(client, personas, code):
    assert status(client, personas.kimboi, f"/to-chuc/{code}/") == 404


@pytest.mark.parametrize("code", ["KB", "KB.01", "KB.01.01", "KB.01.02", "KB.02"])
def test_kimboi_officer_opens_kimboi_units(client, personas, code):
    assert status(client, personas.kimboi, f"/to-chuc/{code}/") == 200


@pytest.mark.parametrize("code", ALL_CODES + ["KHONG-CO"])
def test_outsider_gets_404_everywhere(client, personas, code):
    assert status(client, personas.outsider, f"/to-chuc/{code}/") == 404
    assert status(client, personas.outsider, f"/to-chuc/{code}/cay/") == 404


def test_secretary_sees_her_cell_only(client, personas):
    assert status(client, personas.secretary, "/to-chuc/KB.01.01/") == 200
    assert status(client, personas.secretary, "/to-chuc/KB.01.02/") == 404
    assert status(client, personas.secretary, "/to-chuc/KB.01/") == 404
    assert status(client, personas.secretary, "/to-chuc/KB/") == 404


def test_404_page_is_vietnamese_and_leaks_nothing(client, personas):
    client.force_login(personas.kimboi)
    response = client.get("/to-chuc/LS.01.01/")
    html = response.content.decode()
    assert "Không tìm thấy" in html
    assert "Chi bộ xóm Bai" not in html
    assert "Lạc Sơn" not in html
    # Same page for a unit outside scope and a unit that does not exist.
    other = client.get("/to-chuc/KHONG-CO/").content.decode()
    assert without_token(html) == without_token(other)


def test_breadcrumb_links_only_units_in_scope(client, personas):
    client.force_login(personas.kimboi)
    html = client.get("/to-chuc/KB.01.01/").content.decode()
    crumbs = html[html.index('class="crumbs"') : html.index("</nav>", html.index('class="crumbs"'))]
    assert 'href="/to-chuc/KB/"' in crumbs
    assert 'href="/to-chuc/KB.01/"' in crumbs
    assert 'href="/to-chuc/TU/"' not in crumbs
    # The first crumb the officer can open is their district.
    first_unit_link = crumbs.index('href="/to-chuc/KB')
    assert "Huyện ủy Kim Bôi" in crumbs[first_unit_link : first_unit_link + 60]


def test_unit_page_shows_details(client, personas, province):
    client.force_login(personas.kimboi)
    html = client.get("/to-chuc/KB.01/").content.decode()
    assert "Đảng bộ xã Vĩnh Đồng" in html
    assert "Đảng bộ cơ sở" in html
    assert "Xã, phường, thị trấn" in html
    assert "01/10/2020" in html  # valid from
    assert "Chi bộ xóm Mớ Đá" in html  # children table
