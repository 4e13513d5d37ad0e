"""Undo an import ("Hoàn tác lần nhập"): what it created goes, what it changed comes back,
refused (listing why) when something recorded later depends on it, after the window, or for
someone outside the scope; on the job page and from the command line."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dangvien.audit.models import AuditEvent
from dangvien.core import versions
from dangvien.exchange.models import ImportJob, JobStatus
from dangvien.org.models import OrgUnit, OrgUnitVersion
from dangvien.org.selectors import members_on
from dangvien.people.choices import MemberStatus
from dangvien.people.models import Membership, MembershipEvent, Person
from dangvien.people.services import membership_end, person_update
from dangvien.plans.models import Allocation
from dangvien.plans.services import plan_allocate, plan_create

from .conftest import MEMBER_HEADERS, member_row, run_jobs
from .test_import_kinds import ALLOCATION_HEADERS, UNIT_HEADERS

HEADERS_WITH_ADDRESS = [*MEMBER_HEADERS, "Quê quán, nơi ở"]


def _saved(client, path, slug="dang-vien") -> ImportJob:
    """Upload, check and save through the pages and the job queue, as an officer does."""
    with path.open("rb") as fh:
        client.post(f"/trao-doi/nhap/{slug}/", {"tep": fh})
    run_jobs()
    job = ImportJob.objects.order_by("-pk").first()
    assert job.status == JobStatus.CHECKED, (job.message, job.problems)
    client.post(f"/trao-doi/nhap/luot/{job.pk}/luu/")
    job = run_jobs(job)
    assert job.status == JobStatus.DONE, job.message
    return job


def _members(province) -> int:
    return members_on(timezone.localdate()).filter(cell__path__startswith=province.kb.path).count()


@pytest.mark.django_db(transaction=True)
def test_undo_a_members_import_removes_the_people_and_the_counts_go_back(
        province, personas, xlsx, client, make_member):
    make_member(province.kb_cell, "Hà Văn Cũ")
    before = _members(province)
    client.force_login(personas.kimboi)
    job = _saved(client, xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002",
                                                        "KB.01.02")], name="dot-1.xlsx"))
    assert _members(province) == before + 2
    page = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Hoàn tác lần nhập" in page

    confirm = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    assert "Xóa 2 người lần nhập này tạo" in confirm
    assert "Bùi Thị Hoa" in confirm and "Đinh Văn Nam" in confirm
    assert "Xác nhận hoàn tác" in confirm
    assert _members(province) == before + 2  # the screen changes nothing

    response = client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/", {"confirmed": "True"})
    assert response.status_code == 302
    assert _members(province) == before
    assert not Person.objects.filter(cccd__in=["017190000001", "017185000002"]).exists()
    assert Person.objects.filter(full_name="Hà Văn Cũ").exists()
    assert not MembershipEvent.objects.filter(person__full_name="Bùi Thị Hoa").exists()
    page = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Đã hoàn tác lúc" in page and "bởi kimboi" in page
    event = AuditEvent.objects.filter(action="import.undo").get()
    assert event.after["removed"] == {"people": 2, "memberships": 2, "events": 4}

    # Twice is refused; the same file can be imported again.
    again = client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/", {"confirmed": "True"})
    assert "đã được hoàn tác lúc" in again.content.decode()
    _saved(client, xlsx([member_row()], name="dot-2.xlsx"))
    assert _members(province) == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_later_event_on_an_imported_member_refuses_the_undo_naming_the_member(
        province, personas, xlsx, client):
    client.force_login(personas.kimboi)
    job = _saved(client, xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002")]))
    nam = Membership.objects.get(person__full_name="Đinh Văn Nam")
    membership_end(by=personas.kimboi, membership=nam, status=MemberStatus.TRANSFERRED_OUT,
                   ended_on=dt.date(2022, 6, 1), note="Chuyển đi tỉnh Phú Thọ")

    confirm = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    assert "Không hoàn tác được" in confirm
    assert ("Đảng viên Đinh Văn Nam: biến động Chuyển sinh hoạt đi ngày 01/06/2022 ghi sau "
            "lần nhập.") in confirm
    assert "Xác nhận hoàn tác" not in confirm
    response = client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/", {"confirmed": "True"})
    assert response.status_code == 409
    assert "Đinh Văn Nam" in response.content.decode()
    assert Person.objects.filter(cccd__in=["017190000001", "017185000002"]).count() == 2
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_undo_after_the_window_is_refused(province, personas, xlsx, client, settings):
    settings.DANGVIEN_IMPORT_UNDO_DAYS = 7
    client.force_login(personas.kimboi)
    job = _saved(client, xlsx([member_row()]))
    page = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "được hoàn tác đến" in page  # the page says until when
    # Saved 7 days and a minute ago.
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=job.finished_at - dt.timedelta(days=7, minutes=1))
    confirm = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    response = client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/", {"confirmed": "True"})
    with pytest.raises(CommandError, match="Chỉ hoàn tác được trong 7 ngày"):
        call_command("import", undo=job.pk, stdout=io.StringIO())
    assert "Chỉ hoàn tác được trong 7 ngày sau khi lưu" in confirm
    assert "Xác nhận hoàn tác" not in confirm
    assert response.status_code == 409
    assert Person.objects.filter(cccd="017190000001").exists()


@pytest.mark.django_db(transaction=True)
def test_undo_restores_the_address_an_import_changed(province, personas, xlsx, client):
    client.force_login(personas.kimboi)
    _saved(client, xlsx([[*member_row(), "Xóm Mớ Đá, xã Vĩnh Đồng"]], HEADERS_WITH_ADDRESS,
                        name="goc.xlsx"))
    hoa = Person.objects.get(cccd="017190000001")
    page_token = versions.token(hoa)  # an officer opens Hoa's edit form
    job = _saved(client, xlsx([[*member_row(), "Tổ 3, thị trấn Bo"]], HEADERS_WITH_ADDRESS,
                              name="sua.xlsx"))
    hoa.refresh_from_db()
    assert hoa.home_address == "Tổ 3, thị trấn Bo"
    # The import raised the row's version: the form opened before it is refused.
    with pytest.raises(versions.StaleRecord):
        versions.check(hoa, page_token)

    confirm = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    assert "Khôi phục thông tin cá nhân như trước lần nhập của 1 người: Bùi Thị Hoa (quê quán, " \
           "nơi ở)" in confirm
    client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/", {"confirmed": "True"})
    hoa.refresh_from_db()
    assert hoa.home_address == "Xóm Mớ Đá, xã Vĩnh Đồng"
    assert Person.objects.filter(cccd="017190000001").count() == 1  # the person stays


@pytest.mark.django_db(transaction=True)
def test_a_later_edit_of_a_changed_row_refuses_the_undo(province, personas, xlsx, client):
    client.force_login(personas.kimboi)
    _saved(client, xlsx([member_row()], name="goc.xlsx"))
    job = _saved(client, xlsx([member_row("Bùi Thị Hoà")], name="sua.xlsx"))
    hoa = Person.objects.get(cccd="017190000001")
    person_update(by=personas.kimboi, person=hoa, data={"home_address": "Xóm Chanh"})
    confirm = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    assert "Đảng viên Bùi Thị Hoà: thông tin cá nhân đã được sửa sau lần nhập (bởi kimboi" \
        in confirm
    hoa.refresh_from_db()
    assert (hoa.full_name, hoa.home_address) == ("Bùi Thị Hoà", "Xóm Chanh")


@pytest.mark.django_db(transaction=True)
def test_outside_the_scope_no_undo_a_superior_may(province, personas, xlsx, client):
    client.force_login(personas.kimboi)
    job = _saved(client, xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002",
                                                        "KB.01.02")]))
    for outsider in (personas.lacson, personas.secretary, personas.outsider):
        client.force_login(outsider)
        assert client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").status_code == 404
        assert client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/",
                           {"confirmed": "True"}).status_code == 404
    with pytest.raises(CommandError, match="Không tìm thấy lượt nhập"):
        call_command("import", undo=job.pk, user="lacson", stdout=io.StringIO())
    assert Person.objects.filter(cccd__in=["017190000001", "017185000002"]).count() == 2

    client.force_login(personas.provincial)  # Ban Tổ chức Tỉnh ủy: above the importer
    response = client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/", {"confirmed": "True"})
    assert response.status_code == 302
    assert not Person.objects.filter(cccd__in=["017190000001", "017185000002"]).exists()
    page = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "bởi tinhuy" in page


@pytest.mark.django_db(transaction=True)
def test_undo_from_the_command_line_lists_then_undoes(province, personas, xlsx, client):
    client.force_login(personas.kimboi)
    job = _saved(client, xlsx([member_row()]))
    out = io.StringIO()
    call_command("import", undo=job.pk, dry_run=True, user="kimboi", stdout=out)
    assert "Xóa 1 người lần nhập này tạo" in out.getvalue() and "Chạy thử" in out.getvalue()
    assert Person.objects.filter(cccd="017190000001").exists()
    out = io.StringIO()
    call_command("import", undo=job.pk, user="kimboi", stdout=out)
    assert "Đã hoàn tác lượt nhập." in out.getvalue()
    assert not Person.objects.filter(cccd="017190000001").exists()
    assert ImportJob.objects.get(pk=job.pk).undone_by == personas.kimboi


# --- units and allocations -------------------------------------------------------------------


def _unit_rows():
    return [["KB.03", "Đảng bộ xã Hợp Tiến", "KB", "Đảng bộ cơ sở", "Xã, phường, thị trấn", "Có",
             dt.date(2022, 1, 1), 9],
            ["KB.03.01", "Chi bộ xóm Đồi", "KB.03", "Chi bộ trực thuộc đảng ủy cơ sở",
             "Thôn, bản, tổ dân phố", "Có", dt.date(2022, 1, 1), None],
            ["KB.01", "Đảng bộ xã Vĩnh Đồng", "KB", "Đảng bộ cơ sở", "Xã, phường, thị trấn", "Có",
             dt.date(2020, 10, 1), 12]]


@pytest.mark.django_db(transaction=True)
def test_undo_a_units_import_removes_new_units_and_restores_details(
        province, personas, xlsx, client):
    client.force_login(personas.provincial)
    versions_before = OrgUnitVersion.objects.count()
    job = _saved(client, xlsx(_unit_rows(), UNIT_HEADERS, name="to-chuc.xlsx",
                              sheet="Tổ chức đảng"), slug="to-chuc")
    assert OrgUnit.objects.get(code="KB.01").village_count == 12
    confirm = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    assert "Xóa 2 đơn vị lần nhập này tạo: Đảng bộ xã Hợp Tiến (KB.03), Chi bộ xóm Đồi " \
           "(KB.03.01)" in confirm
    assert "Khôi phục như trước lần nhập: Đảng bộ xã Vĩnh Đồng (số thôn, bản, tổ dân phố)" \
        in confirm
    response = client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/", {"confirmed": "True"})
    assert response.status_code == 302
    assert not OrgUnit.objects.filter(code__in=["KB.03", "KB.03.01"]).exists()
    assert OrgUnit.objects.get(code="KB.01").village_count is None
    assert OrgUnit.objects.get(code="KB").numchild == 2
    assert OrgUnitVersion.objects.count() == versions_before
    # The tree is whole again: the same file imports again.
    _saved(client, xlsx(_unit_rows(), UNIT_HEADERS, name="lai.xlsx", sheet="Tổ chức đảng"),
           slug="to-chuc")
    assert OrgUnit.objects.filter(code__in=["KB.03", "KB.03.01"]).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_member_in_an_imported_cell_refuses_the_units_undo(
        province, personas, xlsx, client, make_member):
    client.force_login(personas.provincial)
    job = _saved(client, xlsx(_unit_rows()[:2], UNIT_HEADERS, name="to-chuc.xlsx",
                              sheet="Tổ chức đảng"), slug="to-chuc")
    make_member(OrgUnit.objects.get(code="KB.03.01"), "Lò Văn Pọm")
    confirm = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    assert "Không hoàn tác được" in confirm
    assert "Chi bộ xóm Đồi (KB.03.01): đảng viên Lò Văn Pọm ghi sau lần nhập." in confirm
    assert OrgUnit.objects.filter(code="KB.03.01").exists()


@pytest.mark.django_db(transaction=True)
def test_undo_an_allocations_import_puts_the_draft_targets_back(province, personas, xlsx, client):
    plan = plan_create(by=personas.provincial, unit=province.tu, year=2022, number="77-KH/TU",
                       title="Phát triển đảng viên năm 2022", target=300)
    draft = plan.versions.get()
    plan_allocate(by=personas.provincial, version=draft, allocations={province.kb: 150})
    client.force_login(personas.provincial)
    job = _saved(client, xlsx([["77-KH/TU", 2022, "KB", 160], ["77-KH/TU", 2022, "LS", 140]],
                              ALLOCATION_HEADERS, name="chi-tieu.xlsx", sheet="Chỉ tiêu giao"),
                 slug="chi-tieu")
    assert dict(Allocation.objects.filter(version=draft).values_list("unit__code", "target")) \
        == {"KB": 160, "LS": 140}
    confirm = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    assert "Khôi phục chỉ tiêu giao của Kế hoạch số 77-KH/TU năm 2022 như trước lần nhập: " \
           "Huyện ủy Kim Bôi 160 → 150; Huyện ủy Lạc Sơn 140 → (chưa giao)" in confirm
    client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/", {"confirmed": "True"})
    assert dict(Allocation.objects.filter(version=draft).values_list("unit__code", "target")) \
        == {"KB": 150}


@pytest.mark.django_db(transaction=True)
def test_a_later_allocation_on_the_page_refuses_the_allocations_undo(
        province, personas, xlsx, client):
    plan = plan_create(by=personas.provincial, unit=province.tu, year=2022, number="77-KH/TU",
                       title="Phát triển đảng viên năm 2022", target=300)
    draft = plan.versions.get()
    client.force_login(personas.provincial)
    job = _saved(client, xlsx([["77-KH/TU", 2022, "KB", 160]], ALLOCATION_HEADERS,
                              name="chi-tieu.xlsx", sheet="Chỉ tiêu giao"), slug="chi-tieu")
    plan_allocate(by=personas.provincial, version=draft,
                  allocations={province.kb: 170, province.ls: 130})
    confirm = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    assert "Chỉ tiêu giao của Kế hoạch số 77-KH/TU năm 2022 đã được sửa sau lần nhập (bởi " \
           "tinhuy" in confirm
    assert client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/",
                       {"confirmed": "True"}).status_code == 409
    assert Allocation.objects.filter(version=draft).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_candidates_import_says_it_cannot_be_undone_in_one_step(province, personas, xlsx,
                                                                   client):
    from .test_import_kinds import CANDIDATE_HEADERS

    client.force_login(personas.kimboi)
    row = ["Lường Thị Mai", "Nữ", dt.date(1998, 5, 1), "017198000123", "Mường",
           "Trung học phổ thông", "KB.01.01", "Đoàn TNCS Hồ Chí Minh", dt.date(2022, 1, 10)]
    job = _saved(client, xlsx([row], CANDIDATE_HEADERS, name="nguon.xlsx",
                              sheet="Quần chúng ưu tú"), slug="quan-chung")
    page = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Hoàn tác lần nhập" not in page
    confirm = client.get(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/").content.decode()
    assert "không hoàn tác được bằng một thao tác" in confirm
    client.post(f"/trao-doi/nhap/luot/{job.pk}/hoan-tac/", {"confirmed": "True"})
    assert Person.objects.filter(cccd="017198000123").exists()
