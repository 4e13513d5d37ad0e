"""File jobs (việc tạo tệp): a large Excel list or a report made by `dangvien worker`
instead of in the web request, then downloaded from the job's page.

A producer registers a `FileKind` (what it makes, how, and the audit row of a download).
The page that would have answered with the file creates a job instead (its scope checks
done in the request) and redirects to the job's page; the job queue's task `make_file`
runs the producer, which checks the scope again (the user may have lost the role), writes
the file in the files folder and says what the download's audit row holds. A thread
writes the progress and a heartbeat on the row every second, so the progress bar survives
a reload and a restart of the web server; a job whose worker died is shown as failed with
"Chạy lại". Files are deleted `DANGVIEN_FILE_JOB_KEEP_DAYS` days (2) after they were made,
when a new job is created.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from dangvien.core.replica import replica_reads

from . import runner
from .models import FILE_ACTIVE, FileJob, FileJobStatus

log = logging.getLogger(__name__)

DIED = ("Việc tạo tệp bị dừng giữa chừng (máy chủ khởi động lại hoặc tiến trình xử lý nền bị "
        "dừng). Bấm “Chạy lại” để tạo lại tệp.")
CRASHED = "Có lỗi hệ thống khi tạo tệp. Bấm “Chạy lại”; nếu vẫn lỗi, hãy báo quản trị viên."
LOCKED = "Tài khoản đã bị khóa nên không tạo được tệp."

#: Names of the files this module writes (anything else in the folder is left alone).
_OURS = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,10})?$")

#: (done, total) -> None: how far the producer is.
Progress = Callable[[int, int], None]


class FileJobError(Exception):
    """The producer cannot make the file; the message says why, in Vietnamese. `retry`:
    whether "Chạy lại" may help (not for a refusal: out of scope)."""

    def __init__(self, message: str, *, retry: bool = False):
        super().__init__(message)
        self.retry = retry


@dataclass
class Produced:
    """What a producer made: the download's name and type, and what its audit row says."""

    file_name: str
    content_type: str
    #: Units of progress at the end (rows written, steps taken).
    count: int = 0
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FileKind:
    """Một loại tệp tạo bằng việc chạy nền: cách tạo, đơn vị tiến độ, nhật ký khi tải."""

    name: str
    #: produce(job, target, progress) writes the file at `target`; raises FileJobError.
    produce: Callable[[FileJob, Path, Progress], Produced]
    #: audit(job, user): the audit row of one download (the direct download's own).
    audit: Callable[[FileJob, Any], None]
    #: What done/total count, shown under the progress bar ("dòng", "bước").
    unit: str = "dòng"


_KINDS: dict[str, FileKind] = {}


def register(kind: FileKind) -> FileKind:
    """Make a kind of file known (called when the producing app is ready)."""
    _KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> FileKind:
    return _KINDS[name]


def files_dir() -> Path:
    path = Path(getattr(settings, "DANGVIEN_FILE_JOB_DIR", None) or settings.VAR_DIR / "files")
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_days() -> int:
    return int(getattr(settings, "DANGVIEN_FILE_JOB_KEEP_DAYS", 2))


def file_path(job: FileJob) -> Path:
    return files_dir() / job.stored_as


# --- writes -----------------------------------------------------------------------------


def file_job_create(*, user, kind: str, label: str, params: Mapping[str, Any], total: int = 0,
                    source_url: str = "", note: str = "") -> FileJob:
    """Queue the making of a file; the user's job of the same kind and parameters still
    waiting or running is returned instead (a second click, a reload)."""
    get_kind(kind)
    file_jobs_clean()
    params = dict(params)
    for job in FileJob.objects.filter(user=user, kind=kind, status__in=FILE_ACTIVE):
        if job.params == params and file_job_refresh(job).status in FILE_ACTIVE:
            return job
    job = FileJob.objects.create(user=user, kind=kind, label=label[:255], params=params,
                                 note=note, total=max(0, total), source_url=source_url[:2000])
    _enqueue(job)
    return job


def _enqueue(job: FileJob) -> None:
    from . import tasks

    result = tasks.make_file.enqueue(job.pk)
    job.task_id = str(result.id)
    FileJob.objects.filter(pk=job.pk).update(task_id=job.task_id)


def file_job_retry(job: FileJob) -> bool:
    """"Chạy lại": queue again a job a dead worker or a system error stopped. False if it
    cannot run again (finished, refused, already queued)."""
    if not job.can_retry:
        return False
    claimed = FileJob.objects.filter(pk=job.pk, status=FileJobStatus.FAILED, refused=False) \
        .update(status=FileJobStatus.WAITING, worker="", done=0, message="", heartbeat_at=None,
                started_at=None, finished_at=None)
    if not claimed:
        return False
    job.refresh_from_db()
    _enqueue(job)
    return True


def _progress(pk: int) -> runner.ProgressWriter:
    """How far the producer is, and a heartbeat, on the job row while it runs."""
    return runner.ProgressWriter(FileJob.objects.filter(pk=pk, status=FileJobStatus.RUNNING),
                                 ("done", "total"), f"file-job-{pk}-progress")


def file_job_run(pk: int, worker: str) -> None:
    """The job queue's making of a file (task `make_file`)."""
    now = timezone.now()
    claimed = FileJob.objects.filter(pk=pk, status=FileJobStatus.WAITING).update(
        status=FileJobStatus.RUNNING, worker=worker, heartbeat_at=now, started_at=now, done=0)
    if not claimed:  # not waiting any more: already run, or taken by a retry
        return
    job = FileJob.objects.select_related("user").get(pk=pk)
    folder = files_dir()
    stem = uuid.uuid4().hex
    part = folder / f"{stem}.part"
    try:
        if not job.user.is_active:
            raise FileJobError(LOCKED)
        kind = get_kind(job.kind)
        # Reports and exports read their data from the replica, if any (core/replica.py).
        with _progress(pk) as progress, replica_reads():
            made = kind.produce(job, part, progress)
        suffix = Path(made.file_name).suffix.lower()
        stored = stem + (suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else "")
        part.rename(folder / stored)
        finished = timezone.now()
        count = made.count or job.total
        saved = FileJob.objects.filter(pk=pk, status=FileJobStatus.RUNNING, worker=worker).update(
            status=FileJobStatus.DONE, stored_as=stored, file_name=made.file_name[:255],
            content_type=made.content_type[:120], size=(folder / stored).stat().st_size,
            result=made.result, done=count, total=count, message="", finished_at=finished,
            heartbeat_at=finished, expires_at=finished + dt.timedelta(days=keep_days()))
        if not saved:  # judged dead meanwhile (and perhaps run again): this file is nobody's
            (folder / stored).unlink(missing_ok=True)
    except FileJobError as exc:
        _failed(pk, worker, str(exc), refused=not exc.retry)
    except Exception:  # the job must leave a verdict whatever happened
        log.exception("Việc tạo tệp #%s dừng vì lỗi", pk)
        _failed(pk, worker, CRASHED)
    finally:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)


def _failed(pk: int, worker: str, message: str, *, refused: bool = False) -> None:
    if not connection.in_atomic_block:
        close_old_connections()  # a connection the failure broke
    FileJob.objects.filter(pk=pk, status=FileJobStatus.RUNNING, worker=worker).update(
        status=FileJobStatus.FAILED, message=message, refused=refused,
        finished_at=timezone.now())


def file_job_refresh(job: FileJob) -> FileJob:
    """The job as it stands; a job whose worker is gone is marked failed and can be run
    again."""
    if job.status in FILE_ACTIVE and job.worker and not runner.worker_alive(job.worker):
        claimed = FileJob.objects.filter(pk=job.pk, status=job.status, worker=job.worker) \
            .update(status=FileJobStatus.FAILED, message=DIED, finished_at=timezone.now())
        if claimed and job.task_id:
            runner.task_failed(job.task_id)
        job.refresh_from_db()
    return job


def file_jobs_clean(now: dt.datetime | None = None) -> int:
    """Delete the files whose time is up (the job then says so), and files no job refers to
    older than the keep time (a worker that died while writing). Runs whenever a job is
    created; returns the number of files deleted."""
    now = now or timezone.now()
    folder = files_dir()
    deleted = 0
    expired = FileJob.objects.filter(expires_at__lt=now).exclude(stored_as="") \
        .values_list("pk", "stored_as")
    for pk, stored in expired:
        if FileJob.objects.filter(pk=pk, stored_as=stored).update(stored_as=""):
            with contextlib.suppress(OSError):
                (folder / stored).unlink(missing_ok=True)
                deleted += 1
    cutoff = (now - dt.timedelta(days=keep_days())).timestamp()
    kept = set(FileJob.objects.exclude(stored_as="").values_list("stored_as", flat=True))
    for path in folder.iterdir():
        name = path.name.removesuffix(".part") if path.name.endswith(".part") else path.name
        if not _OURS.match(name) or path.name in kept:
            continue
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
    return deleted


# --- reads ------------------------------------------------------------------------------


def file_job_open(job: FileJob) -> IO[bytes] | None:
    """The finished file, open for reading (None: not made, or deleted)."""
    if not job.ready:
        return None
    try:
        return file_path(job).open("rb")
    except OSError:
        return None


def file_job_download(job: FileJob, *, by) -> IO[bytes] | None:
    """The file handed to its user, with the audit row the direct download writes (one per
    download); None when there is no file to hand out."""
    handle = file_job_open(job)
    if handle is not None:
        try:
            get_kind(job.kind).audit(job, by)
        except FileJobError:  # what the file is about is gone: it is not handed out
            handle.close()
            return None
        except BaseException:
            handle.close()
            raise
    return handle


def recent_file_jobs(*, user, limit: int = 50) -> list[FileJob]:
    """The user's jobs of the last `keep_days()` days (or still running), newest first."""
    since = timezone.now() - dt.timedelta(days=max(1, keep_days()))
    return list(FileJob.objects.filter(user=user, created_at__gte=since)[:limit])


def waiting_for_worker(job: FileJob) -> bool:
    """A queued job that no running worker will pick up (nobody started `dangvien worker`)."""
    return job.status in FILE_ACTIVE and not job.worker and not runner.workers_running()


def progress_unit(job: FileJob) -> str:
    try:
        return get_kind(job.kind).unit
    except KeyError:
        return ""
