"""Uploaded files under var/imports/ do not pile up: a job's file goes once the job is
saved, failed or found wrong; a checked file not saved within DANGVIEN_IMPORT_KEEP_DAYS
days goes at the next upload (and its job says so)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from dangvien.exchange.models import ImportJob, JobStatus
from dangvien.people.models import Person

from .conftest import member_row, run_jobs


@pytest.fixture
def folder(settings, tmp_path):
    settings.DANGVIEN_IMPORT_DIR = tmp_path / "imports"
    settings.DANGVIEN_IMPORT_KEEP_DAYS = 7
    return settings.DANGVIEN_IMPORT_DIR


def _upload(client, path):
    with path.open("rb") as fh:
        response = client.post("/trao-doi/nhap/dang-vien/", {"tep": fh})
    assert response.status_code == 302
    run_jobs()
    return ImportJob.objects.order_by("-pk").first()


def _files(folder) -> set[str]:
    return {p.name for p in folder.glob("*")}


@pytest.mark.django_db(transaction=True)
def test_a_job_file_is_deleted_once_it_is_no_longer_needed(province, personas, xlsx, client,
                                                           folder):
    client.force_login(personas.kimboi)
    bad = _upload(client, xlsx([member_row(birth="31/02/1990")], name="loi.xlsx"))
    assert bad.status == JobStatus.INVALID and bad.stored_as == ""
    assert _files(folder) == set()  # a file with errors is uploaded again once fixed

    good = _upload(client, xlsx([member_row()], name="tot.xlsx"))
    assert good.status == JobStatus.CHECKED
    assert _files(folder) == {good.stored_as}  # kept until "Lưu"
    client.post(f"/trao-doi/nhap/luot/{good.pk}/luu/")
    good = run_jobs(good)
    assert good.status == JobStatus.DONE and Person.objects.count() == 1
    assert good.stored_as == "" and _files(folder) == set()
    # The job page still shows what was saved.
    html = client.get(f"/trao-doi/nhap/luot/{good.pk}/").content.decode()
    assert "Đã lưu xong" in html and "tot.xlsx" in html


@pytest.mark.django_db(transaction=True)
def test_a_save_that_finds_new_errors_deletes_its_file(province, personas, xlsx, client, folder,
                                                       make_member):
    client.force_login(personas.kimboi)
    job = _upload(client, xlsx([member_row(cccd="017190000009")]))
    assert job.status == JobStatus.CHECKED
    # Meanwhile the same person was registered in a cell the officer does not manage.
    make_member(province.ls_cell, "Bùi Thị Hoa", cccd="017190000009")
    client.post(f"/trao-doi/nhap/luot/{job.pk}/luu/")
    job = run_jobs(job)
    assert job.status == JobStatus.FAILED and job.stored_as == ""
    assert _files(folder) == set()


@pytest.mark.django_db(transaction=True)
def test_files_not_saved_within_the_set_days_go_at_the_next_upload(province, personas, xlsx,
                                                                   client, folder):
    client.force_login(personas.kimboi)
    old = _upload(client, xlsx([member_row()], name="cu.xlsx"))
    recent = _upload(client, xlsx([member_row()], name="moi.xlsx"))
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    ImportJob.objects.filter(pk=recent.pk).update(created_at=timezone.now() - dt.timedelta(days=6))
    stray_old, stray_new = folder / "mo-coi-cu.xlsx", folder / "mo-coi-moi.xlsx"
    stray_old.write_bytes(b"PK")
    stray_new.write_bytes(b"PK")
    eight_days = (timezone.now() - dt.timedelta(days=8)).timestamp()
    os.utime(stray_old, (eight_days, eight_days))
    # Left by processes killed mid-import two days ago: a stage file, a sheet's pieces.
    stage, pieces = folder / "abc.stage", folder / "dv-tach-abc"
    stage.write_bytes(b"")
    pieces.mkdir()
    (pieces / "1.xlsx").write_bytes(b"PK")
    two_days = (timezone.now() - dt.timedelta(days=2)).timestamp()
    for path in (stage, pieces):
        os.utime(path, (two_days, two_days))

    third = _upload(client, xlsx([member_row()], name="ba.xlsx"))
    assert _files(folder) == {recent.stored_as, third.stored_as, stray_new.name}
    old.refresh_from_db()
    assert (old.status, old.stored_as) == (JobStatus.INVALID, "")
    assert old.message == ("Tệp đã tải lên quá 7 ngày mà chưa được lưu nên đã bị xóa khỏi máy "
                           "chủ. Hãy tải tệp lên lại.")
    html = client.get(f"/trao-doi/nhap/luot/{old.pk}/").content.decode()
    assert "quá 7 ngày" in html and ">Lưu</button>" not in html
    assert client.post(f"/trao-doi/nhap/luot/{old.pk}/luu/").status_code == 302
    old.refresh_from_db()
    assert old.status == JobStatus.INVALID and Person.objects.count() == 0
