"""Candidate pages: the list and its filters, the candidate page, scope and the CCCD."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.admission import services as adm
from dangvien.admission.models import Candidacy, Source, Stage
from dangvien.people.services import person_create
from tests.admission import conftest as admission_fixtures

from .helpers import bulk_people, text

pytestmark = pytest.mark.django_db

# The admission fixtures: Hà Thị Mai of Chi bộ xóm Mớ Đá (Kim Bôi), ready for her cell.
candidate = admission_fixtures.candidate
awareness_class = admission_fixtures.awareness_class
introducers = admission_fixtures.introducers
ready = admission_fixtures.ready
TODAY = admission_fixtures.TODAY

LIST = "/ket-nap/"
MAI_CCCD = "017198000123"


def register(cell, name, *, source=Source.OTHER, identified=dt.date(2022, 1, 10), cccd=None,
             birth=dt.date(1995, 6, 1)):
    person = person_create(by=None, unit=cell, today=TODAY,
                           data={"full_name": name, "gender": "nam", "birth_date": birth,
                                 "cccd": cccd})
    return adm.candidacy_create(by=None, person=person, cell=cell, source=source,
                                identified_on=identified, today=TODAY)


@pytest.fixture
def others(province):
    """Two more candidates in Kim Bôi, one in Lạc Sơn."""
    return {
        "duc": register(province.kb_cell2, "Nguyễn Văn Đức", source=Source.TRADE_UNION),
        "an": register(province.kb_school, "Bùi Thị Ân", source=Source.WOMEN),
        "binh": register(province.ls_cell, "Quách Văn Bình", cccd="017095000777"),
    }


def get(client, user, url, data=None, status=200):
    client.force_login(user)
    response = client.get(url, data or {})
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


# --- the list --------------------------------------------------------------------------


def test_list_shows_the_district_sorted_by_given_name(client, personas, ready, others):
    page = get(client, personas.kimboi, LIST)
    # Ân < Đức < Mai: the given name decides.
    assert page.index("Bùi Thị Ân") < page.index("Nguyễn Văn Đức") < page.index("Hà Thị Mai")
    assert "Quách Văn Bình" not in page
    row = text(page)
    assert "Hà Thị Mai 1998 Chi bộ xóm Mớ Đá Đoàn TNCS Hồ Chí Minh Đã hoàn thiện hồ sơ" in row
    assert f'href="/ket-nap/ho-so/{ready.pk}/"' in page
    assert "Thêm quần chúng ưu tú" in page


def test_lac_son_officer_never_sees_kim_boi_candidates(client, personas, ready, others):
    page = get(client, personas.lacson, LIST)
    assert "Quách Văn Bình" in page
    for name in ("Hà Thị Mai", "Nguyễn Văn Đức", "Bùi Thị Ân"):
        assert name not in page
    assert "Hà Thị Mai" not in get(client, personas.lacson, LIST, {"q": "ha thi mai"})
    # Asking for a Kim Bôi unit is answered like a unit that does not exist.
    get(client, personas.lacson, LIST, {"don-vi": "KB.01.01"}, status=404)


def test_cell_secretary_sees_only_her_cell(client, personas, ready, others):
    page = get(client, personas.secretary, LIST)
    assert "Hà Thị Mai" in page
    for name in ("Nguyễn Văn Đức", "Bùi Thị Ân", "Quách Văn Bình"):
        assert name not in page
    get(client, personas.secretary, LIST, {"don-vi": "KB.01"}, status=404)


@pytest.mark.parametrize("q", ["ha thi mai", "Hà Thị Mai", "HA THI", "  mai  ", "hà mai"])
def test_search_with_or_without_diacritics(client, personas, ready, others, q):
    page = get(client, personas.kimboi, LIST, {"q": q})
    assert "Hà Thị Mai" in page
    assert "Nguyễn Văn Đức" not in page


@pytest.mark.parametrize("q", ["duc", "Đức", "nguyen van duc", "DUC"])
def test_search_d_stroke(client, personas, ready, others, q):
    page = get(client, personas.kimboi, LIST, {"q": q})
    assert "Nguyễn Văn Đức" in page and "Hà Thị Mai" not in page


def test_filter_by_unit_subtree(client, personas, ready, others):
    page = get(client, personas.kimboi, LIST, {"don-vi": "KB.01"})
    assert "Hà Thị Mai" in page and "Nguyễn Văn Đức" in page
    assert "Bùi Thị Ân" not in page
    page = get(client, personas.kimboi, LIST, {"don-vi": "KB.01.02"})
    assert "Nguyễn Văn Đức" in page and "Hà Thị Mai" not in page
    assert '<option value="KB.01.02" selected>' in page


def test_filter_by_stage_and_source(client, personas, ready, others):
    page = get(client, personas.kimboi, LIST, {"buoc": Stage.DOSSIER_DONE})
    assert "Hà Thị Mai" in page and "Nguyễn Văn Đức" not in page
    page = get(client, personas.kimboi, LIST, {"nguon": Source.TRADE_UNION})
    assert "Nguyễn Văn Đức" in page and "Hà Thị Mai" not in page


def test_closed_candidacies_only_when_asked(client, personas, ready, others):
    adm.candidacy_close(by=None, candidacy=others["duc"], outcome=Stage.WITHDRAWN,
                        on=dt.date(2022, 5, 1), reason="Chuyển đi nơi khác làm ăn", today=TODAY)
    assert "Nguyễn Văn Đức" not in get(client, personas.kimboi, LIST)
    assert "Nguyễn Văn Đức" in get(client, personas.kimboi, LIST, {"buoc": "tat-ca"})
    assert "Nguyễn Văn Đức" in get(client, personas.kimboi, LIST, {"buoc": Stage.WITHDRAWN})


def test_overdue_filter(client, personas, ready, others):
    """The cell proposed on 10/03/2022: the decision was due 60 working days later, long ago."""
    adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=dt.date(2022, 3, 10),
                                  document_no="15-NQ/CB", today=TODAY)
    page = get(client, personas.kimboi, LIST, {"qua-han": "1"})
    assert "Hà Thị Mai" in page
    assert "Nguyễn Văn Đức" not in page  # a source has no deadline
    assert "quá hạn ra quyết định kết nạp" in page


def test_next_step_deadline_counts_working_days(ready):
    """Decision due within 60 working days of the cell's resolution (10/03/2022): 07/06/2022,
    skipping weekends, Giỗ Tổ's day off (11/4) and 30/4–1/5 with their two days off (2–3/5)."""
    from dangvien.admission.selectors import due_of, overdue_kinds

    c = adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=dt.date(2022, 3, 10),
                                      document_no="15-NQ/CB", today=TODAY)
    due = due_of(c, today=dt.date(2022, 6, 7))
    assert due is not None and due.on == dt.date(2022, 6, 7) and not due.overdue
    assert due_of(c, today=dt.date(2022, 6, 8)).overdue
    # The list's filter agrees: it asks the deadlines module.
    assert c.pk not in overdue_kinds(user=None, on=dt.date(2022, 6, 7))
    assert overdue_kinds(user=None, on=dt.date(2022, 6, 8))[c.pk] == ["ra quyết định kết nạp"]


def test_list_queries_do_not_grow_with_rows(client, personas, province, ready, monkeypatch):
    # The working-day calendar is read once per process and re-read every few seconds:
    # keep it still while counting.
    monkeypatch.setattr("dangvien.core.calendar.REFRESH_SECONDS", 3600)
    adm.candidacy_propose_by_cell(by=None, candidacy=ready, on=dt.date(2022, 3, 10),
                                  document_no="15-NQ/CB", today=TODAY)  # one overdue row
    client.force_login(personas.kimboi)

    def count(query=""):
        # Cold: the rows below are written past the services (no data version changes),
        # and the cached fragments would hide them.
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST + query).status_code == 200
        return len(ctx.captured_queries)

    count()  # reads the calendar
    few = count()
    few_late = count("?qua-han=1")
    people = bulk_people(province.kb_cell2, [f"Lò Văn Số{i}" for i in range(40)])
    Candidacy.objects.bulk_create(
        Candidacy(person=p, cell=province.kb_cell2, source=Source.OTHER,
                  identified_on=dt.date(2022, 1, 1), stage=Stage.CELL_PROPOSED,
                  stage_on=dt.date(2022, 3, 1), cell_resolution_on=dt.date(2022, 3, 1))
        for p in people)
    assert count() == few
    assert count("?qua-han=1") == few_late
    assert few <= 12 and few_late <= 14


def test_list_is_paginated_by_fifty(client, personas, province):
    people = bulk_people(province.kb_cell2, [f"Lò Văn Người{i:02d}" for i in range(55)])
    Candidacy.objects.bulk_create(
        Candidacy(person=p, cell=province.kb_cell2, source=Source.OTHER,
                  identified_on=dt.date(2022, 1, 1), stage_on=dt.date(2022, 1, 1))
        for p in people)
    page = get(client, personas.kimboi, LIST, {"q": "lo van"})
    assert page.count('class="who"') == 50
    assert "Trang 1 / 2" in page and "q=lo+van&amp;trang=2" in page
    page = get(client, personas.kimboi, LIST, {"q": "lo van", "trang": "2"})
    assert page.count('class="who"') == 5


# --- the candidate page ----------------------------------------------------------------


def test_candidate_page(client, personas, ready):
    page = get(client, personas.kimboi, f"/ket-nap/ho-so/{ready.pk}/")
    body = text(page)
    assert "Hà Thị Mai" in body
    assert "Đã hoàn thiện hồ sơ" in body
    assert "12/04/1998" in body
    assert "Giấy chứng nhận lớp nhận thức về Đảng" in body and "CN-123/2021" in body
    assert "Bùi Văn Thành" in body  # introducer
    assert 'aria-current="step"' in page  # progress bar marks the current stage
    # Timeline: every event so far, with the certificate number.
    assert "Quần chúng ưu tú (nguồn)" in body and "Đã học lớp nhận thức về Đảng" in body
    # Next steps for a district editor.
    assert f'href="/ket-nap/ho-so/{ready.pk}/buoc/chi-bo/"' in page
    assert f'href="/ket-nap/ho-so/{ready.pk}/buoc/dung-theo-doi/"' in page
    assert f'href="/ket-nap/ho-so/{ready.pk}/buoc/quyet-dinh/"' not in page


def test_cccd_is_masked_on_every_page(client, personas, ready):
    pages = [
        f"/ket-nap/ho-so/{ready.pk}/",
        f"/ket-nap/ho-so/{ready.pk}/buoc/chi-bo/",
        LIST,
        LIST + "?q=mai",
        "/ket-nap/them/?tim=mai",
    ]
    for url in pages:
        page = get(client, personas.provincial, url)
        assert MAI_CCCD not in page, url
    assert "*********123" in get(client, personas.provincial, f"/ket-nap/ho-so/{ready.pk}/")


def test_candidate_page_and_step_forms_are_404_outside_scope(client, personas, ready):
    urls = [f"/ket-nap/ho-so/{ready.pk}/"] + [
        f"/ket-nap/ho-so/{ready.pk}/buoc/{step}/"
        for step in ("chi-bo", "dang-uy", "quyet-dinh", "le-ket-nap", "chinh-thuc",
                     "dung-theo-doi", "khong-ket-nap", "xoa-ten")]
    client.force_login(personas.lacson)
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in urls[1:]:
        assert client.post(url, {"on": "10/03/2022", "document_no": "1"}).status_code == 404
    for url in ("mau", "gioi-thieu", "nhan-thuc"):
        assert client.post(f"/ket-nap/ho-so/{ready.pk}/{url}/", {}).status_code == 404
    ready.refresh_from_db()
    assert ready.stage == Stage.DOSSIER_DONE
    client.force_login(personas.outsider)
    assert client.get(urls[0]).status_code == 404


def test_unknown_candidacy_and_step_are_404(client, personas, ready):
    client.force_login(personas.kimboi)
    assert client.get("/ket-nap/ho-so/999999/").status_code == 404
    assert client.get(f"/ket-nap/ho-so/{ready.pk}/buoc/bay-bong/").status_code == 404


@pytest.mark.parametrize("url", ["/ket-nap/", "/ket-nap/them/", "/ket-nap/ho-so/1/",
                                 "/ket-nap/ho-so/1/buoc/chi-bo/", "/lop/", "/lop/1/",
                                 "/lop/mo-lop/"])
def test_anonymous_is_sent_to_login(client, province, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")


def test_nav_links(client, personas):
    page = get(client, personas.kimboi, LIST)
    assert 'href="/ket-nap/" aria-current="page">Kết nạp<' in page
    assert 'href="/ket-nap/thoi-han/">Thời hạn<' in page
    assert 'href="/lop/">Lớp bồi dưỡng<' in page


def test_candidate_page_for_a_viewer_has_no_forms(client, personas, ready, province):
    from dangvien.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=personas.outsider, unit=province.kb, role=Role.VIEWER)
    page = get(client, personas.outsider, f"/ket-nap/ho-so/{ready.pk}/")
    assert "Hà Thị Mai" in page
    assert "<form method=\"post\" action=\"/ket-nap/ho-so/" not in page
    assert "/buoc/" not in page


def test_candidate_page_costs_a_fixed_number_of_queries(client, personas, ready, make_member,
                                                        province, monkeypatch):
    monkeypatch.setattr("dangvien.core.calendar.REFRESH_SECONDS", 3600)
    client.force_login(personas.kimboi)
    url = f"/ket-nap/ho-so/{ready.pk}/"
    client.get(url)  # reads the calendar

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(5):  # more members to choose from, more introducers and forms
        make_member(province.kb_cell2, f"Bùi Văn Thêm{i}", admitted=dt.date(2010, 1, 1))
    adm.introducer_add(by=None, candidacy=ready,
                       membership=introducers_of(ready.person.unit)[-1],
                       known_since=dt.date(2019, 1, 1), letter_on=dt.date(2022, 2, 20),
                       today=TODAY)
    adm.dossier_record(by=None, candidacy=ready, form="7-KNĐ", on=dt.date(2022, 2, 25),
                       today=TODAY)
    assert count() == before <= 15


def introducers_of(cell):
    from dangvien.people.models import Membership

    return list(Membership.objects.filter(cell=cell).order_by("pk"))
