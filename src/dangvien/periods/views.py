"""Pages of the period reports (kỳ báo cáo): the periods, completeness, a unit's report.

Thin views: each reads its input, calls one service or selector, renders. A unit outside
the user's scope, or one that does not report in the period, is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.accounts.scope import get_unit_or_404, scope_roots
from dangvien.audit.services import audit_report
from dangvien.core import versions
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.core.http import as_of_from_request

from . import documents, selectors, services
from .forms import NarrativeForm, PeriodForm, ReviewForm

FIELDS = ("kind", "label", "starts_on", "ends_on", "due_cell", "due_grassroots", "due_district",
          "due_province")


@require_GET
@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    as_of = as_of_from_request(request)
    return render(request, "periods/list.html", {
        "periods": selectors.periods_all(), "as_of": as_of,
        "current": selectors.period_in_view(on=as_of.on),
        "may_set": services.may_set_periods(request.user),
    })


def _period_form(request: HttpRequest, period=None) -> HttpResponse:
    if not services.may_set_periods(request.user):
        raise Http404("Chỉ quản trị viên của Tỉnh ủy đặt kỳ báo cáo.")
    initial = {f: getattr(period, f) for f in FIELDS} if period else {}
    form = PeriodForm(initial={**initial, "phien_ban": versions.token(period)})
    status = 200
    if request.method == "POST":
        form = PeriodForm(request.POST)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in FIELDS}
            try:
                if period is None:
                    period = services.period_create(by=request.user, **data)
                else:
                    period = services.period_update(by=request.user, period=period,
                                                    version=form.cleaned_data["phien_ban"], **data)
            except versions.StaleRecord as err:
                form.stale(err)
            except DomainError as err:
                add_domain_error(form, err)
            else:
                messages.success(request, f"Đã lưu kỳ báo cáo {period.label}.")
                return redirect("periods:list")
        status = 409 if form.stale_changes else 400
    return render(request, "periods/period_form.html", {"form": form, "period": period},
                  status=status)


@require_http_methods(["GET", "POST"])
@login_required
def period_new(request: HttpRequest) -> HttpResponse:
    return _period_form(request)


@require_http_methods(["GET", "POST"])
@login_required
def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _period_form(request, selectors.period_or_404(pk))


@require_GET
@login_required
def completeness(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.period_or_404(pk)
    code = request.GET.get("don-vi", "").strip()
    unit = get_unit_or_404(request.user, code) if code else scope_roots(request.user).first()
    as_of = as_of_from_request(request)
    if unit is None:
        return render(request, "periods/completeness.html", {"period": period, "as_of": as_of})
    every = selectors.reporters(period=period)
    table = selectors.completeness(user=request.user, period=period, unit=unit, as_of=as_of.on,
                                   every=every)
    level, state = request.GET.get("cap", ""), request.GET.get("tinh-trang", "")
    drill = next((row for row in table.levels if row.level == level), None)
    own = selectors.reporter_for(period=period, unit=unit, every=every)
    return render(request, "periods/completeness.html", {
        "period": period, "unit": unit, "as_of": as_of, "table": table, "own": own,
        "own_report": selectors.report_of(period=period, unit=unit) if own else None,
        "drill": drill, "state": state if drill else "",
        "drill_units": drill.units(state) if drill else [],
        "state_label": selectors.STATE_LABELS.get(state, ""),
    })


def _act(request: HttpRequest, period, unit, report, action: str) -> str:
    """Run the service the button asks for; return the message to show."""
    user, post = request.user, request.POST
    version = post.get(versions.FIELD)
    if action in ("luu", "nop"):
        form = NarrativeForm(post)
        form.is_valid()
        text = form.cleaned_data.get("narrative", "")
        if action == "luu":
            services.report_save(by=user, period=period, unit=unit, narrative=text,
                                 version=version)
            return "Đã lưu nội dung báo cáo (chưa nộp)."
        services.report_submit(by=user, period=period, unit=unit, narrative=text,
                               version=version)
        return "Đã nộp báo cáo; số liệu đến cuối kỳ đã được chốt."
    if report is None:
        raise DomainError("Đơn vị chưa nộp báo cáo.")
    form = ReviewForm(post)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if action == "tra-lai":
        services.report_return(by=user, report=report, comment=comment, version=version)
        return "Đã trả lại báo cáo kèm ý kiến."
    if action == "duyet":
        services.report_approve(by=user, report=report, comment=comment, version=version)
        return "Đã duyệt báo cáo; số liệu trong kỳ của đơn vị đã được khóa."
    if action == "mo-lai":
        services.report_reopen(by=user, report=report, reason=comment, version=version)
        return "Đã mở lại kỳ báo cáo; đơn vị sửa và nộp lại."
    raise DomainError("Thao tác không hợp lệ.")


@require_http_methods(["GET", "POST"])
@login_required
def report(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    period = selectors.period_or_404(pk)
    unit, reporter = selectors.report_or_404(request.user, period=period, code=code)
    current = selectors.report_of(period=period, unit=unit)
    error, stale, status = "", [], 200
    if request.method == "POST":
        try:
            done = _act(request, period, unit, current, request.POST.get("action", ""))
        except versions.StaleRecord as err:
            error, stale, status = err.message, err.changes, 409
        except DomainError as err:
            error, status = err.message, 400
        else:
            messages.success(request, done)
            return redirect("periods:report", pk=period.pk, code=unit.code)
        current = selectors.report_of(period=period, unit=unit)
    page = selectors.report_page(user=request.user, period=period, reporter=reporter,
                                 report=current, as_of=as_of_from_request(request).on)
    narrative = request.POST.get("narrative") if status != 200 else None
    return render(request, "periods/report.html", {
        "period": period, "unit": unit, "reporter": reporter, "page": page, "error": error,
        "stale_changes": stale, "narrative": narrative if narrative is not None else page.draft,
        "comment": request.POST.get("comment", "") if status != 200 else "",
        "token": versions.token(current) if current else "",
        "rows": documents.figure_rows(page.figures),
    }, status=status)


@require_GET
@login_required
def report_docx(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    period = selectors.period_or_404(pk)
    unit, reporter = selectors.report_or_404(request.user, period=period, code=code)
    current = selectors.report_of(period=period, unit=unit)
    if current is None:
        raise Http404("Đơn vị chưa lập báo cáo kỳ này.")
    lower = selectors.lower_reports(period=period, unit=unit)
    content = documents.period_docx(period=period, reporter=reporter, report=current,
                                    lower=lower)
    name = documents.file_name(period, reporter)
    audit_report(by=request.user, kind="period", unit=unit, as_of=period.ends_on, fmt="docx",
                 title=f"Báo cáo {period.label} — {unit.name}", file=name,
                 detail={"period": period.label, "period_id": period.pk,
                         "status": current.status})
    response = HttpResponse(content, content_type=documents.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
