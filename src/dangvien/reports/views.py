"""Tải báo cáo kết quả thực hiện kế hoạch (the dashboard's "Báo cáo" button).

`/bao-cao/tien-do.docx?ke-hoach=<pk>&ngay=31/05/2022&don-vi=KB` (and `.pdf`): the plan,
unit and day the dashboard shows, with the dashboard's scope rules: a plan the user may not
follow, or a unit outside their scope, is 404 like one that does not exist. When the PDF
cannot be made on this server (no Pango, no font), a page says so in Vietnamese. Each file
handed out writes one audit row ("export.report"); a refusal writes none, as for exports.
The PDF of a large unit is made by the job queue (`job`): the checks are done here, then
the user is sent to the job's page, whose download writes the audit row.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from dangvien.core.http import as_of_from_request
from dangvien.plans.in_view import NoPlan, progress_in_view

from . import files, job
from .pdf import pdf_check
from .progress_report import report_allowed


@require_GET
@login_required
def progress_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in files.FORMATS:
        raise Http404("Không có báo cáo dạng này.")
    user = request.user
    as_of = as_of_from_request(request)
    try:
        view = progress_in_view(user, plan=request.GET.get("ke-hoach", ""),
                                unit=request.GET.get("don-vi", ""), on=as_of.on,
                                explicit=as_of.explicit)
    except NoPlan as exc:
        raise Http404(exc.message) from exc
    plan, unit = view.plan, view.unit
    try:
        if job.needs_job(unit, fmt):
            day, _ = report_allowed(plan=plan, unit=unit, as_of=as_of.on, user=user)
            pdf_check()
            queued = job.report_job_create(user=user, plan=plan, unit=unit, day=day, fmt=fmt,
                                           source_url=request.get_full_path())
            return redirect("jobs:file_job", pk=queued.pk)
        made = files.progress_file(plan=plan, unit=unit, as_of=as_of.on, user=user, fmt=fmt)
    except files.ReportRefused as exc:
        raise Http404(str(exc)) from exc
    except files.PdfUnavailable as exc:
        return render(request, "reports/unavailable.html", {
            "message": str(exc), "plan": plan, "unit": unit, "as_of": as_of,
        }, status=503)
    files.audit_progress_file(made, plan=plan, unit=unit, fmt=fmt, by=user)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.name}"'
    response["Cache-Control"] = "private, no-store"
    return response
