"""Import jobs on the web: keep the upload, check it, save it in a background thread.

`dangvien serve` is waitress, one process with threads, so the save runs in a thread the
view starts; the whole save is one database transaction, so a thread or a process that
dies mid-way leaves nothing written. Progress lives in this process's memory (the row is
inside the uncommitted transaction, invisible to other connections, and on SQLite a
second writer would wait for it); the job row records which process and thread run it,
so a page that finds the worker gone marks the job failed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from dangvien.core import vn

from . import kinds
from .importer import ImportResult, run_import
from .models import ACTIVE, ImportJob, JobStatus
from .reader import FileProblem, max_bytes

log = logging.getLogger(__name__)

#: Problems stored on the job row (the preview shows them; the count is always exact).
STORED_PROBLEMS = 2000
_THREADS: dict[int, threading.Thread] = {}
_PROGRESS: dict[int, tuple[int, int]] = {}
_LOCK = threading.Lock()
DIED = ("Lượt lưu bị dừng giữa chừng (máy chủ khởi động lại hoặc tiến trình bị dừng): không có "
        "dữ liệu nào được ghi. Hãy tải tệp lên lại và bấm “Lưu”.")


def _host_pid() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def upload_dir() -> Path:
    path = Path(settings.DANGVIEN_IMPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_path(job: ImportJob) -> Path:
    return upload_dir() / job.stored_as


def _discard(job: ImportJob) -> None:
    """Delete the job's file: a job that is saved, failed or found wrong never reads it
    again (saving again means uploading again). The row keeps the name and the sha256."""
    if job.stored_as:
        with contextlib.suppress(OSError):
            job_path(job).unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(stored_as="")
        job.stored_as = ""


EXPIRED = ("Tệp đã tải lên quá {days} ngày mà chưa được lưu nên đã bị xóa khỏi máy chủ. Hãy tải "
           "tệp lên lại.")


def clean_uploads(now=None) -> int:
    """Delete the files of checked jobs not saved within `DANGVIEN_IMPORT_KEEP_DAYS` days
    (the job becomes "Có lỗi, chưa lưu" and says why), and files no job refers to that old
    (a process that died between writing the file and recording the job). Runs on every
    upload; returns the number of files deleted."""
    days = settings.DANGVIEN_IMPORT_KEEP_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted = 0
    for job in ImportJob.objects.filter(status=JobStatus.CHECKED, created_at__lt=cutoff) \
            .exclude(stored_as=""):
        claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
            status=JobStatus.INVALID, message=EXPIRED.format(days=days),
            updated_at=timezone.now())
        if claimed:  # not claimed: a save started meanwhile and needs the file
            _discard(job)
            deleted += 1
    folder = upload_dir()
    kept = set(ImportJob.objects.exclude(stored_as="").values_list("stored_as", flat=True))
    for path in folder.glob("*.xlsx"):
        with contextlib.suppress(OSError):
            if path.name not in kept and path.stat().st_mtime < cutoff.timestamp():
                path.unlink()
                deleted += 1
    return deleted


def job_create(*, user, kind: str, upload) -> ImportJob:
    """Keep the uploaded file and check it (a dry run); the job says what was found."""
    kind_cls = kinds.get(kind)
    clean_uploads()
    name = Path(upload.name or "tep.xlsx").name[:255]
    job = ImportJob(user=user, kind=kind_cls.name, file_name=name, size=upload.size or 0,
                    stored_as=f"{uuid.uuid4().hex}.xlsx")
    if job.size > max_bytes():
        job.status = JobStatus.INVALID
        job.message = (
            f"Tệp '{name}' có dung lượng {vn.format_number(job.size / 2**20, 1)} MB, vượt giới "
            f"hạn {vn.format_number(max_bytes() / 2**20, 1)} MB. Hãy chia thành nhiều tệp nhỏ hơn.")
        job.stored_as = ""
        job.save()
        return job
    with job_path(job).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    # Until the check has finished the job cannot be saved (a check that crashed stays so).
    job.status = JobStatus.INVALID
    job.message = "Việc kiểm tra tệp bị dừng giữa chừng. Hãy tải tệp lên lại."
    job.save()
    result = run_import(kind=kind_cls, path=job_path(job), user=user, dry_run=True,
                        file_name=name)
    _record(job, result)
    job.status = JobStatus.CHECKED if result.ok else JobStatus.INVALID
    job.save()
    if job.status != JobStatus.CHECKED:
        _discard(job)
    return job


def _record(job: ImportJob, result: ImportResult) -> None:
    job.sha256 = result.sha256
    job.rows = result.rows
    job.new, job.changed = result.counts.new, result.counts.changed
    job.unchanged, job.error_rows = result.counts.unchanged, result.counts.error_rows
    job.problem_count = result.problem_count
    job.problems = [p.as_dict() for p in result.problems[:STORED_PROBLEMS]]
    job.warnings = [p.as_dict() for p in result.warnings[:STORED_PROBLEMS]]
    job.message = result.file_problem or ""


def job_start(job: ImportJob) -> bool:
    """Queue the save of a checked job and start its thread; False if it was not waiting
    to be saved (a second click, another tab)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.QUEUED, worker=_host_pid(), done_rows=0, message="",
        updated_at=timezone.now())
    if not claimed:
        return False
    job.refresh_from_db()
    thread = threading.Thread(target=_run, args=(job.pk,), name=f"import-{job.pk}", daemon=True)
    with _LOCK:
        _THREADS[job.pk] = thread
        _PROGRESS[job.pk] = (0, job.rows)
    thread.start()
    return True


def _run(pk: int) -> None:
    close_old_connections()
    try:
        job = ImportJob.objects.select_related("user").get(pk=pk)
        ImportJob.objects.filter(pk=pk).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(),
            worker=f"{_host_pid()}:{threading.get_ident()}")

        def progress(done: int, total: int) -> None:
            _PROGRESS[pk] = (done, total)

        result = run_import(kind=job.kind, path=job_path(job), user=job.user, dry_run=False,
                            file_name=job.file_name, progress=progress, audit_id=str(pk))
        _record(job, result)
        job.status = JobStatus.DONE if result.committed else JobStatus.FAILED
        if not result.committed and not job.message:
            job.message = ("Dữ liệu đã thay đổi từ lúc kiểm tra: có dòng không hợp lệ nữa. "
                           "Không có dữ liệu nào được ghi; hãy sửa tệp và tải lên lại.")
        job.done_rows = result.rows
        job.finished_at = timezone.now()
        job.save()
        _discard(job)
    except Exception:  # the thread must leave a verdict whatever happened
        log.exception("Lượt nhập #%s dừng vì lỗi", pk)
        ImportJob.objects.filter(pk=pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(),
            message="Có lỗi hệ thống khi lưu: không có dữ liệu nào được ghi. Hãy thử lại; nếu "
                    "vẫn lỗi, hãy báo quản trị viên.")
        with contextlib.suppress(Exception):
            _discard(ImportJob.objects.get(pk=pk))
    finally:
        with _LOCK:
            _PROGRESS.pop(pk, None)
        connections.close_all()


def _alive(job: ImportJob) -> bool | None:
    """Whether the job's worker still runs (None: another live process, cannot tell)."""
    parts = job.worker.split(":")
    if len(parts) < 2:
        return False
    host, pid = parts[0], parts[1]
    if host != socket.gethostname():
        return None
    if pid == str(os.getpid()):
        thread = _THREADS.get(job.pk)
        return thread is not None and thread.is_alive()
    try:
        os.kill(int(pid), 0)
    except (OSError, ValueError):
        return False
    return None


def job_refresh(job: ImportJob) -> ImportJob:
    """The job as it stands; a job whose worker is gone is marked failed (nothing written)."""
    if job.status in ACTIVE and _alive(job) is False:
        job.refresh_from_db()
        if job.status in ACTIVE:
            job.status = JobStatus.FAILED
            job.message = DIED
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "message", "finished_at", "updated_at"])
            _discard(job)
    return job


def job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows) of a running job."""
    if job.status == JobStatus.DONE:
        return job.rows, job.rows
    return _PROGRESS.get(job.pk, (job.done_rows, job.rows))


def wait_for(job: ImportJob, timeout: float = 60.0) -> ImportJob:
    """Block until the job's thread ends (commands and tests)."""
    thread = _THREADS.get(job.pk)
    if thread is not None:
        thread.join(timeout)
    job.refresh_from_db()
    return job


__all__ = ["FileProblem", "job_create", "job_progress", "job_refresh", "job_start", "wait_for"]
