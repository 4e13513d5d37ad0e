"""Pages of a file job (việc tạo tệp): its progress, its download, "Chạy lại".

A job is seen only by the user who asked for it: anyone else gets 404, as for a unit
outside their scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from dangvien.core import vn

from . import files
from .models import FILE_ACTIVE, FileJob


def _job(request: HttpRequest, pk: int) -> FileJob:
    job = FileJob.objects.filter(pk=pk, user_id=request.user.pk).first()
    if job is None:
        raise Http404("Không tìm thấy việc tạo tệp.")
    return files.file_job_refresh(job)


@require_GET
@login_required
def file_jobs_page(request: HttpRequest) -> HttpResponse:
    """Tệp của tôi: the user's files of the last days, to come back to one."""
    return render(request, "jobs/file_jobs.html", {
        "jobs": [files.file_job_refresh(j) for j in files.recent_file_jobs(user=request.user)],
        "keep_days": files.keep_days(),
    })


@require_GET
@login_required
def file_job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "jobs/file_job.html", {
        "job": job, "running": job.status in FILE_ACTIVE, "unit": files.progress_unit(job),
        "no_worker": files.waiting_for_worker(job), "keep_days": files.keep_days(),
        "size": _size(job.size),
    })


def _size(size: int) -> str:
    if size >= 2**20:
        return f"{vn.format_number(size / 2**20, 1)} MB"
    return f"{vn.format_number(max(1, round(size / 2**10)))} KB"


@require_GET
@login_required
def file_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job(request, pk)
    return JsonResponse({
        "status": job.status, "label": job.get_status_display(), "done": job.done,
        "total": job.total, "percent": job.percent, "finished": job.status not in FILE_ACTIVE,
    })


@require_GET
@login_required
def file_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    handle = files.file_job_download(job, by=request.user)
    if handle is None:
        messages.error(request, "Tệp này chưa tạo xong hoặc đã bị xóa khỏi máy chủ.")
        return redirect("jobs:file_job", pk=job.pk)
    response = FileResponse(handle, as_attachment=True, filename=job.file_name,
                            content_type=job.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def file_job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not files.file_job_retry(job):
        messages.error(request, "Việc này không chạy lại được.")
    return redirect("jobs:file_job", pk=job.pk)
