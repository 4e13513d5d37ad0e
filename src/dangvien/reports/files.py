"""The report as a file to hand over: bytes, a file name and a content type, for the
command line (`dangvien report progress --format docx|pdf`) and the dashboard's button.
Both write one audit row per file handed out (`audit_progress_file`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dangvien.audit.services import audit_report
from dangvien.core import vn
from dangvien.org.models import OrgUnit
from dangvien.plans.models import Plan

from .pdf import PdfUnavailable, render_pdf
from .progress_report import ReportRefused, progress_document, progress_report
from .word import render_docx

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

__all__ = ["FORMATS", "PdfUnavailable", "ReportFile", "ReportRefused", "audit_progress_file",
           "file_name", "progress_file"]


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    name: str
    content_type: str
    title: str  # the document's title, for the audit trail
    day: dt.date  # the day the figures are as of (the plan's year may cut the asked day)


def file_name(plan: Plan, unit: OrgUnit, day: dt.date, fmt: str) -> str:
    """"Bao-cao-77-KH-TU-31-05-2022.docx"; with the unit's code when it is not the plan's
    issuing unit ("Bao-cao-77-KH-TU-KB-31-05-2022.pdf"). ASCII only, for every browser."""
    number = vn.fold(plan.number).upper().replace("/", "-").replace(".", "-").replace(" ", "")
    parts = ["Bao-cao", number]
    if unit.pk != plan.unit_id:
        parts.append(vn.fold(unit.code).upper().replace(".", "-").replace(" ", ""))
    parts.append(vn.format_date(day).replace("/", "-"))
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-"
                   for ch in "-".join(parts))
    return f"{safe}.{fmt}"


def audit_progress_file(made: ReportFile, *, plan: Plan, unit: OrgUnit, fmt: str, by,
                        via: str = "web") -> None:
    """The audit row of a progress report handed out: the report, the plan, the unit, the
    day and the format."""
    audit_report(by=by, kind="progress", unit=unit, as_of=made.day, fmt=fmt, title=made.title,
                 file=made.name, detail={"plan": plan.number, "plan_id": plan.pk}, via=via)


#: The steps of `progress_file`, for a job's progress bar: figures, document, file.
STEPS = 3


def progress_file(*, plan: Plan, unit: OrgUnit, as_of: dt.date, user, fmt: str,
                  step: Callable[[int], None] | None = None) -> ReportFile:
    """The progress report in `fmt` ("docx" or "pdf"). Raises ReportRefused (scope) or
    PdfUnavailable (no Pango or no font on this machine). `step(n)` is told when each of
    the `STEPS` steps is done."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)}, not {fmt!r}")
    step = step or (lambda n: None)
    report = progress_report(plan=plan, unit=unit, as_of=as_of, user=user)
    step(1)
    doc = progress_document(report)
    step(2)
    content = render_docx(doc) if fmt == "docx" else render_pdf(doc)
    step(3)
    return ReportFile(content=content, name=file_name(plan, unit, report.day, fmt),
                      content_type=FORMATS[fmt], title=doc.title, day=report.day)
