"""`dangvien report ratings`: the distribution of ratings per unit and year, as JSON or Excel.

Called from the shared `report` command (`plans/management/commands/report.py`), which
owns the options; the figures and the scope are the report page's.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError

from dangvien.accounts.scope import scope_roots
from dangvien.audit.services import audit_report
from dangvien.core.cli import unit_option, user_option
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit

from .models import LEVEL_SHORT, LEVELS, RatingLevel
from .selectors import Distribution, DistRow, YearDist, distribution, level_counts
from .services import cap_check, rule_set_for_year

#: How many years the report puts side by side (the chosen one and those before it).
COMPARE_YEARS = 3


def comparison_years(year: int, count: int = COMPARE_YEARS) -> list[int]:
    return list(range(year - count + 1, year + 1))


def default_unit(user) -> OrgUnit | None:
    """The top of the user's scope (the root for full scope: no --user)."""
    if user is None:
        return OrgUnit.objects.get_root_nodes().first()
    return scope_roots(user).first()


def _round1(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def year_dict(d: YearDist) -> dict:
    return {
        "total": d.total,
        "levels": {lv.value: {"label": lv.label, "count": d.count(lv), "percent": _round1(d.percent(lv))}
                   for lv in LEVELS},
    }


def row_dict(row: DistRow, years: list[int]) -> dict:
    return {"unit_code": row.unit.code, "unit_name": row.unit.name,
            "years": {str(y): year_dict(d) for y, d in zip(years, row.years, strict=True)}}


def distribution_dict(dist: Distribution, year: int) -> dict:
    """The report as plain data (`dangvien report ratings --format json`)."""
    try:
        rule_set = rule_set_for_year(year)
    except DomainError:  # a year without a rule set still reports its counts
        rule_set = None
    cap = cap_check(level_counts(unit=dist.unit, year=year), rule_set) if rule_set else None
    return {
        "year": year,
        "years": dist.years,
        "rule_set": rule_set.short_name if rule_set else None,
        "unit": {"code": dist.unit.code, "name": dist.unit.name},
        "levels": [{"code": lv.value, "label": lv.label} for lv in LEVELS],
        "rows": [row_dict(r, dist.years) for r in dist.rows],
        "total": row_dict(dist.total, dist.years),
        "excellent_cap": ({"exceeded": cap.exceeded, "excellent": cap.excellent, "good": cap.good,
                           "cap_percent": cap.cap_percent, "message": cap.message}
                          if cap else None),
    }


def write_xlsx(dist: Distribution, target: Path) -> None:
    """One sheet: a row per unit and year, count and share at each level, the total last."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    try:
        sheet = book.add_worksheet("Xếp loại")
        title = book.add_format({"bold": True, "font_size": 13})
        head = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                "bg_color": "#F4EFE8", "border": 1})
        num = book.add_format({"num_format": "#,##0"})
        pct = book.add_format({"num_format": "0.0%"})
        bold = {"text": book.add_format({"bold": True, "top": 1}),
                "num": book.add_format({"bold": True, "top": 1, "num_format": "#,##0"}),
                "pct": book.add_format({"bold": True, "top": 1, "num_format": "0.0%"})}
        plain = {"text": None, "num": num, "pct": pct}
        years = ", ".join(str(y) for y in dist.years)
        sheet.write_string(0, 0, f"KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM {years}", title)
        sheet.write_string(1, 0, f"Đơn vị: {dist.unit.name} ({dist.unit.code}).")
        columns = [("Mã đơn vị", 12), ("Đơn vị", 38), ("Năm", 7), ("Số được xếp loại", 11)]
        for lv in LEVELS:
            columns += [(f"{RatingLevel(lv).label}: số", 12), (f"{LEVEL_SHORT[lv].capitalize()}: tỷ lệ", 10)]
        header = 3
        sheet.set_row(header, 48)
        for col, (name, width) in enumerate(columns):
            sheet.set_column(col, col, width)
            sheet.write_string(header, col, name, head)
        row_no = header
        for row in [*dist.rows, dist.total]:
            f = bold if row.is_total else plain
            for d in row.years:
                row_no += 1
                sheet.write_string(row_no, 0, row.unit.code, f["text"])
                sheet.write_string(row_no, 1, ("Cộng: " if row.is_total else "") + row.unit.name, f["text"])
                sheet.write_number(row_no, 2, d.year, f["text"])
                sheet.write_number(row_no, 3, d.total, f["num"])
                for i, lv in enumerate(LEVELS):
                    sheet.write_number(row_no, 4 + 2 * i, d.count(lv), f["num"])
                    share = d.percent(lv)
                    if share is None:
                        sheet.write_blank(row_no, 5 + 2 * i, None, f["pct"])
                    else:
                        sheet.write_number(row_no, 5 + 2 * i, share / 100, f["pct"])
        sheet.freeze_panes(header + 1, 2)
    finally:
        book.close()


def _audit(user, unit: OrgUnit, year: int, fmt: str, target: Path) -> None:
    """A file written: one audit row ("export.report"), as every report handed out."""
    audit_report(by=user or "dòng lệnh: report", kind="ratings", unit=unit, as_of=None,
                 fmt=fmt, title=f"Kết quả xếp loại chất lượng đảng viên năm {year}",
                 file=target.name, detail={"year": year}, via="dòng lệnh")


def run(command, options) -> None:
    """`report ratings`: --year (required), --unit, --user, --format, -o."""
    year = options.get("year")
    if not year:
        raise CommandError("Hãy ghi năm đánh giá: --year 2021.")
    if options["format"] not in ("json", "xlsx"):
        raise CommandError(f"Báo cáo xếp loại chưa có dạng {options['format']}: hãy dùng "
                           "--format json hoặc --format xlsx.")
    if options["format"] == "xlsx" and not options.get("output"):
        raise CommandError("Báo cáo Excel cần tên tệp để ghi: -o TEP.xlsx.")
    user = user_option(options.get("user"))
    unit = unit_option(options.get("unit"), user) or default_unit(user)
    if unit is None:
        raise CommandError("Người dùng không phụ trách đơn vị nào.")
    years = comparison_years(year)
    dist = distribution(unit=unit, years=years)
    done = (f"Đã ghi kết quả xếp loại năm {year} của {unit.name} ({len(dist.rows)} đơn vị "
            "trực thuộc) vào {target}.")
    if options["format"] == "xlsx":
        target = Path(options["output"])
        try:
            write_xlsx(dist, target)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {target}: {exc.strerror}.") from exc
        _audit(user, unit, year, "xlsx", target)
        command.stdout.write(done.format(target=target))
        return
    out = json.dumps(distribution_dict(dist, year), ensure_ascii=False, indent=2) + "\n"
    if options.get("output"):
        target = Path(options["output"])
        try:
            target.write_text(out, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {target}: {exc.strerror}.") from exc
        _audit(user, unit, year, "json", target)
        command.stdout.write(done.format(target=target))
    else:
        command.stdout.write(out, ending="")


