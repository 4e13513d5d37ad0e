"""Download of any list or report as an Excel file (tải Excel).

`/trao-doi/xuat/<loại>/?<the page's own query string>`: the page's "Tải Excel" link carries
its filters and date, and the export reads through the page's selector (`export.kinds`),
so the file holds exactly what the user may see there; a unit, plan or class outside the
scope is 404 as on the page. The workbook is written to a temporary file, unlinked at
once (the open handle keeps it readable until the response ends) and streamed: the
server's memory stays flat however long the list.

A list longer than `DANGVIEN_EXPORT_JOB_ROWS` rows is made by the job queue instead
(`export.job`): the address checks the scope and counts the rows, then sends the user to
the job's page, which offers the file when it is ready.
"""

from __future__ import annotations

import logging
import os
import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_GET

from dangvien.accounts.services import full_name
from dangvien.audit.services import audit_export
from dangvien.core.http import params_in_view

from .export import BY_SLUG, write_xlsx
from .export.job import export_job_create, needs_job

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def exporter_name(user) -> str:
    full = full_name(user)  # "Quách Thị Hoa", not Django's "Hoa Quách Thị"
    return f"{full} ({user.username})" if full else user.username


@require_GET
@login_required
def export(request: HttpRequest, kind: str) -> HttpResponse:
    spec = BY_SLUG.get(kind)
    if spec is None:
        raise Http404("Không có danh sách này.")
    params = params_in_view(request)
    built = spec.build(request.user, params)
    rows = needs_job(built)
    if rows is not None:
        job = export_job_create(user=request.user, spec=spec, export=built, params=params,
                                rows=rows, source_url=request.get_full_path())
        return redirect("jobs:file_job", pk=job.pk)
    handle = tempfile.NamedTemporaryFile(prefix="dangvien-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    try:
        rows = write_xlsx(built, handle.name, by=exporter_name(request.user))
        stream = open(handle.name, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        os.unlink(handle.name)  # the open stream still reads it; nothing is left behind
    log.info("export %s: %d rows by user %s", spec.name, rows, request.user.pk)
    audit_export(by=request.user, kind=spec.name, export=built, rows=rows, params=params)
    return FileResponse(stream, as_attachment=True, filename=built.filename, content_type=XLSX)


urlpatterns = [
    path("xuat/<slug:kind>/", export, name="export"),
]
