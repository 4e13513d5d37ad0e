"""Writes of the period reports: periods, submit, return, approve, reopen.

Keyword-only functions taking model objects, for the pages, the demo, the command line
and the API alike. Each runs in one transaction, locks the row it changes, checks the
version token when given (`core.versions`), writes a `ReportAction` (the history shown on
the page) and an audit row, and refuses with a `DomainError` in Vietnamese that says
what to do.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, scope_paths
from dangvien.audit.services import audit_record, snapshot
from dangvien.core import versions, vn
from dangvien.core.errors import DomainError
from dangvien.core.http import FIRST_YEAR, YEARS_AHEAD
from dangvien.org.models import OrgUnit
from dangvien.plans import reports as plan_reports
from dangvien.plans.in_view import plan_day
from dangvien.plans.progress import progress_table

from . import selectors
from .models import (
    EDITABLE,
    ActionKind,
    PeriodKind,
    PeriodReport,
    ReportAction,
    ReportingPeriod,
    ReportStatus,
)

MAX_LABEL = 80
MAX_NARRATIVE = 20_000
MIN_COMMENT = 10
MAX_COMMENT = 2_000
DUE_FIELDS = ("due_cell", "due_grassroots", "due_district", "due_province")
DATE_LABELS = {"starts_on": "Từ ngày", "ends_on": "Đến ngày", "due_cell": "Hạn nộp của chi bộ",
               "due_grassroots": "Hạn nộp của đảng bộ cơ sở",
               "due_district": "Hạn nộp của huyện ủy", "due_province": "Hạn nộp của tỉnh ủy"}


# --- who may --------------------------------------------------------------------------------


def may_set_periods(user) -> bool:
    """A superuser or an administrator of a top unit (the province) sets the periods."""
    if user is None:
        return True
    paths = scope_paths(user, Role.ADMIN)
    return paths is None or any(len(p) == OrgUnit.steplen for p in paths)


def _require_period_admin(by) -> None:
    if not may_set_periods(by):
        raise DomainError("Chỉ quản trị viên của Tỉnh ủy mới đặt được kỳ báo cáo.",
                          code="forbidden")


# --- text -----------------------------------------------------------------------------------


def _clean_text(value, *, field: str, what: str, limit: int, required: bool,
                minimum: int = 0) -> str:
    text = str(value or "")
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise DomainError(f"{what} có ký tự điều khiển không hợp lệ: hãy gõ lại bằng bàn phím "
                          "hoặc dán từ văn bản thường.", field=field)
    text = text.replace("\r\n", "\n").strip()
    if required and not text:
        raise DomainError(f"Hãy nhập {what.lower()}.", field=field)
    if len(text) > limit:
        raise DomainError(f"{what} dài {vn.format_number(len(text))} ký tự, quá giới hạn "
                          f"{vn.format_number(limit)}: hãy rút gọn.", field=field)
    if minimum and len(text) < minimum:
        raise DomainError(f"{what} phải ghi rõ (ít nhất {minimum} ký tự).", field=field)
    return text


# --- periods ----------------------------------------------------------------------------------


def _check_period(*, kind: str, label: str, dates: dict, exclude: int | None,
                  today: dt.date) -> str:
    if kind not in PeriodKind.values:
        raise DomainError("Hãy chọn loại kỳ: quý, 6 tháng hoặc năm.", field="kind")
    label = vn.normalize_spaces(_clean_text(label, field="label", what="Tên kỳ",
                                            limit=MAX_LABEL, required=True))
    for name, day in dates.items():
        if not isinstance(day, dt.date):
            raise DomainError(f"Hãy nhập {DATE_LABELS[name].lower()} (ngày/tháng/năm).",
                              field=name)
        if not FIRST_YEAR <= day.year <= today.year + YEARS_AHEAD:
            raise DomainError(f"{DATE_LABELS[name]} {vn.format_date(day)} nằm ngoài khoảng từ "
                              f"năm {FIRST_YEAR} đến năm {today.year + YEARS_AHEAD}.", field=name)
    start, end = dates["starts_on"], dates["ends_on"]
    if end < start:
        raise DomainError(f"Ngày kết thúc ({vn.format_date(end)}) trước ngày bắt đầu "
                          f"({vn.format_date(start)}): hãy kiểm tra lại.", field="ends_on")
    if start.year != end.year:
        raise DomainError("Một kỳ báo cáo nằm trong một năm (kế hoạch giao chỉ tiêu theo năm): "
                          "hãy sửa ngày bắt đầu hoặc kết thúc.", field="ends_on")
    previous = None
    for name in DUE_FIELDS:
        due = dates[name]
        if due < start:
            raise DomainError(f"{DATE_LABELS[name]} ({vn.format_date(due)}) trước ngày bắt đầu "
                              "kỳ.", field=name)
        if previous is not None and due < dates[previous]:
            raise DomainError(f"{DATE_LABELS[name]} ({vn.format_date(due)}) trước "
                              f"{DATE_LABELS[previous].lower()} ({vn.format_date(dates[previous])}): "
                              "cấp dưới nộp trước để cấp trên tổng hợp.", field=name)
        previous = name
    clash = (ReportingPeriod.objects.filter(kind=kind, starts_on__lte=end, ends_on__gte=start)
             .exclude(pk=exclude).first())
    if clash is not None:
        raise DomainError(f"Trùng thời gian với kỳ {clash.label} "
                          f"({vn.format_date(clash.starts_on)}–{vn.format_date(clash.ends_on)}) "
                          "cùng loại: hãy sửa ngày hoặc sửa kỳ đó.", field="starts_on")
    return label


@transaction.atomic
def period_create(*, by, kind: str, label: str, starts_on: dt.date, ends_on: dt.date,
                  due_cell: dt.date, due_grassroots: dt.date, due_district: dt.date,
                  due_province: dt.date, today: dt.date | None = None) -> ReportingPeriod:
    """Đặt một kỳ báo cáo mới (quản trị viên Tỉnh ủy)."""
    _require_period_admin(by)
    dates = {"starts_on": starts_on, "ends_on": ends_on, "due_cell": due_cell,
             "due_grassroots": due_grassroots, "due_district": due_district,
             "due_province": due_province}
    label = _check_period(kind=kind, label=label, dates=dates, exclude=None,
                          today=today or timezone.localdate())
    period = ReportingPeriod.objects.create(kind=kind, label=label, **dates)
    audit_record(by=by, action="period.create", obj=period, after=snapshot(period))
    return period


@transaction.atomic
def period_update(*, by, period: ReportingPeriod, kind: str, label: str, starts_on: dt.date,
                  ends_on: dt.date, due_cell: dt.date, due_grassroots: dt.date,
                  due_district: dt.date, due_province: dt.date, version: str | None = None,
                  today: dt.date | None = None) -> ReportingPeriod:
    """Sửa kỳ báo cáo. The kind and dates of a period with reports submitted stay."""
    _require_period_admin(by)
    p = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    versions.check(p, version, what=f"kỳ báo cáo {p.label}")
    dates = {"starts_on": starts_on, "ends_on": ends_on, "due_cell": due_cell,
             "due_grassroots": due_grassroots, "due_district": due_district,
             "due_province": due_province}
    label = _check_period(kind=kind, label=label, dates=dates, exclude=p.pk,
                          today=today or timezone.localdate())
    moved = kind != p.kind or starts_on != p.starts_on or ends_on != p.ends_on
    if moved and p.reports.exclude(status=ReportStatus.DRAFT).exists():
        raise DomainError(f"Kỳ {p.label} đã có báo cáo được nộp: không đổi được loại kỳ và "
                          "ngày bắt đầu, kết thúc (chỉ sửa được tên và hạn nộp).",
                          field="starts_on")
    before = snapshot(p)
    p.kind, p.label = kind, label
    for name, day in dates.items():
        setattr(p, name, day)
    p.save()
    audit_record(by=by, action="period.update", obj=p, before=before, after=snapshot(p))
    return p


# --- the report's figures and draft -----------------------------------------------------------


def figures(*, period: ReportingPeriod, reporter: selectors.Reporter) -> dict:
    """The unit's figures as of the period's end, as the dashboard and `report progress`
    give them (`plans.reports.progress_dict`), with the period."""
    day = plan_day(reporter.plan, period.ends_on)
    table = progress_table(plan=reporter.plan, unit=reporter.unit, as_of=day, user=None)
    data = plan_reports.progress_dict(table, plan_reports.plan_heading(reporter.plan, day))
    data["period"] = {"label": period.label, "starts_on": period.starts_on.isoformat(),
                      "ends_on": period.ends_on.isoformat()}
    return data


def draft_narrative(*, period: ReportingPeriod, reporter: selectors.Reporter) -> str:
    """The narrative's first draft, from the figures, in the words of the Standing Board's
    report (`reports.progress_report`): the result, what falls short, the solutions."""
    from dangvien.reports.progress_report import (
        BEHIND_STATUSES,
        progress_report,
        row_sentence,
    )

    day = plan_day(reporter.plan, period.ends_on)
    report = progress_report(plan=reporter.plan, unit=reporter.unit, as_of=day, user=None)
    behind = report.rows_with(BEHIND_STATUSES)
    lines = [f"1. Kết quả {period.label}: {row_sentence(report.total)}."]
    if report.total.status in BEHIND_STATUSES and not behind:
        lines.append(f"2. Tồn tại, hạn chế: {report.total.status_label.lower()}; (đơn vị nêu cụ "
                     "thể những việc chưa làm được).")
    elif behind:
        lines.append("2. Tồn tại, hạn chế: chậm tiến độ hoặc có nguy cơ không đạt chỉ tiêu: "
                     + "; ".join(row_sentence(r) for r in behind) + ".")
    else:
        lines.append("2. Tồn tại, hạn chế: (đơn vị bổ sung).")
    lines.append("3. Nguyên nhân: (đơn vị bổ sung).")
    lines.append("4. Giải pháp thời gian tới:")
    lines += [f"- {text}" for text in report.recommendations]
    return "\n".join(lines)


# --- the report's path ----------------------------------------------------------------------


def _act(report: PeriodReport, *, by, kind: str, comment: str = "") -> None:
    user = by if getattr(by, "pk", None) else None
    ReportAction.objects.create(report=report, kind=kind, by=user,
                                by_name=getattr(by, "username", "") or "hệ thống",
                                at=timezone.now(), comment=comment)


def _audit(report: PeriodReport, *, by, action: str, before: dict | None, **extra) -> None:
    after = snapshot(report, ["period", "unit", "above", "status", "narrative"])
    after.update(extra)
    audit_record(by=by, action=action, obj=report, before=before, after=after,
                 unit_path=report.unit.path)


def _reporter(period: ReportingPeriod, unit: OrgUnit) -> selectors.Reporter:
    reporter = selectors.reporter_for(period=period, unit=unit)
    if reporter is None:
        raise DomainError(f"{unit.name} không được giao chỉ tiêu trong kế hoạch năm "
                          f"{period.year}, nên không nộp báo cáo kỳ {period.label}.")
    return reporter


def _editable(period: ReportingPeriod, unit: OrgUnit, *, by) -> tuple[PeriodReport, selectors.Reporter, dict | None]:
    if by is not None and not can(by, unit, Role.EDITOR):
        raise DomainError(f"Chỉ người có vai trò Cập nhật trở lên ở {unit.name} mới lập và nộp "
                          "được báo cáo của đơn vị.", code="forbidden")
    reporter = _reporter(period, unit)
    report, made = PeriodReport.objects.select_for_update().get_or_create(
        period=period, unit=unit, defaults={"above": reporter.above})
    if not report.editable:
        raise DomainError(f"Báo cáo kỳ {period.label} của {unit.name} đang ở trạng thái "
                          f"“{report.get_status_display()}”: không sửa được. "
                          + ("Cấp duyệt phải mở lại kỳ báo cáo trước."
                             if report.status == ReportStatus.APPROVED
                             else "Chờ cấp trên duyệt hoặc trả lại."))
    before = None if made else snapshot(report, ["period", "unit", "above", "status", "narrative"])
    return report, reporter, before


@transaction.atomic
def report_save(*, by, period: ReportingPeriod, unit: OrgUnit, narrative: str,
                version: str | None = None) -> PeriodReport:
    """Lưu nội dung báo cáo (chưa nộp)."""
    narrative = _clean_text(narrative, field="narrative", what="Nội dung báo cáo",
                            limit=MAX_NARRATIVE, required=True)
    report, _, before = _editable(period, unit, by=by)
    if before is not None:
        versions.check(report, version, what=f"báo cáo kỳ {period.label} của {unit.name}")
    report.narrative = narrative
    report.save()
    _act(report, by=by, kind=ActionKind.SAVE)
    _audit(report, by=by, action="period_report.save", before=before)
    return report


@transaction.atomic
def report_submit(*, by, period: ReportingPeriod, unit: OrgUnit, narrative: str | None = None,
                  version: str | None = None) -> PeriodReport:
    """Nộp báo cáo: the figures as of the period's end are frozen now; without a narrative
    the saved one (or, when none was saved, the draft from the figures) is submitted."""
    if narrative is not None:
        narrative = _clean_text(narrative, field="narrative", what="Nội dung báo cáo",
                                limit=MAX_NARRATIVE, required=True)
    report, reporter, before = _editable(period, unit, by=by)
    if before is not None:
        versions.check(report, version, what=f"báo cáo kỳ {period.label} của {unit.name}")
    if narrative is not None:
        report.narrative = narrative
    elif not report.narrative:
        report.narrative = draft_narrative(period=period, reporter=reporter)
    report.above = reporter.above
    report.snapshot = figures(period=period, reporter=reporter)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = by if getattr(by, "pk", None) else None
    report.save()
    _act(report, by=by, kind=ActionKind.SUBMIT)
    _audit(report, by=by, action="period_report.submit", before=before,
           figures=report.snapshot.get("total"))
    return report


def _reviewed(report: PeriodReport, *, by, version: str | None, expect: str,
              verb: str) -> tuple[PeriodReport, dict]:
    r = (PeriodReport.objects.select_for_update(of=("self",))
         .select_related("period", "unit", "above").get(pk=report.pk))
    if by is not None and not can(by, r.above, Role.APPROVER):
        raise DomainError(f"Chỉ người có vai trò Phê duyệt ở {r.above.name} (cấp duyệt báo cáo "
                          f"của {r.unit.name}) mới {verb} được báo cáo này.", code="forbidden")
    versions.check(r, version, what=f"báo cáo kỳ {r.period.label} của {r.unit.name}")
    if r.status != expect:
        raise DomainError(f"Báo cáo kỳ {r.period.label} của {r.unit.name} đang ở trạng thái "
                          f"“{r.get_status_display()}”: không {verb} được. Hãy tải lại trang.")
    return r, snapshot(r, ["period", "unit", "above", "status", "narrative"])


@transaction.atomic
def report_return(*, by, report: PeriodReport, comment: str,
                  version: str | None = None) -> PeriodReport:
    """Trả lại báo cáo đã nộp, với ý kiến (bắt buộc) để đơn vị sửa và nộp lại."""
    comment = _clean_text(comment, field="comment", what="Ý kiến khi trả lại",
                          limit=MAX_COMMENT, required=True, minimum=MIN_COMMENT)
    r, before = _reviewed(report, by=by, version=version, expect=ReportStatus.SUBMITTED,
                          verb="trả lại")
    r.status = ReportStatus.RETURNED
    r.save()
    _act(r, by=by, kind=ActionKind.RETURN, comment=comment)
    _audit(r, by=by, action="period_report.return", before=before, comment=comment)
    return r


@transaction.atomic
def report_approve(*, by, report: PeriodReport, comment: str = "",
                   version: str | None = None) -> PeriodReport:
    """Duyệt báo cáo đã nộp: records dated in the period are locked for the unit's tree."""
    comment = _clean_text(comment, field="comment", what="Ý kiến", limit=MAX_COMMENT,
                          required=False)
    r, before = _reviewed(report, by=by, version=version, expect=ReportStatus.SUBMITTED,
                          verb="duyệt")
    r.status = ReportStatus.APPROVED
    r.approved_at = timezone.now()
    r.approved_by = by if getattr(by, "pk", None) else None
    r.save()
    _act(r, by=by, kind=ActionKind.APPROVE, comment=comment)
    _audit(r, by=by, action="period_report.approve", before=before, comment=comment)
    return r


@transaction.atomic
def report_reopen(*, by, report: PeriodReport, reason: str,
                  version: str | None = None) -> PeriodReport:
    """Mở lại kỳ báo cáo đã duyệt, có lý do: the lock lifts; the unit corrects and
    resubmits."""
    reason = _clean_text(reason, field="reason", what="Lý do mở lại", limit=MAX_COMMENT,
                         required=True, minimum=MIN_COMMENT)
    r, before = _reviewed(report, by=by, version=version, expect=ReportStatus.APPROVED,
                          verb="mở lại")
    r.status = ReportStatus.REOPENED
    r.approved_at = None
    r.approved_by = None
    r.save()
    _act(r, by=by, kind=ActionKind.REOPEN, comment=reason)
    _audit(r, by=by, action="period_report.reopen", before=before, reason=reason)
    return r


__all__ = ["EDITABLE", "draft_narrative", "figures", "may_set_periods", "period_create",
           "period_update", "report_approve", "report_reopen", "report_return", "report_save",
           "report_submit"]
