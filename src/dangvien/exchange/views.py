"""Pages of the Excel import: the list of kinds, a template download, the upload, the
check (preview) and the save with its progress.

Only users who may update some unit see them (404 otherwise, as everywhere); a job is
seen by the user who uploaded it, and a saved one also by a superior whose scope covers
every unit it wrote into (who may undo it: "Hoàn tác lần nhập").
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts.models import Role
from dangvien.org.models import OrgUnit

from . import jobs, kinds, undo
from .blank import template_bytes
from .forms import UploadForm
from .models import ACTIVE, ImportJob, JobStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_editor(user) -> None:
    if not (user.is_superuser or OrgUnit.objects.for_user(user, Role.EDITOR).exists()):
        raise Http404("Bạn không được cập nhật dữ liệu của đơn vị nào.")


def _kind(slug: str):
    try:
        return kinds.get(slug)
    except KeyError:
        raise Http404("Không có loại dữ liệu này.") from None


def _job(request: HttpRequest, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("undone_by", "batch"), pk=pk)
    if not undo.may_see(job, request.user):
        raise Http404("Không tìm thấy lượt nhập.")
    return jobs.job_refresh(job)


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_editor(request.user)
    recent = ImportJob.objects.filter(user=request.user)[:10]
    return render(request, "exchange/index.html", {
        "kinds": list(kinds.all_kinds().values()), "recent": recent})


@require_GET
@login_required
def template_download(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request.user)
    kind = _kind(slug)
    options = {}
    plan = (request.GET.get("ke-hoach") or "").strip()
    if plan.isdigit():
        options["plan_id"] = int(plan)
    try:
        data = template_bytes(kind, user=request.user, **options)
    except ValueError as exc:
        raise Http404(str(exc)) from None
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-{kind.slug}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request.user)
    kind = _kind(slug)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        job = jobs.job_create(user=request.user, kind=kind.name, upload=form.cleaned_data["tep"])
        return redirect("exchange:job", pk=job.pk)
    return render(request, "exchange/upload.html", {"kind": kind, "form": form},
                  status=400 if form.errors else 200)


@require_GET
@login_required
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    kind = _kind(job.kind)
    done, total = jobs.job_progress(job)
    return render(request, "exchange/job.html", {
        "job": job, "kind": kind, "done": done, "total": total,
        "percent": int(done * 100 / total) if total else 0,
        "running": job.status in ACTIVE, "form": UploadForm(),
        "no_worker": jobs.waiting_for_worker(job),
        "problems": [_problem_row(p) for p in job.problems],
        "changes": _change_rows(kind, job.changes),
        "change_count": job.changed + (job.new if kind.lists_new_changes else 0),
        "more": job.problem_count - len(job.problems),
        "undo_until": undo.undo_deadline(job) if kind.undoable and job.batch_id else None,
        **({"old_label": "Đang lưu", "new_label": "Sẽ thành"} if job.status == JobStatus.CHECKED
           else {"old_label": "Giá trị cũ", "new_label": "Giá trị mới"}),
    })


@require_http_methods(["GET", "POST"])
@login_required
def job_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """"Hoàn tác lần nhập": a screen naming what is removed and restored, then the POST."""
    job = _job(request, pk)
    if request.method == "POST" and request.POST.get("confirmed"):
        try:
            undo.import_undo(job=job, user=request.user)
        except undo.UndoRefused as err:
            plan = undo.undo_plan(job=job, user=request.user)
            return render(request, "exchange/undo.html", {
                "job": job, "kind": _kind(job.kind), "plan": plan, "error": err.message,
                "items": err.items}, status=409)
        messages.success(request, "Đã hoàn tác lần nhập.")
        return redirect("exchange:job", pk=job.pk)
    plan = undo.undo_plan(job=job, user=request.user)
    return render(request, "exchange/undo.html", {"job": job, "kind": _kind(job.kind),
                                                  "plan": plan})


def _change_rows(kind, changes: list[dict]) -> list[dict]:
    """One line per changed field: row, column as in the template, old → new."""
    from dangvien.org.models import PlaceKind
    from dangvien.people import choices

    labels = {"gender": choices.Gender, "religion": choices.Religion,
              "education": choices.Education, "occupation": choices.Occupation,
              "status": choices.MemberStatus, "place_kind": PlaceKind}
    headers = {c.key: c.header for c in kind.columns}

    def shown(key, value):
        if isinstance(value, bool):
            return "Có" if value else "Không"
        enum = labels.get(key)
        if enum is not None and value in enum.values:
            return enum(value).label
        return "(trống)" if value in (None, "") else value

    return [{"row": c["row"], "column": headers.get(key, key),
             "old": shown(key, f["old"]), "new": shown(key, f["new"])}
            for c in changes for key, f in c["fields"].items()]


def _problem_row(p: dict) -> dict:
    return {"row": p.get("row"), "column": p.get("column") or "", "message": p.get("message")}


@require_POST
@login_required
def job_save(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not jobs.job_start(job):
        messages.error(request, "Lượt nhập này không ở trạng thái chờ lưu.")
    return redirect("exchange:job", pk=job.pk)


@require_POST
@login_required
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if not jobs.job_retry(job):
        messages.error(request, "Lượt nhập này không chạy lại được: hãy tải tệp lên lại.")
    return redirect("exchange:job", pk=job.pk)


@require_GET
@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job(request, pk)
    done, total = jobs.job_progress(job)
    return JsonResponse({
        "status": job.status, "label": job.get_status_display(), "done": done, "total": total,
        "percent": 100 if job.status == JobStatus.DONE else (int(done * 100 / total) if total else 0),
        "finished": job.status not in ACTIVE,
    })
