"""The import pages: upload → check with errors → fixed file → check → save (a background
job) → done; progress that survives a reload; a job whose worker died is failed."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangvien.exchange.models import ImportJob, JobStatus
from dangvien.people.models import Person

from .conftest import member_row, run_jobs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, path, slug="dang-vien"):
    with path.open("rb") as fh:
        response = client.post(f"/trao-doi/nhap/{slug}/", {"tep": fh})
    run_jobs()  # the check is a job of the queue
    return response


@pytest.mark.django_db(transaction=True)
def test_upload_errors_fix_save_done(province, personas, xlsx, client):
    client.force_login(personas.kimboi)
    page = client.get("/trao-doi/")
    assert page.status_code == 200
    assert "Tải mẫu Excel" in page.content.decode()
    template = client.get("/trao-doi/mau/dang-vien/")
    assert template["Content-Type"] == XLSX
    assert template.content[:2] == b"PK"

    bad = xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002", birth="31/02/1990")],
               name="loi.xlsx")
    response = _upload(client, bad)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/trao-doi/nhap/luot/{job.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert job.status == JobStatus.INVALID
    assert "Các lỗi cần sửa (1 lỗi ở 1 dòng)" in html
    assert "<td data-label=\"Dòng\" class=\"n\">3</td><td data-label=\"Cột\">Ngày sinh</td>" in html
    assert "&#x27;31/02/1990&#x27; không phải ngày hợp lệ" in html
    assert ">Lưu</button>" not in html
    assert Person.objects.count() == 0

    good = xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002")], name="da-sua.xlsx")
    response = _upload(client, good)
    job = ImportJob.objects.get(file_name="da-sua.xlsx")
    html = client.get(response["Location"]).content.decode()
    assert job.status == JobStatus.CHECKED
    assert "Tệp không có lỗi" in html and ">Lưu</button>" in html
    assert Person.objects.count() == 0  # nothing saved before "Lưu"

    response = client.post(f"/trao-doi/nhap/luot/{job.pk}/luu/")
    assert response.status_code == 302
    job = run_jobs(job)
    assert job.status == JobStatus.DONE, job.message
    assert (job.new, job.changed, job.unchanged) == (2, 0, 0)
    assert Person.objects.count() == 2
    status = client.get(f"/trao-doi/nhap/luot/{job.pk}/tien-do/").json()
    assert status == {"status": "xong", "label": "Đã lưu xong", "done": 2, "total": 2,
                      "percent": 100, "finished": True}
    html = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Đã lưu xong" in html and "2 mới, 0 thay đổi, 0 không đổi" in html
    # Saving twice does nothing more.
    client.post(f"/trao-doi/nhap/luot/{job.pk}/luu/")
    assert Person.objects.count() == 2

    # The same file again: nothing new, nothing changed.
    response = _upload(client, good)
    again = ImportJob.objects.order_by("-pk").first()
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)


@pytest.mark.django_db(transaction=True)
def test_a_save_that_finds_new_errors_writes_nothing(province, personas, xlsx, client,
                                                     make_member):
    client.force_login(personas.kimboi)
    _upload(client, xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002")]))
    job = ImportJob.objects.get()
    assert job.status == JobStatus.CHECKED
    # Meanwhile someone registers the second CCCD in Lạc Sơn.
    make_member(province.ls_cell, "Hà Văn Lạc", cccd="017185000002")
    client.post(f"/trao-doi/nhap/luot/{job.pk}/luu/")
    job = run_jobs(job)
    assert job.status == JobStatus.FAILED
    assert job.problems[0]["row"] == 3
    assert Person.objects.count() == 1  # only the Lạc Sơn member


def test_jobs_are_private_and_outsiders_cannot_import(province, personas, xlsx, client):
    client.force_login(personas.kimboi)
    _upload(client, xlsx([member_row()]))
    job = ImportJob.objects.get()
    client.force_login(personas.lacson)
    assert client.get(f"/trao-doi/nhap/luot/{job.pk}/").status_code == 404
    assert client.post(f"/trao-doi/nhap/luot/{job.pk}/luu/").status_code == 404
    client.force_login(personas.outsider)
    assert client.get("/trao-doi/").status_code == 404
    assert client.get("/trao-doi/mau/dang-vien/").status_code == 404
    assert client.get("/trao-doi/nhap/dang-vien/").status_code == 404


def test_a_bad_file_and_a_file_too_large_on_the_web(province, personas, client, settings):
    client.force_login(personas.kimboi)
    fake = SimpleUploadedFile("anh.xlsx", b"\x89PNG\r\n\x1a\n....", content_type=XLSX)
    response = client.post("/trao-doi/nhap/dang-vien/", {"tep": fake})
    run_jobs()
    html = client.get(response["Location"]).content.decode()
    assert "Tệp &#x27;anh.xlsx&#x27; không phải tệp Excel (.xlsx)." in html
    settings.DANGVIEN_IMPORT_MAX_BYTES = 1000
    big = SimpleUploadedFile("lon.xlsx", b"PK\x03\x04" + b"0" * 2000, content_type=XLSX)
    response = client.post("/trao-doi/nhap/dang-vien/", {"tep": big})
    job = ImportJob.objects.get(file_name="lon.xlsx")
    assert job.status == JobStatus.INVALID and "vượt giới hạn" in job.message
    assert job.stored_as == ""  # not kept
    assert client.post("/trao-doi/nhap/dang-vien/", {}).status_code == 400


def test_a_job_whose_worker_died_is_failed_and_runs_again(province, personas, client, xlsx,
                                                          settings, tmp_path):
    """The worker process that ran it is gone (killed, machine restarted): the page says
    so, nothing was written, and "Chạy lại" queues the same file again."""
    settings.DANGVIEN_IMPORT_DIR = tmp_path / "imports"
    client.force_login(personas.kimboi)
    _upload(client, xlsx([member_row()]))
    job = ImportJob.objects.get()
    client.post(f"/trao-doi/nhap/luot/{job.pk}/luu/")
    job.refresh_from_db()
    # A worker on this machine took it, then died: its process no longer exists.
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, worker=f"{socket.gethostname()[:40]}:{2**22 + 12345}:dead",
        started_at=timezone.now())
    html = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Lượt lưu bị dừng giữa chừng" in html and "không có dữ liệu nào được ghi" in html
    assert ">Chạy lại</button>" in html
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert client.get(f"/trao-doi/nhap/luot/{job.pk}/tien-do/").json()["finished"] is True
    assert Person.objects.count() == 0

    response = client.post(f"/trao-doi/nhap/luot/{job.pk}/chay-lai/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    html = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Chưa có tiến trình xử lý nền nào đang chạy" in html  # nobody runs a worker here
    job = run_jobs(job)
    assert job.status == JobStatus.DONE and Person.objects.count() == 1
    # A finished job is not run again.
    assert client.post(f"/trao-doi/nhap/luot/{job.pk}/chay-lai/").status_code == 302
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE


def test_a_worker_on_another_machine_is_judged_by_its_heartbeat(province, personas, client):
    from dangvien.jobs.models import WorkerProcess

    client.force_login(personas.kimboi)
    alive = WorkerProcess.objects.create(worker_id="may-khac:77:a", host="may-khac", pid=77,
                                         seen_at=timezone.now())
    silent = WorkerProcess.objects.create(worker_id="may-khac:78:b", host="may-khac", pid=78,
                                          seen_at=timezone.now() - dt.timedelta(minutes=5))
    jobs_ = [ImportJob.objects.create(
        user=personas.kimboi, kind="members", file_name=f"{w.pid}.xlsx", stored_as="x.xlsx",
        rows=10, status=JobStatus.RUNNING, worker=w.worker_id, started_at=timezone.now())
        for w in (alive, silent)]
    for job in jobs_:
        client.get(f"/trao-doi/nhap/luot/{job.pk}/")
        job.refresh_from_db()
    assert [j.status for j in jobs_] == [JobStatus.RUNNING, JobStatus.FAILED]


def test_pages_offer_the_template_and_import_only_to_editors(province, personas, client):
    from dangvien.accounts.models import Role, RoleAssignment

    client.force_login(personas.kimboi)
    html = client.get("/to-chuc/KB.01.01/").content.decode()
    assert 'href="/trao-doi/mau/dang-vien/"' in html and 'href="/trao-doi/nhap/dang-vien/"' in html
    assert 'href="/trao-doi/nhap/quan-chung/"' in client.get("/ket-nap/").content.decode()
    viewer = personas.outsider
    RoleAssignment.objects.create(user=viewer, unit=province.kb, role=Role.VIEWER)
    client.force_login(viewer)
    html = client.get("/to-chuc/KB.01.01/").content.decode()
    assert "Nhập từ Excel" not in html and "/trao-doi/mau/" not in html


def test_allocations_template_from_the_plan_page_lists_its_units(province, personas, client,
                                                                 tmp_path):
    import openpyxl

    from dangvien.plans.services import plan_allocate, plan_create

    plan = plan_create(by=personas.provincial, unit=province.tu, year=2022, number="77-KH/TU",
                       title="về phát triển đảng viên năm 2022", target=300)
    plan_allocate(by=personas.provincial, version=plan.versions.get(),
                  allocations={province.kb: 150})
    client.force_login(personas.provincial)
    html = client.get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert f'href="/trao-doi/mau/chi-tieu/?ke-hoach={plan.pk}"' in html
    response = client.get(f"/trao-doi/mau/chi-tieu/?ke-hoach={plan.pk}")
    path = tmp_path / "chi-tieu.xlsx"
    path.write_bytes(response.content)
    rows = list(openpyxl.load_workbook(path)["Chỉ tiêu giao"].iter_rows(values_only=True))
    assert rows[1:] == [("77-KH/TU", 2022, "KB — Huyện ủy Kim Bôi", 150),
                        ("77-KH/TU", 2022, "LS — Huyện ủy Lạc Sơn", None)]
    # Another district's officer cannot get this plan's template.
    client.force_login(personas.lacson)
    assert client.get(f"/trao-doi/mau/chi-tieu/?ke-hoach={plan.pk}").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_preview_shows_each_change_old_to_new(province, personas, xlsx, client):
    """"1 thay đổi" names what changes before "Lưu": the address that would be replaced."""
    from .conftest import imp

    imp(xlsx([member_row()], name="a.xlsx"), personas.kimboi)
    client.force_login(personas.kimboi)
    moved = member_row("Bùi Thị Hoa", gender="Nam")
    _upload(client, xlsx([moved], name="sua.xlsx"))
    job = ImportJob.objects.get(file_name="sua.xlsx")
    html = client.get(f"/trao-doi/nhap/luot/{job.pk}/").content.decode()
    assert "Các thay đổi sẽ được lưu (1 dòng)" in html
    assert ('<td data-label="Dòng" class="n">2</td><td data-label="Cột">Giới tính</td>'
            '<td data-label="Đang lưu">Nữ</td><td data-label="Sẽ thành">Nam</td>') in html
    assert Person.objects.get().gender == "nu"  # nothing saved before "Lưu"
