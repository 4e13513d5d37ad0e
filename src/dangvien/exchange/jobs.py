"""Import jobs on the web: keep the upload, then check it and save it as jobs of the job
queue (`dangvien.jobs`), run by `dangvien worker` in a process of its own.

The upload is kept in the var directory and the job row says where it stands. The check
(a dry run) and the save are Django tasks; the worker writes the rows done and a heartbeat
on the job row from a thread of its own every second, so the progress bar survives a
reload and a restart of the web server. The save is all or nothing (`importer`): a worker
that dies mid-way leaves nothing written; the page then finds the worker gone, marks the
job failed and offers "Chạy lại" (the file is kept for it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from dangvien.core import vn
from dangvien.core.batches import batches_sweep
from dangvien.jobs import runner

from . import kinds
from .importer import ImportResult, run_import
from .models import ACTIVE, ImportJob, JobStatus
from .reader import FileProblem, max_bytes

log = logging.getLogger(__name__)

#: Problems stored on the job row (the preview shows them; the count is always exact).
STORED_PROBLEMS = 2000
DIED = ("Lượt lưu bị dừng giữa chừng (máy chủ khởi động lại hoặc tiến trình xử lý bị dừng): "
        "không có dữ liệu nào được ghi. Bấm “Chạy lại” để lưu lại tệp này.")
DIED_CHECKING = ("Việc kiểm tra tệp bị dừng giữa chừng (máy chủ khởi động lại hoặc tiến trình "
                 "xử lý bị dừng). Bấm “Chạy lại” để kiểm tra lại tệp này.")
CRASHED = ("Có lỗi hệ thống khi {what}: không có dữ liệu nào được ghi. Bấm “Chạy lại”; nếu vẫn "
           "lỗi, hãy báo quản trị viên.")


def upload_dir() -> Path:
    path = Path(settings.DANGVIEN_IMPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_path(job: ImportJob) -> Path:
    return upload_dir() / job.stored_as


def _discard(job: ImportJob) -> None:
    """Delete the job's file: a job that is saved or found wrong never reads it again
    (saving again means uploading again). The row keeps the name and the sha256."""
    if job.stored_as:
        with contextlib.suppress(OSError):
            job_path(job).unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(stored_as="")
        job.stored_as = ""


EXPIRED = ("Tệp đã tải lên quá {days} ngày mà chưa được lưu nên đã bị xóa khỏi máy chủ. Hãy tải "
           "tệp lên lại.")


def clean_uploads(now=None) -> int:
    """Delete the files of checked or failed jobs not saved within
    `DANGVIEN_IMPORT_KEEP_DAYS` days (the job says why), and files no job refers to that
    old (a process that died between writing the file and recording the job). Runs on
    every upload; returns the number of files deleted."""
    days = settings.DANGVIEN_IMPORT_KEEP_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted = 0
    for job in ImportJob.objects.filter(status__in=(JobStatus.CHECKED, JobStatus.FAILED),
                                        created_at__lt=cutoff).exclude(stored_as=""):
        claimed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=JobStatus.INVALID if job.status == JobStatus.CHECKED else job.status,
            message=EXPIRED.format(days=days), updated_at=timezone.now())
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
    # What a process killed mid-import left: its stage file, the pieces of a large sheet.
    day_ago = (now or timezone.now()).timestamp() - 86_400
    for path in [*folder.glob("*.stage"), *folder.glob("dv-tach-*")]:
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < day_ago:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
                deleted += 1
    return deleted


def job_create(*, user, kind: str, upload) -> ImportJob:
    """Keep the uploaded file and queue its check (a dry run)."""
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
    job.status = JobStatus.CHECKING
    job.save()
    _enqueue(job, "check")
    return job


def _enqueue(job: ImportJob, step: str) -> None:
    from . import tasks

    task = tasks.check_import if step == "check" else tasks.save_import
    result = task.enqueue(job.pk)
    job.task_id = str(result.id)
    ImportJob.objects.filter(pk=job.pk).update(task_id=job.task_id)


def _record(job: ImportJob, result: ImportResult) -> None:
    job.sha256 = result.sha256
    job.rows = result.rows
    job.new, job.changed = result.counts.new, result.counts.changed
    job.unchanged, job.error_rows = result.counts.unchanged, result.counts.error_rows
    job.problem_count = result.problem_count
    job.problems = [p.as_dict() for p in result.problems[:STORED_PROBLEMS]]
    job.warnings = [p.as_dict() for p in result.warnings[:STORED_PROBLEMS]]
    job.changes = result.changes[:STORED_PROBLEMS]
    job.message = result.file_problem or ""


def job_start(job: ImportJob) -> bool:
    """Queue the save of a checked job; False if it was not waiting to be saved (a second
    click, another tab)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.QUEUED, worker="", done_rows=0, message="",
        updated_at=timezone.now())
    if not claimed:
        return False
    job.refresh_from_db()
    _enqueue(job, "save")
    return True


def job_retry(job: ImportJob) -> bool:
    """"Chạy lại": queue again the step a dead worker or a system error stopped (the check
    if the save never started). False if the job cannot be run again."""
    if not job.can_retry or not job_path(job).exists():
        return False
    saving = job.started_at is not None
    status = JobStatus.QUEUED if saving else JobStatus.CHECKING
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).exclude(
        stored_as="").update(status=status, worker="", done_rows=0, message="",
                             finished_at=None, updated_at=timezone.now())
    if not claimed:
        return False
    job.refresh_from_db()
    _enqueue(job, "save" if saving else "check")
    return True


def _progress(pk: int) -> runner.ProgressWriter:
    """Rows done and a heartbeat on the job row while it is checked or saved."""
    return runner.ProgressWriter(ImportJob.objects.filter(pk=pk, status__in=ACTIVE),
                                 ("done_rows", "rows"), f"import-{pk}-progress")


def _claim(pk: int, status: str, worker: str) -> ImportJob | None:
    """Take the job for this worker; None if it is no longer waiting (cancelled, or
    already taken by a retry)."""
    claimed = ImportJob.objects.filter(pk=pk, status=status).update(
        worker=worker, heartbeat_at=timezone.now(), updated_at=timezone.now())
    if not claimed:
        return None
    return ImportJob.objects.select_related("user").get(pk=pk)


def run_check(pk: int, worker: str) -> None:
    """The job queue's check of an uploaded file (a dry run)."""
    job = _claim(pk, JobStatus.CHECKING, worker)
    if job is None:
        return
    try:
        with _progress(pk) as progress:
            result = run_import(kind=job.kind, path=job_path(job), user=job.user, dry_run=True,
                                file_name=job.file_name, progress=progress)
        _record(job, result)
        job.status = JobStatus.CHECKED if result.ok else JobStatus.INVALID
        job.done_rows = result.rows
        job.save()
        if job.status != JobStatus.CHECKED:
            _discard(job)
    except Exception:  # the job must leave a verdict whatever happened
        log.exception("Kiểm tra lượt nhập #%s dừng vì lỗi", pk)
        _crashed(pk, "kiểm tra tệp")


def run_save(pk: int, worker: str) -> None:
    """The job queue's save of a checked file (all or nothing)."""
    job = _claim(pk, JobStatus.QUEUED, worker)
    if job is None:
        return
    try:
        ImportJob.objects.filter(pk=pk).update(status=JobStatus.RUNNING,
                                               started_at=timezone.now())
        with _progress(pk) as progress:
            result = run_import(kind=job.kind, path=job_path(job), user=job.user,
                                dry_run=False, file_name=job.file_name, progress=progress,
                                audit_id=str(pk))
        job.refresh_from_db()
        _record(job, result)
        job.status = JobStatus.DONE if result.committed else JobStatus.FAILED
        job.batch_id = result.batch_id
        if not result.committed and not job.message:
            job.message = ("Dữ liệu đã thay đổi từ lúc kiểm tra: có dòng không hợp lệ nữa. "
                           "Không có dữ liệu nào được ghi; hãy sửa tệp và tải lên lại.")
        job.done_rows = result.rows
        job.finished_at = timezone.now()
        job.save()
        _discard(job)
    except Exception:  # the job must leave a verdict whatever happened
        log.exception("Lượt nhập #%s dừng vì lỗi", pk)
        _crashed(pk, "lưu")


def _crashed(pk: int, what: str) -> None:
    if not connection.in_atomic_block:
        close_old_connections()  # a connection the failure broke
    ImportJob.objects.filter(pk=pk).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), message=CRASHED.format(what=what))


def job_refresh(job: ImportJob) -> ImportJob:
    """The job as it stands; a job whose worker is gone is marked failed (nothing was
    written) and can be run again."""
    if job.status in ACTIVE and job.worker and not runner.worker_alive(job.worker):
        checking = job.status == JobStatus.CHECKING
        claimed = ImportJob.objects.filter(pk=job.pk, status=job.status, worker=job.worker) \
            .update(status=JobStatus.FAILED, finished_at=timezone.now(),
                    message=DIED_CHECKING if checking else DIED, updated_at=timezone.now())
        if claimed:
            if job.task_id:
                runner.task_failed(job.task_id)
            batches_sweep()  # the rows a dead save left hidden go now
        job.refresh_from_db()
    return job


def job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows) of a job."""
    if job.status == JobStatus.DONE:
        return job.rows, job.rows
    return job.done_rows, job.rows


def waiting_for_worker(job: ImportJob) -> bool:
    """A queued job that no running worker will pick up (nobody started `dangvien worker`)."""
    return job.status in ACTIVE and not job.worker and not runner.workers_running()


__all__ = ["FileProblem", "job_create", "job_progress", "job_refresh", "job_retry", "job_start"]
