"""The report goes up the tree: cell → grassroots → district → province, with a return, a
resubmission, and the completeness figures at each step."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.periods import selectors, services
from dangvien.periods.models import ReportStatus

pytestmark = pytest.mark.django_db

APR_30 = dt.date(2022, 4, 30)


def figures(c):
    return {row.level: (row.total, len(row.submitted), len(row.approved), len(row.missing),
                        len(row.overdue)) for row in c.levels}


def test_who_reports_to_whom(province, plans2022, q1):
    every = {r.unit.code: (r.above.code, r.level) for r in selectors.reporters(period=q1)}
    assert every == {"TU": ("TU", "tinh"), "KB": ("TU", "huyen"), "LS": ("TU", "huyen"),
                     "KB.01": ("KB", "co_so"), "KB.02": ("KB", "co_so"),
                     "KB.01.01": ("KB.01", "chi_bo"), "KB.01.02": ("KB.01", "chi_bo")}


def test_the_flow_up_the_tree(province, personas, officers, plans2022, q1):
    p = province
    top = lambda: selectors.completeness(user=personas.provincial, period=q1, unit=p.tu,  # noqa: E731
                                         as_of=dt.date(2022, 4, 6))
    assert figures(top()) == {"huyen": (2, 0, 0, 2, 0), "co_so": (2, 0, 0, 2, 0),
                              "chi_bo": (2, 0, 0, 2, 2)}  # the cells' due date was 05/04

    # The cell submits: the draft narrative comes from the figures, frozen at the end of Q1.
    cell = services.report_submit(by=personas.secretary, period=q1, unit=p.kb_cell)
    assert cell.status == ReportStatus.SUBMITTED
    assert cell.snapshot["total"]["admitted"] == 5 and cell.snapshot["total"]["target"] == 60
    assert "kết nạp 5/60 đảng viên" in cell.narrative
    assert figures(top())["chi_bo"] == (2, 1, 0, 1, 1)

    # Only the level above may judge it: not the cell itself, not the district's editor.
    with pytest.raises(DomainError, match="Phê duyệt ở Đảng bộ xã Vĩnh Đồng"):
        services.report_approve(by=personas.secretary, report=cell)
    with pytest.raises(DomainError, match="Hãy nhập ý kiến khi trả lại"):
        services.report_return(by=officers.vd_approver, report=cell, comment="  ")
    cell = services.report_return(by=officers.vd_approver, report=cell,
                                  comment="Bổ sung nguyên nhân chậm tiến độ.")
    assert cell.status == ReportStatus.RETURNED
    assert figures(top())["chi_bo"] == (2, 0, 0, 2, 2)

    cell = services.report_submit(by=personas.secretary, period=q1, unit=p.kb_cell,
                                  narrative="Nguyên nhân: nguồn ít. Giải pháp: mở lớp.")
    cell = services.report_approve(by=officers.vd_approver, report=cell)
    assert figures(top())["chi_bo"] == (2, 1, 1, 1, 1)

    # The grassroots committee quotes the approved cell and names the one not approved.
    lower = selectors.lower_reports(period=q1, unit=p.kb_commune)
    assert [r.unit.code for r in lower.approved] == ["KB.01.01"]
    assert [r.unit.code for r, _ in lower.not_approved] == ["KB.01.02"]
    vd = services.report_submit(by=officers.vd_editor, period=q1, unit=p.kb_commune)
    services.report_approve(by=officers.kb_approver, report=vd)
    kb = services.report_submit(by=personas.kimboi, period=q1, unit=p.kb)
    with pytest.raises(DomainError):
        services.report_approve(by=officers.ls_approver, report=kb)
    services.report_approve(by=officers.tu_approver, report=kb)
    tu = services.report_submit(by=personas.provincial, period=q1, unit=p.tu)
    services.report_approve(by=personas.provincial, report=tu)  # the top approves itself
    assert figures(top()) == {"huyen": (2, 1, 1, 1, 0), "co_so": (2, 1, 1, 1, 0),
                              "chi_bo": (2, 1, 1, 1, 1)}
    # Kim Bôi sees its own tree only.
    kb_view = selectors.completeness(user=personas.kimboi, period=q1, unit=p.kb, as_of=APR_30)
    assert figures(kb_view) == {"co_so": (2, 1, 1, 1, 1), "chi_bo": (2, 1, 1, 1, 1)}
    actions = list(AuditEvent.objects.filter(action__startswith="period_report.")
                   .values_list("action", flat=True))
    assert actions.count("period_report.submit") == 5
    assert "period_report.return" in actions and "period_report.approve" in actions
