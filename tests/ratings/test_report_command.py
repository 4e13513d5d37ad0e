"""`dangvien report ratings`: the report page's figures as JSON or Excel, full scope
unless --user."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.audit.models import AuditEvent
from dangvien.ratings.services import rating_enter

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", "ratings", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def rated(province, personas, crowd):
    kb = crowd(province.kb_cell, 8)
    kb2 = crowd(province.kb_school, 2, "Hà Thị")
    ls = crowd(province.ls_cell, 3, "Quách Văn")
    for m, level in zip(kb, ["xuat_sac", "tot", "tot", "tot", "tot", "tot", "hoan_thanh",
                             "khong_hoan_thanh"], strict=True):
        rating_enter(by=None, membership=m, year=2021, level=level, today=TODAY)
        rating_enter(by=None, membership=m, year=2020, level="tot", today=TODAY)
    for m in kb2:
        rating_enter(by=None, membership=m, year=2021, level="xuat_sac", today=TODAY)
    for m in ls:
        rating_enter(by=None, membership=m, year=2021, level="hoan_thanh", today=TODAY)


def test_json_figures(rated):
    data = json.loads(run("--year", "2021", "--unit", "KB", "--format", "json"))
    assert data["year"] == 2021 and data["years"] == [2019, 2020, 2021]
    assert data["rule_set"] == "QĐ 132-QĐ/TW"
    assert data["unit"] == {"code": "KB", "name": "Huyện ủy Kim Bôi"}
    rows = {r["unit_code"]: r for r in data["rows"]}
    assert list(rows) == ["KB.01", "KB.02"]
    y21 = rows["KB.01"]["years"]["2021"]
    assert y21["total"] == 8
    assert {k: (v["count"], v["percent"]) for k, v in y21["levels"].items()} == {
        "xuat_sac": (1, 12.5), "tot": (5, 62.5), "hoan_thanh": (1, 12.5), "khong_hoan_thanh": (1, 12.5)}
    assert rows["KB.01"]["years"]["2020"]["levels"]["tot"] == {
        "label": "Hoàn thành tốt nhiệm vụ", "count": 8, "percent": 100.0}
    assert rows["KB.02"]["years"]["2021"]["levels"]["xuat_sac"]["count"] == 2
    total = data["total"]["years"]["2021"]
    assert total["total"] == 10 and total["levels"]["xuat_sac"]["count"] == 3
    # 3 xuất sắc of 5 tốt in Kim Bôi: over the 20% cap, named with its figures.
    assert data["excellent_cap"]["exceeded"] is True
    assert data["excellent_cap"]["message"].startswith("3 xuất sắc là 60,0% của 5 tốt, vượt 20%")


def test_full_scope_by_default_and_user_scope(rated):
    data = json.loads(run("--year", "2021", "--format", "json"))
    assert data["unit"]["code"] == "TU"
    assert data["total"]["years"]["2021"]["total"] == 13
    mine = json.loads(run("--year", "2021", "--user", "chibo", "--format", "json"))
    assert mine["unit"]["code"] == "KB.01.01"
    assert [r["unit_code"] for r in mine["rows"]] == ["KB.01.01"]
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị LS trong phạm vi của người dùng kimboi"):
        run("--year", "2021", "--unit", "LS", "--user", "kimboi", "--format", "json")


def test_year_is_required():
    with pytest.raises(CommandError, match="Hãy ghi năm đánh giá: --year 2021"):
        run("--format", "json")


def test_xlsx(rated, tmp_path):
    target = tmp_path / "xep-loai.xlsx"
    out = run("--year", "2021", "--unit", "KB", "--format", "xlsx", "-o", str(target))
    assert "Đã ghi kết quả xếp loại năm 2021 của Huyện ủy Kim Bôi (2 đơn vị trực thuộc)" in out
    sheet = openpyxl.load_workbook(target).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][0] == "KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM 2019, 2020, 2021"
    header = rows[3]
    assert header[:4] == ["Mã đơn vị", "Đơn vị", "Năm", "Số được xếp loại"]
    kb01_2021 = next(r for r in rows if r[0] == "KB.01" and r[2] == 2021)
    assert kb01_2021[3:7] == [8, 1, 0.125, 5]
    total = next(r for r in rows if r[0] == "KB" and r[2] == 2021)
    assert total[1] == "Cộng: Huyện ủy Kim Bôi" and total[3] == 10
    assert sheet.cell(row=rows.index(kb01_2021) + 1, column=6).number_format == "0.0%"


def test_a_file_written_is_audited_and_the_screen_is_not(rated, province, personas, tmp_path):
    run("--year", "2021", "--format", "json")
    run("--year", "2021", "--unit", "KB", "--format", "xlsx", "-o", str(tmp_path / "kb.xlsx"))
    run("--year", "2021", "--user", "chibo", "--format", "json", "-o", str(tmp_path / "cb.json"))
    xlsx, json_file = AuditEvent.objects.filter(action="export.report").order_by("id")
    assert xlsx.actor is None and xlsx.actor_name == "dòng lệnh: report"
    assert xlsx.object_id == "ratings" and xlsx.unit_path == province.kb.path
    assert xlsx.after == {"kind": "ratings", "title": "Kết quả xếp loại chất lượng đảng viên năm 2021",
                          "unit": "KB", "as_of": "", "format": "xlsx", "file": "kb.xlsx",
                          "via": "dòng lệnh", "year": 2021}
    assert json_file.actor == personas.secretary and json_file.unit_path == province.kb_cell.path
    assert json_file.after["format"] == "json"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_format_the_ratings_report_lacks_is_refused(rated, tmp_path, fmt):
    """Not JSON quietly written into a file named .pdf."""
    target = tmp_path / f"xep-loai.{fmt}"
    with pytest.raises(CommandError, match="--format json hoặc --format xlsx"):
        call_command("report", "ratings", "--year", "2021", "--format", fmt, "-o", str(target))
    assert not target.exists()
