"""Thay đổi tổ chức from Excel (issue 14, point 2): one row per change, applied in file order
through the org services, all or nothing; the preview lists each row's change and what
follows it; a row naming a unit a later row creates says so; bad and hostile cells get one
Vietnamese message each and nothing is written; a saved import is not undone."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
import xlsxwriter
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.exchange.blank import HELP_SHEET
from dangvien.exchange.kinds import get
from dangvien.exchange.models import ImportJob, JobStatus
from dangvien.org.models import OrgChange, OrgChangeKind, OrgUnit, UnitKind
from dangvien.org.selectors import children_on, version_on
from dangvien.people.models import Membership

from .conftest import imp, run_jobs, texts

HEADERS = ["Loại thay đổi", "Mã đơn vị", "Tên mới", "Mã đơn vị cấp trên mới",
           "Mã đơn vị kế thừa", "Ngày hiệu lực", "Số quyết định"]
SHEET = "Thay đổi tổ chức"
BEFORE, JULY, NEXT_YEAR = dt.date(2022, 6, 30), dt.date(2022, 7, 1), dt.date(2023, 1, 1)


def _file(xlsx, rows, name="thay-doi.xlsx", headers=HEADERS):
    return xlsx(rows, headers, name=name, sheet=SHEET)


def _run(path, user, **kw):
    return imp(path, user, kind="orgchanges", **kw)


def _unit(code) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def _parent_on(code, day) -> str | None:
    version = version_on(_unit(code), day)
    return version.parent.code if version and version.parent else None


def _written() -> tuple[int, int, int]:
    """What an import that writes nothing leaves alone: changes, units, audit records."""
    return OrgChange.objects.count(), OrgUnit.objects.count(), AuditEvent.objects.count()


#: A district reorganised in one file: every kind of change, spelt as officials spell them.
REORGANISATION = [
    ["tao_moi", "KB.03", "Đảng bộ xã Hợp Tiến", "KB", None, dt.date(2022, 3, 1), "120-QĐ/HU"],
    # A cell under the unit the row above created (its kind: the usual one, a cell).
    ["Tạo mới", "KB.03.01", "Chi bộ xóm Đồi", "KB.03", None, "01/03/2022", None],
    ["ĐỔI TÊN", "KB.01", "Đảng ủy xã Vĩnh Đồng", None, None, JULY, "121-QĐ/HU"],
    ["chuyen", "KB.01.02", None, "KB.03 — Đảng bộ xã Hợp Tiến", None, JULY, "122-QĐ/HU"],
    # A commune split: the new one beside it, a cell moves over, the old one ends.
    ["Chia tách", "LS.01", "Đảng bộ xã Tân Mỹ", None, "LS.02", JULY, "30-QĐ/HU"],
    ["Chuyển", "LS.01.01", None, "LS.02", None, JULY, "30-QĐ/HU"],
    ["giải thể", "LS.01", None, None, "LS.02", JULY, "31-QĐ/HU"],
    ["Sáp nhập", "KB.03.01", None, None, "KB.01.01", dt.date(2022, 9, 1), None],
    # The district level goes: Kim Bôi's communes stand directly under the province.
    ["GIAI_THE", "KB", None, None, "TU", NEXT_YEAR, "45-QĐ/TU"],
]


def test_a_whole_reorganisation_is_applied_and_the_tree_keeps_its_history(
        province, personas, xlsx, make_member):
    make_member(province.kb_cell2, "Bùi Văn Chanh")
    changes_before = OrgChange.objects.count()
    result = _run(_file(xlsx, REORGANISATION), personas.provincial)
    assert result.committed, (result.file_problem, texts(result))
    assert (result.counts.new, result.counts.changed, result.counts.unchanged) == (3, 6, 0)
    kinds = list(OrgChange.objects.order_by("pk").values_list("kind", flat=True))[changes_before:]
    assert kinds == [OrgChangeKind.CREATE, OrgChangeKind.CREATE, OrgChangeKind.RENAME,
                     OrgChangeKind.MOVE, OrgChangeKind.SPLIT, OrgChangeKind.MOVE,
                     OrgChangeKind.DISSOLVE, OrgChangeKind.MERGE, OrgChangeKind.DISSOLVE]
    # One audit record per change, and one for the import.
    assert AuditEvent.objects.filter(action__startswith="org.").count() == len(kinds) + 9
    assert AuditEvent.objects.filter(action="import.orgchanges").count() == 1
    assert _unit("KB.03.01").kind == UnitKind.CELL
    assert OrgChange.objects.get(kind=OrgChangeKind.SPLIT).units.count() == 2
    assert OrgChange.objects.filter(decision="45-QĐ/TU").get().kind == OrgChangeKind.DISSOLVE

    # Before July: the old shape.
    assert version_on(province.kb_commune, BEFORE).name == "Đảng bộ xã Vĩnh Đồng"
    assert _parent_on("KB.01.02", BEFORE) == "KB.01"
    assert _parent_on("LS.01.01", BEFORE) == "LS.01"
    assert [v.unit.code for v in children_on(province.tu, BEFORE)] == ["KB", "LS"]
    assert version_on(_unit("LS.02"), BEFORE) is None
    # From July: renamed, moved, split.
    assert version_on(province.kb_commune, JULY).name == "Đảng ủy xã Vĩnh Đồng"
    assert _parent_on("KB.01.02", JULY) == "KB.03"
    assert _parent_on("LS.01.01", JULY) == "LS.02"
    assert [v.unit.code for v in children_on(province.ls, JULY)] == ["LS.02"]
    assert _unit("LS.01").valid_to == JULY and _unit("LS.01").successor.code == "LS.02"
    # 2023: no district of Kim Bôi; its units stand under the province.
    assert _unit("KB").valid_to == NEXT_YEAR
    assert [v.unit.code for v in children_on(province.tu, NEXT_YEAR)] == [
        "LS", "KB.01", "KB.02", "KB.03"]
    assert [v.unit.code for v in children_on(province.tu, dt.date(2022, 12, 31))] == ["KB", "LS"]
    assert _unit("KB.03.01").valid_to == dt.date(2022, 9, 1)
    assert Membership.objects.get(person__full_name="Bùi Văn Chanh").cell == province.kb_cell2

    # The same file again changes nothing: every change is already recorded.
    count = OrgChange.objects.count()
    again = _run(_file(xlsx, REORGANISATION, name="lan-2.xlsx"), personas.provincial)
    assert again.committed, texts(again)
    assert (again.counts.new, again.counts.changed, again.counts.unchanged) == (0, 0, 9)
    assert OrgChange.objects.count() == count


def test_the_optional_columns_kind_and_decision_date(province, personas, xlsx):
    rows = [["Tạo mới", "KB.04", "Chi bộ Trường THCS Kim Bôi", "KB", None, JULY, "7-QĐ/HU",
             "Chi bộ cơ sở", dt.date(2022, 6, 20)],
            ["chia_tach", "KB.02", "Chi bộ Trường Tiểu học Kim Bôi", None, "KB.05", JULY, None,
             None, None]]
    result = _run(_file(xlsx, rows, headers=[*HEADERS, "Loại tổ chức", "Ngày quyết định"]),
                  personas.provincial)
    assert result.committed, texts(result)
    assert _unit("KB.04").kind == UnitKind.GRASSROOTS_CELL
    assert OrgChange.objects.get(units=_unit("KB.04")).decision_date == dt.date(2022, 6, 20)
    assert _unit("KB.05").kind == UnitKind.GRASSROOTS_CELL  # the split unit's kind
    assert _parent_on("KB.05", JULY) == "KB"


def test_the_dry_run_writes_nothing_and_the_preview_says_what_follows(
        province, personas, xlsx, make_member):
    make_member(province.kb_cell2, "Bùi Văn Chanh")
    make_member(province.kb_cell2, "Bùi Thị Nga")
    rows = [["doi_ten", "KB.01", "Đảng ủy xã Vĩnh Đồng", None, None, JULY, "121-QĐ/HU"],
            ["giai_the", "KB.01.02", None, None, "KB.01.01", JULY, None],
            ["giai_the", "KB", None, None, "TU", NEXT_YEAR, "45-QĐ/TU"]]
    before = _written()
    out = io.StringIO()
    call_command("import", "orgchanges", str(_file(xlsx, rows)), dry_run=True, format="json",
                 no_progress=True, user="tinhuy", stdout=out, stderr=io.StringIO())
    found = json.loads(out.getvalue())
    assert (found["new"], found["changed"], found["unchanged"], found["errors"]) == (0, 3, 0, [])
    assert _written() == before
    assert _unit("KB.01").name == "Đảng bộ xã Vĩnh Đồng" and _unit("KB").valid_to is None
    rename, cell, district = found["changes"]
    assert (rename["row"], rename["key"]) == (2, "KB.01")
    assert rename["fields"]["change"]["new"] == (
        "Đổi tên Đảng bộ xã Vĩnh Đồng thành Đảng ủy xã Vĩnh Đồng, từ 01/07/2022 (Quyết định số "
        "121-QĐ/HU)")
    assert cell["fields"]["change"]["new"].startswith(
        "Giải thể Chi bộ xóm Chanh, đơn vị kế thừa Chi bộ xóm Mớ Đá, từ 01/07/2022")
    assert cell["fields"]["Đảng viên đi theo tổ chức của mình"]["new"].startswith(
        "2 đảng viên sinh hoạt ở các chi bộ này")
    assert district["fields"]["Tổ chức chuyển sang trực thuộc Tỉnh ủy Hòa Bình"]["new"] == (
        "2: Đảng ủy xã Vĩnh Đồng (KB.01), cùng 1 tổ chức trực thuộc; "
        "Chi bộ Trường THPT Kim Bôi (KB.02)")
    assert district["fields"]["Phân quyền chấm dứt"]["new"].startswith("1: kimboi (kimboi), ")


def test_a_row_naming_a_unit_that_a_later_row_creates(province, personas, xlsx):
    rows = [[] for _ in range(39)]  # rows 2 to 40 of the sheet
    rows[0] = ["tao_moi", "KB.03", "Đảng bộ xã Hợp Tiến", "KB", None, JULY, None]
    rows[10] = ["doi_ten", "KB.09", "Chi bộ xóm Rộc Mới", None, None, JULY, None]  # row 12
    rows[38] = ["tao_moi", "KB.09", "Chi bộ xóm Rộc", "KB.01", None, JULY, None]  # row 40
    before = _written()
    result = _run(_file(xlsx, rows), personas.provincial)
    assert texts(result) == [
        "Dòng 12, cột 'Mã đơn vị': Mã đơn vị KB.09 chưa có ở dòng 12; dòng 40 mới tạo đơn vị "
        "này: hãy xếp dòng tạo lên trước."]
    assert not result.committed and _written() == before
    # A row creating it that failed is named too.
    rows = [["tao_moi", "KB.09", "Chi bộ xóm Rộc", "KB.01.01", None, JULY, None],
            ["chuyen", "KB.09", None, "KB.01", None, JULY, None]]
    result = _run(_file(xlsx, rows, name="b.xlsx"), personas.provincial)
    assert texts(result) == [
        "Dòng 2, cột 'Mã đơn vị cấp trên mới': Chi bộ xóm Mớ Đá là chi bộ, không thể có tổ "
        "chức trực thuộc. Hãy chọn đảng bộ cấp trên.",
        "Dòng 3, cột 'Mã đơn vị': Mã đơn vị KB.09 chưa có: dòng 2 tạo đơn vị này nhưng dòng "
        "đó có lỗi. Hãy sửa dòng 2 trước."]
    assert _written() == before


IN_180_DAYS = "the effective date far ahead"

#: Bad rows (after a good row 2, which is not written either) and the one message.
BAD = {
    "unknown change": (
        [["bien_doi", "KB.01", "Tên", None, None, JULY, None]],
        "Dòng 3, cột 'Loại thay đổi': 'bien_doi' không phải loại thay đổi: ghi một trong Tạo "
        "mới, Đổi tên, Chuyển, Sáp nhập, Chia tách, Giải thể (hoặc tao_moi, doi_ten, chuyen, "
        "sap_nhap, chia_tach, giai_the)."),
    "a column the change needs": (
        [["doi_ten", "KB.01", None, None, None, JULY, None]],
        "Dòng 3, cột 'Tên mới': ô bắt buộc với loại thay đổi 'Đổi tên' (tên mới của đơn vị), "
        "chưa nhập."),
    "a column the change does not use": (
        [["chuyen", "KB.02", "Tên mới", "LS", None, JULY, None]],
        "Dòng 3, cột 'Tên mới': loại thay đổi 'Chuyển' không dùng cột này: hãy để trống ô này "
        "(mỗi dòng ghi một thay đổi)."),
    "no date": (
        [["giai_the", "KB.01.02", None, None, "KB.01.01", None, None]],
        "Dòng 3, cột 'Ngày hiệu lực': ô bắt buộc, chưa nhập."),
    "a unit that does not exist": (
        [["doi_ten", "KB.77", "Chi bộ xóm Mới", None, None, JULY, None]],
        "Dòng 3, cột 'Mã đơn vị': không có đơn vị mã 'KB.77' trong phạm vi bạn được cập nhật. "
        "Hãy chọn đơn vị trong danh sách của tệp mẫu."),
    "a move into its own subtree": (
        [["chuyen", "KB", None, "KB.01", None, JULY, None]],
        "Dòng 3, cột 'Mã đơn vị cấp trên mới': Không thể chuyển Huyện ủy Kim Bôi vào Đảng bộ xã "
        "Vĩnh Đồng vì Đảng bộ xã Vĩnh Đồng đang là chính nó hoặc trực thuộc nó. Hãy chọn một "
        "đơn vị cấp trên khác."),
    "a date before the unit's last change": (
        [["doi_ten", "KB.02", "Chi bộ Trường THPT Kim Bôi A", None, None, JULY, None],
         ["doi_ten", "KB.02", "Chi bộ Trường THPT Kim Bôi B", None, None, BEFORE, None]],
        "Dòng 4, cột 'Ngày hiệu lực': Ngày hiệu lực 30/06/2022 sớm hơn thay đổi đã ghi của Chi "
        "bộ Trường THPT Kim Bôi A (01/07/2022). Thay đổi tổ chức phải ghi theo thứ tự thời "
        "gian."),
    "a date in year 9999": (
        [["doi_ten", "KB.02", "Chi bộ Trường THPT Kim Bôi A", None, None, "31/12/9999", None]],
        "Dòng 3, cột 'Ngày hiệu lực': Ngày hiệu lực 31/12/9999 quá xa trong tương lai"),
    IN_180_DAYS: (None, "Dòng 3, cột 'Ngày hiệu lực': Ngày hiệu lực "),
    "a merge of units that do not merge": (
        [["sap_nhap", "KB.01", None, None, "KB.02", JULY, None]],
        "Dòng 3, cột 'Mã đơn vị kế thừa': Không thể sáp nhập Đảng bộ xã Vĩnh Đồng (Đảng bộ cơ "
        "sở) vào Chi bộ Trường THPT Kim Bôi (Chi bộ cơ sở): chỉ sáp nhập các tổ chức cùng cấp."),
    "a dissolved cell whose members need a cell": (
        [["giai_the", "KB.01.02", None, None, "KB.01", JULY, None]],
        "Dòng 3, cột 'Mã đơn vị kế thừa': Chi bộ xóm Chanh còn đảng viên sinh hoạt: đơn vị kế "
        "thừa phải là một chi bộ để nhận các đảng viên này."),
    "a code already used": (
        [["tao_moi", "kb.02", "Chi bộ mới", "KB", None, JULY, None]],
        "Dòng 3, cột 'Mã đơn vị': Mã đơn vị 'kb.02' đã được dùng cho Chi bộ Trường THPT Kim "
        "Bôi. Hãy chọn mã khác."),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_bad_row_is_named_and_nothing_is_written(case, province, personas, xlsx,
                                                      make_member):
    make_member(province.kb_cell2, "Bùi Văn Chanh")
    rows, expected = BAD[case]
    if case == IN_180_DAYS:
        from django.utils import timezone

        far = timezone.localdate() + dt.timedelta(days=181)
        rows = [["doi_ten", "KB.02", "Chi bộ Trường THPT Kim Bôi A", None, None, far, None]]
    good = ["tao_moi", "KB.08", "Đảng bộ xã Bình Sơn", "KB", None, JULY, None]
    before = _written()
    result = _run(_file(xlsx, [good, *rows]), personas.provincial)
    found = texts(result)
    assert len(found) == 1 and result.problem_count == 1, found
    assert found[0].startswith(expected), found
    assert not result.committed and _written() == before
    assert _unit("KB.02").name == "Chi bộ Trường THPT Kim Bôi"


def test_rights_the_successor_outside_the_scope_and_the_superiors_admin(
        province, personas, xlsx):
    admin = get_user_model().objects.create_user(username="qtkimboi")
    RoleAssignment.objects.create(user=admin, unit=province.kb, role=Role.ADMIN)
    rows = [["giai_the", "KB.01.02", None, None, "LS.01.01", JULY, None],
            ["doi_ten", "KB", "Huyện ủy Kim Bôi mới", None, None, JULY, None],
            ["giai_the", "KB.01.02", None, None, "KB.01.01", JULY, None]]
    before = _written()
    result = _run(_file(xlsx, rows), admin)
    assert texts(result) == [
        # Outside the scope: the same words as a unit that does not exist.
        "Dòng 2, cột 'Mã đơn vị kế thừa': không có đơn vị mã 'LS.01.01' trong phạm vi bạn được "
        "cập nhật. Hãy chọn đơn vị trong danh sách của tệp mẫu.",
        "Dòng 3: Thay đổi Huyện ủy Kim Bôi cần quyền quản trị của cấp trên (Tỉnh ủy Hòa Bình)."]
    assert _written() == before
    # An editor (not an administrator) of Kim Bôi changes nothing in its tree.
    result = _run(_file(xlsx, rows[2:], name="b.xlsx"), personas.kimboi)
    assert texts(result) == [
        "Dòng 2: Thay đổi Chi bộ xóm Chanh cần quyền quản trị của cấp trên (Đảng bộ xã Vĩnh "
        "Đồng)."]
    # The district's administrator may, inside the district.
    assert _run(_file(xlsx, rows[2:], name="c.xlsx"), admin).committed
    assert _unit("KB.01.02").valid_to == JULY


#: A hostile cell in an otherwise right rename row: (column index, value, message).
HOSTILE = {
    "NUL in a code": (1, "KB\x00.01", "Dòng 2, cột 'Mã đơn vị': 'KB.01' không phải mã đơn vị "
                                      "hợp lệ"),
    "NUL in a name": (2, "Đảng ủy\x00 xã", "Dòng 2, cột 'Tên mới': ô có ký tự không hợp lệ (ký "
                                            "tự NUL hoặc ký tự điều khiển"),
    "a formula-looking name": (2, "=HYPERLINK(\"http://x\",\"y\")",
                               "Dòng 2, cột 'Tên mới': tên bắt đầu bằng dấu '=' như một công "
                               "thức Excel"),
    "10.000 characters of name": (2, "Đ" * 10_000, "Dòng 2, cột 'Tên mới': ô dài 10.000 ký tự, "
                                                   "quá 200 ký tự cho phép của tên đơn vị."),
    "10.000 characters of change": (0, "x" * 10_000, "Dòng 2, cột 'Loại thay đổi': '" + "x" * 50
                                    + "…' không phải loại thay đổi"),
    "10.000 characters of code": (1, "K" * 10_000, "Dòng 2, cột 'Mã đơn vị': '" + "K" * 50
                                  + "…' không phải mã đơn vị hợp lệ"),
    "10.000 characters of decision": (6, "1" * 10_000, "Dòng 2, cột 'Số quyết định': ô dài "
                                                       "10.000 ký tự, quá 100 ký tự"),
    "an Excel date in year 9999": (5, dt.date(9999, 12, 31), "Dòng 2, cột 'Ngày hiệu lực': "
                                                             "Ngày hiệu lực 31/12/9999 quá xa"),
    "NUL in a date": (5, "01/07\x00/2022", "Dòng 2, cột 'Ngày hiệu lực': '01/07/2022' không "
                                            "phải ngày hợp lệ"),
    "10.000 characters of date": (5, "1" * 10_000, "Dòng 2, cột 'Ngày hiệu lực': '" + "1" * 50
                                  + "…' không phải ngày hợp lệ"),
    "a text date that is no date": (5, "31/02/2022", "Dòng 2, cột 'Ngày hiệu lực': '31/02/2022' "
                                                     "không phải ngày hợp lệ"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_cell_gets_one_message(case, province, personas, xlsx):
    index, value, expected = HOSTILE[case]
    row = ["doi_ten", "KB.01", "Đảng ủy xã Vĩnh Đồng", None, None, JULY, "121-QĐ/HU"]
    row[index] = value
    before = _written()
    result = _run(_file(xlsx, [row]), personas.provincial)
    found = texts(result)
    assert result.problem_count == 1 and found[0].startswith(expected), found
    assert "\x00" not in found[0] and len(found[0]) < 400
    assert _written() == before


@pytest.mark.django_db(transaction=True)
def test_hostile_cells_through_the_pages_are_listed_not_a_system_error(
        province, personas, xlsx, client):
    """PostgreSQL stores no NUL, not even in the job's list of problems."""
    client.force_login(personas.provincial)
    rows = [["doi_ten\x00", "KB\x00.01", "Tên\x00", None, None, "01/07\x00/2022", "1\x00"],
            ["giai_the", "KB.01.02", None, None, "KB.01.01", dt.date(9999, 12, 31), "=1+1"],
            ["chuyen", "K" * 10_000, None, "KB", None, JULY, "9" * 10_000]]
    with _file(xlsx, rows).open("rb") as fh:
        client.post("/trao-doi/nhap/thay-doi-to-chuc/", {"tep": fh})
    run_jobs()
    job = ImportJob.objects.get()
    assert job.status == JobStatus.INVALID, job.message
    assert [(p["row"], p["column"]) for p in job.problems] == [
        (2, "Loại thay đổi"), (2, "Mã đơn vị"), (2, "Tên mới"), (2, "Ngày hiệu lực"),
        (2, "Số quyết định"),
        (3, "Số quyết định"), (4, "Mã đơn vị"), (4, "Số quyết định")], job.problems
    assert not any("\x00" in p["message"] for p in job.problems)
    html = client.get(f"/trao-doi/nhap/luot/{job.pk}/")
    assert html.status_code == 200
    assert "Các lỗi cần sửa (8 lỗi ở 3 dòng)" in html.content.decode()


def test_a_formula_without_a_value_is_refused_with_one_message(province, personas, tmp_path):
    """openpyxl writes formulas without calculating them: the reader would see empty cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    sheet.append(["doi_ten", "KB.01", '=CONCATENATE("Đảng ủy ","xã")', None, None, "01/07/2022"])
    sheet.append(["=A2", "KB.02", "Chi bộ mới", None, None, "01/07/2022"])
    book.save(tmp_path / "cong-thuc.xlsx")
    before = _written()
    result = _run(tmp_path / "cong-thuc.xlsx", personas.provincial)
    assert result.file_problem == (
        "Tệp có ô công thức chưa có giá trị: dòng 2, cột 'Tên mới'; dòng 3, cột 'Loại thay "
        "đổi'. Tệp được tạo bằng một chương trình không tính công thức: hãy mở tệp bằng Excel, "
        "lưu lại rồi tải lên, hoặc thay công thức bằng giá trị.")
    assert _written() == before
    # A formula Excel calculated is read as its value.
    book = xlsxwriter.Workbook(str(tmp_path / "gia-tri.xlsx"))
    sheet = book.add_worksheet(SHEET)
    sheet.write_row(0, 0, HEADERS)
    sheet.write_row(1, 0, ["doi_ten", "KB.01"])
    sheet.write_formula(1, 2, '="Đảng ủy xã "&"Vĩnh Đồng"', None, "Đảng ủy xã Vĩnh Đồng")
    sheet.write_string(1, 5, "01/07/2022")
    book.close()
    result = _run(tmp_path / "gia-tri.xlsx", personas.provincial)
    assert result.committed, (result.file_problem, texts(result))
    assert _unit("KB.01").name == "Đảng ủy xã Vĩnh Đồng"


@pytest.mark.django_db(transaction=True)
def test_the_import_pages_check_then_save_and_no_undo(province, personas, xlsx, client):
    client.force_login(personas.provincial)
    assert "Thay đổi tổ chức (thành lập, đổi tên, chuyển, sáp nhập, chia tách, giải thể)" in \
        client.get("/trao-doi/").content.decode()
    template = client.get("/trao-doi/mau/thay-doi-to-chuc/")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    upload = client.get("/trao-doi/nhap/thay-doi-to-chuc/").content.decode()
    assert "sửa bằng một thay đổi mới" in upload

    rows = [["Tạo mới", "KB.03", "Đảng bộ xã Hợp Tiến", "KB", None, JULY, "120-QĐ/HU"],
            ["Giải thể", "KB.01.02", None, None, "KB.01.01", JULY, None]]
    with _file(xlsx, rows).open("rb") as fh:
        client.post("/trao-doi/nhap/thay-doi-to-chuc/", {"tep": fh})
    run_jobs()
    job = ImportJob.objects.get()
    assert job.status == JobStatus.CHECKED, (job.message, job.problems)
    html = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Các thay đổi sẽ được lưu (2 dòng)" in html
    assert "Thành lập Đảng bộ xã Hợp Tiến, từ 01/07/2022 (Quyết định số 120-QĐ/HU)" in html
    assert "Giải thể Chi bộ xóm Chanh, đơn vị kế thừa Chi bộ xóm Mớ Đá, từ 01/07/2022" in html
    assert "sửa bằng một thay đổi mới" in html
    assert not OrgUnit.objects.filter(code="KB.03").exists()  # nothing before "Lưu"

    client.post(f"/trao-doi/nhap/luot/{job.pk}/luu/")
    job = run_jobs(job)
    assert job.status == JobStatus.DONE, job.message
    assert (job.new, job.changed) == (1, 1)
    assert _parent_on("KB.03", JULY) == "KB" and _unit("KB.01.02").valid_to == JULY
    html = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Hoàn tác lần nhập" not in html

    # No undo: a wrong change is corrected by a new change.
    page = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    assert "Lượt nhập thay đổi tổ chức không hoàn tác được" in page
    assert "Xác nhận hoàn tác" not in page
    response = client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/", {"confirmed": "True"})
    assert response.status_code == 409
    assert "bằng một thay đổi mới" in response.content.decode()
    with pytest.raises(CommandError, match="không hoàn tác được"):
        call_command("import", undo=job.pk, stdout=io.StringIO())
    assert _unit("KB.01.02").valid_to == JULY


def test_the_command_dry_run_then_save(province, personas, xlsx, capsys):
    path = _file(xlsx, [["doi_ten", "KB.01", "Đảng ủy xã Vĩnh Đồng", None, None, JULY, None],
                        ["tao_moi", "LS.02", "Đảng bộ xã Tân Mỹ", "LS", None, JULY, None]])
    before = _written()
    call_command("import", "orgchanges", str(path), "--dry-run", "--user", "tinhuy",
                 "--no-progress")
    out = capsys.readouterr().out
    assert "Mới: 1 · Thay đổi: 1 · Không đổi: 0 · Có lỗi: 0 dòng" in out
    assert "chạy thử: chưa ghi gì" in out
    assert _written() == before
    # Outside the user's scope: refused, nothing written.
    with pytest.raises(CommandError, match="Có 2 lỗi ở 2 dòng: chưa ghi gì"):
        call_command("import", "orgchanges", str(path), "--user", "lacson", "--no-progress")
    assert _written() == before
    call_command("import", "thay-doi-to-chuc", str(path), "--user", "tinhuy", "--no-progress")
    assert "Đã nhập xong" in capsys.readouterr().out
    assert _unit("KB.01").name == "Đảng ủy xã Vĩnh Đồng" and _unit("LS.02").valid_from == JULY


def test_the_template_and_its_guide(province, personas, tmp_path, capsys):
    path = tmp_path / "mau.xlsx"
    call_command("template", "orgchanges", "-o", str(path), "--user", "tinhuy")
    assert "Đã ghi tệp mẫu thay đổi tổ chức" in capsys.readouterr().out
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [SHEET, "DanhMuc", HELP_SHEET]
    sheet = book[SHEET]
    assert [c.value for c in sheet[1]] == [*HEADERS, "Loại tổ chức", "Ngày quyết định"]
    assert sheet["A1"].comment.text.startswith("Bắt buộc. Tạo mới, Đổi tên")
    lists = {col[0]: [v for v in col[1:] if v] for col in book["DanhMuc"].iter_cols(values_only=True)}
    assert lists["changes"] == ["Tạo mới", "Đổi tên", "Chuyển", "Sáp nhập", "Chia tách",
                                "Giải thể"]
    assert lists["units"][:2] == ["TU — Tỉnh ủy Hòa Bình", "KB — Huyện ủy Kim Bôi"]
    validations = {str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation}
    assert validations["A2"].errorStyle == "warning"  # "tao_moi" typed is fine too
    guide = "\n".join(str(v) for row in book[HELP_SHEET].iter_rows(values_only=True)
                      for v in row if v)
    for header in [*HEADERS, "Loại tổ chức", "Ngày quyết định"]:
        assert header in guide
    for slug in ["tao_moi", "doi_ten", "chuyen", "sap_nhap", "chia_tach", "giai_the"]:
        assert slug in guide
    assert "các tổ chức trực thuộc sang đơn vị mới được ghi bằng các dòng Chuyển" in guide
    assert "nếu đơn vị cũ thôi hoạt động, ghi thêm một dòng Giải thể" in guide
    assert "sửa bằng một thay đổi mới" in guide
    assert "không quá 180 ngày sau hôm nay" in guide

    # Filled in below the example row, as an official would: the example is skipped.
    sheet.append(["Đổi tên", "KB.02", "Chi bộ Trường THPT Kim Bôi mới", None, None,
                  "01/07/2022", "9-QĐ/HU"])
    book.save(path)
    result = _run(path, personas.provincial)
    assert result.committed, (result.file_problem, texts(result))
    assert [w.text() for w in result.warnings] == [
        "Dòng 2: đây là dòng ví dụ của tệp mẫu: đã bỏ qua."]
    assert _unit("KB.02").name == "Chi bộ Trường THPT Kim Bôi mới"


def test_the_kind_is_registered_under_both_names():
    assert get("orgchanges") is get("thay-doi-to-chuc")
    assert get("orgchanges").undoable is False
