"""Báo cáo định kỳ: reporting periods, the period reports with their status, and submitting
a unit's report, through the periods services (same rules, same audit as the web)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from dangvien.core import versions
from dangvien.periods import selectors, services
from dangvien.periods.models import PeriodReport, ReportingPeriod, ReportStatus
from dangvien.periods.services import MAX_NARRATIVE

from ..common import ERRORS, day_or_today, unit_or_404, user_of
from ..schemas import Day, Id, PageOut, PageParams, page, text

router = Router(tags=["Báo cáo định kỳ"])

Status = Literal[tuple(ReportStatus.values)]  # type: ignore[valid-type]


class PeriodOut(Schema):
    """Một kỳ báo cáo và hạn nộp của từng cấp."""

    id: int
    kind: str = Field(description="Loại kỳ: quy, sau_thang, nam")
    label: str = Field(description="Tên kỳ, ví dụ Quý II/2022")
    starts_on: dt.date
    ends_on: dt.date
    due_cell: dt.date = Field(description="Hạn nộp của chi bộ")
    due_grassroots: dt.date = Field(description="Hạn nộp của đảng bộ cơ sở")
    due_district: dt.date = Field(description="Hạn nộp của huyện ủy và tương đương")
    due_province: dt.date = Field(description="Hạn nộp của tỉnh ủy")


class PeriodPage(PageOut):
    items: list[PeriodOut]


class ReportOut(Schema):
    """Báo cáo của một đơn vị trong kỳ: tình trạng, hạn nộp, cấp duyệt."""

    period_id: int
    unit: str = Field(description="Mã đơn vị báo cáo")
    unit_name: str
    above: str = Field(description="Mã cấp duyệt (cấp giao chỉ tiêu)")
    level: str = Field(description="Cấp báo cáo: chi_bo, co_so, huyen, tinh")
    due: dt.date = Field(description="Hạn nộp của cấp này")
    status: Status = Field(description="chua_nop, da_nop, bi_tra_lai, da_duyet, mo_lai")
    status_label: str
    overdue: bool = Field(description="Chưa nộp mà đã quá hạn vào ngày hỏi")
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    version: str = Field(description="Phiên bản: gửi lại khi nộp để tránh ghi đè thay đổi của "
                                     "người khác (409 khi báo cáo đã đổi); rỗng khi chưa lập")


class ReportPage(PageOut):
    items: list[ReportOut]


class ActionOut(Schema):
    kind: str = Field(description="luu, nop, tra_lai, duyet, mo_lai")
    kind_label: str
    by: str = Field(description="Tên đăng nhập người làm")
    at: dt.datetime
    comment: str


class ReportDetailOut(ReportOut):
    narrative: str = Field(description="Nội dung báo cáo (bản đã lưu, hoặc bản nháp từ số liệu)")
    figures: dict[str, Any] = Field(description="Số liệu: chốt khi nộp, hoặc tính đến cuối kỳ "
                                                "khi chưa nộp (cùng dạng với tiến độ)")
    figures_frozen: bool = Field(description="true: số liệu đã chốt khi nộp")
    history: list[ActionOut] = Field(description="Lịch sử: ai, lúc nào, làm gì, ý kiến")
    lower_approved: list[str] = Field(description="Mã các đơn vị trực thuộc đã được duyệt")
    lower_not_approved: list[str] = Field(description="Mã các đơn vị trực thuộc chưa được duyệt")


class ReportFilter(Schema):
    unit: text(32) | None = Field(None, examples=["KB"],
                                  description="Chỉ đơn vị này và cấp dưới (mã)")
    status: Status | None = Field(None, description="Chỉ các báo cáo ở tình trạng này")
    ngay: Day | None = Field(None, description="Ngày xét quá hạn (mặc định hôm nay)")


class SubmitIn(Schema):
    """Nộp báo cáo của đơn vị: số liệu đến cuối kỳ được chốt lúc nộp."""

    narrative: text(MAX_NARRATIVE) | None = Field(
        None, description="Nội dung báo cáo; bỏ trống để nộp bản đã lưu hoặc bản nháp từ số liệu")
    version: text(40) | None = Field(None, description="Phiên bản đã đọc (trường `version`)")


def _row(period: ReportingPeriod, reporter: selectors.Reporter, report: PeriodReport | None,
         as_of: dt.date) -> dict:
    row = selectors.ReportRow(reporter=reporter, report=report, as_of=as_of)
    return {"period_id": period.pk, "unit": reporter.unit.code, "unit_name": reporter.unit.name,
            "above": reporter.above.code, "level": reporter.level, "due": reporter.due,
            "status": row.status, "status_label": ReportStatus(row.status).label,
            "overdue": row.overdue,
            "submitted_at": report.submitted_at if report else None,
            "approved_at": report.approved_at if report else None,
            "version": versions.token(report)}


def _detail(request, period: ReportingPeriod, code: str, as_of: dt.date) -> dict:
    user = user_of(request)
    _, reporter = selectors.report_or_404(user, period=period, code=code)
    report = selectors.report_of(period=period, unit=reporter.unit)
    shown = selectors.report_page(user=user, period=period, reporter=reporter, report=report,
                                  as_of=as_of)
    out = _row(period, reporter, report, as_of)
    narrative = report.narrative if report and report.narrative else ""
    out.update(
        narrative=narrative or shown.draft or services.draft_narrative(period=period,
                                                                       reporter=reporter),
        figures=shown.figures or {}, figures_frozen=not shown.live,
        history=[{"kind": a.kind, "kind_label": a.get_kind_display(), "by": a.by_name,
                  "at": a.at, "comment": a.comment} for a in shown.actions],
        lower_approved=[p.unit.code for p in shown.lower.approved],
        lower_not_approved=[r.unit.code for r, _ in shown.lower.not_approved])
    return out


@router.get("/periods", response={200: PeriodPage, **ERRORS}, summary="Các kỳ báo cáo")
def periods_list(request, paging: Query[PageParams]):
    """Các kỳ báo cáo tỉnh đã đặt (quý, 6 tháng, năm), mới trước, với hạn nộp từng cấp."""
    result = page(selectors.periods_all(), paging)
    result["items"] = [{f: getattr(p, f) for f in PeriodOut.model_fields} | {"id": p.pk}
                       for p in result["items"]]
    return result


@router.get("/periods/{period_id}/reports", response={200: ReportPage, **ERRORS},
            summary="Báo cáo định kỳ và tình trạng nộp")
def period_reports(request, period_id: Id, filters: Query[ReportFilter],
                   paging: Query[PageParams]):
    """Mọi đơn vị phải báo cáo trong kỳ (trong phạm vi người dùng, theo cây), với tình trạng:
    chưa nộp, đã nộp, bị trả lại, đã duyệt, mở lại; và quá hạn vào ngày `ngay`."""
    period = selectors.period_or_404(period_id)
    as_of = day_or_today(filters.ngay)
    rows = selectors.report_rows(user=user_of(request), period=period,
                                 unit=unit_or_404(request, filters.unit), as_of=as_of,
                                 status=filters.status)
    result = page(rows, paging)
    result["items"] = [_row(period, r.reporter, r.report, as_of) for r in result["items"]]
    return result


@router.get("/periods/{period_id}/reports/{code}", response={200: ReportDetailOut, **ERRORS},
            summary="Báo cáo định kỳ của một đơn vị")
def period_report(request, period_id: Id, code: text(32), ngay: Day | None = None):
    """Số liệu (chốt khi nộp), nội dung, lịch sử và các báo cáo cấp dưới của một đơn vị."""
    period = selectors.period_or_404(period_id)
    return _detail(request, period, code, day_or_today(ngay))


@router.post("/periods/{period_id}/reports/{code}/submit",
             response={200: ReportDetailOut, **ERRORS}, summary="Nộp báo cáo định kỳ")
def period_report_submit(request, period_id: Id, code: text(32), data: SubmitIn):
    """Nộp (hoặc nộp lại sau khi bị trả lại) báo cáo của đơn vị; cần vai trò Cập nhật trở lên
    ở đơn vị. Cấp trên duyệt hoặc trả lại trên trang web."""
    user = user_of(request)
    period = selectors.period_or_404(period_id)
    unit, _ = selectors.report_or_404(user, period=period, code=code)
    services.report_submit(by=user, period=period, unit=unit, narrative=data.narrative,
                           version=data.version)
    return _detail(request, period, code, day_or_today(None))
