"""Training pages (lớp bồi dưỡng): list, open a class (ahead or after it happened), a
class with its learners, enrol a person, record or correct a result, and the results page
of a class (add learners from a list, "Tất cả đạt", per-learner exceptions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.core import versions
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.org.models import OrgUnit
from dangvien.people.models import Person

from . import services
from .forms import ClassForm, ClassResultsForm, EnrolForm, LearnersForm, ResultForm
from .models import ClassKind
from .selectors import (
    class_enrolments,
    classes_list,
    get_class_or_404,
    get_enrolment_or_404,
    organiser_choices,
    people_from_lines,
    people_to_enrol,
)

PER_PAGE = 50


@require_GET
@login_required
def classes(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("loai", "")
    if kind not in ClassKind.values:
        kind = ""
    page = Paginator(classes_list(user=request.user, kind=kind), PER_PAGE).get_page(
        request.GET.get("trang"))
    return render(request, "training/class_list.html", {
        "page": page, "kind": kind, "kinds": ClassKind.choices,
        "kind_query": f"loai={kind}&" if kind else "",
        "can_open": bool(organiser_choices(request.user)),
    })


@require_http_methods(["GET", "POST"])
@login_required
def class_new(request: HttpRequest) -> HttpResponse:
    organisers = organiser_choices(request.user)
    if not organisers:
        raise Http404("Bạn không quản lý đơn vị nào mở được lớp.")
    if request.method == "POST":
        form = ClassForm(request.POST, organisers=organisers)
        if form.is_valid():
            data = form.cleaned_data
            try:
                klass = services.class_create(
                    by=request.user, organiser=OrgUnit.objects.get(pk=data["organiser"]),
                    kind=data["kind"], name=data["name"], starts_on=data["starts_on"],
                    ends_on=data["ends_on"])
            except DomainError as err:
                add_domain_error(form, err)
            else:
                messages.success(request, f"Đã mở lớp “{klass.name}”.")
                return redirect("training:class", pk=klass.pk)
    else:
        form = ClassForm(organisers=organisers)
    return render(request, "training/class_new.html", {"form": form})


def _render_class(request, klass, *, status=200, enrol_form=None, result_form=None,
                  result_for=None):
    user = request.user
    search = request.GET.get("tim", "").strip()[:100]
    enrolments = class_enrolments(user=user, training_class=klass)
    for e in enrolments:
        e.editable = can(user, e.person.unit, Role.EDITOR)
        e.token = versions.token(e)
    return render(request, "training/class_page.html", {
        "klass": klass, "enrolments": enrolments, "search": search,
        "found": people_to_enrol(user=user, training_class=klass, text=search),
        "enrol_form": enrol_form, "result_form": result_form, "result_for": result_for,
        "result_choices": ResultForm.base_fields["result"].choices,
        "ended": klass.ends_on < timezone.localdate(),
        "can_enrol": OrgUnit.objects.for_user(user, Role.EDITOR).exists(),
        "can_enter_past": services.may_enter_past(user, klass),
    }, status=status)


@require_GET
@login_required
def class_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_class(request, get_class_or_404(request.user, pk))


@require_POST
@login_required
def class_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    klass = get_class_or_404(user, pk)
    form = EnrolForm(request.POST, people=Person.objects.for_user(user, Role.EDITOR))
    if form.is_valid():
        try:
            enrolment = services.enrol(by=user, training_class=klass,
                                       person=form.cleaned_data["person"])
        except DomainError as err:
            add_domain_error(form, err, {"training_class": None})
        else:
            messages.success(request, f"Đã ghi danh {enrolment.person.full_name}.")
            return redirect(reverse("training:class", args=[klass.pk]) + "#hoc-vien")
    return _render_class(request, klass, status=400, enrol_form=form)


@require_POST
@login_required
def enrolment_result(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    user = request.user
    klass = get_class_or_404(user, pk)
    enrolment = get_enrolment_or_404(user, klass, enrolment_pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.enrolment_record_result(
                by=user, enrolment=enrolment, result=data["result"],
                certificate_number=data["certificate_number"],
                certificate_on=data["certificate_on"], version=data["phien_ban"],
                reason=data["reason"])
        except versions.StaleRecord as err:
            form.stale(err)
        except DomainError as err:
            add_domain_error(form, err)
        else:
            messages.success(request, f"Đã ghi kết quả của {enrolment.person.full_name}.")
            return redirect(reverse("training:class", args=[klass.pk]) + f"#hv-{enrolment.pk}")
    return _render_class(request, klass, status=400, result_form=form, result_for=enrolment.pk)


def _render_results(request, klass, *, form=None, learners=None, status=200, **extra):
    enrolments = class_enrolments(user=request.user, training_class=klass, role=Role.EDITOR)
    if form is None:
        form = ClassResultsForm(enrolments=enrolments,
                                initial={"certificate_on": klass.ends_on})
    return render(request, "training/class_results.html", {
        "klass": klass, "form": form, "lines": [form.line(e) for e in form.enrolments],
        "learners": learners or LearnersForm(), "can_add": services.may_enter_past(
            request.user, klass) or klass.ends_on >= timezone.localdate(),
        **extra,
    }, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def class_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Kết quả cả lớp: một lần lưu, "Tất cả đạt" và các ngoại lệ."""
    klass = get_class_or_404(request.user, pk)
    if request.method == "GET":
        return _render_results(request, klass)
    enrolments = class_enrolments(user=request.user, training_class=klass, role=Role.EDITOR)
    form = ClassResultsForm(request.POST, enrolments=enrolments)
    if form.is_valid():
        try:
            saved = services.class_results_save(
                by=request.user, training_class=klass, entries=form.entries(),
                all_passed="tat_ca_dat" in request.POST,
                certificate_on=form.cleaned_data["certificate_on"],
                reason=form.cleaned_data["reason"])
        except services.ResultsRefused as err:
            form.refused(err)
        except DomainError as err:
            add_domain_error(form, err)
        else:
            done = f"Đã lưu: ghi mới {saved.recorded}, sửa {saved.corrected} kết quả."
            if not saved.conflicts:
                messages.success(request, done)
                return redirect("training:results", pk=klass.pk)
            fresh = class_enrolments(user=request.user, training_class=klass, role=Role.EDITOR)
            form = ClassResultsForm.after_conflicts(request.POST, enrolments=fresh,
                                                    conflicts=saved.conflicts)
            return _render_results(request, klass, form=form, status=409, saved_message=done,
                                   conflicts=len(saved.conflicts))
    return _render_results(request, klass, form=form, status=400)


@require_POST
@login_required
def class_learners_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Thêm nhiều học viên một lần (dán danh sách)."""
    klass = get_class_or_404(request.user, pk)
    form = LearnersForm(request.POST)
    if form.is_valid():
        people, errors = people_from_lines(user=request.user, training_class=klass,
                                           text=form.cleaned_data["danh_sach"])
        for message in errors:
            form.add_error("danh_sach", message)
        if not errors:
            try:
                services.class_learners_add(by=request.user, training_class=klass, people=people)
            except DomainError as err:
                add_domain_error(form, err, {"person": "danh_sach", "training_class": "danh_sach"})
            else:
                messages.success(request, f"Đã thêm {len(people)} học viên vào lớp.")
                return redirect("training:results", pk=klass.pk)
    return _render_results(request, klass, learners=form, status=400)
