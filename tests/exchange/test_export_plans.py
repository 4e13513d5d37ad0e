"""Excel downloads of the plan pages, the progress dashboard and the breakdowns, on the data
of tests/plans/test_progress.py (plan 77-KH/TU: Kim Bôi 46 of 150 by 31/05/2022)."""

from __future__ import annotations

import pytest

from tests.plans import test_progress as data

from .test_export import HEADER_ROW, body, download, headers, login, workbook

_fresh_calendar = data._fresh_calendar
kb_admitted = data.kb_admitted
kb_pipeline = data.kb_pipeline
kb_plan = data.kb_plan
kim_boi = data.kim_boi
ls_admitted = data.ls_admitted
plan77 = data.plan77

pytestmark = pytest.mark.django_db


def test_progress_table_as_the_dashboard(client, personas, kim_boi):
    login(client, personas.provincial)
    page = client.get("/ke-hoach/tien-do/", {"ke-hoach": kim_boi.pk, "ngay": "31/05/2022"})
    assert page.status_code == 200 and "/trao-doi/xuat/tien-do/" in page.content.decode()
    response = download(client, "tien-do", **{"ke-hoach": kim_boi.pk, "ngay": "31/05/2022"})
    sheet = workbook(response).active
    assert sheet["A1"].value.startswith("TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH SỐ 77-KH/TU NGÀY 14/02/2022")
    assert headers(sheet)[:5] == ["Mã đơn vị", "Đơn vị", "Chỉ tiêu", "Đã kết nạp",
                                  "Tỷ lệ so với chỉ tiêu"]
    rows = body(sheet)
    kb = next(r for r in rows if r[0] == "KB")
    assert kb[2:4] == (150, 46)
    percent = sheet.cell(HEADER_ROW + 1 + rows.index(kb), 5)
    assert percent.value == pytest.approx(0.307, abs=1e-3) and percent.number_format == "0.0%"
    assert sheet.cell(HEADER_ROW + 1 + rows.index(kb), 3).number_format == "#,##0"
    assert sheet.freeze_panes == "C5"
    total = [c.value for c in sheet[HEADER_ROW + len(rows) + 1]]
    assert total[0] == "TU" and total[3] == 76  # the unit's total last, outside the filter


def test_progress_scope(client, personas, kim_boi):
    login(client, personas.kimboi)
    sheet = workbook(download(client, "tien-do", **{"ke-hoach": kim_boi.pk,
                                                     "ngay": "31/05/2022"})).active
    assert "Huyện ủy Kim Bôi (KB)" in sheet["A2"].value
    assert all(not r[0].startswith("LS") for r in body(sheet))
    response = download(client, "tien-do", **{"ke-hoach": kim_boi.pk, "ngay": "31/05/2022",
                                              "don-vi": "LS"})
    assert response.status_code == 404


def test_plan_list_and_allocations(client, personas, kim_boi):
    login(client, personas.provincial)
    sheet = workbook(download(client, "ke-hoach", nam="2022")).active
    assert headers(sheet) == ["Số, ký hiệu", "Cấp ủy ban hành", "Trích yếu", "Ngày ban hành",
                              "Chỉ tiêu (trở lên)", "Tình trạng"]
    row = body(sheet)[0]
    assert row[0] == "77-KH/TU" and row[4] == 1600 and row[5].startswith("Đã ban hành")
    assert row[3].strftime("%d/%m/%Y") == "14/02/2022"

    book = workbook(download(client, "chi-tieu", **{"ke-hoach": kim_boi.pk}))
    assert book.sheetnames == ["Chỉ tiêu giao", "Các lần ban hành"]
    alloc = book["Chỉ tiêu giao"]
    assert [(r[0], r[2]) for r in body(alloc)] == [("KB", 150), ("LS", 120)]
    assert alloc.cell(HEADER_ROW + 3, 2).value == "Tổng cộng"
    assert alloc.cell(HEADER_ROW + 3, 3).value == 270


def test_a_plan_outside_the_scope_is_404(client, personas, kb_plan):
    login(client, personas.lacson)
    assert download(client, "chi-tieu", **{"ke-hoach": kb_plan.pk}).status_code == 404
    sheet = workbook(download(client, "ke-hoach", nam="2022")).active
    assert body(sheet) == []  # Lạc Sơn has no plan of its own; Kim Bôi's is not listed


def test_breakdown_sheets(client, personas, kim_boi):
    login(client, personas.kimboi)
    book = workbook(download(client, "co-cau", **{"don-vi": "KB", "tu": "01/01/2022",
                                                   "den": "31/05/2022"}))
    assert book.sheetnames == ["Cơ cấu đảng viên mới", "Chi bộ không có đảng viên",
                               "Thôn chưa có chi bộ"]
    figures = book["Cơ cấu đảng viên mới"]
    assert headers(figures) == ["Nội dung", "Nhóm, chỉ tiêu", "Số người", "Tỷ lệ"]
    footer = [c.value for c in figures[HEADER_ROW + len(body(figures)) + 1]]
    assert footer[0] == "Tổng số đảng viên mới kết nạp" and footer[2] == 46
    shares = [r[3] for r in body(figures) if r[3] is not None]
    assert shares and all(0 <= s <= 1 for s in shares)
    assert download(client, "co-cau", **{"don-vi": "LS"}).status_code == 404
