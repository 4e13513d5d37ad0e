"""Excel downloads of the lists (tải Excel): real files read back with openpyxl.

What an official notices: Vietnamese headers; numbers that are numbers (they sum them) in
the `#,##0` format; dates that are dates shown dd/mm/yyyy; a frozen header row with
filters; every row of the list, not one page; nothing outside their scope (a Kim Bôi
officer gets no Lạc Sơn person, and Lạc Sơn itself is 404); never a citizen ID (CCCD).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from dangvien.admission.models import Candidacy, Source, Stage
from dangvien.training.models import ClassKind
from dangvien.training.services import class_create, enrol
from tests.web.helpers import bulk_people

pytestmark = pytest.mark.django_db

MAY_END = dt.date(2022, 5, 31)
ADMITTED = dt.date(2015, 3, 2)
MEMBER_HEADERS = ["STT", "Họ và tên", "Giới tính", "Năm sinh", "Dân tộc", "Chi bộ", "Mã chi bộ",
                  "Tình trạng", "Ngày vào Đảng", "Ngày chính thức"]
HEADER_ROW = 4


@pytest.fixture
def members(province):
    """60 members in Mớ Đá and 3 at the Kim Bôi school (more than one page of 50), 2 in
    Lạc Sơn; every one with a CCCD that must never reach a file."""
    kb = bulk_people(province.kb_cell, [f"Bùi Văn Thử {i:02d}" for i in range(60)],
                     admitted=ADMITTED, cccd_from=17_100_000_000)
    school = bulk_people(province.kb_school, ["Đinh Thị Lan", "Quách Văn Hùng", "Nguyễn Thị Hoa"],
                         admitted=dt.date(2021, 12, 1), cccd_from=17_200_000_000)
    ls = bulk_people(province.ls_cell, ["Bùi Thị Lạc Sơn Một", "Bùi Văn Lạc Sơn Hai"],
                     admitted=ADMITTED, cccd_from=17_300_000_000)
    return {"kb": kb, "school": school, "ls": ls}


def login(client, user):
    client.force_login(user)
    return client


def download(client, slug: str, **params):
    response = client.get(reverse("exchange:export", args=[slug]), params)
    return response


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def body(sheet) -> list[tuple]:
    """The rows under the header inside the filter range (the list itself)."""
    last = int(re.match(r"A\d+:[A-Z]+(\d+)", sheet.auto_filter.ref).group(1))
    rows = [r for r in sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=last, values_only=True)]
    return [r for r in rows if any(v is not None for v in r)]


def headers(sheet) -> list[str]:
    return [c.value for c in sheet[HEADER_ROW] if c.value is not None]


def all_text(raw: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


# --- the member list of a unit ------------------------------------------------------------


def test_the_exporter_is_named_in_vietnamese_order(client, personas, province, members):
    personas.kimboi.first_name, personas.kimboi.last_name = "Hoa", "Quách Thị"
    personas.kimboi.save()
    login(client, personas.kimboi)
    sheet = workbook(download(client, "dang-vien", **{"don-vi": "KB"})).active
    assert sheet["A3"].value.startswith("Người xuất: Quách Thị Hoa (kimboi);")


def test_member_list_is_a_real_workbook(client, personas, province, members):
    login(client, personas.kimboi)
    response = download(client, "dang-vien", **{"don-vi": "KB", "ngay": "31/05/2022"})
    assert 'filename="dang-vien-KB-31-05-2022.xlsx"' in response["Content-Disposition"]
    book = workbook(response)
    sheet = book.active
    # Title block: what, which unit and day, who exported.
    assert sheet["A1"].value == "DANH SÁCH ĐẢNG VIÊN"
    assert "Huyện ủy Kim Bôi (KB)" in sheet["A2"].value
    assert "31/05/2022" in sheet["A2"].value
    assert sheet["A3"].value.startswith("Người xuất: kimboi;")
    # Vietnamese headers, frozen under the header row with the name columns, filters.
    assert headers(sheet) == MEMBER_HEADERS
    assert sheet.freeze_panes == "C5"
    assert sheet.auto_filter.ref == "A4:J67"
    assert sheet.column_dimensions["B"].width > 20
    rows = body(sheet)
    # Every member of Kim Bôi on that day (63: more than one page), none of Lạc Sơn.
    assert len(rows) == 63
    names = {r[1] for r in rows}
    assert "Đinh Thị Lan" in names and not any("Lạc Sơn" in n for n in names)
    # Numbers are numbers, with the format Excel shows as 1.600 in Vietnamese.
    first = sheet.cell(HEADER_ROW + 1, 1)
    assert first.value == 1 and first.number_format == "#,##0"
    year = sheet.cell(HEADER_ROW + 1, 4)
    assert year.value == 1980 and year.number_format == "0"
    # Dates are dates shown day/month/year.
    admitted = sheet.cell(HEADER_ROW + 1, 9)
    assert isinstance(admitted.value, dt.datetime)
    assert admitted.value.date() == ADMITTED
    assert admitted.number_format == "dd/mm/yyyy"
    # Sorted by given name as the page: An… before Hùng; the school's probationers are dự bị.
    lan = next(r for r in rows if r[1] == "Đinh Thị Lan")
    assert lan[7] == "Dự bị" and lan[9] is None and lan[5] == "Chi bộ Trường THPT Kim Bôi"
    assert [r[0] for r in rows] == list(range(1, 64))


def test_member_list_row_count_equals_the_page(client, personas, province, members):
    login(client, personas.provincial)
    page = client.get(reverse("org:unit", args=["KB.01"]), {"ngay": "31/05/2022"})
    shown = re.search(r'Danh sách đảng viên <span class="muted">\((\d+)\)', page.content.decode())
    rows = body(workbook(download(client, "dang-vien",
                                  **{"don-vi": "KB.01", "ngay": "31/05/2022"})).active)
    assert len(rows) == int(shown.group(1)) == 60


def test_member_list_never_holds_a_cccd(client, personas, province, members):
    login(client, personas.provincial)
    response = download(client, "dang-vien", **{"don-vi": "TU", "ngay": "31/05/2022"})
    raw = b"".join(response.streaming_content)
    text = all_text(raw)
    assert len(body(openpyxl.load_workbook(io.BytesIO(raw)).active)) == 65
    for person in [*members["kb"], *members["school"], *members["ls"]]:
        assert person.cccd and person.cccd not in text
    assert "CCCD" not in text and "Căn cước" not in text


def test_an_officer_of_kim_boi_gets_404_for_lac_son(client, personas, province, members):
    login(client, personas.kimboi)
    for slug in ("dang-vien", "to-chuc", "thoi-han", "quan-chung", "co-cau", "tien-do"):
        response = download(client, slug, **{"don-vi": "LS", "ngay": "31/05/2022"})
        assert response.status_code == 404, slug
    # The same answer as a unit that does not exist.
    assert download(client, "dang-vien", **{"don-vi": "XX"}).status_code == 404


def test_only_logged_in_users_download(client, province, members):
    response = download(client, "dang-vien", **{"don-vi": "KB"})
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_an_unknown_list_is_404(client, personas):
    login(client, personas.provincial)
    assert download(client, "khong-co").status_code == 404


# --- the tree -----------------------------------------------------------------------------


def test_tree_counts_with_the_unit_total_last(client, personas, province, members):
    login(client, personas.provincial)
    sheet = workbook(download(client, "to-chuc", ngay="31/05/2022")).active
    assert headers(sheet) == ["Mã đơn vị", "Đơn vị", "Tổng số", "Chính thức", "Dự bị", "Nữ",
                              "Dân tộc thiểu số"]
    rows = body(sheet)
    assert [r[:3] for r in rows] == [("KB", "Huyện ủy Kim Bôi", 63), ("LS", "Huyện ủy Lạc Sơn", 2)]
    assert rows[0][4] == 3  # the school's three probationers
    total = [c.value for c in sheet[HEADER_ROW + len(rows) + 1]]
    assert total[:3] == ["TU", "Toàn đơn vị: Tỉnh ủy Hòa Bình", 65]
    assert sheet.cell(HEADER_ROW + len(rows) + 1, 3).font.b


def test_tree_of_kim_boi_officer_has_no_lac_son(client, personas, province, members):
    login(client, personas.kimboi)
    rows = body(workbook(download(client, "to-chuc", ngay="31/05/2022")).active)
    assert [r[0] for r in rows] == ["KB.01", "KB.02"]


# --- search -------------------------------------------------------------------------------


def test_search_export_is_the_search_result_in_scope(client, personas, province, members):
    login(client, personas.kimboi)
    sheet = workbook(download(client, "tim-kiem", q="bui")).active
    assert headers(sheet) == ["STT", "Họ và tên", "Năm sinh", "Đơn vị", "Mã đơn vị", "Ghi chú"]
    page = client.get(reverse("people:search"), {"q": "bui"}).content.decode()
    rows = body(sheet)
    assert len(rows) == page.count('class="who"') == 60
    assert not any("Lạc Sơn" in r[1] for r in rows)


# --- candidates and deadlines -------------------------------------------------------------


def candidacies(cell, names, **fields):
    people = bulk_people(cell, names, cccd_from=17_400_000_000 + cell.pk * 100)
    return Candidacy.objects.bulk_create(
        Candidacy(person=p, cell=cell, source=Source.YOUTH_UNION, stage=Stage.SOURCE,
                  stage_on=dt.date(2022, 3, 1), identified_on=dt.date(2022, 3, 1), **fields)
        for p in people)


def test_candidates_with_the_pages_filters(client, personas, province):
    candidacies(province.kb_cell, ["Hà Thị Mai", "Bùi Văn Nam"])
    candidacies(province.ls_cell, ["Bùi Thị Lạc"])
    login(client, personas.kimboi)
    sheet = workbook(download(client, "quan-chung")).active
    assert headers(sheet) == ["STT", "Họ và tên", "Năm sinh", "Chi bộ", "Mã chi bộ",
                              "Nguồn giới thiệu", "Bước hiện tại", "Ngày", "Quá hạn"]
    rows = body(sheet)
    assert [r[1] for r in rows] == ["Hà Thị Mai", "Bùi Văn Nam"]  # by given name: Mai, Nam
    assert rows[0][5] == "Đoàn TNCS Hồ Chí Minh"
    assert sheet.cell(HEADER_ROW + 1, 8).number_format == "dd/mm/yyyy"
    # The name filter of the page.
    rows = body(workbook(download(client, "quan-chung", q="nam")).active)
    assert [r[1] for r in rows] == ["Bùi Văn Nam"]
    assert download(client, "quan-chung", **{"don-vi": "LS"}).status_code == 404


def test_deadlines_export(client, personas, province):
    login(client, personas.provincial)
    sheet = workbook(download(client, "thoi-han", ngay="31/05/2022")).active
    assert headers(sheet)[:6] == ["Tình trạng", "Việc", "Họ và tên", "Chi bộ", "Mã đơn vị", "Hạn"]
    assert "31/05/2022" in sheet["A2"].value


# --- training -----------------------------------------------------------------------------


def test_class_learners_in_scope_only(client, personas, province, members):
    klass = class_create(by=None, organiser=province.tu, kind=ClassKind.AWARENESS,
                         name="Lớp nhận thức về Đảng khóa 2/2022", starts_on=dt.date(2022, 5, 9),
                         ends_on=dt.date(2022, 5, 13))
    for person in (members["kb"][0], members["school"][0], members["ls"][0]):
        enrol(by=None, training_class=klass, person=person, today=dt.date(2022, 5, 9))
    login(client, personas.kimboi)
    classes = workbook(download(client, "lop")).active
    assert body(classes)[0][0] == "Lớp nhận thức về Đảng khóa 2/2022"
    assert body(classes)[0][5] == 2  # the learners Kim Bôi may see
    assert isinstance(body(classes)[0][3], dt.datetime)
    sheet = workbook(download(client, "hoc-vien", lop=klass.pk)).active
    rows = body(sheet)
    assert [r[1] for r in rows] == ["Bùi Văn Thử 00", "Đinh Thị Lan"]  # given name "00" first
    assert headers(sheet)[5] == "Kết quả"
    assert download(client, "hoc-vien", lop=999999).status_code == 404


# --- the button on the pages --------------------------------------------------------------


def test_pages_offer_the_download_with_their_filters(client, personas, province, members):
    login(client, personas.kimboi)
    page = client.get(reverse("org:unit", args=["KB"]), {"ngay": "31/05/2022"}).content.decode()
    link = re.search(r'href="([^"]*/trao-doi/xuat/dang-vien/[^"]*)"', page)
    assert link is not None and "Tải Excel" in page
    href = link.group(1).replace("&amp;", "&")
    assert "don-vi=KB&" in href and "ngay=31/05/2022" in href
    assert len(body(workbook(client.get(href)).active)) == 63


# --- quarterly surveys ----------------------------------------------------------------------


def test_surveys_export(client, personas, province):
    from dangvien.admission import surveys as sv

    candidacies(province.kb_cell, ["Hà Thị Mai", "Bùi Văn Nam"])
    sv.survey_take(by=None, unit=province.kb, year=2022, quarter=1, today=dt.date(2022, 5, 1))
    login(client, personas.kimboi)
    page = client.get(reverse("admission:surveys"), {"don-vi": "KB", "nam": "2022"})
    assert "/trao-doi/xuat/khao-sat/" in page.content.decode()
    sheet = workbook(download(client, "khao-sat", **{"don-vi": "KB", "nam": "2022"})).active
    assert headers(sheet)[:3] == ["Nội dung", "Nhóm", "Quý 1/2022"]
    total = [c.value for c in sheet[HEADER_ROW + len(body(sheet)) + 1]]
    assert total[2] == 2 and total[3] is None  # quarter 2 has no survey: an empty cell
    assert download(client, "khao-sat", **{"don-vi": "LS", "nam": "2022"}).status_code == 404
