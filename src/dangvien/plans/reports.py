"""Shaping the progress table (`progress.ProgressTable`) for people and programs: the plan's
heading, the words around the figures ("hoàn thành ngày 27/10/2022, sớm 2 tháng"), the
JSON of `dangvien report progress` and its Excel workbook.

Reads no database beyond what it is given, except `plan_heading` (one query).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from dangvien.admission.models import Stage
from dangvien.core import vn
from dangvien.core.dates import months_between
from dangvien.org.selectors import version_on

from .models import IN_FORCE, Plan, PlanVersion
from .progress import EXPECTED_LINEAR, EXPECTED_SEASONAL, PIPELINE, Progress, ProgressTable

#: How the expected share was computed.
EXPECTED_LABELS = {
    EXPECTED_LINEAR: "tuyến tính",
    EXPECTED_SEASONAL: "theo mùa vụ",
}
EXPECTED_HELP = {
    EXPECTED_LINEAR: "chia đều theo tháng trong năm",
    EXPECTED_SEASONAL: "theo nhịp kết nạp hằng tháng của đơn vị trong các năm trước",
}
#: Short names of the pipeline stages, for a compact cell (the full label is the title).
STAGE_SHORT = {
    Stage.SOURCE: "nguồn",
    Stage.CLASS_DONE: "học lớp",
    Stage.DOSSIER_DONE: "hồ sơ",
    Stage.CELL_PROPOSED: "CB đề nghị",
    Stage.GRASSROOTS_PROPOSED: "ĐU đề nghị",
}


# --- the plan's heading --------------------------------------------------------------------


@dataclass
class PlanHeading:
    """Số, ngày ban hành và chỉ tiêu của kế hoạch, theo lần ban hành có hiệu lực vào ngày xem."""

    plan: Plan
    first: PlanVersion | None  # the first issue: its date names the document
    current: PlanVersion | None  # the version in force on the day (None before the first issue)

    @property
    def issued_on(self) -> dt.date | None:
        return self.first.issued_on if self.first else None

    @property
    def version(self) -> PlanVersion | None:
        """The version whose target applies: in force, or the first issue before it."""
        return self.current or self.first

    @property
    def target(self) -> int | None:
        return self.version.target if self.version else None

    @property
    def text(self) -> str:
        """"Kế hoạch số 77-KH/TU ngày 14/02/2022: kết nạp 1.600 đảng viên trở lên"."""
        head = f"Kế hoạch số {self.plan.number}"
        if self.issued_on:
            head += f" ngày {vn.format_date(self.issued_on)}"
        if self.target is None:
            return head
        return f"{head}: kết nạp {vn.format_number(self.target)} đảng viên trở lên"

    @property
    def revised_on(self) -> dt.date | None:
        """Date of the revision in force, when it is not the first issue."""
        if self.current and self.first and self.current.pk != self.first.pk:
            return self.current.issued_on
        return None


def plan_heading(plan: Plan, day: dt.date) -> PlanHeading:
    """The plan's first issue and the version in force on `day` (one query)."""
    versions = list(plan.versions.filter(status__in=IN_FORCE, issued_on__isnull=False)
                    .order_by("issued_on", "revision"))
    first = versions[0] if versions else None
    current = None
    for v in versions:
        if v.issued_on <= day:
            current = v
    return PlanHeading(plan=plan, first=first, current=current)


# --- words around the figures --------------------------------------------------------------


def early_text(reached_on: dt.date | None, year: int) -> str:
    """How long before 31/12 the target was reached: "sớm 2 tháng", "sớm 16 ngày", or ""."""
    if reached_on is None:
        return ""
    year_end = dt.date(year, 12, 31)
    months = months_between(reached_on, year_end)
    if months >= 1:
        return f"sớm {months} tháng"
    days = (year_end - reached_on).days
    return f"sớm {days} ngày" if days > 0 else ""


def forecast_percent(row: Progress) -> float | None:
    if not row.target:
        return None
    return round(row.forecast * 100 / row.target, 1)


@dataclass
class StageCount:
    stage: str
    short: str
    label: str
    count: int


def pipeline_items(row: Progress) -> list[StageCount]:
    """The stages with someone at them, in path order."""
    return [StageCount(s.value, STAGE_SHORT[s], s.label, row.pipeline.get(s.value, 0))
            for s in PIPELINE if row.pipeline.get(s.value, 0)]


# --- JSON ----------------------------------------------------------------------------------


def _round1(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def row_dict(row: Progress) -> dict:
    return {
        "unit_code": row.unit.code,
        "unit_name": row.name,
        "target": row.target,
        "admitted": row.admitted,
        "percent": _round1(row.percent),
        "expected_percent": _round1(row.expected_percent),
        "expected_method": row.expected_method,
        "status": row.status,
        "status_label": row.status_label,
        "forecast": _round1(row.forecast),
        "forecast_count": row.forecast_count,
        "forecast_basis": row.forecast_basis,
        "forecast_basis_label": row.forecast_basis_label,
        "target_reached_on": row.target_reached_on.isoformat() if row.target_reached_on else None,
        "pipeline": {s.value: row.pipeline.get(s.value, 0) for s in PIPELINE},
        "has_children": row.has_children,
    }


def _name_on(unit, day: dt.date) -> str:
    """The unit's name on `day` (a report of 2022 names the 2022 issuer)."""
    version = version_on(unit, day)
    return version.name if version else unit.name


def progress_dict(table: ProgressTable, heading: PlanHeading) -> dict:
    """The report as plain data (`dangvien report progress --format json`)."""
    plan = table.plan
    unit_plan = table.unit_plan
    return {
        "plan": {
            "number": plan.number,
            "issued_on": heading.issued_on.isoformat() if heading.issued_on else None,
            "year": plan.year,
            "target": heading.target,
            "title": plan.title,
            "unit": {"code": plan.unit.code, "name": _name_on(plan.unit, table.as_of)},
            "revision": heading.version.revision if heading.version else None,
        },
        "as_of": table.as_of.isoformat(),
        "counts_on": table.counts_on,
        "counts_on_label": table.counts_on_label,
        "unit": {"code": table.unit.code, "name": table.total.name},
        "unit_plan": ({"number": unit_plan.number, "year": unit_plan.year}
                      if unit_plan is not None and unit_plan.pk != plan.pk else None),
        "rows": [row_dict(r) for r in table.rows],
        "total": row_dict(table.total),
        "at_risk": [r.unit.code for r in table.at_risk],
        "org_changes": [{"effective": c.effective.isoformat(), "summary": c.summary,
                         "decision": c.decision} for c in table.org_changes],
        "org_change_rule": table.restructure_rule,
    }


# --- Excel ---------------------------------------------------------------------------------


class XlsxUnavailable(RuntimeError):
    """XlsxWriter is not installed."""


COLUMNS = [  # header, width
    ("Mã đơn vị", 12),
    ("Đơn vị", 38),
    ("Chỉ tiêu", 10),
    ("Đã kết nạp", 11),
    ("Tỷ lệ so với chỉ tiêu", 12),
    ("Dự kiến đến ngày", 11),
    ("Cách tính dự kiến", 13),
    ("Tình trạng", 20),
    ("Dự báo đến 31/12", 11),
    ("Ngày đạt chỉ tiêu", 13),
    *[(f"Nguồn: {s.label}", 14) for s in PIPELINE],
]


def write_progress_xlsx(table: ProgressTable, heading: PlanHeading, target: Path, *,
                        by: str = "dòng lệnh") -> None:
    """One sheet through the exports' writer (`exchange.export`, the same as the dashboard's
    "Tải Excel"): title lines, a frozen header row with filters, a row per subordinate unit
    and the unit's total last. Numbers and percentages are real numbers with formats, so
    Excel in Vietnamese shows "1.600" and "30,7%"."""
    from dangvien.exchange.export import write_xlsx
    from dangvien.exchange.export.kinds import progress_export_of

    write_xlsx(progress_export_of(table, heading), target, by=by)
