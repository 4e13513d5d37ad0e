"""The tree browser shows each user their own part of the tree and nothing else."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def tree(client, user, query=""):
    client.force_login(user)
    response = client.get("/to-chuc/" + query)
    assert response.status_code == 200
    return response.content.decode()


def test_kimboi_officer_sees_kimboi_not_lacson(client, personas):
    html = tree(client, personas.kimboi)
    assert "Huyện ủy Kim Bôi" in html
    assert "Đảng bộ xã Vĩnh Đồng" in html
    assert "Chi bộ Trường THPT Kim Bôi" in html
    assert "Lạc Sơn" not in html
    assert "Ân Nghĩa" not in html
    assert "Tỉnh ủy Hòa Bình" not in html


def test_commune_is_expandable_and_cell_is_not(client, personas):
    html = tree(client, personas.kimboi)
    assert 'data-src="/to-chuc/KB.01/cay/"' in html
    assert "/to-chuc/KB.02/cay/" not in html
    # Without JavaScript the closed row still links to the unit's page.
    assert 'href="/to-chuc/KB.01/"' in html
    # A chosen date travels with the fragment and the links.
    dated = tree(client, personas.kimboi, "?ngay=01/06/2022")
    assert 'data-src="/to-chuc/KB.01/cay/?ngay=01/06/2022"' in dated
    assert 'href="/to-chuc/KB.01/?ngay=01/06/2022"' in dated


def test_provincial_officer_sees_both_districts(client, personas):
    html = tree(client, personas.provincial)
    assert "Tỉnh ủy Hòa Bình" in html
    assert "Huyện ủy Kim Bôi" in html
    assert "Huyện ủy Lạc Sơn" in html


def test_lacson_officer_sees_only_lacson(client, personas):
    html = tree(client, personas.lacson)
    assert "Huyện ủy Lạc Sơn" in html
    assert "Kim Bôi" not in html


def test_secretary_sees_only_her_cell(client, personas):
    html = tree(client, personas.secretary)
    assert "Chi bộ xóm Mớ Đá" in html
    assert "Chi bộ xóm Chanh" not in html
    assert "Vĩnh Đồng" not in html
    assert "Huyện ủy Kim Bôi" not in html


def test_outsider_sees_no_units(client, personas, province):
    html = tree(client, personas.outsider)
    for unit in (province.tu, province.kb, province.ls, province.kb_cell):
        assert unit.name not in html
    assert "chưa được phân quyền" in html


def test_fragment_lists_children_of_a_unit_in_scope(client, personas):
    client.force_login(personas.kimboi)
    response = client.get("/to-chuc/KB.01/cay/?ngay=01/06/2022")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chi bộ xóm Mớ Đá" in html
    assert "Chi bộ xóm Chanh" in html
    assert "<html" not in html  # a fragment, not a page
    assert 'href="/to-chuc/KB.01.01/?ngay=01/06/2022"' in html


def test_fragment_outside_scope_is_404(client, personas):
    client.force_login(personas.kimboi)
    assert client.get("/to-chuc/LS.01/cay/").status_code == 404
    assert client.get("/to-chuc/LS/cay/").status_code == 404
