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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from dangvien.audit.services import audit_record

from . import kinds
from .kinds.base import Context, Counts, Kind, Problem, Row
from .reader import FileProblem, Sheet, open_sheet

#: Problems kept in full; the count goes on beyond it.
MAX_PROBLEMS_KEPT = 5000

Progress = Callable[[int, int], None]


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
    file_problem: str | None = None
    committed: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.file_problem is None and not self.problem_count

    def summary(self) -> dict:
        return {"kind": self.kind, "file": self.file_name, "sha256": self.sha256,
                "rows": self.rows, **self.counts.as_dict()}


class _Rollback(Exception):
    pass


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
    # A dry run that writes nothing takes no transaction (on SQLite that would be the
    # database's write lock); every other run is one transaction.
    atomic = transaction.atomic() if ctx.write else contextlib.nullcontext()
    try:
        with atomic, _sqlite_cache(ctx.write):
            result.rows = _feed(sheet, kind, ctx, importer, progress)
            if not result.rows:
                raise FileProblem(
                    f"Trang tính '{sheet.name}' chưa có dòng dữ liệu nào (chỉ có dòng ví dụ của "
                    "tệp mẫu). Hãy điền dữ liệu từ dòng 3, hoặc ghi đè lên dòng ví dụ.")
            if ctx.problems or dry_run:
                raise _Rollback
            audit_record(by=user, action=f"import.{kind.name}", object_type="exchange.import",
                         object_id=audit_id, after=result.summary() | ctx.counts.as_dict(),
                         unit_path="")
            result.committed = True
    except _Rollback:
        pass
    except FileProblem as exc:
        result.file_problem = exc.message
    finally:
        sheet.close()
    result.counts = ctx.counts
    # Row by row as in the file (cell errors, then the rules, within a row).
    ctx.problems.sort(key=lambda p: p.row or 0)
    ctx.warnings.sort(key=lambda p: p.row or 0)
    result.problem_count = len(ctx.problems)
    result.problems = ctx.problems[:MAX_PROBLEMS_KEPT]
    result.warnings = ctx.warnings[:MAX_PROBLEMS_KEPT]
    result.seconds = time.perf_counter() - started
    return result


#: SQLite page cache while an import writes (KiB). The default 2 MB makes the indexes of
#: 100.000 new people spill out of the cache again and again: 64 MB takes a quarter off
#: the write time (bench/README.md) and stays within the import's memory budget.
SQLITE_IMPORT_CACHE_KIB = 65_536


@contextlib.contextmanager
def _sqlite_cache(writing: bool):
    if not writing or connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _feed(sheet: Sheet, kind: type[Kind], ctx: Context, importer, progress: Progress | None) -> int:
    required = [c.key for c in kind.columns if c.required]
    example = _example(kind)
    size = importer.batch_size
    total = sheet.total_rows
    batch: list[Row] = []
    count = 0
    last = sheet.header_row
    first_key, first_value = next(iter(example.items())) if example else (None, None)
    for number, values, problems in sheet.rows():
        if (example and values.get(first_key) == first_value
                and all(values.get(k) == v for k, v in example.items())):
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
            if progress:
                progress(last - sheet.header_row, total)
    if batch:
        importer.check(batch)
    importer.finish()
    if progress:
        progress(total, total)
    return count


def _example(kind: type[Kind]) -> dict:
    """The template's example row as read back (unit columns aside: they vary by user)."""
    out: dict = {}
    if not kind.skip_example:
        return out
    for column in kind.columns:
        if column.example is None or column.dropdown in {"cells", "units", "parents"}:
            continue
        try:
            out[column.key] = column.convert(column.example)
        except ValueError:
            return {}
    return out


__all__ = ["FileProblem", "ImportResult", "run_import"]
