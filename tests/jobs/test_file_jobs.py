"""File jobs (việc tạo tệp) on their own, with a small producer of test files: the page and
its progress, the download only to the job's own user (404 for anyone else), a worker that
died (failed, "Chạy lại", runs again), a system error, a refusal, a second click, and the
files deleted after their days."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from dangvien.jobs import files
from dangvien.jobs.files import FileJobError, FileKind, Produced
from dangvien.jobs.models import FileJob, FileJobStatus

from .helpers import dead_worker, file_dir, run_jobs, streamed  # noqa: F401 - file_dir: a fixture

pytestmark = pytest.mark.django_db

DOWNLOADS: list[tuple[int, str]] = []


def _produce(job, target, progress):
    what = job.params.get("what", "")
    if what == "hong":
        raise RuntimeError("boom")
    if what == "cam":
        raise FileJobError("Không tìm thấy đơn vị KB trong phạm vi bạn phụ trách.")
    progress(1, 2)
    target.write_text(f"Nội dung: {what}\n", encoding="utf-8")
    return Produced(file_name=f"thu-{what}.txt", content_type="text/plain; charset=utf-8",
                    count=2, result={"what": what})


def _audit(job, user):
    DOWNLOADS.append((job.pk, user.username))


@pytest.fixture(autouse=True)
def kind():
    files.register(FileKind(name="tests.echo", produce=_produce, audit=_audit, unit="bước"))
    DOWNLOADS.clear()
    yield
    files._KINDS.pop("tests.echo", None)


def create(user, what="a", **kw) -> FileJob:
    return files.file_job_create(user=user, kind="tests.echo", label="Tệp thử", params={
        "what": what}, total=2, note="Đơn vị: Huyện ủy Kim Bôi (KB).",
        source_url=f"/thu/?what={what}", **kw)


def test_a_job_page_shows_progress_then_offers_the_file(client, personas, file_dir):  # noqa: F811
    client.force_login(personas.kimboi)
    job = create(personas.kimboi)
    assert job.task_id
    html = client.get(f"/tep/{job.pk}/").content.decode()
    assert "<h1>Tệp thử</h1>" in html and "Đơn vị: Huyện ủy Kim Bôi (KB)." in html
    assert "Tình trạng: <b>Đang chờ</b>" in html
    assert '<progress class="imp-bar" max="100" value="0"' in html
    assert f'data-src="/tep/{job.pk}/tien-do/"' in html
    assert "/static/exchange/progress.js" in html
    assert "Chưa có tiến trình xử lý nền nào đang chạy" in html  # nobody runs a worker here
    # Halfway (as the worker's progress thread writes it).
    FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.RUNNING, done=1,
                                             worker="may-khac:1:a")
    from dangvien.jobs.models import WorkerProcess

    WorkerProcess.objects.create(worker_id="may-khac:1:a", host="may-khac", pid=1,
                                 seen_at=timezone.now())
    assert client.get(f"/tep/{job.pk}/tien-do/").json() == {
        "status": "dang_chay", "label": "Đang tạo tệp", "done": 1, "total": 2, "percent": 50,
        "finished": False}
    html = client.get(f"/tep/{job.pk}/").content.decode()
    assert 'value="50"' in html and '<span class="imp-done">1</span>/2 bước' in html
    FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.WAITING, done=0, worker="")

    run_jobs()
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE, job.message
    assert (job.done, job.total, job.file_name) == (2, 2, "thu-a.txt")
    assert job.expires_at == job.finished_at + dt.timedelta(days=2)
    assert (file_dir / job.stored_as).read_text(encoding="utf-8") == "Nội dung: a\n"
    assert [p.name for p in file_dir.iterdir()] == [job.stored_as]  # no .part left
    assert client.get(f"/tep/{job.pk}/tien-do/").json()["finished"] is True
    html = client.get(f"/tep/{job.pk}/").content.decode()
    assert "Tệp đã tạo xong" in html and f'href="/tep/{job.pk}/tai-ve/"' in html
    assert "Tải về thu-a.txt" in html and "<progress" not in html
    assert DOWNLOADS == []  # making the file is not handing it out

    response = client.get(f"/tep/{job.pk}/tai-ve/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="thu-a.txt"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert streamed(response).decode() == "Nội dung: a\n"
    client.get(f"/tep/{job.pk}/tai-ve/")
    assert DOWNLOADS == [(job.pk, "kimboi")] * 2  # one audit row per download


def test_only_the_jobs_own_user_sees_it(client, personas):
    job = create(personas.kimboi)
    run_jobs()
    for user in (personas.lacson, personas.provincial, personas.outsider):
        client.force_login(user)
        for path in ("", "tien-do/", "tai-ve/"):
            assert client.get(f"/tep/{job.pk}/{path}").status_code == 404, (user, path)
        assert client.post(f"/tep/{job.pk}/chay-lai/").status_code == 404
    client.logout()
    assert client.get(f"/tep/{job.pk}/tai-ve/")["Location"].startswith("/tai-khoan/dang-nhap")
    assert DOWNLOADS == []
    client.force_login(personas.kimboi)
    assert client.get(f"/tep/{job.pk}/tai-ve/").status_code == 200
    assert client.get("/tep/999999/").status_code == 404
    # "Tệp của tôi" lists one's own files only.
    create(personas.lacson, "cua-lac-son")
    html = client.get("/tep/").content.decode()
    assert f'href="/tep/{job.pk}/">Tệp thử</a>' in html and "Đã xong" in html
    assert html.count('href="/tep/') == 1
    client.force_login(personas.outsider)
    assert "Chưa có tệp nào trong 2 ngày qua." in client.get("/tep/").content.decode()
    assert 'href="/tep/">Tệp của tôi</a>' in client.get("/tai-khoan/").content.decode()


def test_a_job_whose_worker_died_is_failed_and_runs_again(client, personas):
    """The worker process that ran it is gone (killed, machine restarted): the page says
    so and "Chạy lại" queues it again; a worker then makes the file."""
    client.force_login(personas.kimboi)
    job = create(personas.kimboi)
    FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.RUNNING, worker=dead_worker(),
                                             started_at=timezone.now(), done=1)
    html = client.get(f"/tep/{job.pk}/").content.decode()
    assert "Việc tạo tệp bị dừng giữa chừng" in html and ">Chạy lại</button>" in html
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and job.can_retry
    assert client.get(f"/tep/{job.pk}/tien-do/").json()["finished"] is True
    assert client.get(f"/tep/{job.pk}/tai-ve/")["Location"] == f"/tep/{job.pk}/"  # no file

    assert client.post(f"/tep/{job.pk}/chay-lai/")["Location"] == f"/tep/{job.pk}/"
    job.refresh_from_db()
    assert job.status == FileJobStatus.WAITING and job.worker == "" and job.message == ""
    run_jobs()
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE
    assert client.get(f"/tep/{job.pk}/tai-ve/").status_code == 200
    # A finished job is not run again.
    client.post(f"/tep/{job.pk}/chay-lai/")
    assert FileJob.objects.get(pk=job.pk).status == FileJobStatus.DONE


def test_a_system_error_can_be_run_again_a_refusal_cannot(client, personas, file_dir):  # noqa: F811
    client.force_login(personas.kimboi)
    broken, refused = create(personas.kimboi, "hong"), create(personas.kimboi, "cam")
    run_jobs()
    broken.refresh_from_db()
    refused.refresh_from_db()
    assert broken.status == refused.status == FileJobStatus.FAILED
    assert broken.can_retry and "Có lỗi hệ thống khi tạo tệp" in broken.message
    html = client.get(f"/tep/{broken.pk}/").content.decode()
    assert ">Chạy lại</button>" in html
    assert not refused.can_retry and refused.refused
    html = client.get(f"/tep/{refused.pk}/").content.decode()
    assert "Không tìm thấy đơn vị KB trong phạm vi bạn phụ trách." in html
    assert ">Chạy lại</button>" not in html
    client.post(f"/tep/{refused.pk}/chay-lai/")
    assert FileJob.objects.get(pk=refused.pk).status == FileJobStatus.FAILED
    assert list(file_dir.iterdir()) == []  # nothing half-written is left


def test_a_locked_account_gets_no_file(personas):
    job = create(personas.kimboi)
    personas.kimboi.is_active = False
    personas.kimboi.save()
    run_jobs()
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and job.refused
    assert job.message == "Tài khoản đã bị khóa nên không tạo được tệp."


def test_a_second_click_finds_the_job_still_waiting(personas):
    first = create(personas.kimboi)
    assert create(personas.kimboi).pk == first.pk
    assert create(personas.kimboi, "b").pk != first.pk
    assert create(personas.lacson).pk != first.pk
    run_jobs()
    assert create(personas.kimboi).pk != first.pk  # a finished file is not made again


def test_files_are_deleted_after_their_days(client, personas, file_dir, settings):  # noqa: F811
    client.force_login(personas.kimboi)
    job = create(personas.kimboi)
    run_jobs()
    job.refresh_from_db()
    path = file_dir / job.stored_as
    old = (timezone.now() - dt.timedelta(days=3)).timestamp()
    orphan = file_dir / "fedcba9876543210fedcba9876543210.xlsx"  # a worker died writing it
    orphan.write_bytes(b"PK")
    os.utime(orphan, (old, old))
    fresh = file_dir / "00000000000000000000000000000000.part"  # being written now
    fresh.write_bytes(b"PK")
    other = file_dir / "ghi-chu.txt"  # not ours
    other.write_text("x")
    os.utime(other, (old, old))

    assert files.file_jobs_clean() == 1  # only the old orphan: the job's file is kept 2 days
    assert path.exists() and not orphan.exists() and fresh.exists() and other.exists()

    # Two days and a bit later someone creates a job: the file goes, the page says so.
    later = timezone.now() + dt.timedelta(days=2, minutes=1)
    assert files.file_jobs_clean(now=later) == 2  # the job's file and the .part now old
    assert not path.exists() and not fresh.exists() and other.exists()
    job.refresh_from_db()
    assert job.stored_as == "" and job.status == FileJobStatus.DONE and not job.ready
    html = client.get(f"/tep/{job.pk}/").content.decode()
    assert "Tệp đã bị xóa khỏi máy chủ (tệp chỉ được giữ 2 ngày sau khi tạo)." in html
    assert 'href="/thu/?what=a">Tạo lại tệp</a>' in html
    response = client.get(f"/tep/{job.pk}/tai-ve/")
    assert response["Location"] == f"/tep/{job.pk}/"
    assert "chưa tạo xong hoặc đã bị xóa" in client.get(response["Location"]).content.decode()
    assert DOWNLOADS == []

    # The keep time is a setting; creating a job cleans.
    settings.DANGVIEN_FILE_JOB_KEEP_DAYS = 0
    create(personas.kimboi, "b")
    run_jobs()
    newest = FileJob.objects.latest("pk")
    assert newest.expires_at == newest.finished_at
    create(personas.kimboi, "c")
    newest.refresh_from_db()
    assert newest.stored_as == ""
