"""A large list exported by the job queue: longer than DANGVIEN_EXPORT_JOB_ROWS rows, the
"Tải Excel" address sends the user to a job page with a progress bar; the worker makes
the same file a direct download gives; each download is audited as a direct one; a user
who lost the role meanwhile gets no file; short lists still download directly."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from unittest import mock

import openpyxl
import pytest
from django.utils import timezone

from dangvien.accounts.models import RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.jobs.models import FileJob, FileJobStatus
from tests.jobs.helpers import file_dir, job_pk, run_jobs, streamed  # noqa: F401 - a fixture

from . import test_export as web
from .test_export import MEMBER_HEADERS, body, download, headers

pytestmark = pytest.mark.django_db
members = web.members

PARAMS = {"don-vi": "KB", "ngay": "31/05/2022"}


class _Frozen(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return dt.datetime(2022, 6, 1, 2, 30, tzinfo=dt.UTC)


@contextlib.contextmanager
def fixed_clock():
    """The two places a workbook holds the time it was made (the title block's "lúc 09:30",
    the document properties) fixed, so two files of the same list are the same bytes."""
    from dangvien.exchange.export import writer

    real, at = writer.by_line, _Frozen.now()
    with mock.patch.object(writer, "by_line", lambda by, _when: real(by, at)), \
            mock.patch("xlsxwriter.core.datetime", _Frozen):
        yield


def exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="export.list").order_by("pk"))


def test_a_large_list_is_made_by_a_job_with_the_same_file(client, personas, members, settings):
    client.force_login(personas.kimboi)
    with fixed_clock():
        direct = download(client, "dang-vien", **PARAMS)
        assert direct.status_code == 200
        direct_bytes = streamed(direct)
    [direct_audit] = exports()

    settings.DANGVIEN_EXPORT_JOB_ROWS = 50  # Kim Bôi has 63 members
    response = download(client, "dang-vien", **PARAMS)
    pk = job_pk(response)
    assert len(exports()) == 1  # nothing handed out yet
    job = FileJob.objects.get(pk=pk)
    assert (job.user, job.kind, job.total) == (personas.kimboi, "exchange.export", 63)
    assert job.params == {"kind": "dang-vien", "params": PARAMS}
    assert job.source_url == "/trao-doi/xuat/dang-vien/?don-vi=KB&ngay=31%2F05%2F2022"
    html = client.get(response["Location"]).content.decode()
    assert "<h1>Tải Excel: Danh sách đảng viên</h1>" in html
    assert "Đơn vị: Huyện ủy Kim Bôi (KB)." in html
    assert '<progress class="imp-bar" max="100" value="0"' in html
    assert '<span class="imp-done">0</span>/63 dòng' in html
    assert client.get(f"/tep/{pk}/tien-do/").json() == {
        "status": "cho_chay", "label": "Đang chờ", "done": 0, "total": 63, "percent": 0,
        "finished": False}
    # A second click while it waits finds the same job.
    assert job_pk(download(client, "dang-vien", **PARAMS)) == pk

    with fixed_clock():
        run_jobs()
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE, job.message
    assert (job.done, job.total) == (63, 63)
    html = client.get(f"/tep/{pk}/").content.decode()
    assert "Tệp đã tạo xong" in html and "(63 dòng)" in html
    assert "Tải về dang-vien-KB-31-05-2022.xlsx" in html

    got = client.get(f"/tep/{pk}/tai-ve/")
    assert got.status_code == 200
    for header in ("Content-Type", "Content-Disposition", "Content-Length"):
        assert got[header] == direct[header], header
    assert "no-store" in got["Cache-Control"]
    got_bytes = streamed(got)
    assert got_bytes == direct_bytes  # the same file, byte for byte
    sheet = openpyxl.load_workbook(io.BytesIO(got_bytes)).active
    assert headers(sheet) == MEMBER_HEADERS and len(body(sheet)) == 63
    assert sheet["A3"].value.startswith("Người xuất: kimboi;")

    # The download is audited as the direct one was; each download is one row.
    client.get(f"/tep/{pk}/tai-ve/")
    _, first, second = exports()
    for event in (first, second):
        assert event.actor == personas.kimboi and event.unit_path == direct_audit.unit_path
        assert event.object_id == direct_audit.object_id == "members"
        assert event.after == direct_audit.after
    assert first.after["rows"] == 63 and first.after["via"] == "web"


def test_short_lists_still_download_directly(client, personas, members, settings):
    settings.DANGVIEN_EXPORT_JOB_ROWS = 63
    client.force_login(personas.kimboi)
    response = download(client, "dang-vien", **PARAMS)
    assert response.status_code == 200 and len(exports()) == 1
    # Lists read whole to be built (the tree's counts) never count as large.
    settings.DANGVIEN_EXPORT_JOB_ROWS = 0
    assert download(client, "to-chuc", ngay="31/05/2022").status_code == 200
    assert FileJob.objects.count() == 0


def test_scope_is_checked_in_the_request_and_again_when_the_job_runs(client, personas,
                                                                     members, settings):
    settings.DANGVIEN_EXPORT_JOB_ROWS = 10
    client.force_login(personas.lacson)
    assert download(client, "dang-vien", **PARAMS).status_code == 404  # not Lạc Sơn's
    assert FileJob.objects.count() == 0

    client.force_login(personas.kimboi)
    pk = job_pk(download(client, "dang-vien", **PARAMS))
    # The Kim Bôi officer loses the role before a worker takes the job.
    RoleAssignment.objects.filter(user=personas.kimboi).delete()
    run_jobs()
    job = FileJob.objects.get(pk=pk)
    assert job.status == FileJobStatus.FAILED and job.refused and not job.stored_as
    assert job.message.startswith("Không tạo được tệp: ")
    assert "không còn được phân quyền xem dữ liệu này" in job.message
    html = client.get(f"/tep/{pk}/").content.decode()
    assert "Không tạo được tệp" in html and ">Chạy lại</button>" not in html
    assert client.get(f"/tep/{pk}/tai-ve/").status_code == 302  # back to the page: no file
    assert exports() == []


def test_a_dead_worker_then_run_again_gives_the_file(client, personas, members, settings):
    from tests.jobs.helpers import dead_worker

    settings.DANGVIEN_EXPORT_JOB_ROWS = 10
    client.force_login(personas.kimboi)
    pk = job_pk(download(client, "dang-vien", **PARAMS))
    FileJob.objects.filter(pk=pk).update(status=FileJobStatus.RUNNING, worker=dead_worker(),
                                         started_at=timezone.now(), done=20)
    html = client.get(f"/tep/{pk}/").content.decode()
    assert "Việc tạo tệp bị dừng giữa chừng" in html and ">Chạy lại</button>" in html
    client.post(f"/tep/{pk}/chay-lai/")
    run_jobs()
    got = client.get(f"/tep/{pk}/tai-ve/")
    assert got.status_code == 200
    assert len(body(openpyxl.load_workbook(io.BytesIO(streamed(got))).active)) == 63


def test_another_user_gets_404_for_the_job_and_its_file(client, personas, members, settings):
    settings.DANGVIEN_EXPORT_JOB_ROWS = 10
    client.force_login(personas.kimboi)
    pk = job_pk(download(client, "dang-vien", **PARAMS))
    run_jobs()
    client.force_login(personas.provincial)  # sees Kim Bôi, but it is not his job
    for path in ("", "tien-do/", "tai-ve/"):
        assert client.get(f"/tep/{pk}/{path}").status_code == 404
    assert exports() == []
