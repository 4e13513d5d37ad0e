"""Plan pages: the list by year, a new plan, the plan page with its allocations, and the
allocate, issue and revise forms.

Each view parses a form, calls one service or selector, renders. A plan outside the
user's scope answers 404 through `get_plan_or_404`, like one that does not exist; a
refused write is shown on its form (status 400) and nothing is saved.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts.models import Role
from dangvien.accounts.scope import get_unit_or_404
from dangvien.core import versions, vn
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error

from . import selectors, services
from .forms import AllocationForm, IssueForm, PlanForm, PlanStartForm, ReviseForm
from .models import PlanStatus

PER_PAGE = 50


def _year(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) == 4 else None


# --- the list --------------------------------------------------------------------------


@require_GET
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    years = selectors.years_for_user(user=user)
    year = _year(request.GET.get("nam"))
    if year is None and years:
        year = years[0]
    plans = selectors.plans_for_user(user=user, year=year) if year is not None else []
    page = Paginator(plans, PER_PAGE).get_page(request.GET.get("trang"))
    return render(request, "plans/plan_list.html", {
        "years": years, "year": year, "page": page,
        "rows": selectors.plan_rows(page.object_list),
        "page_query": f"nam={year}&" if year else "",
        "can_create": bool(selectors.unit_choices(user)),
    })


# --- a new plan ------------------------------------------------------------------------


def _years(today) -> list[int]:
    return list(range(today.year + 1, today.year - 7, -1))


@require_http_methods(["GET", "POST"])
@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    units = selectors.unit_choices(user)
    if not units:
        raise Http404("Bạn không được lập kế hoạch ở đơn vị nào.")
    today = timezone.localdate()
    start = PlanStartForm(request.GET or None, units=units, years=_years(today),
                          initial={"don_vi": units[0][0], "nam": today.year})
    if not start.is_bound or not start.is_valid():
        return render(request, "plans/plan_new.html", {"start": start, "form": None})
    unit = get_unit_or_404(user, start.cleaned_data["don_vi"], role=Role.EDITOR)
    year = start.cleaned_data["nam"]
    parents = selectors.parent_choices(unit=unit, year=year)
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, parents=parents)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    by=user, unit=unit, year=year, number=data["number"], title=data["title"],
                    target=data["target"], parent=form.parent_plan())
            except DomainError as err:
                add_domain_error(form, err)
            else:
                messages.success(request, f"Đã lập dự thảo Kế hoạch số {plan.number}. Hãy giao "
                                          "chỉ tiêu cho các đơn vị trực thuộc rồi ban hành.")
                return redirect("plans:plan", pk=plan.pk)
        status = 400
    else:
        form = PlanForm(parents=parents, initial={
            "title": f"Kế hoạch phát triển đảng viên năm {year}",
            "parent": str(parents[0].pk) if parents else "",
        })
    form.fields["number"].widget.attrs["placeholder"] = (
        f"Ví dụ: 25-KH/{selectors.issuer_symbol(unit)}")
    return render(request, "plans/plan_new.html", {
        "start": start, "form": form, "unit": unit, "year": year,
        "query": urlencode({"don-vi": unit.code, "nam": year}),
    }, status=status)


# --- one plan --------------------------------------------------------------------------


def _revision(request: HttpRequest) -> int | None:
    value = request.GET.get("lan", "")
    return int(value) if value.isdigit() else None


def _render_plan(request: HttpRequest, plan, *, status: int = 200, revision: int | None = None,
                 allocation_form=None, issue_form=None, revise_form=None) -> HttpResponse:
    today = timezone.localdate()
    page = selectors.plan_page(user=request.user, plan=plan, revision=revision, today=today)
    if allocation_form is None and page.shown_is_draft and page.can_edit:
        allocation_form = AllocationForm(rows=page.summary.rows, initial={
            "target": page.shown.target, "phien_ban": versions.token(page.shown)})
    return render(request, "plans/plan_page.html", {
        "p": page, "plan": plan, "today": today,
        "allocation_form": allocation_form,
        "issue_form": issue_form or IssueForm(initial={
            "issued_on": today if today.year <= plan.year else None,
            "phien_ban": versions.token(page.draft) if page.draft else ""}),
        "revise_form": revise_form or ReviseForm(initial={
            "target": page.current.target if page.current else None}),
        "date_long": vn.format_date_long(page.shown.issued_on, pad=True),
    }, status=status)


@require_GET
@login_required
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_or_404(request.user, pk)
    return _render_plan(request, plan, revision=_revision(request))


def _draft_or_400(plan):
    return plan.versions.filter(status=PlanStatus.DRAFT).first()


@require_POST
@login_required
def plan_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_or_404(request.user, pk)
    draft = _draft_or_400(plan)
    if draft is None:
        messages.error(request, "Kế hoạch không có bản dự thảo nào để giao chỉ tiêu.")
        return redirect("plans:plan", pk=plan.pk)
    rows = selectors.plan_summary(version=draft).rows
    form = AllocationForm(request.POST, rows=rows)
    if form.is_valid():
        try:
            services.plan_allocate(by=request.user, version=draft,
                                   allocations=form.allocations(),
                                   target=form.cleaned_data["target"],
                                   token=form.cleaned_data["phien_ban"])
        except versions.StaleRecord as err:
            form.stale(err)
        except DomainError as err:
            add_domain_error(form, err)
        else:
            messages.success(request, f"Đã lưu chỉ tiêu giao của dự thảo lần {draft.revision}.")
            return redirect(reverse("plans:plan", args=[plan.pk]) + "#giao")
    return _render_plan(request, plan, status=400, revision=draft.revision, allocation_form=form)


@require_POST
@login_required
def plan_issue(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_or_404(request.user, pk)
    draft = _draft_or_400(plan)
    if draft is None:
        messages.error(request, "Kế hoạch không có bản dự thảo nào để ban hành.")
        return redirect("plans:plan", pk=plan.pk)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            services.plan_issue(by=request.user, version=draft,
                                issued_on=form.cleaned_data["issued_on"],
                                token=form.cleaned_data["phien_ban"])
        except versions.StaleRecord as err:
            form.stale(err)
        except DomainError as err:
            add_domain_error(form, err)
        else:
            what = "bản điều chỉnh lần" if draft.revision > 1 else "lần"
            messages.success(request, f"Đã ban hành Kế hoạch số {plan.number} ({what} "
                                      f"{draft.revision}) ngày "
                                      f"{vn.format_date(form.cleaned_data['issued_on'])}.")
            return redirect("plans:plan", pk=plan.pk)
    return _render_plan(request, plan, status=400, revision=draft.revision, issue_form=form)


@require_POST
@login_required
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_or_404(request.user, pk)
    form = ReviseForm(request.POST)
    if form.is_valid():
        try:
            version = services.plan_revise(by=request.user, plan=plan,
                                           target=form.cleaned_data["target"],
                                           note=form.cleaned_data["note"])
        except DomainError as err:
            add_domain_error(form, err)
        else:
            messages.success(request, f"Đã lập dự thảo điều chỉnh lần {version.revision}. Sửa "
                                      "chỉ tiêu giao nếu cần, rồi ban hành.")
            return redirect(reverse("plans:plan", args=[plan.pk]) + "#giao")
    return _render_plan(request, plan, status=400, revise_form=form)
