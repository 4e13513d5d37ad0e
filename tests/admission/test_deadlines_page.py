"""The deadlines page /ket-nap/thoi-han/: scope, as-of date, sections, links, cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangvien.admission.models import Stage
from dangvien.core import calendar, vn
from tests.web.helpers import text

from .test_deadlines import CELL_DAY, bare

pytestmark = pytest.mark.django_db
URL = "/ket-nap/thoi-han/"
DAY = "08/06/2022"  # one working day after the decision deadline of CELL_DAY


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def two_districts(province):
    return (bare(province.kb_cell, cell_resolution_on=CELL_DAY),
            bare(province.ls_cell, cell_resolution_on=CELL_DAY))


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_the_url_name(client):
    from django.urls import reverse

    assert reverse("admission:deadlines") == URL


def test_kim_boi_sees_its_overdue_decision_with_a_link(client, personas, two_districts):
    kb, ls = two_districts
    html = page(client, personas.kimboi, ngay=DAY)
    body = text(html)
    assert kb.person.full_name in body and ls.person.full_name not in body
    assert f'href="/ket-nap/ho-so/{kb.pk}/"' in html
    assert "Quá hạn 1" in body  # the tab with its count
    assert "Ra quyết định kết nạp 1" in body  # the kind with its count
    assert "07/06/2022" in body and "1 ngày làm việc" in body
    assert "QĐ 24-QĐ/TW, điểm 4.3.1" in body


def test_lac_son_sees_none_of_kim_bois_items(client, personas, two_districts):
    kb, ls = two_districts
    body = text(page(client, personas.lacson, ngay=DAY))
    assert ls.person.full_name in body
    assert kb.person.full_name not in body
    assert "KB.01.01" not in body and "Mớ Đá" not in body


def test_unit_outside_scope_is_404(client, personas, two_districts):
    client.force_login(personas.lacson)
    assert client.get(URL, {"don-vi": "KB", "ngay": DAY}).status_code == 404
    assert client.get(URL, {"don-vi": "KHONG-CO", "ngay": DAY}).status_code == 404
    assert client.get(URL, {"don-vi": "LS.01", "ngay": DAY}).status_code == 200


def test_unit_narrows_the_list(client, personas, province, two_districts):
    kb, _ = two_districts
    other = bare(province.kb_cell2, cell_resolution_on=CELL_DAY)
    html = page(client, personas.provincial, ngay=DAY, **{"don-vi": "KB.01.02"})
    body = text(html)
    assert other.person.full_name in body and kb.person.full_name not in body
    assert "Chi bộ xóm Chanh" in body
    whole = text(page(client, personas.provincial, ngay=DAY))
    assert other.person.full_name in whole and kb.person.full_name in whole


def test_as_of_in_the_past_shows_that_day(client, personas, province):
    bare(province.kb_cell, stage=Stage.DECIDED, cell_resolution_on=CELL_DAY,
         decision_on=dt.date(2022, 6, 10))
    before = text(page(client, personas.kimboi, ngay="09/06/2022"))
    assert "Ra quyết định kết nạp" in before and "2 ngày làm việc" in before
    after = text(page(client, personas.kimboi, ngay="10/06/2022"))
    assert "Quá hạn 0" in after and "2 ngày làm việc" not in after


def test_due_soon_section(client, personas, two_districts):
    body = text(page(client, personas.kimboi, ngay="31/05/2022"))
    assert "Sắp đến hạn 1" in body and "hạn trong 15 ngày làm việc tới" in body
    assert "Quá hạn 0" in body
    assert "Còn 5 ngày làm việc" in body


def test_bad_date_gives_a_message(client, personas, two_districts):
    body = text(page(client, personas.kimboi, ngay="31/02/2022"))
    assert "không phải ngày hợp lệ" in body
    assert f"Đang hiển thị thời hạn ngày {vn.format_date(timezone.localdate())}" in body


def test_links_keep_the_date(client, personas, two_districts):
    html = page(client, personas.kimboi, ngay=DAY)
    assert 'href="/ket-nap/thoi-han/?don-vi=KB.01&amp;ngay=08/06/2022"' in html


def queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_candidacies(client, personas, province,
                                                   django_assert_max_num_queries):
    def make(count):
        for i in range(count):
            cell = (province.kb_cell, province.kb_cell2, province.kb_school)[i % 3]
            bare(cell, cell_resolution_on=CELL_DAY - dt.timedelta(days=i % 30))
            bare(cell, stage=Stage.ON_PROBATION, cell_resolution_on=dt.date(2021, 5, 3),
                 decision_on=dt.date(2021, 6, 1), ceremony_on=dt.date(2021, 7, 1),
                 probation_ends_on=dt.date(2022, 7, 1))

    make(2)
    client.force_login(personas.kimboi)
    params = {"ngay": DAY, "don-vi": "KB"}
    few = queries(client, params)
    make(30)
    with django_assert_max_num_queries(few):
        response = client.get(URL, params)
    assert response.status_code == 200
    assert text(response.content.decode()).count("Học lớp bồi dưỡng đảng viên mới") >= 1
    assert few <= 16
