"""Importing members from Excel: new, changed, unchanged; the pages' rules; scope."""

from __future__ import annotations

import datetime as dt

from dangvien.audit.models import AuditEvent
from dangvien.people.choices import MemberStatus
from dangvien.people.models import Membership, MembershipEvent, Person

from .conftest import imp, member_row, texts


def test_new_rows_then_the_same_file_changes_nothing(province, personas, xlsx):
    path = xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002", gender="Nam",
                                          birth=dt.date(1985, 4, 3), recognized=None)])
    before = AuditEvent.objects.count()
    first = imp(path, personas.kimboi)
    assert first.ok and first.committed, texts(first)
    assert (first.counts.new, first.counts.changed, first.counts.unchanged) == (2, 0, 0)
    hoa = Person.objects.get(cccd="017190000001")
    assert (hoa.full_name, hoa.gender, hoa.birth_date, hoa.ethnicity, hoa.unit) == (
        "Bùi Thị Hoa", "nu", dt.date(1990, 3, 9), "Mường", province.kb_cell)
    m = Membership.objects.get(person=hoa)
    assert (m.status, m.admitted_on, m.recognized_on, m.started_on) == (
        MemberStatus.OFFICIAL, dt.date(2015, 3, 2), dt.date(2016, 3, 2), dt.date(2015, 3, 2))
    nam = Membership.objects.get(person__cccd="017185000002")
    assert nam.status == MemberStatus.PROBATIONARY
    assert sorted(MembershipEvent.objects.filter(membership=m).values_list(
        "kind", "on", "cell", "recorded_by")) == [
        ("chinh_thuc", dt.date(2016, 3, 2), province.kb_cell.pk, personas.kimboi.pk),
        ("ket_nap", dt.date(2015, 3, 2), province.kb_cell.pk, personas.kimboi.pk)]
    assert MembershipEvent.objects.filter(membership=nam).count() == 1
    # One audit record for the whole import, not one per row, and no CCCD in it.
    events = list(AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:])
    assert [e.action for e in events] == ["import.members"]
    assert events[0].after["new"] == 2 and events[0].after["file"] == "dang-vien.xlsx"
    assert len(events[0].after["sha256"]) == 64
    assert "017190000001" not in str(events[0].after)

    second = imp(path, personas.kimboi)
    assert second.ok
    assert (second.counts.new, second.counts.changed, second.counts.unchanged) == (0, 0, 2)
    assert Person.objects.count() == 2 and Membership.objects.count() == 2


def test_changed_rows_are_updated(province, personas, xlsx):
    imp(xlsx([member_row(recognized=None)]), personas.kimboi)
    fixed = xlsx([member_row("Bùi  Thị Hoà", birth=dt.date(1990, 3, 10))], name="sua.xlsx")
    result = imp(fixed, personas.kimboi)
    assert result.ok and (result.counts.new, result.counts.changed) == (0, 1)
    hoa = Person.objects.get(cccd="017190000001")
    assert (hoa.full_name, hoa.birth_date, hoa.search_name) == (
        "Bùi Thị Hoà", dt.date(1990, 3, 10), "bui thi hoa")
    m = Membership.objects.get(person=hoa)
    assert (m.status, m.recognized_on) == (MemberStatus.OFFICIAL, dt.date(2016, 3, 2))
    assert MembershipEvent.objects.filter(membership=m, kind="chinh_thuc").count() == 1


def test_dry_run_counts_and_writes_nothing(province, personas, xlsx):
    imp(xlsx([member_row()]), personas.kimboi)
    path = xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002"),
                 member_row("Quách Thị Lan", "017190000003", birth="31/02/1990")], name="b.xlsx")
    result = imp(path, personas.kimboi, dry_run=True)
    assert (result.counts.new, result.counts.unchanged, result.counts.error_rows) == (1, 1, 1)
    assert texts(result) == ["Dòng 4, cột 'Ngày sinh': '31/02/1990' không phải ngày hợp lệ "
                             "(nhập theo dạng ngày/tháng/năm, ví dụ 31/05/2022)."]
    assert Person.objects.count() == 1


def test_header_variants_and_cell_formats(province, personas, xlsx):
    headers = ["STT", "HỌ TÊN", "Nam/Nữ", "Ngày tháng năm sinh", "CCCD", "Dan toc", "Mã chi bộ",
               "Ngày kết nạp", "Ngày công nhận chính thức"]
    rows = [
        # CCCD that Excel turned into a number (the leading zero is lost); text dates.
        [1, "Bùi Văn An", "nam", "9/3/1990", 17190000011, "muong", "KB.01.01 — Chi bộ xóm Mớ Đá",
         "02/03/2015", "2/3/2016"],
        # Excel dates; CCCD as text with its zero; an ethnic group written without marks.
        [2, "Hà Thị Mai", "NỮ", dt.date(1992, 12, 31), "017192000012", "Tay", "KB.01.02",
         dt.date(2016, 5, 19), None],
    ]
    result = imp(xlsx(rows, headers + ["Ghi chú"]), personas.kimboi)
    assert result.ok, texts(result)
    assert [w.text() for w in result.warnings] == [
        "Cột 'Ghi chú' không có trong tệp mẫu (hoặc bị lặp lại) nên không được nhập."]
    an = Person.objects.get(cccd="017190000011")
    assert (an.birth_date, an.ethnicity, an.gender) == (dt.date(1990, 3, 9), "Mường", "nam")
    mai = Person.objects.get(cccd="017192000012")
    assert (mai.birth_date, mai.ethnicity, mai.unit) == (dt.date(1992, 12, 31), "Tày",
                                                          province.kb_cell2)
    assert Membership.objects.get(person=an).recognized_on == dt.date(2016, 3, 2)


def test_every_error_is_reported_with_row_and_column(province, personas, xlsx):
    rows = [
        member_row(),
        ["Hoa", "Nữa", "1/13/1990", "12345", "Kinhh", "KB.01.01", dt.date(2015, 3, 2), None],
        member_row("Đinh Văn Nam", "017185000002", birth=dt.date(2000, 1, 1),
                   admitted=dt.date(2015, 3, 2)),
        member_row("Lò Văn Tâm", "017185000003", admitted=dt.date(2016, 3, 2),
                   recognized=dt.date(2015, 3, 2)),
        [None, None, None, "017185000004", None, None, None, None],
    ]
    result = imp(xlsx(rows), personas.kimboi)
    assert not result.ok and not result.committed
    assert texts(result) == [
        "Dòng 3, cột 'Giới tính': 'Nữa' không có trong danh mục giới tính (chọn một trong: Nam, Nữ).",
        "Dòng 3, cột 'Ngày sinh': '1/13/1990' không phải ngày hợp lệ (nhập theo dạng "
        "ngày/tháng/năm, ví dụ 31/05/2022).",
        "Dòng 3, cột 'Số CCCD': Số CCCD phải gồm đúng 12 chữ số (không có chữ, dấu cách hay dấu "
        "chấm); giá trị đã nhập '12345' có 5 ký tự.",
        "Dòng 3, cột 'Dân tộc': 'Kinhh' không có trong danh mục 54 dân tộc Việt Nam.",
        "Dòng 3, cột 'Họ và tên': Họ và tên phải có ít nhất họ và tên (hai từ).",
        "Dòng 4, cột 'Ngày vào Đảng': Ngày vào Đảng phải sau khi người này đủ 18 tuổi.",
        "Dòng 5, cột 'Ngày chính thức': Ngày chính thức không được trước ngày vào Đảng.",
        "Dòng 6, cột 'Họ và tên': ô bắt buộc, chưa nhập.",
        "Dòng 6, cột 'Giới tính': ô bắt buộc, chưa nhập.",
        "Dòng 6, cột 'Ngày sinh': ô bắt buộc, chưa nhập.",
        "Dòng 6, cột 'Chi bộ': ô bắt buộc, chưa nhập.",
        "Dòng 6, cột 'Ngày vào Đảng': ô bắt buộc, chưa nhập.",
    ]
    assert result.counts.error_rows == 4
    assert Person.objects.count() == 0


def test_kim_boi_officer_cannot_import_into_lac_son(province, personas, xlsx, make_member):
    make_member(province.ls_cell, "Hà Văn Lạc", cccd="017180000099")
    rows = [member_row(cell="LS.01.01"),
            member_row("Hà Văn Lạc", "017180000099", gender="Nam", cell="KB.01.01")]
    result = imp(xlsx(rows), personas.kimboi)
    assert texts(result) == [
        "Dòng 2, cột 'Chi bộ': không có đơn vị mã 'LS.01.01' trong phạm vi bạn được cập nhật. Hãy "
        "chọn đơn vị trong danh sách của tệp mẫu.",
        # Someone registered elsewhere: the row says so without naming them or their unit.
        "Dòng 3, cột 'Số CCCD': số CCCD này đã được đăng ký trong hệ thống (ở đơn vị bạn không "
        "quản lý). Hãy liên hệ Ban Tổ chức cấp trên để chuyển hồ sơ.",
    ]
    assert "Lạc Sơn" not in " ".join(texts(result)) and "Xóm Bai" not in " ".join(texts(result))
    assert not Person.objects.filter(cccd="017190000001").exists()
    # The attempt is audited once for the file: who, which row, the CCCD masked.
    tried = AuditEvent.objects.get(action="import.members.cccd_elsewhere.refused")
    assert tried.actor_id == personas.kimboi.pk
    assert tried.after["rows"] == 1 and tried.after["row_numbers"] == [3]
    assert tried.after["cccd"] == ["017*******99"] and "017180000099" not in str(tried.after)
    assert imp(xlsx([member_row(cell="LS.01.01")], name="ls.xlsx"), personas.lacson).committed


def test_cell_secretary_imports_only_her_cell(province, personas, xlsx):
    result = imp(xlsx([member_row(cell="KB.01.01"),
                       member_row("Đinh Văn Nam", "017185000002", cell="KB.01.02")]),
                 personas.secretary)
    assert texts(result) == [
        "Dòng 3, cột 'Chi bộ': không có đơn vị mã 'KB.01.02' trong phạm vi bạn được cập nhật. Hãy "
        "chọn đơn vị trong danh sách của tệp mẫu."]
    assert Person.objects.count() == 0
    assert imp(xlsx([member_row()], name="mine.xlsx"), personas.secretary).committed


def test_a_unit_that_is_not_a_cell_is_refused(province, personas, xlsx):
    result = imp(xlsx([member_row(cell="KB.01")]), personas.kimboi)
    assert texts(result) == ["Dòng 2, cột 'Chi bộ': Đảng bộ xã Vĩnh Đồng không phải chi bộ; "
                             "đảng viên phải sinh hoạt ở một chi bộ."]


def test_a_member_in_another_cell_is_a_transfer_not_an_import(province, personas, xlsx,
                                                             make_member):
    make_member(province.kb_cell2, "Bùi Văn An", cccd="017190000021")
    result = imp(xlsx([member_row("Bùi Văn An", "017190000021", gender="Nam")]), personas.kimboi)
    assert texts(result) == [
        "Dòng 2, cột 'Chi bộ': Bùi Văn An đang sinh hoạt ở chi bộ khác: chuyển sinh hoạt đảng "
        "làm bằng chức năng chuyển sinh hoạt, không qua tệp nhập."]


def test_the_template_example_row_is_skipped(province, personas, tmp_path):
    from dangvien.exchange.blank import write_template
    from dangvien.exchange.kinds import get

    path = tmp_path / "mau.xlsx"
    write_template(get("members"), path, user=personas.kimboi)
    result = imp(path, personas.kimboi)
    assert result.file_problem.startswith("Trang tính 'Đảng viên' chưa có dòng dữ liệu nào")
    assert Person.objects.count() == 0
