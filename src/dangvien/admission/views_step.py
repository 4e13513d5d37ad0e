"""The step forms of a candidacy (ghi bước): check the rules, confirm an ending, record.

A step is recorded in up to three screens: the form, the rule check ("Kiểm tra điều
kiện", `preview`) for a gated step, and for a step that ends the candidacy a confirmation
that names the end. `StepAttempt` holds what one POST left for the page to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.core import versions, vn
from dangvien.core.db import rehearse
from dangvien.core.errors import DomainError

from . import checks, services
from .forms import StepForm, add_domain_error
from .models import Candidacy, Stage
from .selectors import STEPS, get_candidacy_or_404, step_is_due, step_unit


def _take_step(*, user, candidacy: Candidacy, step, data: dict) -> Candidacy:
    """Call the service of `step` with the form's data."""
    common = {"by": user, "candidacy": candidacy, "on": data["on"],
              "version": data.get("phien_ban")}
    votes = {name: data.get(name) for name in checks.VOTE_FIELDS if name in data}
    override = data.get("override_reason", "")
    slug = step.slug
    if slug == "chi-bo":
        return services.candidacy_propose_by_cell(**common, document_no=data["document_no"],
                                                  override_reason=override, votes=votes)
    if slug == "dang-uy":
        return services.candidacy_propose_by_grassroots(**common,
                                                        document_no=data["document_no"],
                                                        votes=votes)
    if slug == "quyet-dinh":
        return services.candidacy_decide(**common, document_no=data["document_no"],
                                         received_on=data.get("received_on"),
                                         override_reason=override)
    if slug == "le-ket-nap":
        return services.candidacy_hold_ceremony(**common, override_reason=override)
    if slug == "chinh-thuc":
        return services.candidacy_recognise(**common, document_no=data["document_no"],
                                            override_reason=override, votes=votes)
    return services.candidacy_close(**common, outcome=step.stage, reason=data.get("reason", ""),
                                    document_no=data.get("document_no", ""))


@dataclass
class StepAttempt:
    """What the step page shows after a GET or a POST that did not end in a redirect."""

    form: StepForm
    status: int = 200
    results: list | None = None  # the rules tried, when they were
    rule_set: Any = None
    checked: bool = False
    refused: bool = False  # the service refused on its rules


def _blank(candidacy: Candidacy, spec, status: int = 200) -> StepAttempt:
    return StepAttempt(StepForm(step=spec, initial={"phien_ban": versions.token(candidacy)}),
                       status=status)


def _preview(attempt: StepAttempt, candidacy: Candidacy, spec, on, *, asked: bool,
             votes=None) -> None:
    """Try the step's rules on `on` without recording, for the page to list them. Asked for
    by the user ("Kiểm tra điều kiện"): a refusal is said on the form; after a refused save,
    the rules are only kept in view when they can be tried."""
    try:
        attempt.rule_set, attempt.results = services.preview(candidacy, spec.stage, on,
                                                             votes=votes)
        attempt.checked = True
    except DomainError as err:
        if asked:
            add_domain_error(attempt.form, err)


def _post(request: HttpRequest, candidacy: Candidacy, spec) -> StepAttempt | HttpResponse:
    """A POST of the step form: check the rules, confirm an ending, or record the step."""
    attempt = StepAttempt(StepForm(request.POST, step=spec), status=400)
    form = attempt.form
    if not form.is_valid():
        return attempt
    data = form.cleaned_data
    on = data["on"]  # add_error drops the field from cleaned_data
    if request.POST.get("preview"):
        _preview(attempt, candidacy, spec, on, asked=True, votes=form.votes())
        attempt.checked, attempt.status = True, 200
        return attempt

    def record() -> Candidacy:
        return _take_step(user=request.user, candidacy=candidacy, step=spec, data=data)

    if spec.closes and not request.POST.get("confirmed"):
        # Ending a candidacy (or a probationary membership) confirms first: its rules are
        # tried and rolled back, then a second screen names the end.
        try:
            rehearse(record)
        except versions.StaleRecord as err:
            form.stale(err)
        except DomainError as err:
            add_domain_error(form, err)
        else:
            return render(request, "admission/candidate_step_confirm.html", {
                "c": candidacy, "step": spec, "form": form, "on": on,
                "member": spec.stage == Stage.REMOVED})
        return attempt
    try:
        record()
    except versions.StaleRecord as err:
        form.stale(err)
    except services.RulesFailed as err:
        attempt.results, attempt.checked, attempt.refused = err.results, True, True
        form.add_error(None, "Chưa lưu: có điều kiện chưa đạt (xem danh sách dưới).")
    except DomainError as err:
        add_domain_error(form, err)
        if spec.gated:  # keep the rules in view, e.g. after a too-short reason
            _preview(attempt, candidacy, spec, on, asked=False)
    else:
        messages.success(request, f"Đã ghi bước “{spec.title}” ngày {vn.format_date(on)}.")
        return redirect("admission:candidate", pk=candidacy.pk)
    return attempt


@require_http_methods(["GET", "POST"])
@login_required
def candidate_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user = request.user
    candidacy = get_candidacy_or_404(user, pk)
    spec = STEPS.get(step)
    if spec is None:
        raise Http404("Không có bước này.")
    unit = step_unit(candidacy, spec)
    due_now = not candidacy.is_closed and step_is_due(candidacy, spec)
    may_take = can(user, unit, Role.EDITOR)
    if request.method != "POST":
        attempt = _blank(candidacy, spec)
    elif not (due_now and may_take):
        attempt = _blank(candidacy, spec, status=400)
    else:
        attempt = _post(request, candidacy, spec)
        if isinstance(attempt, HttpResponse):
            return attempt
    failed = checks.failed(attempt.results or [])
    blocking = checks.not_overridable(attempt.results or [])
    approver = can(user, unit, Role.APPROVER)
    return render(request, "admission/candidate_step.html", {
        "c": candidacy, "step": spec, "form": attempt.form, "unit": unit,
        "due_now": due_now, "may_take": may_take, "results": attempt.results,
        "rule_set": attempt.rule_set, "checked": attempt.checked, "refused": attempt.refused,
        "failed": failed, "blocking": blocking, "approver": approver,
        "offer_override": spec.gated and bool(failed) and not blocking and approver,
        "show_save": (not spec.gated) or (attempt.checked and (not failed or (not blocking and approver))),
    }, status=attempt.status)
