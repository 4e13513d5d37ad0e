"""Units, candidates and allocations from Excel: through the pages' services, idempotent."""

from __future__ import annotations

import datetime as dt

from dangvien.admission.models import Candidacy, Stage
from dangvien.org.models import OrgUnit, OrgUnitVersion
from dangvien.people.models import Person
from dangvien.plans.models import Allocation
from dangvien.plans.services import plan_create

from .conftest import imp, texts

UNIT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Đơn vị cấp trên", "Loại tổ chức", "Loại hình",
                "Vùng cao, miền núi", "Ngày thành lập", "Số thôn, bản, tổ dân phố"]
CANDIDATE_HEADERS = ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Dân tộc",
                     "Trình độ giáo dục phổ thông", "Chi bộ", "Nguồn giới thiệu",
                     "Ngày đưa vào danh sách nguồn"]
ALLOCATION_HEADERS = ["Số kế hoạch", "Năm", "Đơn vị được giao", "Chỉ tiêu"]


# --- units ---------------------------------------------------------------------------------

def test_units_new_then_unchanged_then_details_changed(province, personas, xlsx):
    rows = [
        ["KB.03", "Đảng bộ xã Hợp Tiến", "KB — Huyện ủy Kim Bôi", "Đảng bộ cơ sở",
         "Xã, phường, thị trấn", "Có", dt.date(2022, 1, 1), 9],
        # Under the unit created by the row above.
        ["KB.03.01", "Chi bộ xóm Đồi", "KB.03", "Chi bộ trực thuộc đảng ủy cơ sở",
         "Thôn, bản, tổ dân phố", "Có", "01/01/2022", None],
    ]
    path = xlsx(rows, UNIT_HEADERS, name="to-chuc.xlsx", sheet="Tổ chức đảng")
    first = imp(path, personas.provincial, kind="units")
    assert first.committed, (first.file_problem, texts(first))
    assert first.counts.new == 2
    cell = OrgUnit.objects.get(code="KB.03.01")
    assert cell.path.startswith(OrgUnit.objects.get(code="KB.03").path)
    assert OrgUnitVersion.objects.filter(unit=cell).count() == 1
    assert OrgUnit.objects.get(code="KB.03").village_count == 9
    again = imp(path, personas.provincial, kind="units")
    assert (again.counts.new, again.counts.changed, again.counts.unchanged) == (0, 0, 2)
    rows[0][7] = 11
    rows[1][1] = "Chi bộ xóm Đồi Bù"
    third = imp(xlsx(rows, UNIT_HEADERS, name="sua.xlsx"), personas.provincial, kind="units")
    assert third.committed and third.counts.changed == 2
    assert OrgUnit.objects.get(code="KB.03").village_count == 11
    assert OrgUnit.objects.get(code="KB.03.01").name == "Chi bộ xóm Đồi Bù"


def test_units_need_admin_rights_and_a_dry_run_writes_nothing(province, personas, xlsx):
    rows = [["KB.03", "Đảng bộ xã Hợp Tiến", "KB", "Đảng bộ cơ sở", "", "", dt.date(2022, 1, 1),
             None],
            ["LS.09", "Chi bộ mới", "LS", "Chi bộ cơ sở", "", "", dt.date(2022, 1, 1), None]]
    path = xlsx(rows, UNIT_HEADERS)
    result = imp(path, personas.kimboi, kind="units")
    assert texts(result) == [
        "Dòng 2: Bạn không có quyền thay đổi tổ chức của Huyện ủy Kim Bôi.",
        "Dòng 3, cột 'Đơn vị cấp trên': không có đơn vị mã 'LS' trong phạm vi bạn được cập nhật. "
        "Hãy chọn đơn vị trong danh sách của tệp mẫu.",
    ]
    dry = imp(path, personas.provincial, kind="units", dry_run=True)
    assert dry.ok and dry.counts.new == 2 and not dry.committed
    assert not OrgUnit.objects.filter(code__in=["KB.03", "LS.09"]).exists()


# --- candidates ------------------------------------------------------------------------------

def test_candidates_new_then_unchanged_with_rule_set_warnings(province, personas, xlsx):
    rows = [
        ["Hà Thị Mai", "Nữ", dt.date(1998, 4, 12), "017198000123", "Mường", "Trung học phổ thông",
         "KB.01.01", "Đoàn TNCS Hồ Chí Minh", dt.date(2022, 1, 10)],
        ["Bùi Văn Già", "Nam", dt.date(1955, 1, 2), "017155000124", "Mường", "Tiểu học",
         "KB.02", "Hội Cựu chiến binh", "10/01/2022"],
    ]
    path = xlsx(rows, CANDIDATE_HEADERS, sheet="Quần chúng ưu tú")
    first = imp(path, personas.kimboi, kind="candidates")
    assert first.committed, (first.file_problem, texts(first))
    assert first.counts.new == 2
    mai = Candidacy.objects.get(person__cccd="017198000123")
    assert (mai.stage, mai.source, mai.identified_on, mai.cell) == (
        Stage.SOURCE, "doan_thanh_nien", dt.date(2022, 1, 10), province.kb_cell)
    # The rule set of 10/01/2022 (QĐ 24): over 60 needs the provincial board's agreement;
    # a school cell (not mountainous) needs lower-secondary education.
    warned = [w.text() for w in first.warnings]
    assert any(w.startswith("Dòng 3: Người vào Đảng không quá 60 tuổi") for w in warned), warned
    assert any(w.startswith("Dòng 3: Trình độ học vấn tối thiểu (quy định chung)") for w in warned)
    assert not any(w.startswith("Dòng 2") for w in warned)
    again = imp(path, personas.kimboi, kind="candidates")
    assert (again.counts.new, again.counts.changed, again.counts.unchanged) == (0, 0, 2)
    assert Candidacy.objects.count() == 2


def test_candidates_scope_and_a_current_member(province, personas, xlsx, make_member):
    make_member(province.kb_cell, "Bùi Văn An", cccd="017190000001")
    rows = [
        ["Bùi Văn An", "Nam", dt.date(1990, 1, 1), "017190000001", "Mường", "", "KB.01.01",
         "Khác", dt.date(2022, 1, 10)],
        ["Hà Văn Lạc", "Nam", dt.date(1999, 1, 1), "017199000002", "Mường", "", "LS.01.01",
         "Khác", dt.date(2022, 1, 10)],
    ]
    result = imp(xlsx(rows, CANDIDATE_HEADERS), personas.kimboi, kind="candidates")
    assert texts(result) == [
        "Dòng 2, cột 'Số CCCD': Bùi Văn An đang là đảng viên.",
        "Dòng 3, cột 'Chi bộ': không có đơn vị mã 'LS.01.01' trong phạm vi bạn được cập nhật. Hãy "
        "chọn đơn vị trong danh sách của tệp mẫu.",
    ]
    assert Candidacy.objects.count() == 0 and Person.objects.count() == 1


# --- allocations -----------------------------------------------------------------------------

def test_allocations_into_the_draft_then_unchanged(province, personas, xlsx):
    plan = plan_create(by=personas.provincial, unit=province.tu, year=2022, number="77-KH/TU",
                       title="về phát triển đảng viên năm 2022", target=300)
    rows = [["77-KH/TU", 2022, "KB — Huyện ủy Kim Bôi", 150], ["77-kh/tu", 2022, "LS", 160]]
    path = xlsx(rows, ALLOCATION_HEADERS, sheet="Chỉ tiêu giao")
    first = imp(path, personas.provincial, kind="allocations")
    assert first.committed, (first.file_problem, texts(first))
    version = plan.versions.get()
    assert dict(Allocation.objects.filter(version=version).values_list("unit__code", "target")) \
        == {"KB": 150, "LS": 160}
    again = imp(path, personas.provincial, kind="allocations")
    assert (again.counts.new, again.counts.changed, again.counts.unchanged) == (0, 0, 2)
    changed = imp(xlsx([["77-KH/TU", 2022, "LS", 170]], ALLOCATION_HEADERS, name="b.xlsx"),
                  personas.provincial, kind="allocations")
    assert changed.counts.changed == 1
    assert dict(Allocation.objects.filter(version=version).values_list("unit__code", "target")) \
        == {"KB": 150, "LS": 170}


def test_allocations_refuse_what_the_page_refuses(province, personas, xlsx):
    plan_create(by=personas.provincial, unit=province.tu, year=2022, number="77-KH/TU",
                title="về phát triển đảng viên năm 2022", target=300)
    rows = [["77-KH/TU", 2022, "KB.01", 10], ["77-KH/TU", 2022, "KB", -1],
            ["12-KH/TU", 2022, "KB", 5]]
    result = imp(xlsx(rows, ALLOCATION_HEADERS), personas.provincial, kind="allocations")
    assert texts(result) == [
        "Dòng 2, cột 'Đơn vị được giao': 'KB.01' không phải đơn vị trực thuộc trực tiếp của Tỉnh "
        "ủy Hòa Bình trong năm 2022: chỉ giao chỉ tiêu cho đơn vị trực thuộc trực tiếp.",
        "Dòng 3, cột 'Chỉ tiêu': chỉ tiêu không được là số âm.",
        "Dòng 4, cột 'Số kế hoạch': không tìm thấy Kế hoạch số 12-KH/TU năm 2022 trong phạm vi "
        "bạn được cập nhật.",
    ]
    # The Kim Bôi officer cannot touch the provincial plan.
    kb = imp(xlsx([["77-KH/TU", 2022, "KB", 10]], ALLOCATION_HEADERS, name="kb.xlsx"),
             personas.kimboi, kind="allocations")
    assert texts(kb)[0].startswith("Dòng 2, cột 'Số kế hoạch': không tìm thấy Kế hoạch số 77-KH/TU")
    assert not Allocation.objects.exists()
