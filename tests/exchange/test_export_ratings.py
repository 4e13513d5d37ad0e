"""Excel download of the ratings report (kết quả xếp loại chất lượng đảng viên)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.people.models import Membership
from dangvien.ratings.services import rating_enter
from tests.web.helpers import bulk_people

from .test_export import HEADER_ROW, body, download, headers, login, workbook

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def members(cell, names, start):
    people = bulk_people(cell, names, admitted=dt.date(2015, 3, 2), cccd_from=start)
    return list(Membership.objects.filter(person__in=people).order_by("person__sort_key"))


@pytest.fixture
def rated(province):
    kb = members(province.kb_cell, ["Bùi Văn An", "Bùi Văn Bình", "Bùi Văn Chi", "Bùi Văn Dũng"],
                 17_500_000_000)
    ls = members(province.ls_cell, ["Quách Văn Lạc", "Quách Văn Sơn"], 17_600_000_000)
    for m, level in zip(kb, ["xuat_sac", "tot", "tot", "hoan_thanh"], strict=True):
        rating_enter(by=None, membership=m, year=2021, level=level, today=TODAY)
    for m in ls:
        rating_enter(by=None, membership=m, year=2021, level="hoan_thanh", today=TODAY)


def test_ratings_report_as_the_page(client, personas, province, rated):
    login(client, personas.provincial)
    page = client.get("/danh-gia/", {"don-vi": "TU", "nam": "2021"})
    assert page.status_code == 200 and "/trao-doi/xuat/xep-loai/" in page.content.decode()
    sheet = workbook(download(client, "xep-loai", **{"don-vi": "TU", "nam": "2021"})).active
    assert headers(sheet)[:4] == ["Mã đơn vị", "Đơn vị", "Năm", "Số được xếp loại"]
    rows = body(sheet)
    kb = next(r for r in rows if r[0] == "KB" and r[2] == 2021)
    assert kb[3] == 4 and kb[4] == 1  # four rated, one excellent
    share = sheet.cell(HEADER_ROW + 1 + rows.index(kb), 6)
    assert share.value == pytest.approx(0.25) and share.number_format == "0.0%"
    total = [c.value for c in sheet[HEADER_ROW + len(rows) + 1]]
    assert total[1] == "Cộng: Tỉnh ủy Hòa Bình" and total[3] == 6


def test_ratings_scope(client, personas, province, rated):
    login(client, personas.kimboi)
    rows = body(workbook(download(client, "xep-loai", nam="2021")).active)
    assert {r[0] for r in rows} <= {"KB.01", "KB.02"}
    assert download(client, "xep-loai", **{"don-vi": "LS", "nam": "2021"}).status_code == 404
