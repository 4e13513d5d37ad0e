"""An approved period locks the records dated inside it, for the unit's whole subtree, until
the level that approved it reopens it with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.admission import corrections
from dangvien.admission.models import Candidacy
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.people.models import Membership
from dangvien.periods import locks, services
from dangvien.periods.models import ReportStatus

pytestmark = pytest.mark.django_db

REASON = "Sửa số quyết định ghi nhầm khi nhập"


def approved_cell_report(province, personas, officers, q1):
    report = services.report_submit(by=personas.secretary, period=q1, unit=province.kb_cell)
    return services.report_approve(by=officers.vd_approver, report=report)


def test_a_locked_period_refuses_a_correction_until_it_is_reopened(province, personas, officers,
                                                                   plans2022, q1):
    c = Candidacy.objects.filter(cell=province.kb_cell, decision_on=dt.date(2022, 3, 10)).get()
    report = approved_cell_report(province, personas, officers, q1)

    with pytest.raises(locks.PeriodLocked) as refused:
        corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="quyet-dinh",
                                      values={"decision_no": "99-QĐ/HU"}, reason=REASON,
                                      today=dt.date(2022, 5, 1))
    message = refused.value.message
    assert "10/03/2022" in message and "Quý I/2022" in message and "Chi bộ xóm Mớ Đá" in message
    assert "vd_duyet" in message and "Đảng bộ xã Vĩnh Đồng" in message
    assert "mở lại kỳ báo cáo" in message

    # Reopening needs the approver's role and a reason.
    with pytest.raises(DomainError, match="Phê duyệt ở Đảng bộ xã Vĩnh Đồng"):
        services.report_reopen(by=personas.secretary, report=report, reason=REASON)
    with pytest.raises(DomainError, match="Lý do mở lại phải ghi rõ"):
        services.report_reopen(by=officers.vd_approver, report=report, reason="vì sao")
    report = services.report_reopen(by=officers.vd_approver, report=report, reason=REASON)
    assert report.status == ReportStatus.REOPENED
    assert AuditEvent.objects.filter(action="period_report.reopen",
                                     after__reason=REASON).exists()

    corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="quyet-dinh",
                                  values={"decision_no": "99-QĐ/HU"}, reason=REASON,
                                  today=dt.date(2022, 5, 1))
    c.refresh_from_db()
    assert c.decision_no == "99-QĐ/HU"
    # The cell resubmits; once approved again, the lock is back.
    report = services.report_submit(by=personas.secretary, period=q1, unit=province.kb_cell)
    services.report_approve(by=officers.vd_approver, report=report)
    with pytest.raises(locks.PeriodLocked):
        corrections.candidacy_correct(by=personas.kimboi, candidacy=c, step="quyet-dinh",
                                      values={"decision_no": "98-QĐ/HU"}, reason=REASON,
                                      today=dt.date(2022, 5, 1))


def test_the_lock_covers_the_subtree_and_only_the_period(province, personas, officers,
                                                         plans2022, q1, make_member):
    member = make_member(province.kb_cell2, "Hà Văn Chanh")
    vd = services.report_submit(by=officers.vd_editor, period=q1, unit=province.kb_commune)
    services.report_approve(by=officers.kb_approver, report=vd)
    from dangvien.people.services import membership_end

    m = Membership.objects.get(person=member)
    # Chanh is under Vĩnh Đồng: its member's ending on 15/03/2022 is locked…
    with pytest.raises(locks.PeriodLocked, match="Quý I/2022 của Đảng bộ xã Vĩnh Đồng"):
        membership_end(by=None, membership=m, status="tu_tran", ended_on=dt.date(2022, 3, 15))
    # …an ending in April is not, nor is Lạc Sơn touched.
    assert locks.locking_report(unit=province.ls_cell, on=dt.date(2022, 3, 15)) is None
    membership_end(by=None, membership=m, status="tu_tran", ended_on=dt.date(2022, 4, 2))


def test_the_check_is_one_query(province, personas, officers, plans2022, q1):
    approved_cell_report(province, personas, officers, q1)
    with CaptureQueriesContext(connection) as queries:
        assert locks.locking_report(unit=province.kb_cell2, on=dt.date(2022, 2, 1)) is None
        assert locks.locking_report(unit=province.kb_cell, on=dt.date(2022, 2, 1)) is not None
    assert len(queries) == 2
