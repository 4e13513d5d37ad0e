"""Pages travel gzip-compressed when the browser asks; compression never gives away a
secret (BREACH): the CSRF token differs in every response, and pages that show a secret
once (a new API token) stay uncompressed."""

from __future__ import annotations

import gzip
import re

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _page(client, url):
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    return response


def test_html_is_gzip_encoded_when_asked_and_its_csrf_token_changes(client, personas, province):
    client.force_login(personas.kimboi)
    first, second = _page(client, "/ket-nap/them/"), _page(client, "/ket-nap/them/")
    assert first["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first["Vary"]
    html = gzip.decompress(first.content)
    assert "Thêm".encode() in html or b"<form" in html
    tokens = [TOKEN.search(gzip.decompress(r.content)).group(1) for r in (first, second)]
    assert tokens[0] != tokens[1], "Django masks the CSRF token anew in each response"


def test_without_accept_encoding_the_page_is_plain(client, personas, province):
    client.force_login(personas.kimboi)
    response = client.get("/to-chuc/")
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    assert b"</html>" in response.content


def test_the_page_showing_a_new_api_token_is_not_compressed(client, personas, province):
    client.force_login(personas.kimboi)
    response = client.post("/tai-khoan/ma-truy-cap/", {"name": "Thống kê"},
                           HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"dv_" in response.content
