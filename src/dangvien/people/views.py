"""Pages about people: search, a member's page and history, biography corrections, endings.

Transfers (chuyển sinh hoạt) are in `views_transfers`.

A person or unit outside the user's scope answers 404, like one that does not exist.
A refused write (`DomainError`) is shown on its form; nothing is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.core import versions
from dangvien.core.db import rehearse
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error

from .forms import (
    END_CHOICES,
    EndCancelForm,
    EndForm,
    PersonCorrectForm,
)
from .selectors import (
    SEARCH_LIMIT,
    biography_history,
    member_page,
    people_search,
    person_for_correction,
)
from .services import membership_end, membership_end_cancel
from .services import person_correct as correct


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    # Only the cached page body ({% fragment "search" %}) reads the result: lazy.
    result = SimpleLazyObject(lambda: people_search(
        user=request.user, text=request.GET.get("q", ""), limit=SEARCH_LIMIT))
    return render(request, "people/search.html", {"result": result, "limit": SEARCH_LIMIT})


# --- a member ----------------------------------------------------------------------------


def _render_member(request, page, *, end_form=None, cancel_form=None,
                   status=200) -> HttpResponse:
    return render(request, "people/member.html", {
        "p": page,
        "end_form": end_form or EndForm(initial={"phien_ban": versions.token(page.current)}),
        "cancel_form": cancel_form or EndCancelForm(
            initial={"phien_ban": versions.token(page.ended)}),
    }, status=status)


@require_GET
@login_required
def member(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_member(request, member_page(user=request.user, pk=pk))


def _editable(request, pk: int):
    page = member_page(user=request.user, pk=pk)
    if page.current is None or not page.can_edit:
        raise Http404("Không tìm thấy đảng viên đang sinh hoạt trong đơn vị bạn quản lý.")
    return page


@require_http_methods(["GET", "POST"])
@login_required
def person_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Sửa lý lịch có lý do, with the record's correction history below the form."""
    person = person_for_correction(user=request.user, pk=pk)
    stored = {f: getattr(person, f) for f in PersonCorrectForm.FIELDS}
    form = PersonCorrectForm(request.POST or None,
                             initial=stored | {"phien_ban": versions.token(person)})
    if request.method == "POST" and form.is_valid():
        try:
            correct(by=request.user, person=person, data=form.person_data(),
                    reason=form.cleaned_data["reason"], token=form.cleaned_data["phien_ban"])
        except versions.StaleRecord as err:
            form.stale(err)
        except DomainError as err:
            add_domain_error(form, err)
        else:
            messages.success(request, f"Đã sửa lý lịch của {form.cleaned_data['full_name']}.")
            return redirect("people:person_correct", pk=pk)
    return render(request, "people/person_correct.html", {
        "person": person, "form": form, "history": biography_history(person),
    }, status=400 if form.errors else 200)


@require_POST
@login_required
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    page = _editable(request, pk)
    form = EndForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        confirmed = d["confirmed"]

        def record():
            membership_end(by=request.user, membership=page.current, status=d["status"],
                           ended_on=d["ended_on"], decision_no=d["decision_no"],
                           decision_on=d["decision_on"], note=d["note"],
                           token=d["phien_ban"])
        try:
            # Before "Xác nhận" the rules are tried and rolled back: the second screen
            # appears only for an event the save will accept.
            record() if confirmed else rehearse(record)
        except versions.StaleRecord as err:
            form.stale(err)
        except DomainError as err:
            add_domain_error(form, err, {"status": "status", "unit": None})
        else:
            if not confirmed:
                return render(request, "people/member_end_confirm.html", {
                    "p": page, "form": form, "label": dict(END_CHOICES)[d["status"]],
                    "ended_on": d["ended_on"]})
            messages.success(request, f"Đã ghi biến động của {page.person.full_name}.")
            return redirect("people:member", pk=pk)
    return _render_member(request, page, end_form=form, status=400)


@require_POST
@login_required
def member_end_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Hủy biến động thôi sinh hoạt ghi nhầm: the member is counted again."""
    page = member_page(user=request.user, pk=pk)
    if not page.can_cancel_end:
        raise Http404("Không có biến động nào bạn được hủy trên hồ sơ này.")
    form = EndCancelForm(request.POST)
    if form.is_valid():
        try:
            membership_end_cancel(by=request.user, membership=page.ended,
                                  reason=form.cleaned_data["reason"],
                                  token=form.cleaned_data["phien_ban"])
        except versions.StaleRecord as err:
            form.stale(err)
        except DomainError as err:
            add_domain_error(form, err, {"reason": "reason"})
        else:
            messages.success(request, f"Đã hủy biến động ghi nhầm: {page.person.full_name} "
                                      "được tính lại là đảng viên.")
            return redirect("people:member", pk=pk)
    return _render_member(request, page, cancel_form=form, status=400)
