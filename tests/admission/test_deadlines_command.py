"""`dangvien deadlines`: the same list as the page, as a digest or JSON, with the same scope."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.admission.management.commands.deadlines import Command
from dangvien.admission.models import Stage
from dangvien.core import calendar

from .test_deadlines import CELL_DAY, bare

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def cases(province, personas):
    return {
        "kb": bare(province.kb_cell, cell_resolution_on=CELL_DAY),
        "kb_soon": bare(province.kb_school, stage=Stage.DECIDED, cell_resolution_on=CELL_DAY,
                        decision_on=dt.date(2022, 5, 3)),
        "ls": bare(province.ls_cell, cell_resolution_on=CELL_DAY),
    }


def run(*args) -> str:
    out = io.StringIO()
    call_command("deadlines", *args, stdout=out)
    return out.getvalue()


def test_unit_outside_the_users_scope_fails_like_a_missing_unit(cases):
    outside = "Không tìm thấy đơn vị KB trong phạm vi của người dùng lacson."
    with pytest.raises(CommandError, match=outside):
        run("--as-of", "08/06/2022", "--user", "lacson", "--unit", "KB")
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị KHONG trong phạm vi"):
        run("--as-of", "08/06/2022", "--user", "lacson", "--unit", "KHONG")
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị KHONG."):
        run("--as-of", "08/06/2022", "--unit", "KHONG")


def test_refusal_exits_non_zero_and_prints_no_data(cases, capsys):
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["dangvien", "deadlines", "--as-of", "08/06/2022",
                                 "--user", "lacson", "--unit", "KB", "--format", "json"])
    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert "Không tìm thấy đơn vị KB" in captured.err
    assert captured.out == ""
    assert cases["kb"].person.full_name not in captured.err


def test_kim_boi_officer_lists_kim_boi(cases):
    out = run("--as-of", "2022-06-08", "--user", "kimboi", "--unit", "KB")
    assert cases["kb"].person.full_name in out
    assert cases["kb_soon"].person.full_name in out
    assert cases["ls"].person.full_name not in out
    assert "Tính đến ngày 08/06/2022; đơn vị: Huyện ủy Kim Bôi (KB)" in out
    assert "phạm vi quản lý của người dùng kimboi" in out


def test_lac_son_officer_without_unit_sees_only_lac_son(cases):
    out = run("--as-of", "08/06/2022", "--user", "lacson")
    assert cases["ls"].person.full_name in out
    assert cases["kb"].person.full_name not in out


def test_text_digest_groups_by_unit_and_kind_with_counts(cases):
    out = run("--as-of", "08/06/2022")
    assert "Tổng số 3 việc: 2 quá hạn, 1 sắp đến hạn (hạn trong 15 ngày làm việc tới;" in out
    assert "Huyện ủy Kim Bôi (KB): 1 quá hạn, 1 sắp đến hạn" in out
    assert "Huyện ủy Lạc Sơn (LS): 1 quá hạn" in out
    assert out.index("Huyện ủy Kim Bôi (KB)") < out.index("Huyện ủy Lạc Sơn (LS)")
    assert "  Ra quyết định kết nạp: 1 quá hạn" in out
    assert "  Tổ chức lễ kết nạp: 1 sắp đến hạn" in out
    assert "Quá hạn 1 ngày làm việc" in out
    assert "Căn cứ: QĐ 24-QĐ/TW, điểm 4.3.1." in out
    # Below a unit, groups are its subordinates.
    out = run("--as-of", "08/06/2022", "--unit", "KB")
    assert "Đảng bộ xã Vĩnh Đồng (KB.01): 1 quá hạn" in out
    assert "Chi bộ Trường THPT Kim Bôi (KB.02): 1 sắp đến hạn" in out


def test_json_shape(cases, province):
    data = json.loads(run("--as-of", "08/06/2022", "--unit", "KB", "--format", "json"))
    assert set(data) == {"as_of", "unit", "counts", "items"}
    assert data["as_of"] == "2022-06-08"
    assert data["unit"] == {"code": "KB", "name": "Huyện ủy Kim Bôi"}
    assert data["counts"]["total"] == 2
    assert data["counts"]["overdue"] == 1 and data["counts"]["due_soon"] == 1
    assert data["counts"]["by_kind"]["quyet_dinh_ket_nap"] == {"overdue": 1, "due_soon": 0}
    first, second = data["items"]
    assert {"kind", "status", "due_on", "days_late", "person", "cell", "unit_code",
            "candidacy_id", "message", "regulation"} <= set(first)
    assert first == {
        "kind": "quyet_dinh_ket_nap",
        "status": "qua_han",
        "due_on": "2022-06-07",
        "days_late": 1,
        "days_late_unit": "ngay_lam_viec",
        "person": cases["kb"].person.full_name,
        "cell": "Chi bộ xóm Mớ Đá",
        "unit_code": "KB.01.01",
        "candidacy_id": cases["kb"].pk,
        "message": first["message"],
        "regulation": "QĐ 24-QĐ/TW, điểm 4.3.1",
    }
    assert second["kind"] == "le_ket_nap" and second["status"] == "sap_den_han"
    assert second["days_late"] is None and second["days_late_unit"] is None


def test_json_without_unit_has_null_unit(cases):
    data = json.loads(run("--as-of", "08/06/2022", "--format", "json"))
    assert data["unit"] is None and data["counts"]["total"] == 3


def test_output_file(cases, tmp_path):
    target = tmp_path / "thoi-han.json"
    out = run("--as-of", "08/06/2022", "--format", "json", "-o", str(target))
    assert "Đã ghi 3 việc" in out
    assert json.loads(target.read_text(encoding="utf-8"))["counts"]["total"] == 3


def test_both_date_forms_and_bad_input(cases):
    assert run("--as-of", "08/06/2022") == run("--as-of", "2022-06-08")
    with pytest.raises(CommandError, match="không phải ngày hợp lệ"):
        run("--as-of", "31/02/2022")
    with pytest.raises(CommandError, match="Không tìm thấy người dùng 'ai-do'"):
        run("--as-of", "08/06/2022", "--user", "ai-do")


def test_nothing_due(cases):
    out = run("--as-of", "01/01/2022")
    assert "Không có việc nào quá hạn hoặc sắp đến hạn" in out


def test_help_is_vietnamese():
    parser = Command().create_parser("dangvien", "deadlines")
    help_text = parser.format_help()
    assert "Thời hạn trong quy trình kết nạp" in help_text
    assert "ngày/tháng/năm" in help_text
