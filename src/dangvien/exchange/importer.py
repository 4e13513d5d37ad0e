"""Importing one Excel file: read, check every row, and write all of it or nothing.

One pass over the file. Rows are converted cell by cell (`reader.convert`), gathered in
batches and handed to the kind's `Importer`, which looks the batch up in the database
in bulk, judges it with the pages' rules and, on a real run, writes it at once. Every
problem is kept with its row and column. The whole run is one transaction: if any row
is wrong (or the run is a dry run, or anything raises, or the process dies) the
transaction is rolled back and nothing is written. A real run that succeeds appends ONE
audit record (kind, file name, sha256, counts), not one per row.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, connections, transaction
from django.utils import timezone

from dangvien.audit.services import audit_record, mask
from dangvien.core.batches import batch_discard, batch_start
from dangvien.core.db import sqlite_cache
from dangvien.core.models import BatchState, WriteBatch

from . import kinds
from .kinds.base import KEPT, Context, Counts, Kind, Problem, Row
from .reader import FileProblem, Sheet, open_sheet

#: Problems kept in full; the count goes on beyond it.
MAX_PROBLEMS_KEPT = KEPT

Progress = Callable[[int, int], None]

log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    """What an import found and did."""

    kind: str
    file_name: str
    sha256: str
    dry_run: bool
    rows: int = 0
    counts: Counts = field(default_factory=Counts)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    file_problem: str | None = None
    committed: bool = False
    seconds: float = 0.0
    #: The write batch of a committed import of an undoable kind (`exchange.undo`).
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.file_problem is None and not self.problem_count

    def as_json(self) -> dict:
        """What `dangvien import --format json` prints."""
        return {"new": self.counts.new, "changed": self.counts.changed,
                "unchanged": self.counts.unchanged,
                "errors": [p.as_dict() for p in self.problems], "changes": self.changes,
                **({"file_problem": self.file_problem} if self.file_problem else {})}

    def summary(self) -> dict:
        return {"kind": self.kind, "file": self.file_name, "sha256": self.sha256,
                "rows": self.rows, **self.counts.as_dict()}


class _Rollback(Exception):
    pass


#: CCCDs (masked) kept in the audit row of an import that named people registered elsewhere.
ELSEWHERE_KEPT = 50


def _audit_elsewhere(ctx: Context, kind: type[Kind], file_name: str) -> None:
    """One audit row (after the import's transaction) for the rows that named a CCCD
    registered in a unit the user does not manage: the message told them nothing of where,
    the audit keeps who tried, how many and which (masked)."""
    audit_record(by=ctx.user, action=f"import.{kind.name}.cccd_elsewhere.refused",
                 object_type="exchange.import", unit_path="", after={
                     "file": file_name, "rows": len(ctx.elsewhere),
                     "cccd": [mask("cccd", c) for _, c, _ in ctx.elsewhere[:ELSEWHERE_KEPT]],
                     "row_numbers": [n for n, _, _ in ctx.elsewhere[:ELSEWHERE_KEPT]],
                     "holders": [h for _, _, h in ctx.elsewhere[:ELSEWHERE_KEPT]]})


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def get_kind(name: str) -> type[Kind]:
    return kinds.get(name)


def run_import(*, kind: str | type[Kind], path: Path, user, dry_run: bool,
               file_name: str | None = None, progress: Progress | None = None,
               today=None, audit_id: str = "") -> ImportResult:
    """Check (dry run) or import the file. Never raises for bad input: see `result.ok`."""
    started = time.perf_counter()
    kind = get_kind(kind) if isinstance(kind, str) else kind
    path = Path(path)
    file_name = file_name or path.name
    result = ImportResult(kind=kind.name, file_name=file_name, sha256="", dry_run=dry_run)
    try:
        result.sha256 = file_sha256(path)
        sheet = open_sheet(path, kind, name=file_name)
    except FileProblem as exc:
        result.file_problem = exc.message
        result.seconds = time.perf_counter() - started
        return result
    ctx = Context(user=user, today=today or timezone.localdate(), kind=kind,
                  headers=sheet.headers)
    for header in sheet.ignored:
        ctx.warn(None, None, f"Cột '{header}' không có trong tệp mẫu (hoặc bị lặp lại) nên không "
                             "được nhập.")
    importer = kind.importer(ctx)
    ctx.write = not dry_run or importer.writes_in_dry_run
    if ctx.write and importer.pipelined and connection.vendor == "postgresql" \
            and not connection.in_atomic_block:
        writer = _Writer()
    elif ctx.write and not dry_run and importer.staged and connection.vendor == "sqlite" \
            and not connection.in_atomic_block:
        writer = _Staged(importer)
    else:
        writer = _Inline(ctx.write)
    ctx.submit = writer.submit
    if not dry_run and kind.undoable:
        # What the save creates and changes is recorded against its batch, to be undone.
        ctx.batch = batch_start(label=f"import.{kind.name}", tables=kind.batch_tables())
        if not writer.finishes_batch:
            # One transaction: its rows are hidden from others until it commits; the batch
            # only names them (pending, it would hide them from the import's own reads).
            WriteBatch.objects.filter(pk=ctx.batch.pk).update(state=BatchState.DONE)
            ctx.batch.state = BatchState.DONE

    def record() -> None:
        extra = {"batch": ctx.batch.pk} if ctx.batch else {}
        audit_record(by=user, action=f"import.{kind.name}", object_type="exchange.import",
                     object_id=audit_id, after=result.summary() | ctx.counts.as_dict() | extra,
                     unit_path="")
        if ctx.batch is not None:
            _settle_versions(ctx.batch)
            if not writer.finishes_batch:
                WriteBatch.objects.filter(pk=ctx.batch.pk).update(finished_at=timezone.now())

    try:
        with writer:
            result.rows = _feed(sheet, kind, ctx, importer, progress)
            if not result.rows:
                raise FileProblem(
                    f"Trang tính '{sheet.name}' chưa có dòng dữ liệu nào (chỉ có dòng ví dụ của "
                    "tệp mẫu). Hãy điền dữ liệu từ dòng 3, hoặc ghi đè lên dòng ví dụ.")
            if ctx.problems or dry_run:
                raise _Rollback
            writer.commit(record)
            result.committed = True
            result.batch_id = ctx.batch.pk if ctx.batch else None
    except _Rollback:
        pass
    except FileProblem as exc:
        result.file_problem = exc.message
    finally:
        sheet.close()
        if ctx.batch is not None and not result.committed:
            _discard_batch(ctx.batch)
    result.counts = ctx.counts
    if ctx.elsewhere:
        _audit_elsewhere(ctx, kind, file_name)
    # Row by row as in the file (cell errors, then the rules, within a row).
    ctx.problems.sort(key=lambda p: p.row or 0)
    ctx.warnings.sort(key=lambda p: p.row or 0)
    result.problem_count = ctx.problem_count
    result.problems = ctx.problems[:MAX_PROBLEMS_KEPT]
    result.warnings = ctx.warnings[:MAX_PROBLEMS_KEPT]
    result.changes = sorted(ctx.changes, key=lambda c: c["row"])
    result.seconds = time.perf_counter() - started
    return result


def _discard_batch(batch) -> None:
    """An import that did not commit: its batch is discarded (the stage's rows deleted; the
    other paths' rows went with their transaction)."""
    try:
        if batch.state == BatchState.PENDING:
            batch_discard(batch)
        else:
            WriteBatch.objects.filter(pk=batch.pk).update(state=BatchState.DISCARDED,
                                                          finished_at=timezone.now())
    except Exception:  # the import's own failure is what the caller must see
        log.exception("Không hủy được lô ghi #%s của lượt nhập", batch.pk)


def _settle_versions(batch) -> None:
    """Inside the import's last transaction: the row_version each traced row is left with
    (rows written through the pages' services; the members importer knows its own)."""
    from django.apps import apps

    from .models import ImportChange

    open_rows = ImportChange.objects.filter(batch=batch, version__isnull=True)
    for label in set(open_rows.values_list("model", flat=True)):
        model = apps.get_model(label)
        if not any(f.name == "row_version" for f in model._meta.concrete_fields):
            continue
        traces = list(open_rows.filter(model=label))
        versions = dict(model._base_manager.filter(pk__in=[t.object_id for t in traces])
                        .values_list("pk", "row_version"))
        for t in traces:
            t.version = versions.get(t.object_id)
        ImportChange.objects.bulk_update(traces, ["version"], batch_size=500)


class _Inline:
    """The writes run where they are submitted, inside one transaction of this thread (a
    dry run that writes nothing takes none: on SQLite that would be the write lock)."""

    finishes_batch = False

    def __init__(self, writing: bool):
        self.stack = contextlib.ExitStack()
        self.writing = writing

    def __enter__(self):
        if self.writing:
            self.stack.enter_context(transaction.atomic())
            self.stack.enter_context(sqlite_cache())
        return self

    def __exit__(self, *exc):
        return self.stack.__exit__(*exc)

    def submit(self, write: Callable[[], None]) -> None:
        write()

    def commit(self, last: Callable[[], None]) -> None:
        last()


class _Staged:
    """SQLite: the rows wait in the import's stage file while the file is checked (no
    lock on the database, other users save as usual), then are applied in short
    transactions behind a write batch, visible together with the audit record
    (`kinds.members_stage`)."""

    finishes_batch = True  # the stage's last transaction marks the batch done

    def __init__(self, importer):
        self.importer = importer
        self.stage = None

    def __enter__(self):
        self.stage = self.importer.make_stage()
        self.importer.ctx.stage = self.stage
        return self

    def __exit__(self, *exc):
        self.importer.ctx.stage = None
        self.stage.close()
        return False

    def submit(self, write: Callable[[], None]) -> None:
        raise RuntimeError("a staged import writes through ctx.stage")

    def commit(self, last: Callable[[], None]) -> None:
        self.stage.apply(timezone.now(), last, batch=self.importer.ctx.batch)


_COMMIT, _ABORT = object(), object()

#: While a writer thread runs, Python hands the GIL over every 0,5 ms instead of 5 ms: the
#: writer needs it for a moment after each statement the server finishes, and with the
#: default it waited up to 5 ms each time while the server sat idle (100.000 rows: about
#: 0,4 s less, bench/README.md).
SWITCH_INTERVAL = 0.0005
_switch = {"writers": 0, "before": None}
_switch_lock = threading.Lock()


def _quick_switch(on: bool) -> None:
    """Shorten the interpreter's switch interval while at least one writer runs (a
    process may run two imports at once; the last one restores the interval)."""
    with _switch_lock:
        if on:
            if not _switch["writers"]:
                _switch["before"] = sys.getswitchinterval()
                sys.setswitchinterval(SWITCH_INTERVAL)
            _switch["writers"] += 1
        else:
            _switch["writers"] -= 1
            if not _switch["writers"]:
                sys.setswitchinterval(_switch["before"])


class _Writer:
    """The writes run in a thread of their own, on its own connection and in its one
    transaction, while this thread reads and checks the next batch (PostgreSQL): the
    server stores batch N while Python converts and judges batch N+1.

    The checking thread keeps its own connection, outside the writer's transaction: its
    lookups see the database as it was before the import, which is what the file is
    judged against (rows written by earlier batches have other CCCDs: a CCCD twice in a
    file is an error). All or nothing holds: the writer commits only when told so after
    the last batch; any problem, an exception on either side, or a dead process rolls its
    transaction back. At most `DEPTH` batches wait, so memory stays flat."""

    DEPTH = 2
    finishes_batch = False

    def __init__(self):
        self.queue: queue.Queue = queue.Queue(self.DEPTH)
        self.error: BaseException | None = None
        self.last: Callable[[], None] | None = None
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)

    def __enter__(self):
        _quick_switch(True)
        self.thread.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if self.thread.is_alive():
                self._put(_ABORT, check=False)
                self.thread.join()
        finally:
            _quick_switch(False)
        return False

    def _run(self) -> None:
        try:
            with transaction.atomic():
                # The foreign keys are checked statement by statement, in the server and
                # while the other thread works, not all at once in the commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                while True:
                    item = self.queue.get()
                    if item is _ABORT:
                        raise _Rollback
                    if item is _COMMIT:
                        if self.last:
                            self.last()
                        break
                    item()
        except _Rollback:
            pass
        except BaseException as exc:  # handed to the checking thread, which raises it
            self.error = exc
            # Unblock a checking thread waiting to hand over a batch.
            with contextlib.suppress(queue.Empty):
                while True:
                    self.queue.get_nowait()
        finally:
            connections["default"].close()

    def _put(self, item, *, check: bool = True) -> None:
        while True:
            if check and self.error is not None:
                raise self.error
            if not self.thread.is_alive():
                if check and self.error is not None:
                    raise self.error
                return
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def submit(self, write: Callable[[], None]) -> None:
        self._put(write)

    def commit(self, last: Callable[[], None]) -> None:
        self.last = last
        self._put(_COMMIT)
        self.thread.join()
        if self.error is not None:
            raise self.error


def _feed(sheet: Sheet, kind: type[Kind], ctx: Context, importer, progress: Progress | None) -> int:
    required = [c.key for c in kind.columns if c.required]
    examples = [(*next(iter(e.items())), e) for e in _examples(kind)]
    size = importer.batch_size
    total = sheet.total_rows
    batch: list[Row] = []
    count = 0
    last = sheet.header_row
    for number, values, problems in sheet.rows():
        if any(values.get(first_key) == first_value
               and all(values.get(k) == v for k, v in example.items())
               for first_key, first_value, example in examples):
            ctx.warn(number, None, "đây là dòng ví dụ của tệp mẫu: đã bỏ qua.")
            continue
        for key, message in problems:
            ctx.error(number, key, message)
        for key in required:
            if values.get(key) is None and (number, key) not in ctx._seen:
                ctx.error(number, key, "ô bắt buộc, chưa nhập.")
        batch.append(Row(number, values))
        count += 1
        last = number
        if len(batch) >= size:
            importer.check(batch)
            batch = []
            ctx._seen.clear()  # one message per cell holds within a batch: memory stays flat
            if progress:
                progress(last - sheet.header_row, total)
    if batch:
        importer.check(batch)
    importer.finish()
    if progress:
        progress(total, total)
    return count


def _examples(kind: type[Kind]) -> list[dict]:
    """The template's example rows as read back (unit columns aside: they vary by user)."""
    if not kind.skip_example:
        return []
    out = []
    for raw in kind.examples():
        example = {}
        for column in kind.columns:
            value = raw.get(column.key)
            if value is None or column.dropdown in {"cells", "units", "parents"}:
                continue
            try:
                example[column.key] = column.convert(value)
            except ValueError:
                example = {}
                break
        if example:
            out.append(example)
    return out


__all__ = ["FileProblem", "ImportResult", "run_import"]
