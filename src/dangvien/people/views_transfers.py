"""Transfer pages (chuyển sinh hoạt đảng): the letter, the boxes, confirming, refusing,
withdrawing, a member from outside the province, correcting a completed transfer.

A person or unit outside the user's scope answers 404, like one that does not exist.
A refused write (`DomainError`) is shown on its form; nothing is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, get_unit_or_404
from dangvien.core import versions, vn
from dangvien.core.db import rehearse
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.org.models import CELL_KINDS, OrgUnit

from .forms import (
    ConfirmForm,
    IncomingForm,
    RefuseForm,
    TransferCorrectForm,
    TransferForm,
)
from .models import Transfer, TransferKind, TransferStatus
from .selectors import (
    cells_matching,
    transfer_for_correction,
    transfer_history,
    transfer_inbox,
    transfer_outbox,
)
from .transfers import (
    IncomingLetter,
    present_by,
    transfer_confirm,
    transfer_in_from_outside,
    transfer_out_of_province,
    transfer_refuse,
    transfer_request,
    transfer_withdraw,
)
from .transfers import transfer_correct as correct_transfer
from .views import _editable


def _transfer_record(request: HttpRequest, page, form: TransferForm) -> HttpResponse | None:
    """Record the transfer the valid `form` asks for and say so (None), or answer the
    confirmation page of a transfer out of the province (its rules tried, then the
    consequence named). A refusal raises DomainError."""
    d = form.cleaned_data
    if d["kind"] == TransferKind.WITHIN:
        to_cell = OrgUnit.objects.filter(code=d["to_cell"].strip()).first()
        if to_cell is None:
            raise DomainError(f"Không có đơn vị mã “{d['to_cell']}”.", field="to_cell")
        transfer_request(by=request.user, membership=page.current, to_cell=to_cell,
                         letter_no=d["letter_no"], letter_on=d["letter_on"],
                         reason=d["reason"], token=d["phien_ban"])
        messages.success(request, f"Đã gửi giấy giới thiệu đến {to_cell.name}; "
                                  "đảng viên vẫn sinh hoạt ở chi bộ cũ cho đến khi nơi đến tiếp nhận.")
        return None

    def record():
        transfer_out_of_province(
            by=request.user, membership=page.current, outside_unit=d["outside_unit"],
            letter_no=d["letter_no"], letter_on=d["letter_on"], reason=d["reason"],
            token=d["phien_ban"])

    if not d["confirmed"]:
        rehearse(record)
        return render(request, "people/transfer_out_confirm.html", {"p": page, "form": form,
                                                                    "d": d})
    record()
    messages.success(request, "Đã ghi chuyển sinh hoạt ra ngoài tỉnh.")
    return None


@require_http_methods(["GET", "POST"])
@login_required
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Giới thiệu chuyển sinh hoạt đảng (trong tỉnh hoặc ra ngoài tỉnh)."""
    page = _editable(request, pk)
    today = timezone.localdate()
    search_text = (request.GET.get("tim") or request.POST.get("tim") or "").strip()[:100]
    found = cells_matching(search_text, on=today, exclude=page.current.cell_id)
    if request.method == "POST":
        form = TransferForm(request.POST)
        if form.is_valid():
            try:
                confirm = _transfer_record(request, page, form)
            except versions.StaleRecord as err:
                form.stale(err)
            except DomainError as err:
                add_domain_error(form, err, TransferForm.ALIASES)
            else:
                return confirm or redirect("people:member", pk=pk)
    else:
        initial = {"phien_ban": versions.token(page.current)}
        chosen = request.GET.get("chon", "").strip()[:32]
        if chosen:
            initial |= {"to_cell": chosen, "kind": TransferKind.WITHIN}
        elif len(found) == 1:
            initial["to_cell"] = found[0].code
        form = TransferForm(initial=initial)
    return render(request, "people/transfer_form.html", {
        "p": page, "form": form, "found": found, "search": search_text,
        "present_days": (present_by(today) - today).days,
    }, status=400 if request.method == "POST" else 200)


# --- transfer boxes --------------------------------------------------------------------


@require_GET
@login_required
def inbox(request: HttpRequest, code: str) -> HttpResponse:
    """Hộp chuyển đến của một đơn vị."""
    unit = get_unit_or_404(request.user, code)
    pending, answered = transfer_inbox(user=request.user, unit=unit)
    today = timezone.localdate()
    rows = [(t, present_by(t.letter_on), present_by(t.letter_on) < today,
             can(request.user, t.to_cell, Role.EDITOR)) for t in pending]
    return render(request, "people/inbox.html", {
        "unit": unit, "rows": rows, "answered": answered, "today": today,
        "can_receive": can(request.user, unit, Role.EDITOR),
    })


@require_GET
@login_required
def outbox(request: HttpRequest, code: str) -> HttpResponse:
    """Hộp chuyển đi của một đơn vị."""
    unit = get_unit_or_404(request.user, code)
    transfers = transfer_outbox(user=request.user, unit=unit)
    rows = [(t, t.status == TransferStatus.PENDING and can(request.user, t.from_cell, Role.EDITOR))
            for t in transfers]
    return render(request, "people/outbox.html", {"unit": unit, "rows": rows})


def _incoming(request, pk: int) -> Transfer:
    return get_object_or_404(
        Transfer.objects.incoming_for(request.user, Role.EDITOR).select_related("to_cell", "person"),
        pk=pk)


def _back_code(request, default: OrgUnit) -> str:
    """The box the form was sent from (`don_vi`), when the user may see it."""
    unit = OrgUnit.objects.filter(code=request.POST.get("don_vi", "")[:32]).first()
    return unit.code if unit is not None and can(request.user, unit) else default.code


@require_POST
@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _incoming(request, pk)
    form = ConfirmForm(request.POST)
    back = _back_code(request, transfer.to_cell)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("people:inbox", code=back)
    try:
        new = transfer_confirm(by=request.user, transfer=transfer,
                               received_on=form.cleaned_data["received_on"])
    except DomainError as err:
        messages.error(request, f"{transfer.person.full_name}: {err.message}")
        return redirect("people:inbox", code=back)
    messages.success(request, f"Đã tiếp nhận {transfer.person.full_name} vào {new.cell.name} từ ngày "
                              f"{vn.format_date(new.started_on)}.")
    return redirect("people:inbox", code=back)


@require_POST
@login_required
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _incoming(request, pk)
    form = RefuseForm(request.POST)
    back = _back_code(request, transfer.to_cell)
    if not form.is_valid():
        messages.error(request, "Hãy ghi lý do không tiếp nhận để nơi đi biết cần làm gì.")
        return redirect("people:inbox", code=back)
    try:
        transfer_refuse(by=request.user, transfer=transfer, reason=form.cleaned_data["reason"])
    except DomainError as err:
        messages.error(request, f"{transfer.person.full_name}: {err.message}")
    else:
        messages.success(request, f"Đã trả lời không tiếp nhận {transfer.person.full_name}.")
    return redirect("people:inbox", code=back)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Nơi đi rút lại giấy giới thiệu chưa được tiếp nhận."""
    transfer = get_object_or_404(
        Transfer.objects.outgoing_for(request.user, Role.EDITOR).select_related("from_cell", "person"),
        pk=pk)
    form = RefuseForm(request.POST)
    back = _back_code(request, transfer.from_cell)
    if not form.is_valid():
        messages.error(request, "Hãy ghi lý do rút lại giấy giới thiệu.")
        return redirect("people:outbox", code=back)
    try:
        transfer_withdraw(by=request.user, transfer=transfer, reason=form.cleaned_data["reason"])
    except DomainError as err:
        messages.error(request, f"{transfer.person.full_name}: {err.message}")
    else:
        messages.success(request, f"Đã rút lại giấy giới thiệu của {transfer.person.full_name}; "
                                  "đảng viên tiếp tục sinh hoạt ở chi bộ cũ.")
    return redirect("people:outbox", code=back)


@require_http_methods(["GET", "POST"])
@login_required
def incoming_outside(request: HttpRequest, code: str) -> HttpResponse:
    """Tiếp nhận đảng viên từ ngoài tỉnh chuyển đến, vào một chi bộ của đơn vị."""
    unit = get_unit_or_404(request.user, code, Role.EDITOR)
    cells = list(OrgUnit.objects.for_user(request.user, Role.EDITOR)
                 .filter(path__startswith=unit.path, kind__in=sorted(CELL_KINDS), valid_to__isnull=True)
                 .order_by("path")[:500])
    if not cells:
        raise Http404("Đơn vị này không có chi bộ nào bạn quản lý.")
    if request.method == "POST":
        form = IncomingForm(request.POST, cells=cells)
        if form.is_valid():
            d = form.cleaned_data
            cell = next(c for c in cells if str(c.pk) == d["cell"])
            letter = IncomingLetter(
                outside_unit=d["outside_unit"], letter_no=d["letter_no"], letter_on=d["letter_on"],
                received_on=d["received_on"], admitted_on=d["admitted_on"],
                recognized_on=d["recognized_on"], card_number=d["card_number"])
            try:
                transfer = transfer_in_from_outside(by=request.user, cell=cell,
                                                    person_data=form.person_data(), letter=letter)
            except DomainError as err:
                add_domain_error(form, err, IncomingForm.ALIASES)
            else:
                messages.success(request, f"Đã tiếp nhận {transfer.person.full_name} vào {cell.name}.")
                return redirect("people:member", pk=transfer.person_id)
        status = 400
    else:
        form = IncomingForm(cells=cells, initial={"received_on": timezone.localdate()})
        status = 200
    return render(request, "people/incoming_form.html", {"unit": unit, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def transfer_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Sửa giấy giới thiệu, ngày tiếp nhận của lần chuyển đã hoàn tất, có lý do."""
    transfer = transfer_for_correction(user=request.user, pk=pk)
    form = TransferCorrectForm(request.POST or None, initial={
        "letter_no": transfer.letter_no, "letter_on": transfer.letter_on,
        "received_on": transfer.received_on, "phien_ban": versions.token(transfer)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            correct_transfer(by=request.user, transfer=transfer, letter_no=d["letter_no"],
                             letter_on=d["letter_on"], received_on=d["received_on"],
                             reason=d["reason"], token=d["phien_ban"])
        except versions.StaleRecord as err:
            form.stale(err)
        except DomainError as err:
            add_domain_error(form, err)
        else:
            messages.success(request, "Đã sửa việc chuyển sinh hoạt.")
            return redirect("people:member", pk=transfer.person_id)
    return render(request, "people/transfer_correct.html", {
        "t": transfer, "form": form, "history": transfer_history(transfer),
    }, status=400 if form.errors else 200)
