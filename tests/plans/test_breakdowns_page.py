"""The breakdown page /ke-hoach/co-cau/: figures formatted the Vietnamese way, the period
from ?tu=&den= (a wrong date is a message, not a 500), scope (404 outside it) and a
query count that does not grow with admissions or units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangvien.admission import counts
from dangvien.admission.models import Candidacy, Source, Stage
from dangvien.core import vn
from dangvien.org.models import OrgUnit, PlaceKind, UnitKind
from dangvien.org.services import unit_create
from dangvien.people.models import Person
from tests.conftest import START
from tests.web.helpers import bulk_people, text

from .breakdown_data import Who, admit, build

pytestmark = pytest.mark.django_db

URL = "/ke-hoach/co-cau/"
YEAR_2022 = {"tu": "01/01/2022", "den": "31/12/2022"}


@pytest.fixture
def data(province):
    return build(province)


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def row(page: str, key: str) -> str:
    """The visible text of one figure's row."""
    start = page.index(f'data-key="{key}"')
    return text(page[start:page.index("</tr>", start)].split(">", 1)[1])


def test_kim_boi_2022(client, personas, data):
    response = get(client, personas.kimboi, **{"don-vi": "KB"}, **YEAR_2022)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cơ cấu đảng viên mới kết nạp: Huyện ủy Kim Bôi" in page
    assert "từ ngày 01/01/2022 đến ngày 31/12/2022; tính theo ngày quyết định kết nạp" in page
    assert row(page, "women") == "Nữ 3 37,5%"
    assert row(page, "minorities") == "Dân tộc thiểu số 4 50,0%"
    assert row(page, "readmitted") == "Kết nạp lại 1 12,5%"
    assert row(page, "age_18_30") == "Từ 18 đến 30 tuổi 2 25,0%"
    assert row(page, "edu_thpt") == "Trung học phổ thông 5 62,5%"
    assert row(page, "occ_other") == "Nghề khác (kể cả người đã nghỉ hưu) 2 25,0%"
    assert 'data-key="age_under_18"' not in page
    assert text(page).count("Cộng 8 100,0%") == 3
    # Coverage on the last day, and the way down to the commune with the period kept.
    assert "Chi bộ xóm Chanh" in page  # no member there
    assert "Chưa rõ" in page  # no commune has declared its villages
    assert 'href="?don-vi=KB.01&amp;tu=01/01/2022&amp;den=31/12/2022"' in page
    assert 'href="?don-vi=TU' not in page  # the province is outside Kim Bôi's scope


def test_thousands_and_decimals(client, personas, province):
    # 1.003 admissions written in bulk (the services' checks are not what this is about).
    decided = dt.date(2022, 3, 1)
    for cell, gender, count in [(province.kb_cell2, "nu", 335), (province.kb_cell, "nam", 668)]:
        people = bulk_people(cell, [f"Người Mới {gender} {i}" for i in range(count)],
                             birth=dt.date(1990, 1, 1))
        Person.objects.filter(pk__in=[p.pk for p in people]).update(gender=gender)
        Candidacy.objects.bulk_create(
            Candidacy(person=p, cell=cell, source=Source.OTHER, stage=Stage.DECIDED,
                      stage_on=decided, identified_on=decided - dt.timedelta(days=400),
                      decision_on=decided) for p in people)
    counts.rebuild()
    page = get(client, personas.kimboi, **{"don-vi": "KB"}, **YEAR_2022).content.decode()
    assert "<b>1.003</b>" in page
    assert row(page, "women") == "Nữ 335 33,4%"


def test_default_period_is_this_year_to_today(client, personas, province):
    today = timezone.localdate()
    page = get(client, personas.kimboi, **{"don-vi": "KB"}).content.decode()
    assert (f"từ ngày 01/01/{today.year} đến ngày {vn.format_date(today)}") in page
    assert "Không có đảng viên nào được kết nạp" in page


def test_without_a_unit_the_top_of_the_scope(client, personas, data):
    page = get(client, personas.lacson, **YEAR_2022).content.decode()
    assert "Cơ cấu đảng viên mới kết nạp: Huyện ủy Lạc Sơn" in page
    assert row(page, "women") == "Nữ 1 100,0%"


BAD = ["abc", "31/02/2022", "1/13/2022", "1/1/222", "99999999", "'; DROP TABLE x; --",
       "<b>x</b>", "1" * 500, "２０２２"]


@pytest.mark.parametrize("name", ["tu", "den"])
@pytest.mark.parametrize("bad", BAD)
def test_a_bad_date_gives_a_message(client, personas, province, name, bad):
    other = {"tu": "den", "den": "tu"}[name]
    response = get(client, personas.kimboi, **{"don-vi": "KB", name: bad, other: "31/05/2022"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "ở sau" not in page  # the other date is fine: one message only
    label = "Từ ngày" if name == "tu" else "Đến ngày"
    assert f"{label}: " in page and "không phải ngày hợp lệ" in page
    today = timezone.localdate()
    assert (f"Đang hiển thị số liệu từ ngày 01/01/{today.year} "
            f"đến ngày {vn.format_date(today)}") in page
    assert "<b>x</b>" not in page


def test_start_after_end_gives_a_message(client, personas, province):
    response = get(client, personas.kimboi, **{"don-vi": "KB", "tu": "31/12/2022",
                                               "den": "01/01/2022"})
    assert response.status_code == 200
    assert "Từ ngày 31/12/2022 ở sau đến ngày 01/01/2022" in response.content.decode()


def test_iso_dates_are_read_too(client, personas, data):
    page = get(client, personas.kimboi, **{"don-vi": "KB", "tu": "2022-03-15",
                                           "den": "2022-03-15"}).content.decode()
    assert "từ ngày 15/03/2022 đến ngày 15/03/2022" in page
    assert "<b>4</b>" in page


@pytest.mark.parametrize("code", ["KB", "KB.01.01", "KHONG-CO"])
def test_outside_the_scope_is_404(client, personas, data, code):
    assert get(client, personas.lacson, **{"don-vi": code}, **YEAR_2022).status_code == 404


def test_outsider_and_anonymous(client, personas, data):
    assert get(client, personas.outsider, **{"don-vi": "KB"}).status_code == 404
    page = get(client, personas.outsider).content.decode()
    assert "chưa được giao quản lý đơn vị nào" in page
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]


def test_a_cell_secretary_sees_her_cell_only(client, personas, data):
    page = get(client, personas.secretary, **YEAR_2022).content.decode()
    assert "Cơ cấu đảng viên mới kết nạp: Chi bộ xóm Mớ Đá" in page
    assert "<b>5</b>" in page
    assert get(client, personas.secretary, **{"don-vi": "KB"}).status_code == 404


def queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow(client, personas, province, data):
    client.force_login(personas.provincial)
    params = {"don-vi": "TU", **YEAR_2022}
    few = queries(client, params)
    for i in range(20):
        admit(province.ls_cell, Who("nu"), decided=dt.date(2022, 2, 1 + i))
        unit_create(by=None, parent=province.ls_commune, code=f"LS.01.X{i:02d}",
                    name=f"Chi bộ bản {i}", kind=UnitKind.CELL, place_kind=PlaceKind.VILLAGE,
                    valid_from=START)
        unit_create(by=None, parent=province.tu, code=f"D{i:02d}", name=f"Đảng bộ {i}",
                    kind=UnitKind.DISTRICT, valid_from=START)
    OrgUnit.objects.filter(code="LS.01").update(village_count=30)
    assert queries(client, params) == few <= 16
    page = client.get(URL, params).content.decode()
    assert "<b>29</b>" in page  # 9 + 20 admissions
