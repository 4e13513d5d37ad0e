"""A large list exported by the job queue (xuất danh sách lớn chạy nền).

A list longer than `DANGVIEN_EXPORT_JOB_ROWS` rows (5.000) is not written in the web
request: the download address checks the scope and counts the rows as today, then creates
a file job (`dangvien.jobs.files`) with the page's parameters and sends the user to its
page. The worker builds the same export again with the same parameters, as the same user
(a unit that left their scope meanwhile is refused with a Vietnamese message), and writes
it with the same writer; the download writes the same audit row as a direct download.

Only the lists that stream from the database (those whose sheets can count their rows:
members, candidates, classes) can be large; the others are read whole to be built and
stay direct.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.http import Http404

from dangvien.audit.services import audit_export
from dangvien.jobs.files import FileJobError, FileKind, Produced, Progress, file_job_create
from dangvien.jobs.models import FileJob

from .kinds import BY_SLUG, Kind
from .writer import Export, write_xlsx

NAME = "exchange.export"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFUSED = ("Không tạo được tệp: {reason} Có thể tài khoản của bạn không còn được phân quyền "
           "xem dữ liệu này.")
#: The page's parameters kept with a job: at most this many, each at most this long.
MAX_PARAMS, MAX_VALUE = 30, 1000


def job_rows() -> int:
    return int(getattr(settings, "DANGVIEN_EXPORT_JOB_ROWS", 5000))


def expected_rows(export: Export) -> int | None:
    """The rows the export will write, as far as its sheets can count them (None: none
    can: a list read whole to be built)."""
    counts = [sheet.count() for sheet in export.sheets if sheet.count is not None]
    return sum(counts) if counts else None


def needs_job(export: Export) -> int | None:
    """The row count when the export is too long for the web request, else None."""
    rows = expected_rows(export)
    return rows if rows is not None and rows > job_rows() else None


def _params(params: Mapping[str, str]) -> dict[str, str]:
    kept = {}
    for key in list(params)[:MAX_PARAMS]:
        value = params.get(key)
        if isinstance(key, str) and isinstance(value, str) and "\x00" not in key + value:
            kept[key[:100]] = value[:MAX_VALUE]
    return kept


def export_job_create(*, user, spec: Kind, export: Export, params: Mapping[str, str],
                      rows: int, source_url: str = "") -> FileJob:
    """Queue the export `spec` of the page's `params` (checked in the request) as a job."""
    return file_job_create(
        user=user, kind=NAME, label=f"Tải Excel: {export.title.capitalize()}",
        params={"kind": spec.slug, "params": _params(params)}, total=rows,
        source_url=source_url, note=export.scope_line)


def produce(job: FileJob, target: Path, progress: Progress) -> Produced:
    from ..views_export import exporter_name

    spec = BY_SLUG.get(job.params.get("kind", ""))
    if spec is None:
        raise FileJobError("Không có danh sách này.")
    params = job.params.get("params") or {}
    try:  # the scope again: the user may have lost the role since the request
        export = spec.build(job.user, params)
        total = expected_rows(export) or job.total
    except Http404 as exc:
        raise FileJobError(REFUSED.format(reason=_sentence(exc))) from None
    progress(0, total)
    rows = write_xlsx(export, target, by=exporter_name(job.user),
                      progress=lambda done: progress(done, max(total, done)))
    return Produced(file_name=export.filename, content_type=XLSX, count=rows, result={
        "kind": spec.name, "title": export.title, "scope": export.scope_line,
        "filename": export.filename, "rows": rows, "params": params})


def _sentence(exc: Exception) -> str:
    text = str(exc).strip() or "Không tìm thấy dữ liệu."
    return text if text.endswith((".", "!", "?")) else text + "."


def audit(job: FileJob, user) -> None:
    """The direct download's audit row (`audit_export`), for this download."""
    r = job.result
    audit_export(by=user, kind=r.get("kind", ""), rows=int(r.get("rows", 0)),
                 export=SimpleNamespace(title=r.get("title", ""), scope_line=r.get("scope", ""),
                                        filename=r.get("filename", "")),
                 params=r.get("params") or {})


FILE_KIND = FileKind(name=NAME, produce=produce, audit=audit, unit="dòng")
