"""The change preview for units and allocations (issue 13, item 6): each changed row's each
changed field old → new, in `dangvien import KIND FILE --dry-run --format json` and on the
check page; every error of a row at once; a blank cell keeps the stored value."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from dangvien.exchange.models import ImportJob
from dangvien.org.models import OrgUnit
from dangvien.plans.models import Allocation
from dangvien.plans.services import plan_allocate, plan_create

from .conftest import run_jobs
from .test_import_kinds import ALLOCATION_HEADERS, UNIT_HEADERS


def _preview(kind, path, user) -> dict:
    out = io.StringIO()
    try:
        call_command("import", kind, str(path), dry_run=True, format="json", no_progress=True,
                     user=user, stdout=out, stderr=io.StringIO())
    except CommandError:
        pass  # errors: the JSON is printed all the same
    return json.loads(out.getvalue())


def test_units_preview_lists_old_to_new_and_a_blank_cell_keeps(province, personas, xlsx):
    rows = [
        # Renamed, 12 villages; "Loại hình" and "Vùng cao" left blank: kept.
        ["KB.01", "Đảng bộ xã Vĩnh Đồng mới", "KB", "Đảng bộ cơ sở", None, None,
         dt.date(2020, 10, 1), 12],
        # As stored.
        ["KB.02", "Chi bộ Trường THPT Kim Bôi", "KB", "Chi bộ cơ sở", None, None,
         dt.date(2020, 10, 1), None],
        ["KB.03", "Đảng bộ xã Hợp Tiến", "KB", "Đảng bộ cơ sở", None, "Có", dt.date(2022, 1, 1),
         None],
    ]
    found = _preview("units", xlsx(rows, UNIT_HEADERS, sheet="Tổ chức đảng"), "tinhuy")
    assert (found["new"], found["changed"], found["unchanged"], found["errors"]) == (1, 1, 1, [])
    assert found["changes"] == [{"row": 2, "key": "KB.01", "fields": {
        "name": {"old": "Đảng bộ xã Vĩnh Đồng", "new": "Đảng bộ xã Vĩnh Đồng mới"},
        "village_count": {"old": None, "new": 12}}}]
    # A dry run: nothing written.
    assert OrgUnit.objects.get(code="KB.01").name == "Đảng bộ xã Vĩnh Đồng"
    assert not OrgUnit.objects.filter(code="KB.03").exists()
    # The blank cells kept the stored values on a real run too.
    call_command("import", "units", str(xlsx(rows, UNIT_HEADERS, name="luu.xlsx",
                                             sheet="Tổ chức đảng")),
                 no_progress=True, user="tinhuy", stdout=io.StringIO(), stderr=io.StringIO())
    kb01 = OrgUnit.objects.get(code="KB.01")
    assert (kb01.name, kb01.place_kind, kb01.is_mountainous, kb01.village_count) == (
        "Đảng bộ xã Vĩnh Đồng mới", "xa", True, 12)


def test_units_every_error_of_a_row_at_once(province, personas, xlsx):
    rows = [["KB.01", "Đảng bộ xã Vĩnh Đồng", "KB", "Chi bộ cơ sở", None, None,
             dt.date(2021, 1, 1), None]]
    found = _preview("units", xlsx(rows, UNIT_HEADERS, sheet="Tổ chức đảng"), "tinhuy")
    assert [(e["row"], e["column"]) for e in found["errors"]] == [
        (2, "Loại tổ chức"), (2, "Ngày thành lập")]
    assert "không sửa qua tệp nhập" in found["errors"][0]["message"]
    assert "thành lập ngày 01/10/2020" in found["errors"][1]["message"]


def test_allocations_preview_lists_old_to_new_and_a_blank_target_keeps(province, personas, xlsx):
    plan = plan_create(by=personas.provincial, unit=province.tu, year=2022, number="77-KH/TU",
                       title="Phát triển đảng viên năm 2022", target=300)
    draft = plan.versions.get()
    plan_allocate(by=personas.provincial, version=draft,
                  allocations={province.kb: 150, province.ls: 140})
    rows = [["77-KH/TU", 2022, "KB — Huyện ủy Kim Bôi", 160],
            ["77-KH/TU", 2022, "LS — Huyện ủy Lạc Sơn", None]]
    path = xlsx(rows, ALLOCATION_HEADERS, sheet="Chỉ tiêu giao")
    found = _preview("allocations", path, "tinhuy")
    assert (found["new"], found["changed"], found["unchanged"], found["errors"]) == (0, 1, 1, [])
    assert found["changes"] == [{"row": 2, "key": "77-KH/TU (2022) KB",
                                 "fields": {"target": {"old": 150, "new": 160}}}]
    assert dict(Allocation.objects.filter(version=draft).values_list("unit__code", "target")) \
        == {"KB": 150, "LS": 140}
    call_command("import", "allocations", str(path), no_progress=True, user="tinhuy",
                 stdout=io.StringIO(), stderr=io.StringIO())
    assert dict(Allocation.objects.filter(version=draft).values_list("unit__code", "target")) \
        == {"KB": 160, "LS": 140}  # the blank cell kept Lạc Sơn's 140


def test_allocations_every_error_of_a_row_at_once(province, personas, xlsx):
    plan_create(by=personas.provincial, unit=province.tu, year=2022, number="77-KH/TU",
                title="Phát triển đảng viên năm 2022", target=300)
    found = _preview("allocations", xlsx([["77-KH/TU", 2022, "KB.01", -5]], ALLOCATION_HEADERS,
                                         sheet="Chỉ tiêu giao"), "tinhuy")
    assert [(e["row"], e["column"]) for e in found["errors"]] == [
        (2, "Đơn vị được giao"), (2, "Chỉ tiêu")]


@pytest.mark.django_db(transaction=True)
def test_the_check_page_lists_a_changed_target(province, personas, xlsx, client):
    plan = plan_create(by=personas.provincial, unit=province.tu, year=2022, number="77-KH/TU",
                       title="Phát triển đảng viên năm 2022", target=300)
    plan_allocate(by=personas.provincial, version=plan.versions.get(),
                  allocations={province.kb: 150})
    client.force_login(personas.provincial)
    path = xlsx([["77-KH/TU", 2022, "KB", 160]], ALLOCATION_HEADERS, sheet="Chỉ tiêu giao")
    with path.open("rb") as fh:
        client.post("/trao-doi/nhap/chi-tieu/", {"tep": fh})
    run_jobs()
    job = ImportJob.objects.get()
    html = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Các thay đổi sẽ được lưu (1 dòng)" in html
    assert ('<td data-label="Dòng" class="n">2</td><td data-label="Cột">Chỉ tiêu</td>'
            '<td data-label="Đang lưu">150</td><td data-label="Sẽ thành">160</td>') in html
