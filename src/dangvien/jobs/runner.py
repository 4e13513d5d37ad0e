"""Running the job queue (hàng đợi việc chạy nền): `dangvien worker`, its heartbeat, and
whether the worker holding a job is still alive.

Jobs are Django tasks (`django.tasks` API, the `django-tasks` backport) stored by the
database backend of `django-tasks-db`, so a job survives a restart of the web server and
any number of workers on any number of machines share one queue. A worker is the
backend's own loop with two additions: a row in `WorkerProcess` that a thread refreshes
every few seconds, and an id "máy:pid:ngẫu nhiên" that says where it runs, so a page can
tell a job whose worker died (killed, machine restarted) from one that is still running.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import secrets
import signal
import threading

from django.db import OperationalError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DBWorker
from django_tasks_db.models import DBTaskResult

from dangvien.core.processes import host, pid_gone

from .models import WorkerProcess

log = logging.getLogger(__name__)

#: A worker writes that it is alive this often (seconds)…
BEAT_SECONDS = 5.0
#: …and is taken for dead when it has not for this long.
STALE_SECONDS = 60.0
#: Said of a job whose worker died.
DIED = ("Tiến trình xử lý nền đã dừng giữa chừng (máy chủ khởi động lại hoặc tiến trình bị "
        "dừng).")

#: Worker ids running in this process (threads: tests, the command with --batch).
_LOCAL: set[str] = set()


def new_worker_id() -> str:
    return f"{host()}:{os.getpid()}:{secrets.token_hex(4)}"


def worker_alive(worker_id: str) -> bool:
    """Whether the worker with this id still runs: on this machine its process must exist
    (in this process: its loop must still run); anywhere its heartbeat must be recent."""
    parts = (worker_id or "").split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    if parts[0] == host():
        pid = int(parts[1])
        if pid == os.getpid():
            return worker_id in _LOCAL
        if pid_gone(pid):
            return False
    seen = WorkerProcess.objects.filter(worker_id=worker_id, stopped_at=None) \
        .values_list("seen_at", flat=True).first()
    return seen is not None and seen >= timezone.now() - dt.timedelta(seconds=STALE_SECONDS)


def workers_running() -> int:
    """How many workers were seen recently (0: queued jobs wait for someone to start one)."""
    since = timezone.now() - dt.timedelta(seconds=STALE_SECONDS)
    return WorkerProcess.objects.filter(stopped_at=None, seen_at__gte=since).count()


def task_worker(task_id: str) -> str:
    """The id of the worker that claimed this task last ("" if none)."""
    ids = DBTaskResult.objects.filter(pk=task_id).values_list("worker_ids", flat=True).first()
    return ids[-1] if ids else ""


def task_failed(task_id: str, reason: str = DIED) -> None:
    """Mark a task whose worker died as failed (the backend would leave it "running")."""
    DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now(),
        exception_class_path="dangvien.jobs.runner.WorkerDied", traceback=reason)


def reap() -> int:
    """Fail the running tasks whose workers are dead and discard the write batches their
    processes left pending (`core.batches`); returns how many tasks failed."""
    from dangvien.core.batches import batches_sweep

    batches_sweep()
    failed = 0
    for task_id, ids in DBTaskResult.objects.filter(status="RUNNING") \
            .values_list("pk", "worker_ids"):
        if not ids or not worker_alive(ids[-1]):
            task_failed(task_id)
            failed += 1
    return failed


class _Heartbeat:
    """A thread that writes, every `BEAT_SECONDS`, that this worker is alive (on its own
    connection: it never waits for the job's transaction, and a locked SQLite database
    only skips a beat)."""

    def __init__(self, worker_id: str, check=None):
        self.worker_id = worker_id
        self.check = check
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def __enter__(self):
        WorkerProcess.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"host": host(), "pid": os.getpid(), "seen_at": timezone.now(),
                      "stopped_at": None})
        _LOCAL.add(self.worker_id)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=BEAT_SECONDS * 2)
        _LOCAL.discard(self.worker_id)
        with contextlib.suppress(Exception):
            WorkerProcess.objects.filter(worker_id=self.worker_id).update(
                stopped_at=timezone.now())
        return False

    def _run(self) -> None:
        try:
            while not self.stop.wait(BEAT_SECONDS):
                if self.check:
                    self.check()
                try:
                    WorkerProcess.objects.filter(worker_id=self.worker_id).update(
                        seen_at=timezone.now())
                except OperationalError:  # a writer holds SQLite's lock: next beat
                    close_old_connections()
        finally:
            connections.close_all()


class ProgressWriter:
    """Writes how far a job is (done of total) and a heartbeat on its row every second,
    from a thread of its own: its own connection, so the job's transaction never hides
    it, and a locked SQLite database only skips a beat. Called as `progress(done, total)`.

    `rows` is the job's row while it runs (a queryset filtered to it); `fields` names the
    row's done and total columns.
    """

    EVERY = 1.0

    def __init__(self, rows, fields: tuple[str, str], name: str):
        self.rows = rows
        self.fields = fields
        self.done: tuple[int, int] | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __call__(self, done: int, total: int) -> None:
        self.done = (max(0, done), max(0, total))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=30)
        return False

    def _run(self) -> None:
        written = None
        try:
            while not self.stop.wait(self.EVERY):
                values = {"heartbeat_at": timezone.now()}
                if self.done is not None and self.done != written:
                    values.update(zip(self.fields, self.done, strict=True))
                try:
                    self.rows.update(**values)
                    written = self.done
                except OperationalError:
                    close_old_connections()
        finally:
            connections.close_all()


class Worker(DBWorker):
    """The backend's worker loop, with a heartbeat and the dead workers' tasks failed on
    start. Started by `dangvien serve` (`parent`), it stops when the server is gone, even
    killed with SIGKILL."""

    parent: int | None = None

    def run(self) -> None:
        with contextlib.suppress(OperationalError):
            reap()
        with _Heartbeat(self.worker_id, self._orphaned):
            super().run()

    def _orphaned(self) -> None:
        if self.parent and os.getppid() != self.parent:
            log.warning("dangvien serve (%s) đã dừng: tiến trình xử lý nền dừng theo.",
                        self.parent)
            os.kill(os.getpid(), signal.SIGTERM)  # as Ctrl+C: the running job finishes


def make_worker(*, batch: bool = False, interval: float = 1.0, queues: str = "*",
                worker_id: str | None = None, max_tasks: int | None = None,
                parent: int | None = None) -> Worker:
    worker = Worker(queue_names=queues.split(","), interval=interval, batch=batch,
                    backend_name="default", startup_delay=False, max_tasks=max_tasks,
                    worker_id=worker_id or new_worker_id(), excluded_queue_names=[])
    worker.parent = parent
    return worker


def run_pending() -> None:
    """Run every job waiting in the queue, in this thread, then return (tests, `--batch`)."""
    make_worker(batch=True, interval=0).run()
