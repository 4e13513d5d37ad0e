"""Candidate pages: list, registration, candidate page with timeline and dossier (the step
forms are `views_step`).

Each view parses a form, calls one service or selector, renders. A candidacy outside the
user's scope answers 404 through `get_candidacy_or_404`, like one that does not exist.
A refused write (`DomainError`, `RulesFailed`) is shown on the form, never as a 500.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts.models import Role
from dangvien.accounts.scope import get_unit_or_404, scope_key
from dangvien.core.errors import DomainError
from dangvien.core.fragments import cached_page, lazy_values
from dangvien.org.models import OrgUnit
from dangvien.people.models import Person
from dangvien.reports.party_forms import party_forms_for

from . import services, views_step
from .forms import (
    AwarenessForm,
    CandidateFilterForm,
    DossierForm,
    IntroducerForm,
    RegistrationForm,
    add_domain_error,
)
from .models import Candidacy
from .registration import candidate_register
from .selectors import (
    can_register,
    candidate_page,
    candidates_list,
    cell_choices,
    get_candidacy_or_404,
    overdue_kinds,
    people_for_registration,
    unit_options,
    with_due,
)

PER_PAGE = 50


# --- the list --------------------------------------------------------------------------


@require_GET
@login_required
def candidates(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = CandidateFilterForm(request.GET)
    form.is_valid()
    code = form.value("don_vi").strip()
    unit = get_unit_or_404(user, code) if code else None
    today = timezone.localdate()

    def listed():
        late = overdue_kinds(user=user, on=today, unit=unit) if form.value("qua_han") else None
        qs = candidates_list(user=user, unit=unit, stage=form.value("buoc"),
                             source=form.value("nguon"), text=form.value("q"), overdue=late)
        page = cached_page(
            "candidates", scope=scope_key(user),
            parts=(unit.pk if unit else "", form.value("buoc"), form.value("nguon"),
                   form.value("q"), today.isoformat() if late is not None else ""),
            queryset=qs, per_page=PER_PAGE, number=request.GET.get("trang"))
        return {"page": page, "rows": with_due(page.object_list, today=today, overdue=late)}

    unit_code = unit.code if unit else ""
    options = unit_options(user, selected=unit_code, extra=unit)
    kept = {k: v for k, v in request.GET.items() if k != "trang" and v}
    return render(request, "admission/candidate_list.html", {
        # Only the cached list ({% fragment "candidates" %}) reads the page: on a hit it is
        # never computed.
        **lazy_values(listed, ("page", "rows")),
        "form": form, "unit": unit, "unit_options": options,
        "unit_code": unit_code,
        "page_query": (urlencode(kept) + "&") if kept else "",
        "filtered": bool(kept),
        "more_filters": bool(kept.keys() - {"q"}),
        "can_add": can_register(user),
    })


# --- registration ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def candidate_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    cells = cell_choices(user)
    if not cells:
        raise Http404("Bạn không quản lý chi bộ nào.")
    people = Person.objects.for_user(user, Role.EDITOR)
    search = (request.GET.get("tim") or request.POST.get("tim") or "").strip()[:100]
    found = people_for_registration(user=user, text=search)
    if request.method == "POST":
        form = RegistrationForm(request.POST, people=people, cells=cells)
        if form.is_valid():
            data = form.cleaned_data
            try:
                candidacy = candidate_register(
                    by=user, cell=OrgUnit.objects.get(pk=data["cell"]), person=data["person"],
                    person_data=None if data["person"] else form.person_data(),
                    source=data["source"], identified_on=data["identified_on"],
                    union_route=form.chosen_union_route(), is_village_elder=data["is_village_elder"])
            except DomainError as err:
                add_domain_error(form, err, RegistrationForm.ALIASES)
            else:
                messages.success(request, f"Đã đưa {candidacy.person.full_name} vào danh sách "
                                          "nguồn kết nạp.")
                return redirect("admission:candidate", pk=candidacy.pk)
        picked = form.data.get("person")
        if picked and picked.isdigit() and not any(str(p.pk) == picked for p in found):
            found = [*people.filter(pk=picked).defer("cccd", "home_address")[:1], *found]
    else:
        form = RegistrationForm(people=people, cells=cells,
                                initial={"identified_on": timezone.localdate()})
    return render(request, "admission/candidate_new.html",
                  {"form": form, "found": found, "search": search})


# --- one candidate ---------------------------------------------------------------------


def _render_candidate(request, candidacy: Candidacy, *, status: int = 200, **forms):
    today = timezone.localdate()
    page = candidate_page(user=request.user, candidacy=candidacy, today=today)
    context = {
        "p": page, "c": candidacy, "today": today,
        "introducer_form": forms.get("introducer_form")
        or IntroducerForm(members=page.introducer_options),
        "awareness_form": forms.get("awareness_form")
        or AwarenessForm(enrolments=page.awareness_options),
        "dossier_form": forms.get("dossier_form"),
        "party_forms": party_forms_for(candidacy),
    }
    return render(request, "admission/candidate_page.html", context, status=status)


@require_GET
@login_required
def candidate(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_candidate(request, get_candidacy_or_404(request.user, pk))


def _back(candidacy: Candidacy, anchor: str):
    return redirect(reverse("admission:candidate", args=[candidacy.pk]) + anchor)


@require_POST
@login_required
def candidate_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    candidacy = get_candidacy_or_404(request.user, pk)
    form = DossierForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.dossier_record(by=request.user, candidacy=candidacy, form=data["form"],
                                    on=data["on"], reference=data["reference"])
        except DomainError as err:
            add_domain_error(form, err)
        else:
            messages.success(request, f"Đã ghi nhận mẫu {data['form']} vào hồ sơ.")
            return _back(candidacy, "#ho-so")
    return _render_candidate(request, candidacy, status=400, dossier_form=form)


@require_POST
@login_required
def candidate_introducer(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    candidacy = get_candidacy_or_404(user, pk)
    page = candidate_page(user=user, candidacy=candidacy, today=timezone.localdate())
    form = IntroducerForm(request.POST, members=page.introducer_options)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.introducer_add(by=user, candidacy=candidacy, membership=data["membership"],
                                    known_since=data["known_since"], letter_on=data["letter_on"])
        except DomainError as err:
            add_domain_error(form, err, {"on": "letter_on"})
        else:
            messages.success(request, f"Đã ghi người giới thiệu {data['membership'].person}.")
            return _back(candidacy, "#gioi-thieu")
    return _render_candidate(request, candidacy, status=400, introducer_form=form)


@require_POST
@login_required
def candidate_awareness(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    candidacy = get_candidacy_or_404(user, pk)
    page = candidate_page(user=user, candidacy=candidacy, today=timezone.localdate())
    form = AwarenessForm(request.POST, enrolments=page.awareness_options)
    if form.is_valid():
        try:
            services.candidacy_set_awareness(by=user, candidacy=candidacy,
                                             enrolment=form.cleaned_data["enrolment"])
        except DomainError as err:
            add_domain_error(form, err)
        else:
            messages.success(request, "Đã gắn giấy chứng nhận lớp nhận thức về Đảng.")
            return _back(candidacy, "#nhan-thuc")
    return _render_candidate(request, candidacy, status=400, awareness_form=form)


urlpatterns = [
    path("", candidates, name="candidates"),
    path("them/", candidate_new, name="candidate_new"),
    path("ho-so/<int:pk>/", candidate, name="candidate"),
    path("ho-so/<int:pk>/mau/", candidate_dossier, name="candidate_dossier"),
    path("ho-so/<int:pk>/gioi-thieu/", candidate_introducer, name="candidate_introducer"),
    path("ho-so/<int:pk>/nhan-thuc/", candidate_awareness, name="candidate_awareness"),
    path("ho-so/<int:pk>/buoc/<slug:step>/", views_step.candidate_step, name="candidate_step"),
]
