"""Cached page fragments (`core.fragments`): keyed by (scope, day, data version), never
stale after a write through any door (a service, a web form, the API, an import), never
read by a user of another scope, and pages whose query counts do not grow with the tree."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.admission import services as adm
from dangvien.admission.models import Candidacy, Stage
from dangvien.audit.services import audit_record
from dangvien.core import fragments
from dangvien.core.fragments import DATA, RATINGS, data_version
from dangvien.org.models import PlaceKind, UnitKind
from dangvien.org.services import unit_create
from tests.api.conftest import World, api_as, token_of, world  # noqa: F401 - fixtures
from tests.conftest import START
from tests.exchange.conftest import imp, member_row, xlsx  # noqa: F401 - fixture
from tests.reports import conftest as shared
from tests.web.helpers import bulk_people

pytestmark = pytest.mark.django_db

overdue_recognitions = shared.overdue_recognitions
_fresh_calendar = shared._fresh_calendar
MAY = "?ngay=31/05/2022"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- the data version -----------------------------------------------------------------------


def test_every_recorded_write_changes_its_areas_version(province):
    data, ratings = data_version(DATA), data_version(RATINGS)
    audit_record(by=None, action="person.update", object_type="people.person", object_id=1)
    assert data_version(DATA) != data and data_version(RATINGS) == ratings
    data = data_version(DATA)
    audit_record(by=None, action="rating.enter", object_type="ratings.rating", object_id=1)
    assert data_version(DATA) == data and data_version(RATINGS) != ratings
    ratings = data_version(RATINGS)
    # A sign-in, a refusal and an export record themselves but change no data.
    audit_record(by=None, action="account.signin", object_type="auth.user", object_id=1)
    audit_record(by=None, action="candidacy.decide.refused", object_type="admission.candidacy")
    audit_record(by=None, action="export.members", object_type="exchange.export")
    assert (data_version(DATA), data_version(RATINGS)) == (data, ratings)


def test_a_rolled_back_write_never_brings_back_a_version(province):
    from django.db import transaction

    before = data_version(DATA)
    seen = set()
    for _ in range(3):
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(by=None, action="x.update", object_type="people.person")
            seen.add(data_version(DATA))
            raise RuntimeError
        assert data_version(DATA) == before
    audit_record(by=None, action="x.update", object_type="people.person")
    assert data_version(DATA) not in seen | {before}


def test_nothing_is_cached_inside_a_write_transaction(province, personas):
    from django.db import transaction

    calls = []
    with transaction.atomic():
        for _ in range(2):
            fragments.cached("t", scope="s", parts=(), compute=lambda: calls.append(1))
    assert len(calls) == 2
    fragments.cached("t", scope="s", parts=(), compute=lambda: calls.append(1))
    fragments.cached("t", scope="s", parts=(), compute=lambda: calls.append(1))
    assert len(calls) == 3


# --- never stale -----------------------------------------------------------------------------


def test_a_service_write_shows_on_the_next_deadlines_home_and_candidate_pages(
        client, personas, province, overdue_recognitions):
    client.force_login(personas.kimboi)
    assert "Bùi Thị Dự Bị" in text(client.get("/ket-nap/thoi-han/" + MAY))
    home = text(client.get("/" + MAY))
    candidacy = Candidacy.objects.get(person__full_name="Bùi Thị Dự Bị")
    adm.candidacy_close(by=personas.kimboi, candidacy=candidacy, outcome=Stage.REMOVED,
                        on=dt.date(2022, 5, 2), reason="Vi phạm tư cách đảng viên",
                        document_no="5-QĐ/HU",
                        today=dt.date(2022, 5, 31))
    page = text(client.get("/ket-nap/thoi-han/" + MAY))
    assert "Bùi Thị Dự Bị" not in page and "Quách Văn Dự Bị" in page
    assert home != text(client.get("/" + MAY))


def test_a_new_member_shows_on_the_next_tree_and_unit_page(client, personas, province,
                                                            make_member):
    make_member(province.kb_cell, "Bùi Văn An")
    client.force_login(personas.provincial)
    assert "Bùi Văn Bình" not in text(client.get("/to-chuc/KB/"))
    tree = client.get("/to-chuc/").content.decode()
    make_member(province.kb_cell, "Bùi Văn Bình")  # person_create, membership_create
    page = text(client.get("/to-chuc/KB/"))
    assert "Bùi Văn Bình" in page and "Danh sách đảng viên (2)" in page
    assert client.get("/to-chuc/").content.decode() != tree


def test_a_rename_through_the_web_form_shows_on_the_next_tree(client, personas, province):
    client.force_login(personas.provincial)
    for url in ("/to-chuc/?ngay=01/01/2024", "/to-chuc/TU/?ngay=01/01/2024"):
        assert "Huyện ủy Kim Bôi" in text(client.get(url))
    data = {"name": "Đảng bộ huyện Kim Bôi", "effective": "01/01/2024", "buoc": "xem-truoc"}
    shown = client.post("/to-chuc/KB/doi-ten/", data)
    data.update(buoc="xac-nhan", xem_truoc=shown.context["form"].data["xem_truoc"])
    assert client.post("/to-chuc/KB/doi-ten/", data).status_code == 302
    assert "Đảng bộ huyện Kim Bôi" in text(client.get("/to-chuc/?ngay=01/01/2024"))
    assert "Đảng bộ huyện Kim Bôi" in text(client.get("/to-chuc/TU/?ngay=01/01/2024"))


def test_an_import_shows_on_the_next_unit_page(client, personas, province, xlsx):  # noqa: F811
    client.force_login(personas.kimboi)
    assert "Bùi Thị Hoa" not in text(client.get("/to-chuc/KB.01.01/"))
    result = imp(xlsx([member_row()]), personas.kimboi)
    assert result.committed
    assert "Bùi Thị Hoa" in text(client.get("/to-chuc/KB.01.01/"))


def test_an_api_write_shows_on_the_next_home_page(client, personas, world, api_as):  # noqa: F811
    client.force_login(personas.kimboi)
    before = text(client.get("/?ngay=30/06/2022"))
    api = api_as(personas.kimboi)
    r = api.post(f"/periods/{world.period.pk}/reports/KB/submit", {"narrative": "Báo cáo"})
    assert r.status_code == 200, r.content
    after = text(client.get("/?ngay=30/06/2022"))
    assert after != before


# --- never another scope's ------------------------------------------------------------------


def test_a_user_of_another_scope_never_reads_a_cached_fragment(client, personas, province,
                                                              overdue_recognitions):
    client.force_login(personas.kimboi)
    for url in ("/ket-nap/thoi-han/" + MAY, "/" + MAY, "/to-chuc/", "/ket-nap/?qua-han=1"):
        client.get(url)
    client.force_login(personas.lacson)
    assert "Dự Bị" not in text(client.get("/ket-nap/thoi-han/" + MAY))
    assert "Dự Bị" not in text(client.get("/" + MAY))
    tree = text(client.get("/to-chuc/"))
    assert "Lạc Sơn" in tree and "Kim Bôi" not in tree
    assert "Vĩnh Đồng" not in client.get("/ket-nap/").content.decode()


def test_users_with_the_same_rights_share_a_fragment(client, personas, province,
                                                      overdue_recognitions):
    from django.contrib.auth import get_user_model

    from dangvien.accounts.models import Role, RoleAssignment

    other = get_user_model().objects.create_user(username="kimboi2", password="x")
    RoleAssignment.objects.create(user=other, unit=province.kb, role=Role.EDITOR)
    client.force_login(personas.kimboi)
    cold = queries(client, "/ket-nap/thoi-han/" + MAY)
    client.force_login(other)
    assert queries(client, "/ket-nap/thoi-han/" + MAY) < cold
    # A viewer of the same units sees the same deadlines but may do less: the home page,
    # which shows what one may do, is not shared with him.
    viewer = get_user_model().objects.create_user(username="xem", password="x")
    RoleAssignment.objects.create(user=viewer, unit=province.kb, role=Role.VIEWER)
    assert fragments.rights_key(viewer) != fragments.rights_key(personas.kimboi)
    assert fragments.rights_key(other) == fragments.rights_key(personas.kimboi)


# --- query counts that do not grow with the tree ---------------------------------------------


def _grow(province, n: int) -> None:
    for i in range(n):
        cell = unit_create(by=None, parent=province.kb_commune, code=f"KB.01.{60 + i}",
                           name=f"Chi bộ thôn Mới {i}", kind=UnitKind.CELL,
                           place_kind=PlaceKind.VILLAGE, valid_from=START)
        unit_create(by=None, parent=province.ls, code=f"LS.{60 + i}",
                    name=f"Đảng bộ xã Mới {i}", kind=UnitKind.GRASSROOTS_COMMITTEE,
                    place_kind=PlaceKind.COMMUNE, valid_from=START)
        Candidacy.objects.create(person=bulk_people(cell, [f"Người Mới {i}"])[0],
                                 cell=cell, source="doan_thanh_nien", stage=Stage.SOURCE,
                                 stage_on=dt.date(2021, 3, 1), identified_on=dt.date(2021, 3, 1))


PAGES = ["/ket-nap/", "/ket-nap/?qua-han=1", "/ket-nap/thoi-han/" + MAY, "/" + MAY, "/to-chuc/",
         "/to-chuc/TU/", "/to-chuc/KB/", "/dang-vien/tim-kiem/?q=bui"]


@pytest.mark.parametrize("url", PAGES)
def test_cold_and_warm_query_counts_do_not_grow_with_the_units(client, personas, province,
                                                                overdue_recognitions, url):
    from django.core.cache import cache

    client.force_login(personas.provincial)
    client.get(url)  # the session, the calendar
    cache.clear()
    cold_few = queries(client, url)
    warm_few = queries(client, url)
    assert warm_few <= cold_few
    _grow(province, 6)
    cache.clear()
    assert queries(client, url) == cold_few
    assert queries(client, url) == warm_few
