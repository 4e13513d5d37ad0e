"""The top unit from Excel: a row without 'Đơn vị cấp trên' founds the tree's top unit,
only for a superuser (or the command line without --user), only while the tree is empty,
once per file; the following rows hang under it."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.audit.models import AuditEvent
from dangvien.exchange.blank import write_template
from dangvien.exchange.kinds import get
from dangvien.exchange.models import ImportJob, JobStatus
from dangvien.org.models import OrgChange, OrgUnit, OrgUnitVersion

from .conftest import imp, run_jobs, texts
from .test_import_kinds import UNIT_HEADERS

D = dt.date(2020, 10, 1)
#: A province from nothing: the top unit first, then units under it and under each other.
PROVINCE = [
    ["HB", "Tỉnh ủy Hòa Bình", None, "Tỉnh ủy", None, "Có", D, None],
    ["HB.KB", "Huyện ủy Kim Bôi", "HB", "Đảng bộ huyện, thành phố", None, "Có", D, None],
    ["HB.KB.01", "Đảng bộ xã Vĩnh Đồng", "HB.KB", "Đảng bộ cơ sở", "Xã, phường, thị trấn", "Có",
     D, 12],
    ["HB.KB.01.01", "Chi bộ xóm Mớ Đá", "HB.KB.01", "Chi bộ trực thuộc đảng ủy cơ sở",
     "Thôn, bản, tổ dân phố", "Có", D, None],
]
NO_PARENT = "cột 'Đơn vị cấp trên': Hãy ghi đơn vị cấp trên."


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser(username="quantri", password="x")


def _written() -> tuple[int, int, int]:
    return OrgUnit.objects.count(), OrgUnitVersion.objects.count(), OrgChange.objects.count()


def test_a_superuser_starts_the_tree_from_a_file(root, xlsx):
    path = xlsx(PROVINCE, UNIT_HEADERS, name="tinh.xlsx", sheet="Tổ chức đảng")
    dry = imp(path, root, kind="units", dry_run=True)
    assert dry.ok and dry.counts.new == 4 and _written() == (0, 0, 0)
    result = imp(path, root, kind="units")
    assert result.committed, texts(result)
    top = OrgUnit.objects.get(code="HB")
    assert top.is_root() and OrgUnit.objects.get_root_nodes().count() == 1
    assert [u.code for u in OrgUnit.objects.order_by("path")] == [
        "HB", "HB.KB", "HB.KB.01", "HB.KB.01.01"]
    assert OrgUnit.objects.get(code="HB.KB.01.01").depth == 4
    assert OrgUnit.objects.get(code="HB.KB.01").village_count == 12
    assert OrgUnitVersion.objects.get(unit=top).parent is None
    assert AuditEvent.objects.filter(action="org.create", actor=root).count() == 4
    # The same file again changes nothing (its top row names the top unit it made).
    again = imp(path, root, kind="units")
    assert again.committed and (again.counts.new, again.counts.unchanged) == (0, 4)


def test_the_command_line_without_user_may_start_the_tree(db, xlsx, capsys):
    path = xlsx(PROVINCE[:2], UNIT_HEADERS, name="tinh.xlsx")
    call_command("import", "units", str(path), "--no-progress")
    assert "Mới: 2" in capsys.readouterr().out
    assert OrgUnit.objects.get(code="HB").is_root()


def test_a_file_with_a_top_unit_is_refused_when_a_tree_exists(province, root, xlsx):
    path = xlsx(PROVINCE, UNIT_HEADERS, name="tinh.xlsx")
    before = _written()
    for user in (root, None):
        result = imp(path, user, kind="units")
        assert not result.committed
        assert texts(result) == [
            "Dòng 2, cột 'Đơn vị cấp trên': Hãy ghi đơn vị cấp trên. Hệ thống đã có đơn vị cấp "
            "cao nhất (Tỉnh ủy Hòa Bình): chỉ được để trống đơn vị cấp trên khi hệ thống chưa "
            "có tổ chức đảng nào.",
            # The rows under it find no parent (nothing of the file is written).
            "Dòng 3, cột 'Đơn vị cấp trên': không có đơn vị mã 'HB' trong phạm vi bạn được cập "
            "nhật. Hãy chọn đơn vị trong danh sách của tệp mẫu.",
            "Dòng 4, cột 'Đơn vị cấp trên': không có đơn vị mã 'HB.KB' trong phạm vi bạn được "
            "cập nhật. Hãy chọn đơn vị trong danh sách của tệp mẫu.",
            "Dòng 5, cột 'Đơn vị cấp trên': không có đơn vị mã 'HB.KB.01' trong phạm vi bạn "
            "được cập nhật. Hãy chọn đơn vị trong danh sách của tệp mẫu.",
        ]
    assert _written() == before
    assert not OrgUnit.objects.filter(code__startswith="HB").exists()


def test_anyone_else_must_name_the_parent(province, personas, xlsx):
    rows = [["KB.03", "Đảng bộ xã Hợp Tiến", None, "Đảng bộ cơ sở", None, None,
             dt.date(2022, 1, 1), None],
            # An existing unit that has a parent, named without it.
            ["KB.01", "Đảng bộ xã Vĩnh Đồng", None, "Đảng bộ cơ sở", None, None, D, None],
            ["KB.04", "Đảng bộ xã Đú Sáng", "KB", "Đảng bộ cơ sở", None, None,
             dt.date(2022, 1, 1), None]]
    path = xlsx(rows, UNIT_HEADERS)
    before = _written()
    result = imp(path, personas.provincial, kind="units")
    assert texts(result) == [f"Dòng 2, {NO_PARENT}", f"Dòng 3, {NO_PARENT}"]
    assert not result.committed and _written() == before


def test_on_an_empty_tree_only_a_superuser_founds_the_top_unit(db, xlsx):
    staff = get_user_model().objects.create_user(username="canbo", password="x", is_staff=True)
    result = imp(xlsx(PROVINCE, UNIT_HEADERS, name="tinh.xlsx"), staff, kind="units")
    assert texts(result)[0] == f"Dòng 2, {NO_PARENT}"
    assert not result.committed and _written() == (0, 0, 0)


def test_the_top_units_row_is_unchanged_for_its_administrator(province, personas, xlsx):
    """The file that built the tree, exported and imported again by the province's admin."""
    rows = [["TU", "Tỉnh ủy Hòa Bình", None, "Tỉnh ủy", None, "Không", D, None],
            ["KB", "Huyện ủy Kim Bôi", "TU", "Đảng bộ huyện, thành phố", None, "Không", D, None]]
    result = imp(xlsx(rows, UNIT_HEADERS), personas.provincial, kind="units")
    assert result.committed and result.counts.unchanged == 2, texts(result)
    assert not result.warnings


def test_one_top_unit_per_file(root, xlsx):
    rows = [*PROVINCE, ["SL", "Tỉnh ủy Sơn La", None, "Tỉnh ủy", None, "Có", D, None]]
    result = imp(xlsx(rows, UNIT_HEADERS), root, kind="units")
    assert texts(result) == [
        "Dòng 6, cột 'Đơn vị cấp trên': Hãy ghi đơn vị cấp trên. Tệp chỉ được có một đơn vị cấp "
        "cao nhất (để trống đơn vị cấp trên): đó là đơn vị ở dòng 2."]
    assert not result.committed and _written() == (0, 0, 0)


def test_a_file_without_the_parent_column(province, personas, root, xlsx):
    headers = [h for h in UNIT_HEADERS if h != "Đơn vị cấp trên"]
    rows = [[v for i, v in enumerate(r) if i != 2] for r in PROVINCE[:2]]
    result = imp(xlsx(rows, headers), personas.provincial, kind="units")
    assert texts(result) == [f"Dòng 2, {NO_PARENT}", f"Dòng 3, {NO_PARENT}"]
    assert not OrgUnit.objects.filter(code__startswith="HB").exists()


def test_the_template_of_an_empty_tree_shows_a_top_unit(root, tmp_path):
    path = tmp_path / "mau.xlsx"
    write_template(get("units"), path, user=root)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    example = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert (example["Mã đơn vị"], example["Tên đơn vị"], example["Đơn vị cấp trên"],
            example["Loại tổ chức"]) == ("TINH", "Tỉnh ủy Hòa Bình", None, "Tỉnh ủy")
    assert book["DanhMuc"]["A1"].value == "parents" and book["DanhMuc"]["A2"].value is None
    note = sheet.cell(1, headers.index("Đơn vị cấp trên") + 1).comment.text
    assert note.startswith("Bắt buộc, trừ đơn vị cấp cao nhất.")
    # The example row read back is skipped; the rows under it are the user's.
    mine = {"Mã đơn vị": "HB", "Tên đơn vị": "Tỉnh ủy Hòa Bình", "Loại tổ chức": "Tỉnh ủy",
            "Ngày thành lập": D}
    for header, value in mine.items():
        sheet.cell(3, headers.index(header) + 1, value)
    book.save(path)
    result = imp(path, root, kind="units")
    assert result.committed, texts(result)
    assert [w.text() for w in result.warnings] == [
        "Dòng 2: đây là dòng ví dụ của tệp mẫu: đã bỏ qua."]
    assert list(OrgUnit.objects.values_list("code", flat=True)) == ["HB"]
    # Once the tree exists, the template's example is a unit under it again.
    write_template(get("units"), path, user=root)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[2]][:3] == ["KB.01.99", "Chi bộ xóm Đồi", "HB — Tỉnh ủy Hòa Bình"]


def _upload(client, path):
    with path.open("rb") as fh:
        response = client.post("/trao-doi/nhap/to-chuc/", {"tep": fh})
    run_jobs()
    return response


@pytest.mark.django_db(transaction=True)
def test_a_superuser_starts_the_province_on_the_web(root, xlsx, client):
    client.force_login(root)
    tree = client.get("/to-chuc/").content.decode()
    assert "Hệ thống chưa có tổ chức đảng nào." in tree
    assert client.get("/trao-doi/").status_code == 200
    assert client.get("/trao-doi/nhap/to-chuc/").status_code == 200
    template = client.get("/trao-doi/mau/to-chuc/")
    assert template.status_code == 200 and template.content[:2] == b"PK"

    response = _upload(client, xlsx(PROVINCE, UNIT_HEADERS, name="tinh.xlsx"))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.CHECKED, job.problems
    assert not OrgUnit.objects.exists()  # the check wrote nothing
    client.post(f"/trao-doi/nhap/luot/{job.pk}/luu/")
    job = run_jobs(job)
    assert job.status == JobStatus.DONE, job.message
    assert job.new == 4
    tree = client.get("/to-chuc/").content.decode()
    assert "Tỉnh ủy Hòa Bình" in tree and "Huyện ủy Kim Bôi" in tree
    assert "Thêm đơn vị trực thuộc" in client.get("/to-chuc/HB/").content.decode()


def test_errors_reach_the_command_line(province, xlsx):
    path = xlsx(PROVINCE[:1], UNIT_HEADERS)
    with pytest.raises(CommandError, match="Có 1 lỗi ở 1 dòng: chưa ghi gì"):
        call_command("import", "units", str(path), "--no-progress")
