"""Period reports through the API: the list with statuses in scope, one report, submitting
through the same service as the web (audited, refused when stale or not allowed), and the
lock of an approved period answering 409."""

from __future__ import annotations

import pytest

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.periods.models import PeriodReport, ReportStatus
from dangvien.periods.services import report_approve, report_return, report_submit

pytestmark = pytest.mark.django_db


def reports(api, world, **params):
    r = api.get(f"/periods/{world.period.pk}/reports", **params)
    assert r.status_code == 200, r.content
    return {row["unit"]: row for row in r.json()["items"]}


def test_periods_and_statuses_in_scope(world, personas, api_as):
    periods = api_as(personas.kimboi).get("/periods").json()
    assert [p["label"] for p in periods["items"]] == ["6 tháng đầu năm 2022"]
    assert periods["items"][0]["due_district"] == "2022-07-15"
    # Kim Bôi sees its own report only; the province sees every unit holding a target.
    kimboi = reports(api_as(personas.kimboi), world, ngay="2022-07-20")
    assert list(kimboi) == ["KB"]
    assert kimboi["KB"]["status"] == "chua_nop" and kimboi["KB"]["overdue"] is True
    assert kimboi["KB"]["above"] == "TU" and kimboi["KB"]["due"] == "2022-07-15"
    province = reports(api_as(personas.provincial), world, ngay="2022-07-01")
    assert set(province) == {"TU", "KB", "LS", "LS.01"}
    assert not any(row["overdue"] for row in province.values())
    assert set(reports(api_as(personas.provincial), world, unit="LS")) == {"LS", "LS.01"}


def test_a_foreign_report_is_404(world, personas, api_as):
    api = api_as(personas.kimboi)
    for path in (f"/periods/{world.period.pk}/reports/LS",
                 f"/periods/{world.period.pk}/reports/LS.01",
                 f"/periods/{world.period.pk}/reports?unit=LS",
                 "/periods/999999/reports/KB"):
        r = api.get(path)
        assert r.status_code == 404, path
        assert r.json()["code"] == "not_found"
    r = api.post(f"/periods/{world.period.pk}/reports/LS/submit", {"narrative": "Báo cáo"})
    assert r.status_code == 404
    assert not PeriodReport.objects.exists()


def test_submitting_freezes_the_figures_and_is_audited(world, personas, api_as, client):
    api = api_as(personas.kimboi)
    before = api.get(f"/periods/{world.period.pk}/reports/KB").json()
    assert before["status"] == "chua_nop" and before["figures_frozen"] is False
    assert before["narrative"].startswith("1. Kết quả 6 tháng đầu năm 2022")
    assert before["figures"]["total"]["target"] == 150
    r = api.post(f"/periods/{world.period.pk}/reports/KB/submit",
                 {"narrative": "Kim Bôi: kết quả 6 tháng; giải pháp: mở lớp nhận thức."})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "da_nop" and body["figures_frozen"] is True
    assert body["narrative"].startswith("Kim Bôi: kết quả 6 tháng")
    assert [h["kind"] for h in body["history"]] == ["nop"]
    assert AuditEvent.objects.filter(action="period_report.submit").count() == 1
    # The web shows the same report as submitted.
    client.force_login(personas.kimboi)
    page = client.get(f"/ky-bao-cao/{world.period.pk}/KB/").content.decode()
    assert "Đã nộp" in page and "mở lớp nhận thức" in page
    # Submitting again is refused: it waits for the level above.
    again = api.post(f"/periods/{world.period.pk}/reports/KB/submit", {})
    assert again.status_code == 400 and "Chờ cấp trên duyệt" in again.json()["detail"]


def test_a_stale_version_and_a_viewer_are_refused(world, personas, api_as, province):
    api = api_as(personas.kimboi)
    report = report_submit(by=personas.kimboi, period=world.period, unit=province.kb)
    report_return(by=personas.provincial, report=report, comment="Bổ sung nguyên nhân chậm")
    version = api.get(f"/periods/{world.period.pk}/reports/KB").json()["version"]
    PeriodReport.objects.filter(pk=report.pk).update(row_version=9)
    r = api.post(f"/periods/{world.period.pk}/reports/KB/submit",
                 {"narrative": "Nộp lại", "version": version})
    assert r.status_code == 409 and r.json()["code"] == "stale"
    RoleAssignment.objects.filter(user=personas.kimboi).update(role=Role.VIEWER)
    r = api_as(personas.kimboi).post(f"/periods/{world.period.pk}/reports/KB/submit", {})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert PeriodReport.objects.get(pk=report.pk).status == ReportStatus.RETURNED


def test_an_approved_period_locks_writes_with_409(world, personas, api_as, province):
    report = report_submit(by=personas.kimboi, period=world.period, unit=province.kb)
    report_approve(by=personas.provincial, report=report)
    api = api_as(personas.kimboi)
    person = {"full_name": "Đinh Thị Hoa", "gender": "nu", "birth_date": "2000-02-02"}
    r = api.post("/candidacies", {"cell": "KB.01.02", "source": "khac",
                                  "identified_on": "2022-03-01", "person": person})
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "period_locked"
    assert "6 tháng đầu năm 2022" in r.json()["detail"] and "mở lại" in r.json()["detail"]
    # After the period, the same registration goes through.
    r = api.post("/candidacies", {"cell": "KB.01.02", "source": "khac",
                                  "identified_on": "2022-07-01", "person": person})
    assert r.status_code == 201, r.content
