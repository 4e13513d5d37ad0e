"""The home page "Việc cần làm": where each official lands after signing in, with what
they have to do in their scope, each item linking to where the work is done."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.admission.models import Candidacy, Stage
from dangvien.exchange.models import ImportJob, JobStatus
from tests.conftest import PASSWORD, START
from tests.plans.test_progress import write
from tests.reports import conftest as shared
from tests.web.helpers import bulk_people

pytestmark = pytest.mark.django_db

_fresh_calendar = shared._fresh_calendar
kb_admitted = shared.kb_admitted
kb_pipeline = shared.kb_pipeline
kim_boi = shared.kim_boi
ls_admitted = shared.ls_admitted
plan77 = shared.plan77
overdue_recognitions = shared.overdue_recognitions

MAY = "?ngay=31/05/2022"


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def test_signing_in_lands_on_the_days_work(client, personas, kim_boi):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "kimboi",
                                                      "password": PASSWORD})
    assert response["Location"] == "/"
    assert "Việc cần làm" in text(client.get("/"))


def test_a_district_officer_reads_the_plans_key_figures_in_one_step(client, personas,
                                                                    kim_boi):
    client.force_login(personas.kimboi)
    page = text(client.get("/" + MAY))
    assert "Việc cần làm: Huyện ủy Kim Bôi" in page
    assert "46 / 150 · 30,7% ·" in page
    assert "Kế hoạch số 77-KH/TU" in page
    html = client.get("/").content.decode()
    assert f"/ke-hoach/tien-do/?ke-hoach={kim_boi.pk}&amp;don-vi=KB&amp;ngay=31/05/2022" in html
    # The report the Standing Board reads, for the same plan, unit and day.
    report = f"/bao-cao/tien-do.docx?ke-hoach={kim_boi.pk}&amp;don-vi=KB&amp;ngay=31/05/2022"
    assert f'href="{report}">Báo cáo kết quả (Word)' in html
    assert client.get(report.replace("&amp;", "&")).status_code == 200


def test_a_cell_secretary_sees_whose_recognition_is_overdue(client, personas, province,
                                                            overdue_recognitions):
    bulk_people(province.kb_cell, ["Đinh Văn Đảng Viên"], admitted=dt.date(2015, 1, 1))
    client.force_login(personas.secretary)
    response = client.get("/" + MAY)
    page = text(response)
    assert "Việc cần làm: Chi bộ xóm Mớ Đá" in page
    assert ("Bùi Thị Dự Bị: Xét công nhận đảng viên chính thức, hạn 18/05/2022 (đã quá 9 ngày "
            "làm việc). Việc của: Chi bộ.") in page
    html = response.content.decode()
    for c in Candidacy.objects.filter(cell=province.kb_cell):
        assert f'href="/ket-nap/ho-so/{c.pk}/"' in html
    # Ratings to enter, with the button to the cell's entry sheet.
    assert "Xếp loại chất lượng năm 2021" in page
    assert "Đã nhập 0 / 1 chi bộ" in page
    assert 'href="/danh-gia/nhap/KB.01.01/2021/">Nhập xếp loại' in html


def test_a_district_officer_sees_overdue_work_per_unit(client, personas,
                                                       overdue_recognitions):
    client.force_login(personas.kimboi)
    response = client.get("/" + MAY)
    page = text(response)
    assert "Đảng bộ xã Vĩnh Đồng: 4 quá hạn" in page
    assert 'href="/ket-nap/thoi-han/?don-vi=KB.01&amp;ngay=31/05/2022"' in response.content.decode()
    assert "Bùi Thị Dự Bị" not in page  # names are one click further, per unit


def test_nobody_sees_another_districts_work(client, personas, kim_boi, overdue_recognitions):
    client.force_login(personas.lacson)
    page = text(client.get("/" + MAY))
    assert "Huyện ủy Lạc Sơn" in page
    assert "Vĩnh Đồng" not in page and "Dự Bị" not in page
    assert "46 / 150" not in page


def test_the_province_sees_units_at_risk_and_ratings_completion(client, personas, province,
                                                                 kim_boi):
    for cell in (province.kb_cell, province.ls_cell):
        bulk_people(cell, [f"Đinh Văn {cell.code}"], admitted=dt.date(2015, 1, 1))
    client.force_login(personas.provincial)
    page = text(client.get("/" + MAY))
    assert "Việc cần làm: Tỉnh ủy Hòa Bình" in page
    assert "Xếp loại chất lượng năm 2021" in page
    assert "Đã nhập 0 / 2 chi bộ" in page
    assert re.search(r"\d+ / 1\.600 · \d+,\d% ·", page)  # the province's plan, 1.600


def test_transfers_and_imports_waiting_are_linked(client, personas, province):
    from dangvien.people.models import Transfer

    person = bulk_people(province.ls_cell, ["Hà Văn Chuyển"], admitted=dt.date(2015, 1, 1))[0]
    Transfer.objects.create(person=person, from_cell=province.ls_cell, to_cell=province.kb_cell,
                            letter_no="12-GGT/HU", letter_on=dt.date(2022, 5, 20))
    ImportJob.objects.create(user=personas.kimboi, kind="candidates", file_name="nguon-kb.xlsx",
                             stored_as="x", status=JobStatus.CHECKED, rows=12)
    ImportJob.objects.create(user=personas.lacson, kind="candidates", file_name="nguon-ls.xlsx",
                             stored_as="y", status=JobStatus.CHECKED, rows=3)
    client.force_login(personas.kimboi)
    response = client.get("/" + MAY)
    page = text(response)
    assert "1 giấy giới thiệu chờ tiếp nhận" in page
    assert "nguon-kb.xlsx: Đã kiểm tra, chờ lưu (12 dòng)" in page
    assert "nguon-ls.xlsx" not in page
    html = response.content.decode()
    assert 'href="/dang-vien/chuyen-den/KB/"' in html


def test_a_user_without_a_role_is_told_whom_to_ask(client, personas):
    client.force_login(personas.outsider)
    assert "chưa được phân quyền" in text(client.get("/"))


def test_a_new_installation_without_a_plan_says_so(client, personas, province):
    client.force_login(personas.kimboi)
    page = text(client.get("/?ngay=31/05/2022"))
    assert "Chưa có kế hoạch phát triển đảng viên năm 2022" in page
    assert "Không có việc nào quá hạn hoặc sắp đến hạn trong 15 ngày làm việc tới" in page


def _count(client, url) -> int:
    client.get(url)  # warm: the session, the calendar
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["provincial", "kimboi", "secretary"])
def test_the_query_count_does_not_grow_with_the_scope(client, personas, province, kim_boi,
                                                      overdue_recognitions, who):
    from dangvien.admission import counts
    from dangvien.org.services import unit_create

    client.force_login(getattr(personas, who))
    few = _count(client, "/" + MAY)
    for i in range(3):
        cell = unit_create(by=None, parent=province.kb_commune, code=f"KB.01.{50 + i}",
                           name=f"Chi bộ thôn Mới {i}", kind="chi_bo",
                           valid_from=START)
        write(cell, 4, identified_on=dt.date(2021, 3, 1), class_done_on=dt.date(2021, 5, 1),
              dossier_done_on=dt.date(2021, 9, 1), cell_resolution_on=dt.date(2022, 3, 1),
              stage=Stage.CELL_PROPOSED)
    write(province.kb_cell, 5, identified_on=dt.date(2021, 3, 1))
    counts.rebuild()
    many = _count(client, "/" + MAY)
    assert many == few


def test_an_officer_who_only_views_still_sees_what_is_due_in_scope(client, province,
                                                                    overdue_recognitions):
    from django.contrib.auth import get_user_model

    from dangvien.accounts.models import Role, RoleAssignment

    viewer = get_user_model().objects.create_user(username="xemkb", password=PASSWORD)
    RoleAssignment.objects.create(user=viewer, unit=province.kb, role=Role.VIEWER)
    client.force_login(viewer)
    assert "Đảng bộ xã Vĩnh Đồng: 4 quá hạn" in text(client.get("/" + MAY))


def test_a_district_with_many_units_due_lists_the_most_overdue_first(client, personas,
                                                                     province,
                                                                     overdue_recognitions):
    from dangvien.org.services import unit_create

    for i in range(9):
        commune = unit_create(by=None, parent=province.kb, code=f"KB.{70 + i}",
                              name=f"Đảng bộ xã Thử {i}", kind="dang_bo_co_so", valid_from=START)
        cell = unit_create(by=None, parent=commune, code=f"KB.{70 + i}.01",
                           name=f"Chi bộ thôn Thử {i}", kind="chi_bo", valid_from=START)
        write(cell, 1, identified_on=dt.date(2021, 3, 1), class_done_on=dt.date(2021, 5, 1),
              dossier_done_on=dt.date(2021, 9, 1), cell_resolution_on=dt.date(2022, 3, 1),
              stage=Stage.CELL_PROPOSED)
    client.force_login(personas.kimboi)
    page = text(client.get("/" + MAY))
    lines = re.findall(r"Đảng bộ xã [^:]+: \d+ quá hạn", page)
    assert lines[0] == "Đảng bộ xã Vĩnh Đồng: 4 quá hạn"  # the only one overdue, first
    assert "và 2 đơn vị khác" in page  # ten units with something due, eight listed
