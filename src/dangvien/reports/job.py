"""The PDF report of a large unit made by the job queue (báo cáo PDF chạy nền).

A unit with more than `DANGVIEN_REPORT_JOB_UNITS` units in its tree (200, itself
included) has its PDF made by `dangvien worker`: the download address does the report's
checks (plan, scope, PDF possible on this server) in the request, then creates a file job
(`dangvien.jobs.files`) and sends the user to its page. The worker checks again as the
same user and renders the same file; each download of it writes the report's audit row
(`audit_progress_file`), as a direct download does. The Word file stays direct (python-docx
is quick).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from dangvien.core import vn
from dangvien.jobs.files import FileJobError, FileKind, Produced, Progress, file_job_create
from dangvien.jobs.models import FileJob
from dangvien.org.models import OrgUnit
from dangvien.plans.models import Plan

from . import files

NAME = "reports.progress"
#: Formats made by a job when the unit is large.
JOB_FORMATS = ("pdf",)
GONE = "Không tìm thấy kế hoạch hoặc đơn vị của báo cáo này (đã bị xóa)."


def job_units() -> int:
    return int(getattr(settings, "DANGVIEN_REPORT_JOB_UNITS", 200))


def needs_job(unit: OrgUnit, fmt: str) -> bool:
    """Whether this report is made by the job queue: a PDF of a unit whose tree holds more
    than `DANGVIEN_REPORT_JOB_UNITS` units."""
    if fmt not in JOB_FORMATS:
        return False
    return OrgUnit.objects.filter(path__startswith=unit.path).count() > job_units()


def report_job_create(*, user, plan: Plan, unit: OrgUnit, day: dt.date, fmt: str,
                      source_url: str = "") -> FileJob:
    """Queue the progress report (checked in the request) as a job."""
    return file_job_create(
        user=user, kind=NAME,
        label=f"Báo cáo kết quả thực hiện Kế hoạch số {plan.number} ({fmt.upper()})",
        params={"plan": plan.pk, "unit": unit.pk, "as_of": day.isoformat(), "fmt": fmt},
        total=files.STEPS, source_url=source_url,
        note=f"Đơn vị: {unit.name} ({unit.code}). Số liệu tính đến ngày "
             f"{vn.format_date(day)}.")


def _objects(job: FileJob) -> tuple[Plan, OrgUnit]:
    p = job.params
    plan = Plan.objects.select_related("unit").filter(pk=p.get("plan")).first()
    unit = OrgUnit.objects.filter(pk=p.get("unit")).first()
    if plan is None or unit is None:
        raise FileJobError(GONE)
    return plan, unit


def produce(job: FileJob, target: Path, progress: Progress) -> Produced:
    plan, unit = _objects(job)
    fmt = job.params.get("fmt", "pdf")
    progress(0, files.STEPS)
    try:  # the scope again (progress_report checks it): the user may have lost the role
        made = files.progress_file(plan=plan, unit=unit, user=job.user, fmt=fmt,
                                   as_of=dt.date.fromisoformat(job.params["as_of"]),
                                   step=lambda n: progress(n, files.STEPS))
    except files.ReportRefused as exc:
        raise FileJobError(str(exc)) from None
    except files.PdfUnavailable as exc:  # the server may be fixed: "Chạy lại" helps then
        raise FileJobError(str(exc), retry=True) from None
    target.write_bytes(made.content)
    return Produced(file_name=made.name, content_type=made.content_type, count=files.STEPS,
                    result={"title": made.title, "day": made.day.isoformat(), "fmt": fmt})


def audit(job: FileJob, user) -> None:
    """The direct download's audit row (`audit_progress_file`), for this download."""
    plan, unit = _objects(job)
    r = job.result
    made = files.ReportFile(content=b"", name=job.file_name, content_type=job.content_type,
                            title=r.get("title", ""), day=dt.date.fromisoformat(r["day"]))
    files.audit_progress_file(made, plan=plan, unit=unit, fmt=r.get("fmt", "pdf"), by=user)


FILE_KIND = FileKind(name=NAME, produce=produce, audit=audit, unit="bước")
