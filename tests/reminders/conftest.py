"""Deadlines to remind of, and officers with addresses."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.admission.models import Stage
from tests.admission.test_deadlines import CELL_DAY, bare

CCCD = "017198000777"


@pytest.fixture
def due(province, personas, settings):
    settings.DANGVIEN_BASE_URL = "http://dangvien.tu.hoabinh"
    late = bare(province.kb_cell, cell_resolution_on=CELL_DAY)
    late.person.cccd = CCCD
    late.person.save(update_fields=["cccd"])
    soon = bare(province.kb_school, stage=Stage.DECIDED, cell_resolution_on=CELL_DAY,
                decision_on=dt.date(2022, 5, 9), decision_received_on=dt.date(2022, 5, 9))
    ls = bare(province.ls_cell, cell_resolution_on=CELL_DAY)
    for user, email in ((personas.provincial, "btc@hoabinh.dcs.vn"),
                        (personas.kimboi, "btc.kimboi@hoabinh.dcs.vn"),
                        (personas.secretary, "chibo.moda@hoabinh.dcs.vn")):
        user.email = email
        user.save(update_fields=["email"])
    return late, soon, ls
