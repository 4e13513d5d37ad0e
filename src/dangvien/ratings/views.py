"""Ratings and screening pages: the cell's entry sheet, the approval page of the committee
above, the distribution report, the screening list and a case page.

Each view parses input, calls one service or selector, renders. A unit or case outside
the user's scope answers 404, like one that does not exist; a refused write is shown on
its page (status 400) and nothing is saved.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, get_unit_or_404
from dangvien.core import versions
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.org.models import CELL_KINDS
from dangvien.people.models import Membership

from . import selectors, services
from .forms import CorrectionForm, DisciplineRecordForm, LapseForm, OutcomeForm, VoteForm
from .models import LEVEL_SHORT, LEVELS, RatingLevel, RatingStatus, ScreeningCase, ScreeningStatus
from .reports import comparison_years, default_unit


def _year(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) == 4 else None


def _rule_set_or_404(year: int):
    try:
        return services.rule_set_for_year(year)
    except DomainError:
        raise Http404("Chưa có quy định đánh giá cho năm này.") from None


def _year_tabs(year: int) -> list[int]:
    """Five years around `year`, newest first, none after this year."""
    last = min(timezone.localdate().year, year + 2)
    return list(range(last, max(2017, last - 5), -1))


def _check_year_or_404(year: int) -> None:
    if year < 2000 or year > timezone.localdate().year:
        raise Http404("Năm không hợp lệ.")


LEVEL_CHOICES = [(lv.value, lv.label, LEVEL_SHORT[lv]) for lv in LEVELS]


# --- the cell's entry sheet ----------------------------------------------------------------


_SCORE = re.compile(r"-?[0-9]{1,6}")


def _stored(rating, rule_set) -> str:
    """A row's value as the sheet shows it: the level code, or the score as text."""
    if rating is None:
        return ""
    if rule_set.uses_score:
        return "" if rating.score is None else str(rating.score)
    return rating.level


def read_sheet(post, rows, rule_set) -> list[services.Entry]:
    """One entry per member row the user changed (what was sent differs from what the page
    loaded, `was-<id>`), with the row's version token (`v-<id>`). An untouched row is not
    sent, so someone else's change to it since the page was loaded stands."""
    entries = []
    for row in rows:
        mid = row.membership.pk
        raw = post.get(f"{'diem' if rule_set.uses_score else 'lv'}-{mid}", "").strip()
        loaded = post.get(f"was-{mid}")
        if not raw or (loaded is not None and raw == loaded.strip()):
            continue
        version = post.get(f"v-{mid}") or None
        if rule_set.uses_score:
            if not _SCORE.fullmatch(raw):
                raise DomainError(f"Điểm của {row.person.full_name} phải là số nguyên từ 0 đến 100 "
                                  f"(đã nhập “{raw[:10]}”).", field="score")
            entries.append(services.Entry(mid, score=int(raw), version=version))
        else:
            entries.append(services.Entry(mid, level=raw, version=version))
    return entries


def _sheet_rows(rows, rule_set, cell, *, posted=None, conflicts=(), may_correct=(False, False)
                ) -> list[dict]:
    """What each row of the sheet shows: the choice, the value and token as loaded, a
    conflict (kept choice, who changed what) when the last save skipped it, and whether the
    user may correct it with a reason (`may_correct`: before, after approval)."""
    now = timezone.now()
    by_member = {c.membership_id: c for c in conflicts}
    key = "diem" if rule_set.uses_score else "lv"
    sheet = []
    for row in rows:
        r, mid = row.rating, row.membership.pk
        conflict = by_member.get(mid)
        was, token = _stored(r, rule_set), services.row_token(r, at=now)
        chosen = was
        if conflict is not None:  # the user's choice, to apply again on purpose
            chosen = str(conflict.score) if rule_set.uses_score else conflict.level
        elif posted is not None:  # refused: nothing saved, the page as sent
            chosen = posted.get(f"{key}-{mid}", "")
            was, token = posted.get(f"was-{mid}", was), posted.get(f"v-{mid}", token)
        approved = r is not None and r.status == RatingStatus.APPROVED
        sheet.append({"row": row, "chosen": chosen, "score": chosen if rule_set.uses_score else "",
                      "was": was, "token": token, "conflict": conflict,
                      # Before approval the sheet itself changes a rating: the link shows
                      # on approved rows (and on rows already corrected).
                      "can_correct": r is not None and r.cell_id == cell.pk
                      and may_correct[1 if approved else 0]
                      and (approved or bool(r.corrections.all())),
                      "locked": r is not None and (r.status == RatingStatus.APPROVED
                                                   or r.cell_id != cell.pk)})
    return sheet


@require_http_methods(["GET", "POST"])
@login_required
def entry(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = request.user
    cell = get_unit_or_404(user, code)
    if cell.kind not in CELL_KINDS:
        raise Http404("Chỉ chi bộ nhập kết quả xếp loại.")
    _check_year_or_404(year)
    rule_set = _rule_set_or_404(year)
    can_edit = can(user, cell, Role.EDITOR)
    rows = selectors.cell_sheet(cell=cell, year=year)
    error, status, posted, result = "", 200, None, None
    if request.method == "POST":
        if not can_edit:
            raise Http404("Bạn không có quyền nhập kết quả xếp loại của chi bộ này.")
        try:
            entries = read_sheet(request.POST, rows, rule_set)
            result = services.ratings_enter_batch(by=user, cell=cell, year=year, entries=entries)
        except DomainError as err:
            error, status, posted = err.message, 400, request.POST
        else:
            if not result.conflicts:
                messages.success(request, result.message)  # the 20% warning shows on the page
                return redirect("ratings:entry", code=cell.code, year=year)
            status, rows = 409, selectors.cell_sheet(cell=cell, year=year)
    above = services.committee_above(cell)
    can_approve = above is not None and can(user, above, Role.EDITOR)
    sheet = _sheet_rows(rows, rule_set, cell, posted=posted,
                        conflicts=result.conflicts if result else (),
                        may_correct=(can_edit, can_approve))
    counts = selectors.level_counts(unit=cell, year=year)
    return render(request, "ratings/entry.html", {
        "cell": cell, "year": year, "rule_set": rule_set, "sheet": sheet, "can_edit": can_edit,
        "levels": LEVEL_CHOICES, "error": error, "cap": services.cap_check(counts, rule_set),
        "result": result, "tally": [(LEVEL_SHORT[lv], counts.get(lv, 0)) for lv in LEVELS],
        "years": _year_tabs(year), "can_approve": can_approve, "above": above,
    }, status=status)


# --- a correction with a reason -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Sửa kết quả xếp loại có lý do: the rating, its history, the form for who may correct."""
    user = request.user
    rating = selectors.rating_or_404(user, pk)
    uses_score = rating.rule_set.uses_score
    allowed = services.can_correct(user, rating)
    form = CorrectionForm(initial={"phien_ban": versions.token(rating)}, uses_score=uses_score)
    status = 200
    if request.method == "POST":
        form = CorrectionForm(request.POST, uses_score=uses_score)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.rating_correct(by=user, rating=rating, level=d.get("level"),
                                        score=d.get("score"), reason=d["reason"],
                                        version=d["phien_ban"])
            except versions.StaleRecord as err:
                form.stale(err)
            except DomainError as err:
                add_domain_error(form, err)
            else:
                messages.success(request, f"Đã sửa kết quả xếp loại năm {rating.year} của "
                                          f"{rating.person.full_name}.")
                return redirect("ratings:correct", pk=rating.pk)
        status = 400
        rating = selectors.rating_or_404(user, pk)  # as stored now, beside the kept input
    return render(request, "ratings/correct.html", {
        "rating": rating, "form": form, "allowed": allowed,
        "corrector": services.corrector_unit(rating), "uses_score": uses_score,
        "history": rating.corrections.all(),
    }, status=status)


# --- approval by the committee above -------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def approve(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = request.user
    unit = get_unit_or_404(user, code)
    _check_year_or_404(year)
    rule_set = _rule_set_or_404(year)
    can_edit = can(user, unit, Role.EDITOR)
    cells = selectors.approval_overview(unit=unit, year=year)
    error, status, changes = "", 200, []
    if request.method == "POST":
        if not can_edit:
            raise Http404("Bạn không có quyền duyệt kết quả xếp loại của đơn vị này.")
        wanted = request.POST.get("chi_bo", "")
        chosen = [c.unit for c in cells if c.entered and (wanted == "*" or c.unit.code == wanted)]
        if not chosen:
            error, status = "Không có chi bộ nào có kết quả chờ duyệt.", 400
        else:
            try:
                with transaction.atomic():  # "Duyệt tất cả": every cell or none
                    done = sum(services.ratings_approve(
                        by=user, cell=c, year=year,
                        version=request.POST.get(f"v-{c.code}")) for c in chosen)
            except services.CellRatingsChanged as err:
                error, status, changes = err.message, 409, err.lines
            except DomainError as err:
                error, status = err.message, 400
            else:
                names = chosen[0].name if len(chosen) == 1 else f"{len(chosen)} chi bộ"
                messages.success(request, f"Đã duyệt {done} kết quả xếp loại năm {year} của {names}.")
                return redirect("ratings:approve", code=unit.code, year=year)
    group = services.cap_check(selectors.level_counts(unit=unit, year=year), rule_set)
    now = timezone.now()
    for c in cells:  # each cell's ratings as seen now: "Duyệt" approves what was seen
        c.token = selectors.cell_ratings_token(c, at=now)
    return render(request, "ratings/approve.html", {
        "unit": unit, "year": year, "rule_set": rule_set, "cells": cells, "can_edit": can_edit,
        "group": group, "error": error, "changes": changes, "levels": LEVEL_CHOICES,
        "cell_caps": {c.unit.pk: services.cap_check(c.counts, rule_set) for c in cells},
        "pending": sum(1 for c in cells if c.entered),
        "below": selectors.pending_below(unit=unit, year=year),
    }, status=status)


# --- the report ----------------------------------------------------------------------------


#: The report's year lasts for the session once the user chose one (?nam=): the menu's
#: "Xếp loại" link and the other units' reports come back to it.
REPORT_YEAR_KEY = "dv_nam_xep_loai"
FIRST_REPORT_YEAR = 2000
#: The year list starts at the rating rules of 2018 (QĐ 132-QĐ/TW) unless data is older.
LISTED_FROM = 2018


def report_year(request: HttpRequest, unit) -> tuple[int, str]:
    """The year the report shows, and a message when the one asked for cannot be shown.

    The year asked for (`?nam=`) is shown as asked, with or without data, and kept for the
    session; without it the year kept; else the newest year with ratings in `unit`'s
    subtree, else last year. Nothing else (the date, other units' data) changes it.
    """
    today = timezone.localdate()
    session = request.session
    raw = request.GET.get("nam", "").strip()
    asked = _year(raw)
    if asked is not None and FIRST_REPORT_YEAR <= asked <= today.year:
        session[REPORT_YEAR_KEY] = asked
        return asked, ""
    note = ""
    if raw:
        note = (f"Năm “{raw[:20]}” không xem được: hãy chọn một năm từ {FIRST_REPORT_YEAR} "
                f"đến {today.year}.")
    kept = session.get(REPORT_YEAR_KEY)
    if isinstance(kept, int) and FIRST_REPORT_YEAR <= kept <= today.year:
        year = kept
    else:
        in_scope = selectors.rated_years(unit=unit)
        year = in_scope[0] if in_scope else today.year - 1
    if note:
        note += f" Đang hiển thị năm {year}."
    return year, note


@require_GET
@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = request.user
    code = request.GET.get("don-vi", "").strip()
    unit = get_unit_or_404(user, code) if code else default_unit(user)
    if unit is None:
        return render(request, "ratings/report.html", {"unit": None})
    year, year_note = report_year(request, unit)
    years_with_data = selectors.rated_years()
    # Earlier years without any rating anywhere are left out (nothing to compare).
    years = [y for y in comparison_years(year) if y == year or y in years_with_data]
    dist = selectors.distribution(unit=unit, years=years)
    try:
        rule_set = services.rule_set_for_year(year)
    except DomainError:  # a year before any rule set still shows its counts
        rule_set = None
    cap = services.cap_check(selectors.level_counts(unit=unit, year=year), rule_set) if rule_set else None
    parent = services.committee_above(unit)
    rows = [{"row": r, "is_cell": r.unit.kind in CELL_KINDS,
             "has_children": r.unit.numchild > 0} for r in dist.rows]
    this_year = timezone.localdate().year
    in_scope = selectors.rated_years(unit=unit)
    return render(request, "ratings/report.html", {
        "unit": unit, "year": year, "year_note": year_note, "dist": dist, "rows": rows,
        "levels": LEVEL_CHOICES,
        # Every year from 2018 (QĐ 132-QĐ/TW) or the oldest with data in scope to this one.
        "year_choices": list(range(this_year, min([year, LISTED_FROM, *in_scope]) - 1, -1)),
        "completion": selectors.rating_completion(unit=unit, year=year),
        "rated": dist.total.years[-1].total,
        "cap": cap, "is_cell": unit.kind in CELL_KINDS,
        "can_edit_cell": unit.kind in CELL_KINDS and can(user, unit, Role.EDITOR),
        "parent": parent if parent is not None and can(user, parent) else None,
    })


# --- screening -----------------------------------------------------------------------------


def _record_flag(request: HttpRequest, unit, year: int, action: str, members: list,
                 by_pk: dict):
    """A cell's record that the screening flags read: a month without activity or dues
    ("lapse"), or a discipline. The redirect after it, or the form with its errors."""
    form_class = LapseForm if action == "lapse" else DisciplineRecordForm
    form = form_class(request.POST, members=members)
    if not form.is_valid():
        return form
    d = form.cleaned_data
    try:
        if action == "lapse":
            services.lapse_record(by=request.user, membership=by_pk[d["member"]], year=year,
                                  month=d["month"], kind=d["kind"],
                                  with_reason=d["with_reason"], note=d["note"])
        else:
            services.discipline_record(by=request.user, membership=by_pk[d["member"]],
                                       form=d["form"], decided_on=d["decided_on"],
                                       until=d["until"], decision_number=d["decision_number"])
    except DomainError as err:
        add_domain_error(form, err, {"membership": "member"})
        return form
    messages.success(request, "Đã ghi nhận.")
    return redirect("ratings:screening", code=unit.code, year=year)


def _open_case(request: HttpRequest, unit, year: int):
    """Open a screening case for the member posted: the redirect to it, or the refusal."""
    mid = request.POST.get("dang_vien", "")
    membership = (Membership.objects.for_user(request.user)
                  .filter(pk=mid, cell__path__startswith=unit.path)
                  .select_related("cell").first() if mid.isdigit() else None)
    if membership is None:
        raise Http404("Không tìm thấy đảng viên.")
    try:
        case = services.screening_open(by=request.user, membership=membership, year=year)
    except DomainError as err:
        return err.message
    messages.success(request, "Đã mở trường hợp sàng lọc; chi bộ ghi kết quả bỏ phiếu kín.")
    return redirect("ratings:case", pk=case.pk)


@require_http_methods(["GET", "POST"])
@login_required
def screening(request: HttpRequest, code: str, year: int) -> HttpResponse:
    user = request.user
    unit = get_unit_or_404(user, code)
    _check_year_or_404(year)
    # A cell's editor also records the months without activity or dues and the disciplines
    # the flags read.
    records = unit.kind in CELL_KINDS and can(user, unit, Role.EDITOR)
    sheet = selectors.cell_sheet(cell=unit, year=year) if records else []
    members = [(r.membership.pk, r.person.full_name) for r in sheet]
    forms = {"lapse": LapseForm(members=members) if records else None,
             "discipline": DisciplineRecordForm(members=members) if records else None}
    error, status = "", 200
    action = request.POST.get("action", "open") if request.method == "POST" else None
    if action in forms:
        if not records:
            raise Http404("Bạn không có quyền ghi nhận ở đơn vị này.")
        outcome = _record_flag(request, unit, year, action, members,
                               {r.membership.pk: r.membership for r in sheet})
        if isinstance(outcome, HttpResponse):
            return outcome
        forms[action], status = outcome, 400
    elif action is not None:
        outcome = _open_case(request, unit, year)
        if isinstance(outcome, HttpResponse):
            return outcome
        error, status = outcome, 400
    flagged = selectors.screening_list(unit=unit, year=year)
    items = [{"f": f, "can_open": f.case is None and f.flags and f.membership.ended_on is None
              and can(user, f.membership.cell, Role.EDITOR)} for f in flagged]
    return render(request, "ratings/screening.html", {
        "unit": unit, "year": year, "items": items, "error": error, "years": _year_tabs(year),
        "lapse_form": forms["lapse"], "discipline_form": forms["discipline"],
        "recorded": selectors.recorded_for_cell(cell=unit, year=year) if records else None,
    }, status=status)


def _case_or_404(user, pk: int) -> ScreeningCase:
    case = (ScreeningCase.objects.for_user(user).filter(pk=pk)
            .select_related("person", "membership", "cell", "rule_set").first())
    if case is None:
        raise Http404("Không tìm thấy trường hợp sàng lọc.")
    return case


def _case_record(request: HttpRequest, case: ScreeningCase, form) -> bool:
    """Record the cell's vote (VoteForm) or the committee's conclusion (OutcomeForm);
    False leaves the errors on the form. A page loaded before someone else's vote or
    conclusion still reaches the service: its version token makes the refusal say who
    changed the case, and when."""
    if not form.is_valid():
        return False
    d = dict(form.cleaned_data)
    version = d.pop("phien_ban")
    call = services.screening_vote if isinstance(form, VoteForm) else services.screening_outcome
    try:
        call(by=request.user, case=case, version=version, **d)
    except versions.StaleRecord as err:
        form.stale(err)
    except DomainError as err:
        add_domain_error(form, err)
    else:
        return True
    return False


@require_http_methods(["GET", "POST"])
@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = _case_or_404(user, pk)
    cell_editor = can(user, case.cell, Role.EDITOR)
    above = services.committee_above(case.cell)
    concluder = above is not None and can(user, above, Role.EDITOR)
    can_vote = case.status == ScreeningStatus.OPEN and cell_editor
    can_conclude = case.status != ScreeningStatus.CLOSED and concluder
    vote_form = outcome_form = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "vote" and cell_editor:
            vote_form = VoteForm(request.POST)
        elif action == "outcome" and concluder:
            outcome_form = OutcomeForm(request.POST)
        else:
            raise Http404("Bạn không có quyền thực hiện việc này.")
        if _case_record(request, case, vote_form if action == "vote" else outcome_form):
            messages.success(request, "Đã ghi kết quả biểu quyết của chi bộ." if action == "vote"
                             else "Đã ghi kết quả sàng lọc.")
            return redirect("ratings:case", pk=case.pk)
        status = 400
    today = timezone.localdate()
    token = versions.token(case)
    if vote_form is None and can_vote:
        vote_form = VoteForm(initial={
            "voted_on": today, "exempt_members": 0, "phien_ban": token,
            "official_members": selectors.official_members_on(case.cell, today)})
    if outcome_form is None and can_conclude:
        outcome_form = OutcomeForm(initial={"decided_on": today, "phien_ban": token})
    return render(request, "ratings/case.html", {
        "case": case, "vote_form": vote_form, "outcome_form": outcome_form,
        "share": services.vote_share_text(case.params),
        "placed": case.status in (ScreeningStatus.EDUCATION,) or (
            case.status == ScreeningStatus.CLOSED and case.education_ends_on is not None),
        "list_url": reverse("ratings:screening", kwargs={"code": case.cell.code, "year": case.year}),
        "not_done": RatingLevel.NOT_DONE,
    }, status=status)
