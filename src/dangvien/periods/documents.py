"""A period report as a party document (Word), drawn by `reports.word` like the Standing
Board's report: the party header, the frozen figures, the unit's narrative, and, for a
committee, the approved reports of the units directly below quoted, the others named."""

from __future__ import annotations

from django.utils import timezone

from dangvien.core import vn
from dangvien.reports.document import Bullets, Document, Heading, Paragraph, Run, Table, issuer_of
from dangvien.reports.word import render_docx

from .models import PeriodReport, ReportingPeriod
from .selectors import Lower, Reporter

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def figure_rows(snapshot: dict | None) -> list[list[str]]:
    """The frozen figures as table rows: the unit's total first, then its subordinates."""
    if not snapshot:
        return []
    rows = []
    for r in [snapshot["total"], *snapshot.get("rows", [])]:
        pct = vn.format_percent(r["percent"]) if r.get("percent") is not None else "—"
        rows.append([r["unit_name"], vn.format_number(r["target"]) if r["target"] is not None
                     else "—", vn.format_number(r["admitted"]), pct, r["status_label"]])
    return rows


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph([Run(line)]) for line in text.splitlines() if line.strip()]


def period_document(*, period: ReportingPeriod, reporter: Reporter, report: PeriodReport,
                    lower: Lower) -> Document:
    unit = reporter.unit
    issuer = issuer_of(unit, parent_name=None if reporter.is_top else reporter.above.name)
    day = (timezone.localdate(report.submitted_at) if report.submitted_at
           else timezone.localdate())
    doc = Document(issuer=issuer, kind="BÁO CÁO", kind_symbol="BC", date=day,
                   subject=f"kết quả công tác phát triển đảng viên {period.label}",
                   title=f"Báo cáo {period.label} — {unit.name}")
    add = doc.blocks.append
    add(Paragraph([Run(f"{issuer.board} báo cáo kết quả công tác phát triển đảng viên "
                       f"{period.label} (từ {vn.format_date(period.starts_on)} đến "
                       f"{vn.format_date(period.ends_on)}) như sau:")]))
    add(Heading(1, "I. SỐ LIỆU"))
    rows = figure_rows(report.snapshot)
    if rows:
        plan = report.snapshot.get("plan", {})
        add(Table(title=f"Kết quả thực hiện Kế hoạch số {plan.get('number', '')} tính đến "
                        f"ngày {vn.format_date(period.ends_on)}",
                  columns=[("Đơn vị", 40, False), ("Chỉ tiêu", 12, True),
                           ("Đã kết nạp", 12, True), ("Tỷ lệ", 12, True),
                           ("Tiến độ", 24, False)],
                  rows=rows))
    else:
        add(Paragraph([Run("Số liệu được chốt khi đơn vị nộp báo cáo.", italic=True)]))
    add(Heading(1, "II. ĐÁNH GIÁ, NGUYÊN NHÂN VÀ GIẢI PHÁP"))
    for p in _paragraphs(report.narrative) or [Paragraph([Run("(Chưa có nội dung.)")])]:
        add(p)
    if lower.approved or lower.not_approved:
        add(Heading(1, "III. BÁO CÁO CỦA CÁC ĐƠN VỊ TRỰC THUỘC"))
        for i, low in enumerate(lower.approved, start=1):
            add(Heading(2, f"{i}. {low.unit.name} (đã duyệt)"))
            for p in _paragraphs(low.narrative):
                add(Paragraph([Run(f"“{p.text}”", italic=True)]))
        if lower.not_approved:
            add(Paragraph([Run("Các đơn vị chưa có báo cáo được duyệt:", bold=True)]))
            add(Bullets([f"{r.unit.name}: {label.lower()}" for r, label in lower.not_approved]))
    return doc


def period_docx(**kwargs) -> bytes:
    return render_docx(period_document(**kwargs))


def file_name(period: ReportingPeriod, reporter: Reporter) -> str:
    parts = ["Bao-cao", vn.fold(period.label), vn.fold(reporter.unit.code)]
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-"
                   for ch in "-".join(parts))
    return f"{safe}.docx"
