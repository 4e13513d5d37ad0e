"""The PDF report of a large unit (more than DANGVIEN_REPORT_JOB_UNITS units in its tree)
is made by the job queue: the report's checks in the request, a job page with a progress
bar, the same file a direct download gives, the report's audit row once per download; a
user who lost the role meanwhile gets no report. The Word file and small units stay
direct."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from dangvien.accounts.models import RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.jobs.models import FileJob, FileJobStatus
from tests.jobs.helpers import file_dir, job_pk, run_jobs, streamed  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def url(fmt, plan, unit="", day="31/05/2022"):
    u = f"/bao-cao/tien-do.{fmt}?ke-hoach={plan.pk}&ngay={day}"
    return u + (f"&don-vi={unit}" if unit else "")


def reports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="export.report").order_by("pk"))


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
                    .split())


@pytest.fixture
def large(settings):
    """Kim Bôi (5 units in its tree) counts as large."""
    settings.DANGVIEN_REPORT_JOB_UNITS = 4


def test_the_pdf_of_a_large_unit_is_made_by_a_job(client, personas, province, kim_boi, settings):
    client.force_login(personas.kimboi)
    direct = client.get(url("pdf", kim_boi, "KB"))
    assert direct.status_code == 200
    [direct_audit] = reports()

    settings.DANGVIEN_REPORT_JOB_UNITS = 4
    response = client.get(url("pdf", kim_boi, "KB"))
    pk = job_pk(response)
    assert len(reports()) == 1  # nothing handed out yet
    job = FileJob.objects.get(pk=pk)
    assert job.kind == "reports.progress" and job.total == 3
    assert job.params == {"plan": kim_boi.pk, "unit": province.kb.pk, "as_of": "2022-05-31",
                          "fmt": "pdf"}
    html = client.get(response["Location"]).content.decode()
    assert "<h1>Báo cáo kết quả thực hiện Kế hoạch số 77-KH/TU (PDF)</h1>" in html
    assert "Đơn vị: Huyện ủy Kim Bôi (KB). Số liệu tính đến ngày 31/05/2022." in html
    assert '<progress class="imp-bar"' in html and '<span class="imp-done">0</span>/3 bước' in html

    run_jobs()
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE, job.message
    html = client.get(f"/tep/{pk}/").content.decode()
    assert "Tải về Bao-cao-77-KH-TU-KB-31-05-2022.pdf" in html

    got = client.get(f"/tep/{pk}/tai-ve/")
    assert got.status_code == 200
    for header in ("Content-Type", "Content-Disposition"):
        assert got[header] == direct[header], header
    assert "no-store" in got["Cache-Control"]
    text = pdf_text(streamed(got))
    assert text == pdf_text(direct.content)
    assert "HUYỆN ỦY KIM BÔI" in text and "đạt 30,7% chỉ tiêu năm" in text

    client.get(f"/tep/{pk}/tai-ve/")
    _, first, second = reports()
    for event in (first, second):  # one row per download, as the direct download's
        assert event.actor == personas.kimboi
        assert (event.object_type, event.object_id) == ("reports.report", "progress")
        assert event.unit_path == direct_audit.unit_path == province.kb.path
        assert event.after == direct_audit.after


def test_the_word_file_and_small_units_stay_direct(client, personas, kim_boi, large):
    client.force_login(personas.kimboi)
    assert client.get(url("docx", kim_boi, "KB")).status_code == 200
    assert client.get(url("pdf", kim_boi, "KB.01.01")).status_code == 200  # one unit
    assert FileJob.objects.count() == 0 and len(reports()) == 2


def test_scope_is_checked_in_the_request_and_when_the_job_runs(client, personas, kim_boi,
                                                               large):
    client.force_login(personas.lacson)
    assert client.get(url("pdf", kim_boi, "KB")).status_code == 404
    assert FileJob.objects.count() == 0

    client.force_login(personas.kimboi)
    pk = job_pk(client.get(url("pdf", kim_boi, "KB")))
    RoleAssignment.objects.filter(user=personas.kimboi).delete()
    run_jobs()
    job = FileJob.objects.get(pk=pk)
    assert job.status == FileJobStatus.FAILED and not job.can_retry
    assert "trong phạm vi bạn phụ trách" in job.message
    assert client.get(f"/tep/{pk}/tai-ve/").status_code == 302
    assert reports() == []


def test_a_server_that_cannot_make_pdf_says_so_before_queueing(client, personas, kim_boi,
                                                              large, settings, tmp_path):
    client.force_login(personas.kimboi)
    pk = job_pk(client.get(url("pdf", kim_boi, "KB")))
    settings.DANGVIEN_PDF_FONT_DIR = str(tmp_path / "khong-co-phong")
    response = client.get(url("pdf", kim_boi, "KB.01"))
    assert response.status_code == 503
    assert "Không tìm thấy phông chữ Liberation Serif" in response.content.decode()
    assert FileJob.objects.count() == 1
    # The font went away after the first job was queued: it fails, and may run again
    # once the server is fixed.
    run_jobs()
    job = FileJob.objects.get(pk=pk)
    assert job.status == FileJobStatus.FAILED and job.can_retry
    assert "Không tìm thấy phông chữ Liberation Serif" in job.message
    settings.DANGVIEN_PDF_FONT_DIR = ""
    client.post(f"/tep/{pk}/chay-lai/")
    run_jobs()
    assert FileJob.objects.get(pk=pk).status == FileJobStatus.DONE
    assert client.get(f"/tep/{pk}/tai-ve/").status_code == 200


def test_another_user_gets_404_for_the_report_job(client, personas, kim_boi, large):
    client.force_login(personas.kimboi)
    pk = job_pk(client.get(url("pdf", kim_boi, "KB")))
    run_jobs()
    client.force_login(personas.provincial)
    for path in ("", "tien-do/", "tai-ve/"):
        assert client.get(f"/tep/{pk}/{path}").status_code == 404
    assert reports() == []
