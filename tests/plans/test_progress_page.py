"""The progress dashboard (/ke-hoach/tien-do/): what the provincial and the Kim Bôi officers
see, drill-down within scope, 404 outside it, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.org.models import PlaceKind, UnitKind
from dangvien.org.services import unit_create
from dangvien.plans.in_view import default_plan
from dangvien.plans.models import Allocation, Plan
from tests.conftest import START

from . import test_progress as data
from .test_progress import KB_JUN_OCT, admit, issue

# The shared data of test_progress.py.
_fresh_calendar = data._fresh_calendar
kb_admitted = data.kb_admitted
kb_pipeline = data.kb_pipeline
kb_plan = data.kb_plan
kim_boi = data.kim_boi
ls_admitted = data.ls_admitted
plan77 = data.plan77

pytestmark = pytest.mark.django_db

URL = "/ke-hoach/tien-do/"


def text(page: str) -> str:
    """Visible text: tags dropped (without adding spaces), entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def get(client, user, query="", status=200):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def q(plan, day="31/05/2022", unit=""):
    s = f"?ke-hoach={plan.pk}&ngay={day}"
    return s + (f"&don-vi={unit}" if unit else "")


def row(page: str, name: str) -> str:
    """The visible text of the table row whose first cell names `name`."""
    for tr in re.findall(r"<tr[ >].*?</tr>", page, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        if cells and text(cells[0]) == name:
            return text(tr)
    raise AssertionError(f"no row {name}")


def test_province_dashboard_on_31_may(client, personas, kim_boi):
    page = get(client, personas.provincial, q(kim_boi))
    body = text(page)
    assert "Kế hoạch số 77-KH/TU ngày 14/02/2022: kết nạp 1.600 đảng viên trở lên" in body
    assert "Tiến độ kết nạp đảng viên: Tỉnh ủy Hòa Bình" in body
    assert "Đảng viên mới được tính theo ngày quyết định kết nạp" in body
    kb = row(page, "Huyện ủy Kim Bôi")
    assert kb.startswith("Huyện ủy Kim Bôi 150 46 30,7% 41,7% tuyến tính Chậm tiến độ 116 77,3%")
    assert kb.endswith("chưa 143: nguồn 3, học lớp 100, hồ sơ 40")
    total = row(page, "Toàn đơn vị")
    assert "1.600 76 4,8%" in total
    # Drill-down to Kim Bôi keeps the plan and the date.
    assert f'href="?ke-hoach={kim_boi.pk}&amp;ngay=31/05/2022&amp;don-vi=KB"' in page
    # The at-risk list comes first and names Lạc Sơn.
    risk = page.index("Có nguy cơ không đạt chỉ tiêu năm")
    assert risk < page.index("Các đơn vị trực thuộc")
    assert "Huyện ủy Lạc Sơn</a>: đã kết nạp 30/120 (25,0%)" in page
    assert 'class="st st-nguy_co"' in page and 'class="st st-cham_tien_do"' in page
    # The chart is inline SVG, labelled.
    assert '<svg class="chart" viewBox="0 0 600 300" width="100%" role="img"' in page
    assert "<title id=\"bd-t\">Kết nạp đảng viên lũy kế theo tháng năm 2022: Tỉnh ủy Hòa Bình" in page


def test_drill_into_kim_boi_shows_its_organisations(client, personas, kim_boi, kb_plan):
    page = get(client, personas.provincial, q(kim_boi, unit="KB"))
    body = text(page)
    assert "Tiến độ kết nạp đảng viên: Huyện ủy Kim Bôi" in body
    assert "Chỉ tiêu của các đơn vị trực thuộc theo Kế hoạch số 25-KH/HU ngày 01/03/2022" in body
    # Breadcrumb from the plan's unit.
    assert f'<a href="?ke-hoach={kim_boi.pk}&amp;ngay=31/05/2022&amp;don-vi=TU">Tỉnh ủy Hòa Bình</a>' in page
    assert row(page, "Toàn đơn vị").startswith("Toàn đơn vị 150 46 30,7%")
    assert row(page, "Đảng bộ xã Vĩnh Đồng").startswith("Đảng bộ xã Vĩnh Đồng 100 36 36,0%")
    assert row(page, "Chi bộ Trường THPT Kim Bôi").startswith("Chi bộ Trường THPT Kim Bôi 50 10 20,0%")
    # A commune with cells is a link; the school cell has nothing under it.
    assert "don-vi=KB.01\"" in page and "don-vi=KB.02\"" not in page


def test_year_end_shows_the_day_the_target_was_reached(client, personas, kim_boi, province):
    admit(province.kb_school, KB_JUN_OCT)
    page = get(client, personas.provincial, q(kim_boi, day="31/12/2022"))
    kb = row(page, "Huyện ủy Kim Bôi")
    assert "150 150 100,0% 100,0% tuyến tính Đã hoàn thành" in kb
    assert "ngày 27/10/2022 sớm 2 tháng" in kb
    assert 'class="st st-hoan_thanh"' in page
    kb_page = text(get(client, personas.provincial, q(kim_boi, day="31/12/2022", unit="KB")))
    assert "hoàn thành ngày 27/10/2022, sớm 2 tháng" in kb_page


def test_without_a_plan_in_the_url_the_year_of_the_date_picks_it(client, personas, kim_boi):
    page = get(client, personas.provincial, "?ngay=31/05/2022")
    assert "Kế hoạch số 77-KH/TU" in page and "30,7%" in page
    # Today (another year) has no plan: say so and offer the plans there are.
    page = get(client, personas.provincial, "?ngay=31/05/2023")
    assert "Chưa có kế hoạch phát triển đảng viên năm 2023" in text(page)
    assert f'href="?ke-hoach={kim_boi.pk}&amp;ngay=31/12/2022"' in page


def test_default_plan_is_the_nearest_one_up_the_tree(personas, kim_boi, kb_plan, province):
    assert default_plan(personas.provincial, 2022) == kim_boi
    assert default_plan(personas.kimboi, 2022) == kb_plan
    assert default_plan(personas.lacson, 2022) == kim_boi
    assert default_plan(personas.kimboi, 2021) is None
    assert default_plan(personas.outsider, 2022) is None


def test_a_date_outside_the_plans_year_is_kept_inside_it(client, personas, kim_boi):
    """Linked without a date (today is years later): the year's final figures."""
    page = get(client, personas.provincial, f"?ke-hoach={kim_boi.pk}")
    assert 'value="31/12/2022"' in page
    assert "Kế hoạch năm 2022: số liệu tính đến hết ngày 31/12/2022." in text(page)


def test_a_date_in_another_year_switches_to_that_years_plan(client, personas, kim_boi, province):
    page = get(client, personas.provincial, q(kim_boi, day="31/05/2021"))
    assert "Chưa có kế hoạch phát triển đảng viên năm 2021" in text(page)
    plan = Plan.objects.create(unit=province.tu, year=2021, number="15-KH/TU",
                               title="Kế hoạch phát triển đảng viên năm 2021")
    issue(plan, 1650, dt.date(2021, 3, 3), {province.kb: 140})
    page = text(get(client, personas.provincial, q(kim_boi, day="31/05/2021", unit="KB")))
    assert "Ngày 31/05/2021 thuộc năm 2021: đang xem Kế hoạch số 15-KH/TU của năm đó." in page
    assert "Kế hoạch số 15-KH/TU ngày 03/03/2021: kết nạp 1.650 đảng viên trở lên" in page
    assert "Toàn đơn vị 140 0 0,0%" in page


def test_a_bad_date_is_explained(client, personas, kim_boi):
    page = get(client, personas.provincial, q(kim_boi, day="31/02/2022"))
    assert "không phải ngày hợp lệ" in page


# --- scope ---------------------------------------------------------------------------------


def test_kim_boi_officer_sees_kim_boi_only(client, personas, kim_boi):
    page = get(client, personas.kimboi, "?ngay=31/05/2022")
    body = text(page)
    assert "Tiến độ kết nạp đảng viên: Huyện ủy Kim Bôi" in body
    assert "Kế hoạch số 77-KH/TU ngày 14/02/2022" in body
    assert row(page, "Toàn đơn vị").startswith("Toàn đơn vị 150 46 30,7%")
    assert "Lạc Sơn" not in page
    # The province above her is named, not linked.
    assert '<span class="muted">Tỉnh ủy Hòa Bình</span>' in page
    assert "don-vi=TU" not in page


def test_outside_the_scope_is_404(client, personas, kim_boi, province):
    get(client, personas.kimboi, q(kim_boi, unit="LS"), status=404)
    get(client, personas.kimboi, q(kim_boi, unit="TU"), status=404)
    get(client, personas.kimboi, q(kim_boi, unit="KHONG-CO"), status=404)
    ls_plan = Plan.objects.create(unit=province.ls, year=2022, number="30-KH/HU", parent=kim_boi,
                                  title="Kế hoạch của Lạc Sơn")
    issue(ls_plan, 120, dt.date(2022, 3, 2), {province.ls_commune: 120})
    get(client, personas.kimboi, f"?ke-hoach={ls_plan.pk}", status=404)
    get(client, personas.kimboi, "?ke-hoach=999999", status=404)
    get(client, personas.kimboi, "?ke-hoach=abc", status=404)
    # A unit outside the plan's own subtree is refused too.
    get(client, personas.provincial, f"?ke-hoach={ls_plan.pk}&don-vi=KB", status=404)
    assert "chưa được phân quyền" in get(client, personas.outsider, "?ngay=31/05/2022")


def test_login_required(client, kim_boi):
    response = client.get(URL)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


# --- cost ----------------------------------------------------------------------------------


def queries(client, url: str) -> int:
    cache.clear()  # count a first visit: previous years' figures are cached afterwards
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_units_shown(
        client, personas, kim_boi, province, django_assert_max_num_queries):
    client.force_login(personas.provincial)
    few = queries(client, URL + q(kim_boi))
    few_kb = queries(client, URL + q(kim_boi, unit="KB"))
    version = kim_boi.versions.get()
    for i in range(12):
        commune = unit_create(by=None, parent=province.kb, code=f"KB.X{i:02d}", name=f"Xã {i}",
                              kind=UnitKind.GRASSROOTS_COMMITTEE, valid_from=START)
        admit(unit_create(by=None, parent=commune, code=f"KB.X{i:02d}.01", name=f"Thôn {i}",
                          kind=UnitKind.CELL, valid_from=START), [dt.date(2022, 4, 1 + i)])
        unit = unit_create(by=None, parent=province.tu, code=f"H{i:02d}", name=f"Huyện ủy {i}",
                           kind=UnitKind.DISTRICT, valid_from=START)
        cell = unit_create(by=None, parent=unit, code=f"H{i:02d}.01", name=f"Chi bộ {i}",
                           kind=UnitKind.GRASSROOTS_CELL, place_kind=PlaceKind.AGENCY,
                           valid_from=START)
        Allocation.objects.create(version=version, unit=unit, target=100)
        admit(cell, [dt.date(2022, 3, 1 + i)])
    cache.clear()
    with django_assert_max_num_queries(few):
        page = client.get(URL + q(kim_boi)).content.decode()
    assert page.count('class="st st-') == 2 + 12 + 2  # the rows, the total row, the stats
    cache.clear()
    with django_assert_max_num_queries(few_kb):
        page = client.get(URL + q(kim_boi, unit="KB")).content.decode()
    assert page.count('class="st st-') == 2 + 12 + 2
    assert few <= 30, few
    assert few_kb <= 30, few_kb
