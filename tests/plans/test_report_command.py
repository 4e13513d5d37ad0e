"""`dangvien report progress`: the dashboard's figures as JSON or Excel, with the same scope."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.plans.management.commands.report import Command

from . import test_progress as data
from .test_progress import KB_FORECAST, KB_JUN_OCT, REACHED, admit

# The shared data of test_progress.py.
_fresh_calendar = data._fresh_calendar
kb_admitted = data.kb_admitted
kb_pipeline = data.kb_pipeline
kb_plan = data.kb_plan
kim_boi = data.kim_boi
ls_admitted = data.ls_admitted
plan77 = data.plan77

pytestmark = pytest.mark.django_db

ROW_KEYS = {"unit_code", "unit_name", "target", "admitted", "percent", "expected_percent",
            "expected_method", "status", "forecast", "target_reached_on", "pipeline"}
STAGES = {"nguon", "da_hoc_lop", "du_ho_so", "chi_bo_de_nghi", "dang_uy_de_nghi"}


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", "progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def report(*args) -> dict:
    return json.loads(run("--plan", "77-KH/TU", "--format", "json", *args))


def test_json_shape(kim_boi):
    data = report("--as-of", "2022-05-31")
    assert {"plan", "as_of", "counts_on", "unit", "rows", "total"} <= set(data)
    assert {"number", "issued_on", "year", "target"} <= set(data["plan"])
    assert {k: data["plan"][k] for k in ("number", "issued_on", "year", "target")} == {
        "number": "77-KH/TU", "issued_on": "2022-02-14", "year": 2022, "target": 1600}
    assert data["as_of"] == "2022-05-31"
    assert data["counts_on"] == "decision"
    assert data["unit"] == {"code": "TU", "name": "Tỉnh ủy Hòa Bình"}
    for row in [*data["rows"], data["total"]]:
        assert ROW_KEYS <= set(row)
        assert set(row["pipeline"]) == STAGES
        assert isinstance(row["percent"], float)
    kb = next(r for r in data["rows"] if r["unit_code"] == "KB")
    assert {k: kb[k] for k in ROW_KEYS} == {
        "unit_code": "KB", "unit_name": "Huyện ủy Kim Bôi", "target": 150, "admitted": 46,
        "percent": 30.7, "expected_percent": 41.7, "expected_method": "tuyen_tinh",
        "status": "cham_tien_do", "forecast": KB_FORECAST, "target_reached_on": None,
        "pipeline": {"nguon": 3, "da_hoc_lop": 100, "du_ho_so": 40, "chi_bo_de_nghi": 0,
                     "dang_uy_de_nghi": 0},
    }
    assert data["total"]["unit_code"] == "TU" and data["total"]["admitted"] == 76
    assert data["total"]["percent"] == 4.8  # 76 of 1.600, one decimal


def test_date_in_day_month_year_and_the_reached_date(kim_boi, province):
    admit(province.kb_school, KB_JUN_OCT)
    data = report("--as-of", "31/12/2022", "--unit", "TU")
    kb = next(r for r in data["rows"] if r["unit_code"] == "KB")
    assert (kb["percent"], kb["status"]) == (100.0, "hoan_thanh")
    assert kb["target_reached_on"] == REACHED.isoformat() == "2022-10-27"


def test_unit_and_year(kim_boi, kb_plan):
    data = report("--as-of", "2022-05-31", "--year", "2022", "--unit", "KB")
    assert data["unit"] == {"code": "KB", "name": "Huyện ủy Kim Bôi"}
    assert [(r["unit_code"], r["target"], r["admitted"]) for r in data["rows"]] == [
        ("KB.02", 50, 10), ("KB.01", 100, 36)]
    assert data["unit_plan"] == {"number": "25-KH/HU", "year": 2022}


def test_kim_boi_officers_report_contains_kim_boi_only(kim_boi, personas):
    out = run("--plan", "77-KH/TU", "--as-of", "2022-05-31", "--user", "kimboi")
    data = json.loads(out)
    assert data["unit"]["code"] == "KB"
    assert [r["unit_code"] for r in data["rows"]] == ["KB.01", "KB.02"]
    assert data["total"]["admitted"] == 46
    assert "Lạc Sơn" not in out and '"LS' not in out


def test_a_unit_outside_the_users_scope_is_refused_clearly(kim_boi, personas):
    with pytest.raises(CommandError) as err:
        run("--plan", "77-KH/TU", "--as-of", "2022-05-31", "--user", "lacson", "--unit", "KB")
    assert str(err.value) == "Không tìm thấy đơn vị KB trong phạm vi của người dùng lacson."
    with pytest.raises(CommandError, match=r"^Không tìm thấy đơn vị KHONG\.$"):
        run("--plan", "77-KH/TU", "--as-of", "2022-05-31", "--unit", "KHONG")


def test_refusal_exits_non_zero_and_prints_nothing(kim_boi, personas, capsys):
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["dangvien", "report", "progress", "--plan", "77-KH/TU",
                                 "--as-of", "2022-05-31", "--user", "kimboi", "--unit", "LS"])
    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Không tìm thấy đơn vị LS trong phạm vi của người dùng kimboi." in captured.err


def test_unknown_plan_and_bad_arguments(kim_boi, kb_plan, personas):
    with pytest.raises(CommandError, match="Không tìm thấy Kế hoạch số 77-KH/TU năm 2021."):
        run("--plan", "77-KH/TU", "--as-of", "2021-05-31")
    with pytest.raises(CommandError, match="không phải ngày hợp lệ"):
        run("--plan", "77-KH/TU", "--as-of", "31/13/2022")
    with pytest.raises(CommandError, match="--plan 77-KH/TU"):
        run("--as-of", "2022-05-31")
    with pytest.raises(CommandError, match="-o TEP.xlsx"):
        run("--plan", "77-KH/TU", "--format", "xlsx")
    with pytest.raises(CommandError, match="Không tìm thấy người dùng 'ai-do'"):
        run("--plan", "77-KH/TU", "--user", "ai-do")
    # A plan the user cannot see at all: the same words as a plan that does not exist.
    with pytest.raises(CommandError,
                       match="Không tìm thấy Kế hoạch số 25-KH/HU năm 2022 trong phạm vi"):
        run("--plan", "25-KH/HU", "--as-of", "2022-05-31", "--user", "lacson")


def test_json_to_a_file(kim_boi, tmp_path):
    target = tmp_path / "tien-do.json"
    out = run("--plan", "77-kh/tu", "--as-of", "2022-05-31", "-o", str(target))
    assert out == f"Đã ghi tiến độ của Tỉnh ủy Hòa Bình (2 đơn vị trực thuộc) vào {target}.\n"
    assert json.loads(target.read_text(encoding="utf-8"))["plan"]["number"] == "77-KH/TU"


def test_excel_workbook(kim_boi, tmp_path):
    target = tmp_path / "tien-do.xlsx"
    out = run("--plan", "77-KH/TU", "--as-of", "31/05/2022", "--format", "xlsx", "-o", str(target))
    assert "vào" in out
    with zipfile.ZipFile(target) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        styles = book.read("xl/styles.xml").decode()
    # Vietnamese headers, frozen under the header row, filters, widths, real numbers.
    for header in ("Mã đơn vị", "Đã kết nạp", "Tỷ lệ so với chỉ tiêu", "Dự báo đến 31/12",
                   "Ngày đạt chỉ tiêu", "Nguồn: Đã hoàn thiện hồ sơ"):
        assert header in sheet
    assert 'state="frozen"' in sheet and 'topLeftCell="C5"' in sheet
    assert re.search(r'<autoFilter ref="A4:O6"/>', sheet)
    assert "<cols>" in sheet
    assert "Huyện ủy Kim Bôi" in sheet and "Chậm tiến độ" in sheet
    assert "<v>0.307</v>" in sheet  # 30,7% as a percentage cell
    assert 'formatCode="0.0%"' in styles and 'formatCode="#,##0"' in styles


def test_excel_dates_are_dates(kim_boi, province, tmp_path):
    admit(province.kb_school, KB_JUN_OCT)
    target = tmp_path / "cuoi-nam.xlsx"
    run("--plan", "77-KH/TU", "--as-of", "2022-12-31", "--format", "xlsx", "-o", str(target))
    with zipfile.ZipFile(target) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        styles = book.read("xl/styles.xml").decode()
    serial = (REACHED - dt.date(1899, 12, 30)).days  # Excel's day number of 27/10/2022
    assert f"<v>{serial}</v>" in sheet
    assert 'formatCode="dd/mm/yyyy"' in styles
