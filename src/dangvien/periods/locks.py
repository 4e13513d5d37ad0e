"""Khóa số liệu đã báo cáo: an approved period report locks the records dated inside its
period, for its unit's whole subtree, until the approver reopens it.

Every service that writes a record the reports count calls `check_open(unit=…, on=…,
what=…)` with the record's unit and date, so the web, the import, the command line and
the API obey the same lock. One indexed query (the approved reports of the unit and its
ancestors whose period contains the day).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit

from .models import PeriodReport, ReportStatus


class PeriodLocked(DomainError):
    """Kỳ báo cáo đã duyệt: records dated inside it are locked."""

    def __init__(self, message: str, report: PeriodReport):
        super().__init__(message, code="period_locked")
        self.report = report


def _prefixes(path: str) -> list[str]:
    step = OrgUnit.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def locking_report(*, unit: OrgUnit, on: dt.date | None) -> PeriodReport | None:
    """The approved report whose period holds `on`, of `unit` or a unit above it."""
    if on is None or unit is None:
        return None
    return (PeriodReport.objects.filter(status=ReportStatus.APPROVED,
                                        unit__path__in=_prefixes(unit.path),
                                        period__starts_on__lte=on, period__ends_on__gte=on)
            .select_related("period", "unit", "above", "approved_by")
            .order_by("unit__depth").first())


def check_open(*, unit: OrgUnit, on: dt.date | None, what: str = "số liệu") -> None:
    """Refuse (`PeriodLocked`) a write of `what`, dated `on`, in `unit`, when an approved
    period report covers that day for the unit or a unit above it."""
    report = locking_report(unit=unit, on=on)
    if report is None:
        return
    who = report.approved_by.username if report.approved_by else "cấp duyệt"
    when = (timezone.localtime(report.approved_at).strftime("%H:%M ngày %d/%m/%Y")
            if report.approved_at else "")
    raise PeriodLocked(
        f"Không sửa được {what} ngày {vn.format_date(on)}: ngày này thuộc kỳ báo cáo "
        f"{report.period.label} của {report.unit.name}, đã được {who} ({report.above.name}) "
        f"duyệt{' lúc ' + when if when else ''}. Muốn sửa, cấp duyệt phải mở lại kỳ báo cáo "
        "này (nút “Mở lại” trên trang báo cáo, ghi rõ lý do); sau đó đơn vị sửa và nộp lại "
        "báo cáo.", report)
