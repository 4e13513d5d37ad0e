"""Báo cáo kết quả thực hiện kế hoạch phát triển đảng viên: the figures and the written
report, for a plan, a unit, a day and a user.

`progress_report(...)` gathers, with the dashboard's own selectors and scope checks:

- the progress table (`plans.progress.progress_table`): the same figures as the dashboard;
- the breakdown of the members admitted since 1 January (`plans.breakdowns`);
- probationary members overdue or due for recognition, and those without the new-member
  class (`admission.deadlines`), as counts per subordinate unit (no names: the report
  leaves the building);
- recommendations that follow from the figures (`recommendations`).

`progress_document(report)` writes it as a party document (`document.Document`), which the
Word and PDF renderers both draw. Every number and date is formatted by `core.vn`.

A user sees exactly what the dashboard shows them: a plan they may not follow, or a unit
outside their scope, is refused with the same words as a unit that does not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

from dangvien.accounts.scope import can
from dangvien.admission.deadlines import Kind, Status, by_unit, deadlines
from dangvien.admission.models import Stage
from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit, UnitKind
from dangvien.org.selectors import ancestors_on, version_on
from dangvien.plans import reports as plan_reports
from dangvien.plans.breakdowns import Breakdown, new_member_breakdown
from dangvien.plans.in_view import plan_day, plan_visible, unit_in_plan
from dangvien.plans.models import Plan
from dangvien.plans.progress import (
    PIPELINE,
    ForecastBasis,
    Progress,
    ProgressStatus,
    ProgressTable,
    progress_table,
)

from .document import Bullets, Document, Heading, Paragraph, Run, Table, issuer_of

#: How each pipeline stage reads in a sentence ("100 đã học lớp …").
STAGE_WORDS = {
    Stage.SOURCE: "mới được giới thiệu, đang bồi dưỡng",
    Stage.CLASS_DONE: "đã học lớp bồi dưỡng nhận thức về Đảng",
    Stage.DOSSIER_DONE: "đã hoàn thiện hồ sơ",
    Stage.CELL_PROPOSED: "đã được chi bộ đề nghị kết nạp",
    Stage.GRASSROOTS_PROPOSED: "đã được đảng ủy cơ sở đề nghị, chờ quyết định",
}
STAGE_COLUMNS = {
    Stage.SOURCE: "Nguồn",
    Stage.CLASS_DONE: "Đã học lớp",
    Stage.DOSSIER_DONE: "Đủ hồ sơ",
    Stage.CELL_PROPOSED: "Chi bộ đề nghị",
    Stage.GRASSROOTS_PROPOSED: "Đảng ủy đề nghị",
}
#: Units whose admitted share is at least this many points under the expected share are
#: named first among those behind.
AHEAD_STATUSES = (ProgressStatus.DONE, ProgressStatus.AHEAD)
BEHIND_STATUSES = (ProgressStatus.AT_RISK, ProgressStatus.BEHIND)


class ReportRefused(DomainError):
    """The user may not have this report (plan or unit outside their scope)."""


@dataclass
class UnitRecognition:
    """Công nhận đảng viên chính thức ở một đơn vị trực thuộc."""

    name: str
    overdue: int = 0
    due_soon: int = 0
    class_missing: int = 0


@dataclass
class Recognition:
    """Xét công nhận đảng viên chính thức, tính đến ngày báo cáo."""

    overdue: int = 0
    due_soon: int = 0
    class_missing: int = 0  # probation ended without the new-member class
    units: list[UnitRecognition] = field(default_factory=list)
    unavailable: str = ""  # why it could not be computed (no rule set)


@dataclass
class ProgressReport:
    """Số liệu của một báo cáo kết quả thực hiện kế hoạch."""

    plan: Plan
    unit: OrgUnit
    unit_name: str
    parent: OrgUnit | None  # the superior on the day
    parent_name: str | None
    day: dt.date
    table: ProgressTable
    heading: plan_reports.PlanHeading
    breakdown: Breakdown
    recognition: Recognition
    recommendations: list[str] = field(default_factory=list)

    @property
    def total(self) -> Progress:
        return self.table.total

    @property
    def rows_in_tree_order(self) -> list[Progress]:
        return sorted(self.table.rows, key=lambda r: r.path or r.unit.path)

    def rows_with(self, statuses) -> list[Progress]:
        return [r for r in self.rows_in_tree_order if r.status in statuses]

    @property
    def quiet_rows(self) -> list[Progress]:
        """Units with nothing to say (no target or a target of 0, nobody admitted, no
        source followed), condensed into one line when there are at least
        `QUIET_CONDENSED` of them."""
        quiet = [r for r in self.rows_in_tree_order if is_quiet(r)]
        return quiet if len(quiet) >= QUIET_CONDENSED else []


#: From how many units with nothing to say a report names them in one line.
QUIET_CONDENSED = 3


def is_quiet(row: Progress) -> bool:
    """Không có gì để báo cáo: no target asked, nobody admitted, no source followed."""
    return not row.target and not row.admitted and not row.pipeline_total


# --- gathering -----------------------------------------------------------------------------


def report_allowed(*, plan: Plan, unit: OrgUnit, as_of: dt.date, user) -> tuple[dt.date, list]:
    """The report's checks alone (scope, plan), before anything is computed: the day the
    figures are as of and the unit's superiors on it. Raises ReportRefused."""
    if user is not None and not plan_visible(user, plan):
        raise ReportRefused(f"Không tìm thấy Kế hoạch số {plan.number} năm {plan.year} trong "
                            "phạm vi bạn phụ trách.")
    if user is not None and not can(user, unit):
        raise ReportRefused(f"Không tìm thấy đơn vị {unit.code} trong phạm vi bạn phụ trách: "
                            "chỉ lập được báo cáo cho đơn vị thuộc phạm vi của mình.")
    day = plan_day(plan, as_of)
    ups = ancestors_on(unit, day)
    if not unit_in_plan(plan, unit, ups):
        raise ReportRefused(f"Đơn vị {unit.code} không thuộc phạm vi của Kế hoạch số "
                            f"{plan.number} ({plan.unit.name}).")
    return day, ups


def progress_report(*, plan: Plan, unit: OrgUnit, as_of: dt.date, user) -> ProgressReport:
    """Everything the report says about `unit` under `plan` on `as_of`, within the user's
    scope (None: everything, for commands without --user). Raises ReportRefused."""
    day, ups = report_allowed(plan=plan, unit=unit, as_of=as_of, user=user)
    version = version_on(unit, day)
    table = progress_table(plan=plan, unit=unit, as_of=day, user=user)
    report = ProgressReport(
        plan=plan, unit=unit, unit_name=version.name if version else unit.name,
        parent=ups[-1].unit if ups else None, parent_name=ups[-1].name if ups else None,
        day=day, table=table,
        heading=plan_reports.plan_heading(plan, day),
        breakdown=new_member_breakdown(user=user, unit=unit, start=dt.date(plan.year, 1, 1),
                                       end=day, counts_on=table.counts_on),
        recognition=_recognition(user=user, unit=unit, day=day),
    )
    report.recommendations = recommendations(report)
    return report


def _recognition(*, user, unit: OrgUnit, day: dt.date) -> Recognition:
    try:
        items = deadlines(user=user, as_of=day, unit=unit)
    except DomainError as exc:  # no rule set recorded: say so in the report, do not fail
        return Recognition(unavailable=str(exc))
    wanted = [i for i in items if i.kind in (Kind.RECOGNITION, Kind.NEW_MEMBER_CLASS)]
    out = Recognition()
    for group in by_unit(wanted, on=day, unit=unit, user=user):
        line = UnitRecognition(name=group.name)
        for item in group.items:
            if item.kind == Kind.RECOGNITION and item.status == Status.OVERDUE:
                line.overdue += 1
            elif item.kind == Kind.RECOGNITION:
                line.due_soon += 1
            elif item.status == Status.OVERDUE:
                line.class_missing += 1
        if line.overdue or line.due_soon or line.class_missing:
            out.units.append(line)
        out.overdue += line.overdue
        out.due_soon += line.due_soon
        out.class_missing += line.class_missing
    return out


# --- words ---------------------------------------------------------------------------------


def n(value) -> str:
    return vn.format_number(value)


def pct(value) -> str:
    return vn.format_percent(value) if value is not None else "—"


def short_date(day: dt.date) -> str:
    return vn.format_date_short(day)


def children_noun(unit: OrgUnit) -> str:
    """What the unit's direct subordinates are called."""
    if unit.kind == UnitKind.PROVINCE:
        return "đảng bộ trực thuộc"
    if unit.kind in (UnitKind.DISTRICT, UnitKind.BLOC, UnitKind.DIRECT):
        return "tổ chức cơ sở đảng"
    return "chi bộ trực thuộc"


def _status_word(row: Progress) -> str:
    return row.status_label[0].lower() + row.status_label[1:]


def row_sentence(row: Progress) -> str:
    """"Huyện ủy Kim Bôi: kết nạp 46/150 đảng viên, đạt 30,7% chỉ tiêu (mức dự kiến 41,7%)"."""
    text = (f"{row.name}: kết nạp {n(row.admitted)}/{n(row.target)} đảng viên, đạt "
            f"{pct(row.percent)} chỉ tiêu")
    if row.target_reached_on:
        text += f", hoàn thành chỉ tiêu ngày {short_date(row.target_reached_on)}"
        early = plan_reports.early_text(row.target_reached_on, row.target_reached_on.year)
        if early:
            text += f" ({early})"
    elif row.expected_percent is not None:
        gap = (row.percent or 0) - row.expected_percent
        if gap >= 0.05:
            text += (f", cao hơn mức dự kiến ({pct(row.expected_percent)}) "
                     f"{vn.format_number(gap, 1)} điểm phần trăm")
        elif gap <= -0.05:
            text += (f", thấp hơn mức dự kiến ({pct(row.expected_percent)}) "
                     f"{vn.format_number(-gap, 1)} điểm phần trăm")
        else:
            text += f", bằng mức dự kiến ({pct(row.expected_percent)})"
    return text


def _brief(row: Progress) -> str:
    """"Huyện ủy Cao Phong 4/8 (50,0%)"; "…, hoàn thành ngày 27/10/2022" once reached."""
    text = f"{row.name} {n(row.admitted)}/{n(row.target)} ({pct(row.percent)})"
    if row.target_reached_on:
        text += f", hoàn thành ngày {short_date(row.target_reached_on)}"
    return text


def _names(rows: list[Progress]) -> str:
    return ", ".join(r.name for r in rows)


# --- recommendations -------------------------------------------------------------------------


def recommendations(report: ProgressReport) -> list[str]:
    """Short sentences that follow from the figures, most pressing first."""
    total, out = report.total, []
    noun = children_noun(report.unit)
    at_risk = report.rows_with((ProgressStatus.AT_RISK,))
    behind = report.rows_with((ProgressStatus.BEHIND,))
    if at_risk:
        parts = [f"{r.name} (dự báo khoảng {n(r.forecast_count)}/{n(r.target)}, "
                 f"{pct(plan_reports.forecast_percent(r))} chỉ tiêu)" for r in at_risk]
        out.append(f"Có nguy cơ không đạt chỉ tiêu năm: {'; '.join(parts)}. Đề nghị cấp ủy các "
                   "đơn vị này rà soát lại nguồn kết nạp, bổ sung quần chúng ưu tú và có kế "
                   "hoạch cụ thể đến từng chi bộ; bí thư cấp ủy chịu trách nhiệm về kết quả.")
    if behind:
        out.append(f"Chậm so với tiến độ dự kiến: {_names(behind)}. Đề nghị tập trung chỉ "
                   "đạo, đôn đốc các chi bộ hoàn thiện hồ sơ, xét kết nạp những quần chúng "
                   "đã đủ điều kiện.")
    if total.target:
        gap = total.target - total.forecast_count
        if gap > 0:
            out.append(
                f"Nguồn kết nạp hiện có chưa đủ để hoàn thành chỉ tiêu: dự báo đến "
                f"31/12/{report.plan.year} kết nạp được khoảng {n(total.forecast_count)} đảng "
                f"viên ({pct(plan_reports.forecast_percent(total))} chỉ tiêu), còn thiếu "
                f"khoảng {n(gap)} đảng viên so với chỉ tiêu. Cần phát hiện, giới thiệu thêm quần chúng ưu tú và mở lớp "
                "bồi dưỡng nhận thức về Đảng sớm, để kịp kết nạp trong năm.")
    waiting = total.pipeline.get(Stage.CLASS_DONE.value, 0)
    if waiting:
        out.append(f"{n(waiting)} quần chúng đã học lớp bồi dưỡng nhận thức về Đảng nhưng "
                   "chưa hoàn thiện hồ sơ: đề nghị các chi bộ hướng dẫn hoàn thiện hồ sơ, "
                   "thẩm tra lý lịch kịp thời.")
    proposed = (total.pipeline.get(Stage.CELL_PROPOSED.value, 0)
                + total.pipeline.get(Stage.GRASSROOTS_PROPOSED.value, 0))
    if proposed:
        out.append(f"{n(proposed)} hồ sơ đã được chi bộ hoặc đảng ủy cơ sở đề nghị kết nạp: "
                   "đề nghị cấp ủy có thẩm quyền xem xét, ra quyết định đúng thời hạn quy định.")
    rec = report.recognition
    if rec.overdue:
        where = "; ".join(f"{u.name} {n(u.overdue)}" for u in rec.units if u.overdue)
        out.append(f"{n(rec.overdue)} đảng viên dự bị đã quá thời hạn xét công nhận đảng viên "
                   f"chính thức ({where}): đề nghị các chi bộ xem xét ngay, báo cáo cấp ủy cấp "
                   "trên.")
    if rec.class_missing:
        out.append(f"{n(rec.class_missing)} đảng viên dự bị đã hết thời gian dự bị nhưng chưa "
                   "có giấy chứng nhận lớp bồi dưỡng đảng viên mới: cần bố trí học ngay.")
    if not out:
        out.append(f"Các {noun} tiếp tục duy trì tiến độ, giữ vững chất lượng kết nạp, bảo "
                   "đảm đúng quy trình, thủ tục.")
    return out


# --- the document --------------------------------------------------------------------------


def progress_document(report: ProgressReport) -> Document:
    """The report as a party document."""
    plan, day, total = report.plan, report.day, report.total
    heading = report.heading
    own = report.unit.pk == plan.unit_id
    symbol = plan.number.rsplit("/", 1)[-1] if own and "/" in plan.number else None
    issuer = issuer_of(report.unit, name=report.unit_name, parent_name=report.parent_name,
                       symbol=symbol)
    plan_issuer = issuer if own else issuer_of(plan.unit)
    plan_ref = f"Kế hoạch số {plan.number}"
    if heading.issued_on:
        plan_ref += f" ngày {vn.format_date(heading.issued_on)}"
    plan_ref += f" của {plan_issuer.board}"
    about = _about(plan)
    subject = f"kết quả thực hiện {plan_ref}{about}"
    subject_as_of = f"(tính đến ngày {short_date(day)})"

    whole = f"toàn {issuer.party_body}"
    noun = children_noun(report.unit)
    doc = Document(issuer=issuer, kind="BÁO CÁO", kind_symbol="BC", date=day,
                   subject=f"{subject} {subject_as_of}",
                   title=f"Báo cáo kết quả thực hiện Kế hoạch số {plan.number}")
    add = doc.blocks.append

    opening = (f"Thực hiện {plan_ref}{about}"
               + (f" (chỉ tiêu kết nạp {n(heading.target)} đảng viên trở lên)" if own and heading.target else "")
               + f", {issuer.board} báo cáo kết quả thực hiện tính đến ngày {short_date(day)} "
               "như sau:")
    add(Paragraph([Run(opening)]))

    # I. Overall result.
    add(Heading(1, "I. KẾT QUẢ THỰC HIỆN CHỈ TIÊU KẾT NẠP ĐẢNG VIÊN"))
    add(Heading(2, "1. Kết quả chung"))
    add(Paragraph(_overall(report, whole)))
    add(Paragraph([Run(f"Đảng viên mới được tính theo {report.table.counts_on_label}. Mức dự "
                       "kiến là tỷ lệ chỉ tiêu cần đạt đến ngày báo cáo "
                       f"({plan_reports.EXPECTED_LABELS[total.expected_method]}: "
                       f"{plan_reports.EXPECTED_HELP[total.expected_method]}).", italic=True)]))
    rows = report.rows_in_tree_order
    if rows:
        add(Heading(2, f"2. Kết quả của các {noun}"))
        # A target of 0 is "nothing asked this year", not "done": named apart.
        zero = [r for r in rows if r.target == 0]
        ahead = [r for r in report.rows_with(AHEAD_STATUSES) if r.target]
        on_track = report.rows_with((ProgressStatus.ON_TRACK,))
        behind = report.rows_with(BEHIND_STATUSES)
        no_target = report.rows_with((ProgressStatus.NO_TARGET,))
        counts = [f"{n(len(ahead))} hoàn thành hoặc vượt tiến độ",
                  f"{n(len(on_track))} đúng tiến độ",
                  f"{n(len(behind))} chậm tiến độ hoặc có nguy cơ không đạt chỉ tiêu"]
        if zero:
            counts.append(f"{n(len(zero))} không được giao chỉ tiêu kết nạp năm {plan.year}")
        if no_target:
            counts.append(f"{n(len(no_target))} chưa được giao chỉ tiêu")
        add(Paragraph([Run(f"Trong {n(len(rows))} {noun}: " + ", ".join(counts) + ".")]))
        letters = iter("abcdef")
        # Ahead and on track: one line each, by name with figures; those behind get a
        # sentence each, since they are what the Standing Board must act on.
        if ahead:
            add(Paragraph([Run(f"{next(letters)}) Hoàn thành, vượt tiến độ ({n(len(ahead))} "
                               "đơn vị):", italic=True),
                           Run(" " + "; ".join(_brief(r) for r in ahead) + ".")]))
        if on_track:
            add(Paragraph([Run(f"{next(letters)}) Đúng tiến độ ({n(len(on_track))} đơn vị):",
                               italic=True),
                           Run(" " + "; ".join(_brief(r) for r in on_track) + ".")]))
        if behind:
            add(Heading(3, f"{next(letters)}) Chậm tiến độ, có nguy cơ không đạt "
                           f"({n(len(behind))} đơn vị):"))
            add(Bullets([row_sentence(r) + f"; {_status_word(r)}, dự báo cả năm khoảng "
                         f"{n(r.forecast_count)} đảng viên." for r in behind]))
        if zero or no_target:
            quiet = {r.unit.pk for r in report.quiet_rows}
            parts = []
            if [r for r in zero if r.unit.pk not in quiet]:
                parts.append(f"không được giao chỉ tiêu kết nạp năm {plan.year}: "
                             + _names([r for r in zero if r.unit.pk not in quiet]))
            if [r for r in no_target if r.unit.pk not in quiet]:
                parts.append("chưa được giao chỉ tiêu: "
                             + _names([r for r in no_target if r.unit.pk not in quiet]))
            if quiet:
                parts.append(_quiet_line(report, noun))
            text = "; ".join(parts)
            add(Paragraph([Run(f"{next(letters)}) Khác:", italic=True),
                           Run(f" {text}.")]))
    add(_progress_table(report, whole))

    # Breakdown of the new members.
    add(Heading(2, f"{3 if rows else 2}. Cơ cấu đảng viên mới kết nạp"))
    add(Paragraph([Run(_breakdown_sentence(report))]))
    if report.breakdown.total:
        add(_breakdown_table(report))

    # II. Pipeline and forecast.
    add(Heading(1, "II. NGUỒN KẾT NẠP VÀ DỰ BÁO KẾT QUẢ CẢ NĂM"))
    add(Paragraph([Run(_pipeline_sentence(report, whole))]))
    add(Paragraph([Run(_forecast_sentence(report))]))
    if rows:
        add(_pipeline_table(report))

    # III. Recognition of probationary members.
    add(Heading(1, "III. XÉT CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC"))
    add(Paragraph([Run(t) for t in _recognition_sentences(report)]))
    overdue_units = [u for u in report.recognition.units if u.overdue or u.class_missing]
    if overdue_units:
        add(Bullets([_recognition_line(u) for u in overdue_units]))

    # IV. Recommendations.
    add(Heading(1, "IV. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI"))
    for i, text in enumerate(report.recommendations, start=1):
        add(Paragraph([Run(f"{i}. {text}")]))

    add(Paragraph([Run(f"Trên đây là báo cáo kết quả thực hiện {plan_ref}{about} tính đến "
                       f"ngày {short_date(day)} của {issuer.board}.")]))
    doc.recipients = _recipients(report, issuer)
    return doc


def _about(plan: Plan) -> str:
    """" về phát triển đảng viên năm 2022" from the plan's title."""
    title = (plan.title or "").strip().rstrip(".")
    folded = vn.fold(title)
    if folded.startswith("ke hoach "):
        title = title[len("Kế hoạch "):]
    if not title:
        return f" về phát triển đảng viên năm {plan.year}"
    title = title[0].lower() + title[1:]
    return f" về {title}" if not vn.fold(title).startswith("ve ") else f" {title}"


def _overall(report: ProgressReport, whole: str) -> list[Run]:
    total, day = report.total, report.day
    runs = [Run(f"Tính đến ngày {short_date(day)}, {whole} đã kết nạp "),
            Run(f"{n(total.admitted)} đảng viên", bold=True)]
    if total.target:
        runs.append(Run(f", đạt {pct(total.percent)} chỉ tiêu năm ({n(total.target)} đảng "
                        "viên)"))
        if total.target_reached_on:
            early = plan_reports.early_text(total.target_reached_on, report.plan.year)
            runs.append(Run(f"; đã hoàn thành chỉ tiêu ngày {short_date(total.target_reached_on)}"
                            + (f", {early}" if early else "")))
        else:
            runs.append(Run(f". Theo tiến độ dự kiến, đến ngày này cần đạt "
                            f"{pct(total.expected_percent)} chỉ tiêu (khoảng "
                            f"{n(total.expected_count)} đảng viên)"))
        runs.append(Run("; tình trạng chung: "))
        runs.append(Run(_status_word(total), bold=True))
    else:
        runs.append(Run("; chưa được giao chỉ tiêu năm"))
    runs.append(Run("."))
    return runs


def _quiet_line(report: ProgressReport, noun: str) -> str:
    """"12 chi bộ trực thuộc không được giao chỉ tiêu, chưa kết nạp và chưa có nguồn"."""
    return (f"{n(len(report.quiet_rows))} {noun} không được giao chỉ tiêu năm "
            f"{report.plan.year}, chưa kết nạp và chưa có nguồn đang theo dõi")


def _numbered(report: ProgressReport, cells, quiet_cells: list[str]) -> list[list[str]]:
    """A table's rows, numbered in tree order; the units with nothing to say in one row
    (`quiet_cells`: that row's figures after its name)."""
    quiet = {r.unit.pk for r in report.quiet_rows}
    rows = [r for r in report.rows_in_tree_order if r.unit.pk not in quiet]
    body = [[str(i), r.name, *cells(r)] for i, r in enumerate(rows, start=1)]
    if quiet:
        body.append([str(len(rows) + 1), f"{n(len(quiet))} {children_noun(report.unit)} khác "
                     "(chưa có gì để báo cáo)", *quiet_cells])
    return body


def _progress_table(report: ProgressReport, whole: str) -> Table:
    body = _numbered(report, lambda r: [
        n(r.target) if r.target is not None else "—", n(r.admitted), pct(r.percent),
        pct(r.expected_percent), r.status_label, n(r.forecast_count)],
        ["—", "0", "", "", "Không có chỉ tiêu", "0"])
    t = report.total
    body.append(["", whole[0].upper() + whole[1:],
                 n(t.target) if t.target is not None else "—", n(t.admitted), pct(t.percent),
                 pct(t.expected_percent), t.status_label, n(t.forecast_count)])
    return Table(
        title=f"Biểu 1. Kết quả thực hiện chỉ tiêu kết nạp đảng viên đến ngày "
              f"{vn.format_date(report.day)}",
        columns=[("TT", 0.5, False), ("Đơn vị", 3.6, False), ("Chỉ tiêu", 1.0, True),
                 ("Đã kết nạp", 1.0, True), ("Tỷ lệ", 1.0, True), ("Dự kiến", 1.0, True),
                 ("Tình trạng", 1.7, False), ("Dự báo 31/12", 1.0, True)],
        rows=body, total_last=True,
        note="Tỷ lệ: số đã kết nạp so với chỉ tiêu năm. Dự kiến: tỷ lệ cần đạt đến ngày báo "
             "cáo. Dự báo 31/12: số đã kết nạp cộng số nguồn dự kiến được kết nạp trong năm."
             + (" " + report.table.restructure_rule if report.table.restructure_rule else ""))


def _breakdown_sentence(report: ProgressReport) -> str:
    b = report.breakdown
    start = short_date(b.start)
    if not b.total:
        return f"Từ ngày {start} đến ngày {short_date(b.end)} chưa kết nạp đảng viên mới."
    parts = []
    for key, words in (("women", "nữ"), ("minorities", "người dân tộc thiểu số"),
                       ("youth_union", "đoàn viên Đoàn TNCS Hồ Chí Minh"),
                       ("religious", "người có đạo"), ("age_18_30", "từ 18 đến 30 tuổi"),
                       ("readmitted", "kết nạp lại")):
        f = b.figure(key)
        if f.count:
            parts.append(f"{words} {n(f.count)} ({pct(f.share)})")
    occupations = sorted((f for f in b.section("occupation").figures if f.count),
                         key=lambda f: -f.count)[:2]
    text = f"Trong {n(b.total)} đảng viên mới kết nạp từ ngày {start}"
    text += (": " + "; ".join(parts) + ".") if parts else "."
    if occupations:
        text += " Theo nghề nghiệp, nhiều nhất là " + "; tiếp đến là ".join(
            f"{f.label[0].lower() + f.label[1:]}: {n(f.count)} người ({pct(f.share)})"
            for f in occupations) + "."
    return text


def _breakdown_table(report: ProgressReport) -> Table:
    b = report.breakdown
    rows: list[list[str]] = []
    groups = set()
    for section in b.sections:
        shown = [f for f in section.figures if f.count or section.key == "traits"]
        if not shown:
            continue
        groups.add(len(rows))
        rows.append(["", section.title, "", ""])
        for i, f in enumerate(shown, start=1):
            rows.append([str(i), f.label, n(f.count), pct(f.share)])
    rows.append(["", "Tổng số đảng viên mới kết nạp", n(b.total), pct(100)])
    return Table(
        title=f"Biểu 2. Cơ cấu đảng viên mới kết nạp từ ngày {vn.format_date(b.start)} đến "
              f"ngày {vn.format_date(b.end)}",
        columns=[("TT", 0.5, False), ("Chỉ tiêu", 5.0, False), ("Số lượng", 1.2, True),
                 ("Tỷ lệ", 1.2, True)],
        rows=rows, total_last=True, group_rows=frozenset(groups),
        note="Tỷ lệ tính trên tổng số đảng viên mới kết nạp; ở phần đặc điểm, một người có "
             "thể thuộc nhiều dòng.")


def _pipeline_sentence(report: ProgressReport, whole: str) -> str:
    total = report.total
    if not total.pipeline_total:
        return (f"Tính đến ngày {short_date(report.day)}, {whole} chưa ghi nhận quần chúng ưu "
                "tú nào trong nguồn kết nạp.")
    parts = [f"{n(total.pipeline.get(s.value, 0))} {STAGE_WORDS[s]}" for s in PIPELINE
             if total.pipeline.get(s.value, 0)]
    return (f"Tính đến ngày {short_date(report.day)}, {whole} đang theo dõi "
            f"{n(total.pipeline_total)} quần chúng ưu tú trong nguồn kết nạp, trong đó: "
            + "; ".join(parts) + ".")


def _forecast_sentence(report: ProgressReport) -> str:
    total, year = report.total, report.plan.year
    if not total.has_forecast:
        return (f"Chưa đủ số liệu các năm trước để dự báo số kết nạp đến ngày 31/12/{year}; "
                "tình trạng của các đơn vị được đánh giá theo tiến độ so với dự kiến.")
    whose = ("của chính đơn vị" if total.forecast_basis == ForecastBasis.OWN
             else "của cấp trên, toàn tỉnh (vì đơn vị có ít trường hợp)")
    text = (f"Căn cứ số đã kết nạp và tỷ lệ quần chúng ở từng bước được kết nạp trong năm của "
            f"các năm trước {whose}, dự báo đến ngày 31/12/{year} kết nạp được khoảng "
            f"{n(total.forecast_count)} đảng viên")
    if total.target:
        text += f", đạt {pct(plan_reports.forecast_percent(total))} chỉ tiêu"
        gap = total.target - total.forecast_count
        text += (f"; còn thiếu khoảng {n(gap)} đảng viên so với chỉ tiêu" if gap > 0
                 else "; có khả năng hoàn thành chỉ tiêu năm")
    at_risk = report.rows_with((ProgressStatus.AT_RISK,))
    text += "."
    if at_risk:
        share = vn.format_percent(settings.DANGVIEN_PROGRESS_AT_RISK * 100, 0)
        text += (f" Đơn vị có nguy cơ không đạt chỉ tiêu (dự báo dưới {share} chỉ tiêu): "
                 f"{_names(at_risk)}.")
    return text


def _pipeline_table(report: ProgressReport) -> Table:
    rows = _numbered(report, lambda r: [
        *[n(r.pipeline.get(s.value, 0)) for s in PIPELINE], n(r.pipeline_total),
        n(r.forecast_count) if r.has_forecast else "—",
        pct(plan_reports.forecast_percent(r)) if r.has_forecast else "—"],
        [*["0" for _ in PIPELINE], "0", "—", "—"])
    t = report.total
    rows.append(["", "Cộng", *[n(t.pipeline.get(s.value, 0)) for s in PIPELINE],
                 n(t.pipeline_total), n(t.forecast_count), pct(plan_reports.forecast_percent(t))])
    return Table(
        title=f"Biểu 3. Nguồn kết nạp và dự báo đến ngày 31/12/{report.plan.year}",
        columns=[("TT", 0.5, False), ("Đơn vị", 2.6, False),
                 *[(STAGE_COLUMNS[s], 0.95, True) for s in PIPELINE],
                 ("Cộng nguồn", 0.9, True), ("Dự báo", 0.9, True), ("% chỉ tiêu", 1.0, True)],
        rows=rows, total_last=True)


def _recognition_sentences(report: ProgressReport) -> list[str]:
    rec, day = report.recognition, short_date(report.day)
    if rec.unavailable:
        return [f"Chưa tính được thời hạn xét công nhận đảng viên chính thức: {rec.unavailable}"]
    if rec.overdue:
        out = [f"Đến ngày {day} có {n(rec.overdue)} đảng viên dự bị đã hết thời hạn xét công "
               "nhận đảng viên chính thức mà chi bộ chưa xem xét (quá hạn)."]
    else:
        out = [f"Đến ngày {day} không có đảng viên dự bị nào quá hạn xét công nhận đảng viên "
               "chính thức."]
    if rec.due_soon:
        out.append(f" {n(rec.due_soon)} đảng viên dự bị sắp đến hạn xét công nhận.")
    if rec.class_missing:
        out.append(f" {n(rec.class_missing)} đảng viên dự bị đã hết thời gian dự bị nhưng chưa "
                   "có giấy chứng nhận lớp bồi dưỡng đảng viên mới.")
    return out


def _recognition_line(u: UnitRecognition) -> str:
    parts = []
    if u.overdue:
        parts.append(f"{n(u.overdue)} quá hạn xét công nhận")
    if u.class_missing:
        parts.append(f"{n(u.class_missing)} chưa học lớp bồi dưỡng đảng viên mới")
    return f"{u.name}: " + ", ".join(parts) + "."


def _recipients(report: ProgressReport, issuer) -> list[str]:
    unit = report.unit
    out = []
    if unit.kind == UnitKind.PROVINCE:
        out.append("Ban Tổ chức Trung ương (để báo cáo),")
        out.append(f"Thường trực {issuer.committee},")
    elif report.parent is not None:
        parent = issuer_of(report.parent, name=report.parent_name)
        if parent.sign_for == "T/M BAN THƯỜNG VỤ":
            out.append(f"{parent.board} (để báo cáo),")
            out.append(f"Ban Tổ chức {parent.committee},")
        else:
            out.append(f"{parent.committee} (để báo cáo),")
    if report.table.rows:
        under = f" {issuer.committee}" if unit.kind == UnitKind.PROVINCE else ""
        out.append(f"Các {children_noun(unit)}{under},")
    out.append(f"{issuer.archive}.")
    return out
