"""People search marks candidates (quần chúng ưu tú) and links them to their file, in one
query for the page, and never shows another district's people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.admission import services as adm
from dangvien.admission.models import Source, Stage
from dangvien.people.selectors import candidate_mark_label, people_search
from dangvien.people.services import person_create
from tests.conftest import next_cccd

pytestmark = pytest.mark.django_db

URL = "/dang-vien/tim-kiem/"
TODAY = dt.date(2023, 12, 31)


def make_candidate(cell, name, *, identified_on=dt.date(2023, 3, 1)):
    person = person_create(by=None, unit=cell, today=TODAY,
                           data={"full_name": name, "gender": "nu",
                                 "birth_date": dt.date(1998, 4, 12), "ethnicity": "Mường",
                                 "cccd": next_cccd()})
    candidacy = adm.candidacy_create(by=None, person=person, cell=cell, source=Source.YOUTH_UNION,
                                     identified_on=identified_on, today=TODAY)
    return person, candidacy


@pytest.fixture
def people(province, make_member):
    member = make_member(province.kb_cell, "Hà Văn Hùng")
    mai, mai_file = make_candidate(province.kb_cell, "Hà Thị Mai")
    _, lan_file = make_candidate(province.kb_cell2, "Hà Thị Lan")
    # Lan's candidacy stopped: she is no longer a candidate.
    adm.candidacy_close(by=None, candidacy=lan_file, outcome=Stage.WITHDRAWN,
                        on=dt.date(2023, 6, 1), reason="Chuyển đi nơi khác làm việc")
    ls_person, ls_file = make_candidate(province.ls_cell, "Hà Thị Nga")
    return {"member": member, "mai": mai, "mai_file": mai_file, "ls_file": ls_file,
            "ls_person": ls_person}


def page(client, user, q):
    client.force_login(user)
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, name: str) -> str:
    """The result row holding `name`."""
    start = html.index(f">{name}</a>")
    return html[html.rindex("<tr>", 0, start):html.index("</tr>", start)]


def test_a_candidate_is_marked_and_linked_to_her_file(client, personas, people):
    html = page(client, personas.kimboi, "ha thi mai")
    mai = row(html, "Hà Thị Mai")
    assert f'href="/ket-nap/ho-so/{people["mai_file"].pk}/"' in mai
    assert "Quần chúng ưu tú" in mai
    # The file it links to opens for this user.
    assert client.get(f"/ket-nap/ho-so/{people['mai_file'].pk}/").status_code == 200


def test_the_search_export_marks_the_same_candidate(client, personas, people):
    import io

    import openpyxl

    client.force_login(personas.kimboi)
    response = client.get("/trao-doi/xuat/tim-kiem/", {"q": "ha"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    notes = {r[1]: r[5] for r in sheet.iter_rows(values_only=True)
             if r and r[1] in ("Hà Thị Mai", "Hà Văn Hùng", "Hà Thị Lan")}
    assert notes["Hà Thị Mai"] == "Quần chúng ưu tú"
    assert not notes["Hà Văn Hùng"] and not notes["Hà Thị Lan"]


def test_a_member_and_a_closed_candidacy_are_not_marked(client, personas, people):
    html = page(client, personas.kimboi, "ha")
    assert "Hà Văn Hùng" in html and "Hà Thị Lan" in html
    for name in ("Hà Văn Hùng", "Hà Thị Lan"):
        line = row(html, name)
        assert "Quần chúng ưu tú" not in line
        assert "/ket-nap/ho-so/" not in line
    assert html.count("/ket-nap/ho-so/") == 1  # Mai only


def test_lac_son_officer_never_sees_kim_boi_people(client, personas, people):
    html = page(client, personas.lacson, "ha")
    assert "Hà Thị Nga" in html
    assert f'href="/ket-nap/ho-so/{people["ls_file"].pk}/"' in html
    for name in ("Hà Thị Mai", "Hà Văn Hùng", "Hà Thị Lan"):
        assert name not in html
    assert f"/ket-nap/ho-so/{people['mai_file'].pk}/" not in html
    result = people_search(user=personas.lacson, text="ha thi")
    assert [p.full_name for p in result.people] == ["Hà Thị Nga"]
    # And the Kim Bôi officer does not see Lạc Sơn's candidate.
    kimboi = page(client, personas.kimboi, "ha thi nga")
    assert "Hà Thị Nga" not in kimboi
    assert f"/ket-nap/ho-so/{people['ls_file'].pk}/" not in kimboi


def test_marks_cost_one_query_for_the_page(client, personas, province, people):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            result = people_search(user=personas.provincial, text="ha")
        return len(ctx.captured_queries), result

    queries()  # the user's scope is read once and kept
    few, before = queries()
    assert sum(p.open_candidacy is not None for p in before.people) == 2
    for i in range(5):
        make_candidate(province.kb_cell2, f"Hà Thị Xuân{i}")
    many, after = queries()
    assert sum(p.open_candidacy is not None for p in after.people) == 7
    assert many == few == 2  # the people, then every mark at once


def test_mark_names_the_step_reached():
    assert candidate_mark_label(Stage.SOURCE) == "Quần chúng ưu tú"
    assert candidate_mark_label(Stage.CLASS_DONE) == (
        "Quần chúng ưu tú: đã học lớp nhận thức về Đảng")
    assert candidate_mark_label(Stage.CELL_PROPOSED) == "Quần chúng ưu tú: chi bộ đề nghị kết nạp"
    assert candidate_mark_label(Stage.ON_PROBATION) == "Đã kết nạp, đang dự bị"
