"""Correcting a recorded step, reopening a stopped candidacy, the over-60 agreement.

Each page is a versioned form (`core.forms.VersionedForm`): a save from a page loaded
before someone else changed the record is refused, naming them, and the input is kept
with a fresh token so one more click applies it. Out of scope answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.core import versions
from dangvien.core.errors import DomainError

from . import checks, corrections, services
from .forms import CorrectionForm, Over60Form, ReopenForm, add_domain_error
from .selectors import STEPS, decision_unit_choices, get_candidacy_or_404


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, f"admission/{template}", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def candidate_correct(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user = request.user
    c = get_candidacy_or_404(user, pk)
    spec = corrections.CORRECTABLE.get(step)
    if spec is None or getattr(c, spec.date_field) is None:
        raise Http404("Bước này chưa được ghi.")
    unit = corrections.step_unit(c, spec)
    shown = STEPS[step]
    approver = can(user, unit, Role.APPROVER)
    kwargs = {"spec": spec, "date_label": shown.date_label,
              "document_label": shown.document_label,
              "units": decision_unit_choices(user, c), "offer_override": approver}
    results, status = None, 200
    may = can(user, unit, Role.EDITOR)
    if request.method == "POST" and may:
        form = CorrectionForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                corrections.candidacy_correct(
                    by=user, candidacy=c, step=step, values=form.values(), reason=data["reason"],
                    version=data["phien_ban"], override_reason=data.get("override_reason", ""))
            except versions.StaleRecord as err:
                form.stale(err)
            except services.RulesFailed as err:
                results = err.results
                form.add_error(None, "Chưa lưu: ở ngày mới có điều kiện chưa đạt (xem dưới).")
            except DomainError as err:
                add_domain_error(form, err, CorrectionForm.ALIASES)
            else:
                messages.success(request, f"Đã sửa bước “{spec.title}”.")
                return redirect("admission:candidate", pk=c.pk)
        status = 400
    else:
        form = CorrectionForm(initial=_initial(c, spec), **kwargs)
        status = 400 if request.method == "POST" else 200
    return _page(request, "candidate_correct.html", {
        "c": c, "spec": spec, "form": form, "unit": unit, "results": results, "may": may,
        "failed": checks.failed(results or []),
    }, status)


def _initial(c, spec) -> dict:
    out = {"phien_ban": versions.token(c), "on": getattr(c, spec.date_field)}
    if spec.number_field:
        out["document_no"] = getattr(c, spec.number_field)
    if "decision_received_on" in spec.fields:
        out["received_on"] = c.decision_received_on
    if "decision_unit" in spec.fields:
        out["decision_unit"] = c.decision_unit_id
    for name in spec.fields:
        if name in checks.VOTE_FIELDS:
            out[name] = getattr(c, name)
    return out


@require_http_methods(["GET", "POST"])
@login_required
def candidate_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    c = get_candidacy_or_404(user, pk)
    if c.stage not in corrections.REOPENABLE:
        raise Http404("Hồ sơ này không ở trạng thái dừng.")
    status = 200
    if request.method == "POST":
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                corrections.candidacy_reopen(by=user, candidacy=c, reason=form.cleaned_data["reason"],
                                             version=form.cleaned_data["phien_ban"])
            except versions.StaleRecord as err:
                form.stale(err)
            except DomainError as err:
                add_domain_error(form, err)
            else:
                messages.success(request, "Đã hủy việc kết thúc hồ sơ; hồ sơ được theo dõi tiếp.")
                return redirect("admission:candidate", pk=c.pk)
        status = 400
    else:
        form = ReopenForm(initial={"phien_ban": versions.token(c)})
    return _page(request, "candidate_reopen.html", {"c": c, "form": form}, status)


@require_http_methods(["GET", "POST"])
@login_required
def candidate_over60(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    c = get_candidacy_or_404(user, pk)
    status = 200
    if request.method == "POST":
        form = Over60Form(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                corrections.candidacy_set_over60_approval(
                    by=user, candidacy=c, number=d["over60_approval"], on=d["over60_approval_on"],
                    issuer=d["over60_approval_by"], reason=d["reason"], version=d["phien_ban"])
            except versions.StaleRecord as err:
                form.stale(err)
            except DomainError as err:
                add_domain_error(form, err)
            else:
                messages.success(request, "Đã ghi văn bản đồng ý kết nạp người trên 60 tuổi.")
                return redirect("admission:candidate", pk=c.pk)
        status = 400
    else:
        form = Over60Form(initial={
            "phien_ban": versions.token(c), "over60_approval": c.over60_approval,
            "over60_approval_on": c.over60_approval_on,
            "over60_approval_by": c.over60_approval_by or corrections.default_over60_issuer(c)})
    return _page(request, "candidate_over60.html", {
        "c": c, "form": form, "recorded": bool(c.over60_approval)}, status)


urlpatterns = [
    path("ho-so/<int:pk>/sua/<slug:step>/", candidate_correct, name="candidate_correct"),
    path("ho-so/<int:pk>/mo-lai/", candidate_reopen, name="candidate_reopen"),
    path("ho-so/<int:pk>/tren-60-tuoi/", candidate_over60, name="candidate_over60"),
]
