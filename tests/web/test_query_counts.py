"""The tree and its rows cost a fixed number of queries, however many units they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.org.models import PlaceKind, UnitKind
from dangvien.org.services import unit_create
from tests.conftest import START

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_cells(parent, count: int, prefix: str) -> None:
    for i in range(count):
        unit_create(
            by=None,
            parent=parent,
            code=f"{prefix}{i:02d}",
            name=f"Chi bộ thôn {prefix}{i}",
            kind=UnitKind.CELL,
            place_kind=PlaceKind.VILLAGE,
            valid_from=START,
        )


def test_tree_and_fragment_do_not_grow_with_units(client, personas, province, make_member):
    make_member(province.kb_cell, "Bùi Văn An")
    client.force_login(personas.provincial)
    tree_few = queries(client, "/to-chuc/")
    fragment_few = queries(client, "/to-chuc/KB.01/cay/")
    add_cells(province.kb_commune, 15, "KB.01.X")
    add_cells(province.ls_commune, 15, "LS.01.X")
    assert queries(client, "/to-chuc/") == tree_few
    assert queries(client, "/to-chuc/KB.01/cay/") == fragment_few
    assert tree_few <= 11  # cold: one of them reads the data version (core.fragments)
    assert fragment_few <= 11
