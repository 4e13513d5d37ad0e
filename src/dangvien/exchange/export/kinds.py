"""What each list and report of the web UI exports (xuất Excel các danh sách, báo cáo).

Each export takes the page's own query parameters (`don-vi`, `ngay`, `ke-hoach`, `q`…),
so the download button only has to carry the page's query string, and reads through the
SAME selector as the page: the scope, the filters and the order are the page's. A unit,
plan or class outside the user's scope is 404, as on the page. No export reads the
citizen ID (CCCD) or the home address: no page shows them in a list.

Large lists stream (`.iterator(chunk_size=…)`) into the writer, which keeps one row in
memory at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from types import SimpleNamespace

from django.http import Http404
from django.utils import timezone

from dangvien.accounts.scope import get_unit_or_404, scope_roots
from dangvien.core import vn
from dangvien.org.models import OrgUnit, OrgUnitVersion
from dangvien.org.selectors import MemberCounts, branch_on, subtree_unit_ids

from .writer import DATE, DEC, INT, PCT, YEAR, Column, Export, Sheet

CHUNK = 2000


def _gender_labels() -> dict[str, str]:
    from dangvien.people.choices import Gender

    return dict(Gender.choices)


# --- reading the page's parameters ------------------------------------------------------


def _text(params: Mapping[str, str], name: str, limit: int = 200) -> str:
    return (params.get(name) or "").strip()[:limit]


def _day(params: Mapping[str, str], name: str = "ngay") -> tuple[dt.date, bool]:
    """The page's "as of" date (`?ngay=`): today when absent or wrong, as the page does."""
    raw = _text(params, name, 40)
    if raw:
        try:
            return vn.parse_date(raw), True
        except ValueError:
            pass
    return timezone.localdate(), False


def _unit(user, params: Mapping[str, str], name: str = "don-vi") -> OrgUnit | None:
    code = _text(params, name, 32)
    return get_unit_or_404(user, code) if code else None


def _require_unit(user, params: Mapping[str, str]) -> OrgUnit:
    unit = _unit(user, params)
    if unit is None:
        raise Http404("Hãy chọn đơn vị cần xuất danh sách.")
    return unit


def _pk(params: Mapping[str, str], name: str) -> int:
    raw = _text(params, name, 12)
    if not raw.isdigit():
        raise Http404("Không tìm thấy.")
    return int(raw)


def _scope_line(unit_name: str, code: str | None, when: str) -> str:
    who = f"{unit_name} ({code})" if code else unit_name
    return f"Đơn vị: {who}. {when}"


def _on_line(on: dt.date) -> str:
    return f"Số liệu tính đến ngày {vn.format_date(on)}."


def _file(stem: str, *parts: str) -> str:
    safe = [p.replace("/", "-").replace(" ", "-") for p in parts if p]
    return "-".join([stem, *safe]) + ".xlsx"


def _file_day(on: dt.date) -> str:
    return on.strftime("%d-%m-%Y")


def _numbered(rows: Iterable[tuple]) -> Iterator[tuple]:
    """Prefix each row with its number (STT), as the page's first column."""
    for i, row in enumerate(rows, 1):
        yield (i, *row)


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


# --- the organisation tree and a unit's page ----------------------------------------------

UNIT_COLUMNS = [
    Column("Mã đơn vị", 14), Column("Đơn vị", 42), Column("Tổng số", 10, INT),
    Column("Chính thức", 11, INT), Column("Dự bị", 10, INT), Column("Nữ", 10, INT),
    Column("Dân tộc thiểu số", 12, INT),
]


def _count_cells(c: MemberCounts) -> tuple:
    return (c.total, c.official, c.probationary, c.women, c.minorities)


def units_export(user, params: Mapping[str, str]) -> Export:
    """Tổ chức đảng: the tree page (every unit at the top of the scope with its subordinate
    units) or, with `don-vi`, a unit page's subordinate units; counts of members on `ngay`."""
    on, _ = _day(params)
    unit = _unit(user, params)
    roots = [unit] if unit is not None else list(scope_roots(user))
    branches = [branch_on(root, on, user) for root in roots]
    branches = [b for b in branches if b.version is not None]
    rows = [(row.unit.code, row.name, *_count_cells(row.counts))
            for b in branches for row in b.rows]
    footer = [(b.unit.code, f"Toàn đơn vị: {b.name}", *_count_cells(b.counts)) for b in branches]
    if unit is not None:
        name = branches[0].name if branches else unit.name
        scope = _scope_line(name, unit.code, _on_line(on))
    else:
        scope = f"Các đơn vị trong phạm vi quản lý. {_on_line(on)}"
    return Export(
        title="SỐ LƯỢNG ĐẢNG VIÊN THEO ĐƠN VỊ TRỰC THUỘC",
        scope_line=scope,
        sheets=[Sheet("Đơn vị trực thuộc", UNIT_COLUMNS, rows, footer=footer, freeze_cols=2)],
        filename=_file("to-chuc", unit.code if unit else "", _file_day(on)),
    )


MEMBER_COLUMNS = [
    Column("STT", 7, INT), Column("Họ và tên", 28), Column("Giới tính", 9),
    Column("Năm sinh", 9, YEAR), Column("Dân tộc", 11), Column("Chi bộ", 34),
    Column("Mã chi bộ", 13), Column("Tình trạng", 12), Column("Ngày vào Đảng", 13, DATE),
    Column("Ngày chính thức", 13, DATE),
]


def members_export(user, params: Mapping[str, str]) -> Export:
    """Danh sách đảng viên of a unit's page: everyone on the rolls on `ngay` in the unit and
    below, sorted by name (the page's `members_of_unit`), all pages at once."""
    from dangvien.people.selectors import members_of_unit

    unit = _require_unit(user, params)
    on, _ = _day(params)
    qs = members_of_unit(user=user, unit=unit, on=on)
    genders = _gender_labels()
    # The cells' names on the day, read once (a few hundred rows) instead of the page's
    # per-row subquery: at 100.000 rows that subquery is most of PostgreSQL's cost
    # estimate and pushes it into JIT compilation (2 s for a 0,4 s query).
    cell_names = dict(OrgUnitVersion.objects.on(on).filter(unit_id__in=subtree_unit_ids(unit, on))
                      .values_list("unit_id", "name"))
    values = qs.values_list("person__full_name", "person__gender", "person__birth_date",
                            "person__ethnicity", "cell_id", "cell__name", "cell__code",
                            "probationary_on", "admitted_on", "recognized_on")

    def rows():
        for n, (name, gender, birth, ethnicity, cell_id, cell, code, probationary, admitted,
                recognized) in enumerate(values.iterator(chunk_size=CHUNK), 1):
            yield (n, name, genders.get(gender, gender), birth.year if birth else None,
                   ethnicity, cell_names.get(cell_id) or cell, code,
                   "Dự bị" if probationary else "Chính thức", admitted,
                   None if probationary else recognized)

    return Export(
        title="DANH SÁCH ĐẢNG VIÊN",
        scope_line=_scope_line(_name_on(unit, on), unit.code,
                               f"Đảng viên trong danh sách ngày {vn.format_date(on)}, gồm cả "
                               "các đơn vị trực thuộc."),
        sheets=[Sheet("Đảng viên", MEMBER_COLUMNS, rows(), freeze_cols=2, count=qs.count)],
        filename=_file("dang-vien", unit.code, _file_day(on)),
    )


def _name_on(unit: OrgUnit, on: dt.date) -> str:
    from dangvien.org.selectors import version_on

    version = version_on(unit, on)
    return version.name if version else unit.name


# --- people search ------------------------------------------------------------------------

SEARCH_COLUMNS = [Column("STT", 7, INT), Column("Họ và tên", 28), Column("Năm sinh", 9, YEAR),
                  Column("Đơn vị", 40), Column("Mã đơn vị", 13), Column("Ghi chú", 34)]


def search_export(user, params: Mapping[str, str]) -> Export:
    """Tìm đảng viên: the people the search page lists (the same limit), candidates marked
    in "Ghi chú" as on the page."""
    from dangvien.people.selectors import SEARCH_LIMIT, people_search

    result = people_search(user=user, text=_text(params, "q"), limit=SEARCH_LIMIT)
    rows = _numbered((p.full_name, p.birth_date.year if p.birth_date else None, p.unit.name,
                      p.unit.code, p.open_candidacy.label if p.open_candidacy else "")
                     for p in result.people)
    notes = [f"Chỉ gồm {vn.format_number(SEARCH_LIMIT)} người đầu tiên; hãy gõ thêm họ, tên "
             "đệm để thu hẹp kết quả."] if result.more else []
    return Export(
        title="KẾT QUẢ TÌM ĐẢNG VIÊN",
        scope_line=(f"Tìm “{result.text}” trong các đơn vị được phân quyền. Ngày "
                    f"{vn.format_date(timezone.localdate())}."),
        sheets=[Sheet("Kết quả tìm", SEARCH_COLUMNS, rows, notes=notes, freeze_cols=2)],
        filename=_file("tim-kiem", _file_day(timezone.localdate())),
    )


# --- admission: candidates and deadlines --------------------------------------------------

CANDIDATE_COLUMNS = [
    Column("STT", 7, INT), Column("Họ và tên", 28), Column("Năm sinh", 9, YEAR),
    Column("Chi bộ", 34), Column("Mã chi bộ", 13), Column("Nguồn giới thiệu", 22),
    Column("Bước hiện tại", 30), Column("Ngày", 12, DATE), Column("Quá hạn", 30),
]


def candidates_export(user, params: Mapping[str, str]) -> Export:
    """Quần chúng ưu tú, hồ sơ kết nạp: the list page with its filters (unit, step, source,
    name, overdue), every page."""
    from dangvien.admission.forms import CandidateFilterForm
    from dangvien.admission.models import Source, Stage
    from dangvien.admission.selectors import candidates_list, overdue_kinds, with_due

    form = CandidateFilterForm(params)
    form.is_valid()
    code = form.value("don_vi").strip()
    unit = get_unit_or_404(user, code) if code else None
    today = timezone.localdate()
    late = overdue_kinds(user=user, on=today, unit=unit) if form.value("qua_han") else None
    qs = candidates_list(user=user, unit=unit, stage=form.value("buoc"),
                         source=form.value("nguon"), text=form.value("q"), overdue=late)
    sources, stages = dict(Source.choices), dict(Stage.choices)

    def rows():
        n = 0
        for chunk in _chunks(qs.iterator(chunk_size=CHUNK), CHUNK):
            for c in with_due(chunk, today=today, overdue=late):
                n += 1
                yield (n, c.person.full_name, c.person.birth_date.year, c.cell.name, c.cell.code,
                       sources.get(c.source, c.source), stages.get(c.stage, c.stage),
                       c.stage_on, ", ".join(c.overdue))

    filters = []
    if form.value("buoc"):
        filters.append(f"bước: {dict(form.fields['buoc'].choices).get(form.value('buoc'))}")
    if form.value("nguon"):
        filters.append(f"nguồn: {sources.get(form.value('nguon'))}")
    if form.value("q"):
        filters.append(f"họ tên có “{vn.normalize_spaces(form.value('q'))[:100]}”")
    if late is not None:
        filters.append("chỉ hồ sơ quá hạn")
    when = f"Ngày {vn.format_date(today)}."
    if filters:
        when = f"Lọc theo {'; '.join(filters)}. {when}"
    return Export(
        title="DANH SÁCH QUẦN CHÚNG ƯU TÚ, HỒ SƠ KẾT NẠP",
        scope_line=(_scope_line(unit.name, unit.code, when) if unit else
                    f"Mọi đơn vị trong phạm vi quản lý. {when}"),
        sheets=[Sheet("Quần chúng ưu tú", CANDIDATE_COLUMNS, rows(), freeze_cols=2,
                      count=qs.count)],
        filename=_file("quan-chung", unit.code if unit else "", _file_day(today)),
    )


DEADLINE_COLUMNS = [
    Column("Tình trạng", 14), Column("Việc", 30), Column("Họ và tên", 26), Column("Chi bộ", 30),
    Column("Mã đơn vị", 13), Column("Hạn", 12, DATE), Column("Gia hạn đến", 12, DATE),
    Column("Số ngày quá hạn", 10, INT), Column("Tính theo", 14), Column("Nội dung", 60),
    Column("Căn cứ", 30),
]


def deadlines_export(user, params: Mapping[str, str]) -> Export:
    """Thời hạn: overdue, then due soon (within 15 working days, as on the page), by kind;
    every row (the page shows them a page at a time)."""
    from dangvien.admission.deadlines import (
        DUE_SOON_WORKING_DAYS,
        LateUnit,
        Status,
        deadlines,
        horizon_for,
        status_sections,
    )
    from dangvien.core.errors import DomainError

    unit = _unit(user, params)
    on, _ = _day(params)
    try:
        items = deadlines(user=user, as_of=on, unit=unit, horizon_days=horizon_for(on))
    except DomainError:
        items = []
    sections = status_sections(items)
    units = dict(LateUnit.choices)

    def rows():
        for status in (Status.OVERDUE, Status.DUE_SOON):
            for group in sections[status.value]:
                for i in group.items:
                    yield (i.status_label, i.kind_label, i.person, i.cell, i.unit_code, i.due_on,
                           i.limit_on, i.days_late,
                           units.get(i.late_unit, "") if i.days_late is not None else "",
                           i.message, i.regulation)

    when = (f"Việc quá hạn và đến hạn trong {DUE_SOON_WORKING_DAYS} ngày làm việc tới, tính đến ngày "
            f"{vn.format_date(on)}.")
    return Export(
        title="THỜI HẠN TRONG QUY TRÌNH KẾT NẠP ĐẢNG VIÊN",
        scope_line=(_scope_line(unit.name, unit.code, when) if unit else
                    f"Mọi đơn vị trong phạm vi quản lý. {when}"),
        sheets=[Sheet("Thời hạn", DEADLINE_COLUMNS, rows(), freeze_cols=3)],
        filename=_file("thoi-han", unit.code if unit else "", _file_day(on)),
    )


def surveys_export(user, params: Mapping[str, str]) -> Export:
    """Khảo sát nguồn kết nạp theo quý: the surveys page's table for a unit and year (`nam`),
    by stage and by source, one column per quarter (empty: no survey taken)."""
    from dangvien.admission import surveys as sv
    from dangvien.admission.views_deadlines import SURVEY_YEARS_SHOWN

    today = timezone.localdate()
    raw = _text(params, "nam", 4)
    year = int(raw) if raw.isdigit() and sv.FIRST_YEAR <= int(raw) <= sv.LAST_YEAR else today.year
    unit = _unit(user, params) or scope_roots(user).first()
    if unit is None:
        raise Http404("Tài khoản chưa được phân quyền xem đơn vị nào.")
    table = sv.surveys_for_unit(user=user, unit=unit, year_from=year - SURVEY_YEARS_SHOWN + 1,
                                year_to=year, today=today)
    columns = [Column("Nội dung", 24), Column("Nhóm", 40),
               *[Column(c.label, 12, INT) for c in table.columns]]
    rows = [("Theo bước", line.label, *line.counts) for line in table.stages]
    rows += [("Theo nguồn giới thiệu", line.label, *line.counts) for line in table.sources]
    days = "; ".join(f"{c.label}: đến ngày {vn.format_date(c.as_of)}" for c in table.columns
                     if c.survey)
    return Export(
        title=f"KHẢO SÁT NGUỒN KẾT NẠP ĐẢNG VIÊN NĂM {year}",
        scope_line=_scope_line(unit.name, unit.code,
                               "Quần chúng ưu tú chưa có quyết định kết nạp, tính đến ngày cuối "
                               "mỗi quý, gồm mọi tổ chức đảng trực thuộc."),
        sheets=[Sheet("Khảo sát nguồn", columns, rows,
                      footer=[("", table.total.label, *table.total.counts)], freeze_cols=2,
                      notes=[f"Ô trống: quý chưa lập khảo sát. {days}".strip()])],
        filename=_file("khao-sat", unit.code, str(year)),
    )


# --- training -----------------------------------------------------------------------------

CLASS_COLUMNS = [
    Column("Tên lớp", 40), Column("Loại lớp", 30), Column("Đơn vị tổ chức", 32),
    Column("Khai giảng", 12, DATE), Column("Bế giảng", 12, DATE), Column("Học viên", 10, INT),
    Column("Đạt", 10, INT),
]


def classes_export(user, params: Mapping[str, str]) -> Export:
    """Lớp bồi dưỡng: the list page (optionally one kind, `loai`)."""
    from dangvien.training.models import ClassKind
    from dangvien.training.selectors import classes_list

    kind = _text(params, "loai", 40)
    if kind not in ClassKind.values:
        kind = ""
    kinds = dict(ClassKind.choices)
    qs = classes_list(user=user, kind=kind)
    rows = ((k.name, kinds.get(k.kind, k.kind), k.organiser.name, k.starts_on, k.ends_on,
             k.learners, k.passed) for k in qs.iterator(chunk_size=CHUNK))
    today = timezone.localdate()
    what = f"Loại lớp: {kinds[kind]}. " if kind else ""
    return Export(
        title="DANH SÁCH LỚP BỒI DƯỠNG",
        scope_line=(f"Lớp do các đơn vị trong phạm vi quản lý hoặc cấp trên tổ chức. {what}"
                    f"Ngày {vn.format_date(today)}."),
        sheets=[Sheet("Lớp bồi dưỡng", CLASS_COLUMNS, rows, freeze_cols=1, count=qs.count)],
        filename=_file("lop", kind.replace("_", "-"), _file_day(today)),
    )


LEARNER_COLUMNS = [
    Column("STT", 7, INT), Column("Họ và tên", 28), Column("Năm sinh", 9, YEAR),
    Column("Đơn vị", 34), Column("Mã đơn vị", 13), Column("Kết quả", 30),
    Column("Số giấy chứng nhận", 16), Column("Ngày cấp giấy chứng nhận", 14, DATE),
]


def learners_export(user, params: Mapping[str, str]) -> Export:
    """Học viên của một lớp (`lop`): the learners the class page lists (those the user may see)."""
    from dangvien.training.models import Result
    from dangvien.training.selectors import class_enrolments, get_class_or_404

    klass = get_class_or_404(user, _pk(params, "lop"))
    results = dict(Result.choices)
    enrolments = class_enrolments(user=user, training_class=klass)
    rows = _numbered((e.person.full_name, e.person.birth_date.year, e.person.unit.name,
                      e.person.unit.code, results.get(e.result, e.result), e.certificate_number,
                      e.certificate_on) for e in enrolments)
    return Export(
        title=f"DANH SÁCH HỌC VIÊN LỚP {klass.name.upper()}",
        scope_line=(f"Đơn vị tổ chức: {klass.organiser.name}. Thời gian: "
                    f"{vn.format_date(klass.starts_on)} – {vn.format_date(klass.ends_on)}. "
                    "Gồm học viên thuộc các đơn vị được phân quyền."),
        sheets=[Sheet("Học viên", LEARNER_COLUMNS, rows, freeze_cols=2)],
        filename=_file("hoc-vien-lop", str(klass.pk)),
    )


# --- plans --------------------------------------------------------------------------------

PLAN_COLUMNS = [
    Column("Số, ký hiệu", 14), Column("Cấp ủy ban hành", 30), Column("Trích yếu", 50),
    Column("Ngày ban hành", 12, DATE), Column("Chỉ tiêu (trở lên)", 11, INT),
    Column("Tình trạng", 40),
]


def _plan_state(r) -> str:
    if not r.issued:
        return "Dự thảo"
    text = "Đã ban hành"
    if r.revisions:
        text += (f", điều chỉnh {r.revisions} lần (lần gần nhất ngày "
                 f"{vn.format_date(r.current.issued_on)})")
    if r.draft:
        text += "; có dự thảo điều chỉnh"
    return text


def plans_export(user, params: Mapping[str, str]) -> Export:
    """Kế hoạch phát triển đảng viên of a year (`nam`, default the newest), as the list page."""
    from dangvien.plans import selectors

    years = selectors.years_for_user(user=user)
    raw = _text(params, "nam", 4)
    year = int(raw) if raw.isdigit() and len(raw) == 4 else (years[0] if years else None)
    plans = selectors.plans_for_user(user=user, year=year) if year is not None else []

    def rows():
        for chunk in _chunks(plans.iterator(chunk_size=CHUNK) if year is not None else [], 500):
            for r in selectors.plan_rows(chunk):
                title = r.plan.title
                if r.plan.parent:
                    title += f" (thực hiện Kế hoạch số {r.plan.parent.number})"
                yield (r.plan.number, r.plan.unit.name, title, r.first_issued_on,
                       r.current.target if r.current else None, _plan_state(r))

    return Export(
        title=f"KẾ HOẠCH PHÁT TRIỂN ĐẢNG VIÊN NĂM {year or ''}".strip(),
        scope_line=(f"Kế hoạch của các cấp ủy trong phạm vi quản lý. Ngày "
                    f"{vn.format_date(timezone.localdate())}."),
        sheets=[Sheet("Kế hoạch", PLAN_COLUMNS, rows(), freeze_cols=1)],
        filename=_file("ke-hoach", str(year or "")),
    )


ALLOCATION_COLUMNS = [
    Column("Mã đơn vị", 14), Column("Đơn vị", 40), Column("Chỉ tiêu giao", 11, INT),
    Column("Kế hoạch riêng", 16), Column("Chỉ tiêu riêng", 11, INT), Column("Đáp ứng", 24),
]
VERSION_COLUMNS = [
    Column("Lần", 7, INT), Column("Tình trạng", 18), Column("Ngày ban hành", 12, DATE),
    Column("Chỉ tiêu", 10, INT), Column("Đã giao", 10, INT), Column("Nội dung điều chỉnh", 50),
]


def _covered(r) -> str:
    if r.covered is None:
        return ""
    return "đáp ứng" if r.covered else f"thấp hơn {vn.format_number(r.allocated)}"


def plan_export(user, params: Mapping[str, str]) -> Export:
    """Một kế hoạch (`ke-hoach`, and `lan` for a revision): its allocations to the subordinate
    units (with their own plans) and its issues and revisions, as the plan page."""
    from dangvien.plans import selectors

    plan = selectors.get_plan_or_404(user, _pk(params, "ke-hoach"))
    raw = _text(params, "lan", 4)
    page = selectors.plan_page(user=user, plan=plan, revision=int(raw) if raw.isdigit() else None,
                               today=timezone.localdate())
    s = page.summary
    rows = [(r.unit.code, r.name, r.allocated,
             (r.plan.number + (" (dự thảo)" if r.own_is_draft else "")) if r.plan else "",
             r.own_target, _covered(r)) for r in s.rows]
    footer = [("", "Tổng cộng", s.allocated, "", s.own_targets if s.has_own_plans else None,
               f"{len(s.uncovered)} đơn vị chưa đáp ứng" if s.uncovered else "")]
    notes = []
    if s.remainder:
        notes.append(f"Đã giao {vn.format_number(s.allocated)} trên chỉ tiêu "
                     f"{vn.format_number(s.target)} của kế hoạch: còn thiếu "
                     f"{vn.format_number(s.remainder)} chưa giao.")
    elif s.surplus:
        notes.append(f"Đã giao {vn.format_number(s.allocated)} trên chỉ tiêu "
                     f"{vn.format_number(s.target)} của kế hoạch: giao vượt "
                     f"{vn.format_number(s.surplus)}.")
    versions = [(v.version.revision, v.version.get_status_display(), v.version.issued_on,
                 v.version.target, v.allocated, v.version.note) for v in page.versions]
    shown = page.shown
    state = "dự thảo" if page.shown_is_draft else f"ban hành ngày {vn.format_date(shown.issued_on)}"
    return Export(
        title=f"CHỈ TIÊU GIAO THEO KẾ HOẠCH SỐ {plan.number}",
        scope_line=(_scope_line(plan.unit.name, plan.unit.code,
                                f"{plan.title}, năm {plan.year}; lần {shown.revision} ({state}), "
                                f"chỉ tiêu {vn.format_number(shown.target)} trở lên.")),
        sheets=[Sheet("Chỉ tiêu giao", ALLOCATION_COLUMNS, rows, footer=footer, notes=notes,
                      freeze_cols=2),
                Sheet("Các lần ban hành", VERSION_COLUMNS, versions)],
        filename=_file("chi-tieu", plan.number, str(plan.year)),
    )


def progress_sheet(table, *, notes: bool = True) -> Sheet:
    """The progress table (`progress.progress_table`) as a sheet: a row per subordinate unit,
    the unit's total last (shared with `dangvien report progress --format xlsx`)."""
    from dangvien.plans.progress import PIPELINE
    from dangvien.plans.reports import COLUMNS, EXPECTED_LABELS

    kinds = [None, None, INT, INT, PCT, PCT, None, None, DEC, DATE, *[INT] * len(PIPELINE)]
    columns = [Column(name, width, kind or "text")
               for (name, width), kind in zip(COLUMNS, kinds, strict=True)]

    def cells(p) -> tuple:
        return (p.unit.code, p.name, p.target, p.admitted,
                None if p.percent is None else p.percent / 100,
                None if p.expected_percent is None else p.expected_percent / 100,
                EXPECTED_LABELS.get(p.expected_method, ""), p.status_label,
                round(p.forecast, 1), p.target_reached_on,
                *[p.pipeline.get(s.value, 0) for s in PIPELINE])

    return Sheet(
        "Tiến độ", columns, [cells(p) for p in table.rows], footer=[cells(table.total)],
        freeze_cols=2,
        notes=["Dự kiến: tỷ lệ chỉ tiêu cần đạt đến ngày này (tuyến tính: chia đều theo tháng; "
               "theo mùa vụ: theo nhịp kết nạp các năm trước). Dự báo: số đã kết nạp cộng số "
               "nguồn dự kiến được kết nạp trước 31/12."] if notes else [],
    )


def progress_scope_line(table, heading) -> str:
    line = (f"{heading.text}. Đơn vị: {table.total.name} ({table.unit.code}). Số liệu tính đến "
            f"ngày {vn.format_date(table.as_of)}; kết nạp tính theo {table.counts_on_label}.")
    return f"{line} {table.restructure_rule}" if table.restructure_rule else line


def progress_export_of(table, heading) -> Export:
    return Export(
        title=f"TIẾN ĐỘ THỰC HIỆN {heading.text.upper()}",
        scope_line=progress_scope_line(table, heading),
        sheets=[progress_sheet(table)],
        filename=_file("tien-do", table.plan.number, table.unit.code, _file_day(table.as_of)),
    )


def progress_export(user, params: Mapping[str, str]) -> Export:
    """Bảng theo dõi tiến độ: the dashboard's table for its plan, unit and day."""
    from dangvien.plans.in_view import NoPlan, progress_in_view
    from dangvien.plans.progress import progress_table
    from dangvien.plans.reports import plan_heading

    on, explicit = _day(params)
    try:
        view = progress_in_view(user, plan=_text(params, "ke-hoach", 12),
                                unit=_text(params, "don-vi", 32), on=on, explicit=explicit)
    except NoPlan as exc:
        raise Http404(f"Chưa có kế hoạch phát triển đảng viên năm {exc.year} đã ban hành.") from exc
    table = progress_table(plan=view.plan, unit=view.unit, as_of=view.day, user=user)
    return progress_export_of(table, plan_heading(view.plan, view.day))


# --- breakdowns ---------------------------------------------------------------------------

BREAKDOWN_COLUMNS = [Column("Nội dung", 34), Column("Nhóm, chỉ tiêu", 48),
                     Column("Số người", 10, INT), Column("Tỷ lệ", 10, PCT)]
EMPTY_CELL_COLUMNS = [Column("Mã", 14), Column("Chi bộ", 40), Column("Trực thuộc", 40)]
SHORTFALL_COLUMNS = [Column("Mã", 14), Column("Đảng bộ", 40),
                     Column("Số thôn, bản, tổ dân phố", 14, INT),
                     Column("Chi bộ thôn, bản, tổ dân phố", 14, INT),
                     Column("Chưa có chi bộ", 12, INT)]


def breakdown_export(user, params: Mapping[str, str]) -> Export:
    """Cơ cấu đảng viên mới kết nạp (`tu`, `den`) and the coverage of villages on `den`:
    the breakdown page, one sheet per table."""
    from dangvien.plans.breakdowns import coverage, new_member_breakdown
    from dangvien.plans.views_breakdown import period_from_request

    period = period_from_request(SimpleNamespace(GET=params), timezone.localdate())
    unit = _unit(user, params) or scope_roots(user).first()
    if unit is None:
        raise Http404("Tài khoản chưa được phân quyền xem đơn vị nào.")
    bd = new_member_breakdown(user=user, unit=unit, start=period.start, end=period.end)
    cov = coverage(user=user, unit=unit, on=period.end)

    def share(f) -> float | None:
        return None if f.share is None else float(f.share) / 100

    figures = []
    for s in bd.sections:
        figures.extend((s.title, f.label, f.count, share(f)) for f in s.figures)
        if s.partition:
            figures.append((s.title, "Cộng", bd.total, 1.0 if bd.total else None))
    empty = [(c.code, c.name, c.parent_name) for c in cov.empty_cells]
    short = [(s.code, s.name, s.villages, s.village_cells, s.without_cell)
             for s in cov.shortfalls]
    when = (f"Kết nạp từ ngày {vn.format_date(period.start)} đến ngày "
            f"{vn.format_date(period.end)}, tính theo {bd.counts_on_label}; độ phủ ngày "
            f"{vn.format_date(period.end)}.")
    cov_notes = [f"Chi bộ thôn, bản, tổ dân phố: {vn.format_number(cov.village_cells)}; không có "
                 f"đảng viên: {vn.format_number(cov.village_cells_without_members)}."]
    if cov.empty_cells_hidden:
        cov_notes.append(f"Còn {vn.format_number(cov.empty_cells_hidden)} chi bộ khác chưa liệt "
                         "kê; hãy chọn một đơn vị cấp dưới.")
    return Export(
        title="CƠ CẤU ĐẢNG VIÊN MỚI KẾT NẠP; THÔN, BẢN CHƯA CÓ ĐẢNG VIÊN, CHƯA CÓ CHI BỘ",
        scope_line=_scope_line(bd.unit_name, unit.code, when),
        sheets=[
            Sheet("Cơ cấu đảng viên mới", BREAKDOWN_COLUMNS, figures,
                  footer=[("Tổng số đảng viên mới kết nạp", "", bd.total, None)], freeze_cols=2),
            Sheet("Chi bộ không có đảng viên", EMPTY_CELL_COLUMNS, empty, notes=cov_notes,
                  freeze_cols=2),
            Sheet("Thôn chưa có chi bộ", SHORTFALL_COLUMNS, short, freeze_cols=2),
        ],
        filename=_file("co-cau", unit.code, _file_day(period.end)),
    )


# --- ratings ------------------------------------------------------------------------------


def ratings_export(user, params: Mapping[str, str]) -> Export:
    """Kết quả xếp loại chất lượng đảng viên: the ratings report page (a unit, `nam` and the
    years before it that have ratings): a row per subordinate unit and year, the count and
    share at each level, the unit's totals last."""
    from dangvien.ratings import selectors as rs
    from dangvien.ratings.models import LEVEL_SHORT, LEVELS, RatingLevel
    from dangvien.ratings.reports import comparison_years, default_unit

    unit = _unit(user, params) or default_unit(user)
    if unit is None:
        raise Http404("Tài khoản chưa được phân quyền xem đơn vị nào.")
    with_data = rs.rated_years()
    today = timezone.localdate()
    raw = _text(params, "nam", 4)
    year = int(raw) if raw.isdigit() and len(raw) == 4 else (
        with_data[0] if with_data else today.year - 1)
    if year > today.year or year < 2000:
        year = today.year - 1
    years = [y for y in comparison_years(year) if y == year or y in with_data]
    dist = rs.distribution(unit=unit, years=years)
    columns = [Column("Mã đơn vị", 14), Column("Đơn vị", 38), Column("Năm", 7, YEAR),
               Column("Số được xếp loại", 11, INT)]
    for lv in LEVELS:
        columns += [Column(f"{RatingLevel(lv).label}: số", 12, INT),
                    Column(f"{LEVEL_SHORT[lv].capitalize()}: tỷ lệ", 10, PCT)]

    def line(row, d, name: str) -> tuple:
        cells = [row.unit.code, name, d.year, d.total]
        for lv in LEVELS:
            share = d.percent(lv)
            cells += [d.count(lv), None if share is None else share / 100]
        return tuple(cells)

    rows = [line(r, d, r.unit.name) for r in dist.rows for d in r.years]
    footer = [line(dist.total, d, f"Cộng: {unit.name}") for d in dist.total.years]
    return Export(
        title=f"KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM {year}",
        scope_line=_scope_line(unit.name, unit.code,
                               "Năm " + ", ".join(str(y) for y in dist.years) + "."),
        sheets=[Sheet("Xếp loại", columns, rows, footer=footer, freeze_cols=2)],
        filename=_file("xep-loai", unit.code, str(year)),
    )


# --- the registry -------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """Một loại danh sách xuất được: tên trong lệnh, đường dẫn trên web, hàm dựng."""

    name: str  # the command's word: `dangvien export members`
    slug: str  # the web address: /trao-doi/xuat/dang-vien/
    label: str
    build: Callable[[object, Mapping[str, str]], Export]


KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("units", "to-chuc", "số đảng viên theo đơn vị trực thuộc (cây tổ chức, trang đơn vị)",
         units_export),
    Kind("members", "dang-vien", "danh sách đảng viên của một đơn vị (cần --unit)",
         members_export),
    Kind("search", "tim-kiem", "kết quả tìm đảng viên theo họ tên (--q)", search_export),
    Kind("candidates", "quan-chung", "quần chúng ưu tú, hồ sơ kết nạp", candidates_export),
    Kind("deadlines", "thoi-han", "thời hạn trong quy trình kết nạp", deadlines_export),
    Kind("surveys", "khao-sat", "khảo sát nguồn kết nạp theo quý (--year)", surveys_export),
    Kind("classes", "lop", "lớp bồi dưỡng", classes_export),
    Kind("learners", "hoc-vien", "học viên của một lớp (cần --class)", learners_export),
    Kind("plans", "ke-hoach", "kế hoạch phát triển đảng viên của một năm", plans_export),
    Kind("allocations", "chi-tieu", "chỉ tiêu giao của một kế hoạch (cần --plan)", plan_export),
    Kind("progress", "tien-do", "tiến độ thực hiện kế hoạch", progress_export),
    Kind("ratings", "xep-loai", "kết quả xếp loại chất lượng đảng viên (--year)",
         ratings_export),
    Kind("breakdown", "co-cau", "cơ cấu đảng viên mới kết nạp, độ phủ thôn, bản",
         breakdown_export),
]}
BY_SLUG: dict[str, Kind] = {k.slug: k for k in KINDS.values()}


def full_scope_user():
    """The user a command acts as without --user: sees everything (unsaved, never stored)."""
    from django.contrib.auth import get_user_model

    return get_user_model()(username="dangvien", is_superuser=True, is_active=True)
