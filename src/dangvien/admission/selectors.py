"""Reads for the candidate pages, always within the user's scope.

Lists never load the citizen ID (CCCD) or the home address. The candidate page shows
the CCCD masked (`*********123`), never in full.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.core import vn
from dangvien.core.calendar import working_calendar
from dangvien.core.dates import months_between
from dangvien.org.models import CELL_KINDS, GRASSROOTS_KINDS, OrgUnit, UnitKind
from dangvien.org.selectors import ancestors_on
from dangvien.people.models import Membership, Person
from dangvien.rules.models import RuleSet
from dangvien.training.models import ClassKind, Enrolment

from . import checks, corrections, deadlines, dossier, services
from .models import PATH, RANK, Candidacy, CandidacyEvent, Stage

#: Sensitive fields no list needs.
_PERSON_DEFERRED = ("person__cccd", "person__home_address")

SEARCH_MAX_CHARS = 100

#: `stage` filter values besides the stages themselves.
STAGE_OPEN = ""
STAGE_ALL = "tat-ca"


# --- deadlines -------------------------------------------------------------------------

def due_of(candidacy: Candidacy, *, today: dt.date, rules=None, cal=None):
    """The deadline the candidacy's next step waits for (`deadlines.next_due`)."""
    return deadlines.next_due(candidacy, today=today, rules=rules, cal=cal)


def waiting_on(candidacy: Candidacy, *, grassroots: OrgUnit) -> str:
    """Who acts next, as the candidate page says it: "Chờ Đảng ủy cơ sở xét đề nghị kết nạp
    (Đảng bộ xã Vĩnh Đồng)". Empty for a stage without a deadline."""
    c = candidacy
    if c.stage == Stage.CELL_PROPOSED and grassroots.pk != c.cell_id:
        return f"Chờ Đảng ủy cơ sở xét đề nghị kết nạp ({grassroots.name})"
    if c.stage in {Stage.CELL_PROPOSED, Stage.GRASSROOTS_PROPOSED}:
        unit = c.decision_unit or OrgUnit.objects.get_parent(grassroots) or grassroots
        return f"Chờ cấp ủy cấp trên ra quyết định kết nạp ({unit.name})"
    if c.stage == Stage.DECIDED:
        return f"Chờ chi bộ tổ chức lễ kết nạp ({c.cell.name})"
    if c.stage == Stage.ON_PROBATION:
        return f"Chờ chi bộ xét công nhận đảng viên chính thức ({c.cell.name})"
    return ""


def _due_with_actor(c: Candidacy, *, today: dt.date, grassroots: OrgUnit):
    due = None if c.is_closed else due_of(c, today=today)
    if due is not None:
        due.waiting = waiting_on(c, grassroots=grassroots)
    return due


def with_due(rows, *, today: dt.date, overdue: dict[int, list[str]] | None = None
             ) -> list[Candidacy]:
    """Set `due` (the next step's deadline) and `overdue` (what is late) on a page's rows.

    One query for the rule sets, none per row; `overdue` comes from `overdue_kinds` when
    the list was filtered by it, else from each row's next-step deadline.
    """
    rules, cal = deadlines.RuleSets(), working_calendar()
    rows = list(rows)
    for row in rows:
        row.due = due_of(row, today=today, rules=rules, cal=cal)
        if overdue is not None:
            row.overdue = overdue.get(row.pk, [])
        else:
            row.overdue = [row.due.what] if row.due and row.due.overdue else []
    return rows


# --- the list --------------------------------------------------------------------------


def candidates_list(*, user, unit: OrgUnit | None = None, stage: str = STAGE_OPEN,
                    source: str = "", text: str = "", overdue_on: dt.date | None = None,
                    overdue: dict[int, list[str]] | None = None) -> QuerySet[Candidacy]:
    """Quần chúng ưu tú và hồ sơ kết nạp trong phạm vi người dùng, xếp theo tên kiểu Việt.

    `stage` is a stage, `STAGE_OPEN` (not yet ended: the default) or `STAGE_ALL`;
    `overdue_on` keeps only those with something overdue that day (`overdue`, when given,
    is that answer already computed by `overdue_kinds`).
    """
    qs = (Candidacy.objects.for_user(user)
          .select_related("person", "cell")
          .defer(*_PERSON_DEFERRED))
    if unit is not None:
        qs = qs.filter(cell__path__startswith=unit.path)
    if stage == STAGE_OPEN:
        qs = qs.open()
    elif stage != STAGE_ALL:
        qs = qs.filter(stage=stage)
    if source:
        qs = qs.filter(source=source)
    for word in vn.fold(vn.normalize_spaces(text)[:SEARCH_MAX_CHARS]).split():
        qs = qs.filter(person__search_name__contains=word)
    if overdue is None and overdue_on is not None:
        overdue = overdue_kinds(user=user, on=overdue_on, unit=unit)
    if overdue is not None:
        qs = qs.filter(pk__in=sorted(overdue))
    return qs.order_by("person__sort_key", "person_id", "pk")


def overdue_kinds(*, user, on: dt.date, unit: OrgUnit | None = None) -> dict[int, list[str]]:
    """Candidacy id -> what is overdue on `on` (as the deadlines page counts it); a
    fragment shared by the users of one scope (`core.fragments`)."""
    from dangvien.accounts.scope import scope_key
    from dangvien.core.fragments import cached

    if user is None:
        return _overdue_kinds(user=None, on=on, unit=unit)
    return cached("overdue_kinds", scope=scope_key(user),
                  parts=(on.isoformat(), unit.pk if unit is not None else ""),
                  compute=lambda: _overdue_kinds(user=user, on=on, unit=unit))


def _overdue_kinds(*, user, on: dt.date, unit: OrgUnit | None) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for item in deadlines.deadlines_cached(user=user, as_of=on, unit=unit):
        if item.is_overdue:
            out.setdefault(item.candidacy_id, []).append(item.kind_label.lower())
    return out


def unit_choices(user) -> list[tuple[str, str]]:
    """Units to filter by: every unit in scope above the cells, and the top of the scope
    (a fragment shared by the users of one scope, `core.fragments`)."""
    from dangvien.accounts.scope import scope_key
    from dangvien.core.fragments import cached

    return cached("unit_choices", scope=scope_key(user), parts=(),
                  compute=lambda: _unit_choices(user))


def unit_options(user, *, selected: str = "", extra: OrgUnit | None = None) -> str:
    """`unit_choices` as the HTML options of the list's unit filter, `selected` marked.

    Hundreds of units at the province: the options are written once per scope and data
    version (a fragment), not by a template loop on every visit. `extra` is a unit the
    user asked for that is not among the choices (a cell): added at the end.
    """
    from dangvien.accounts.scope import scope_key
    from dangvien.core.fragments import cached

    html = cached("unit_options", scope=scope_key(user), parts=(),
                  compute=lambda: str(format_html_join(
                      "", '<option value="{}">{}</option>', _unit_choices(user))))
    if extra is not None and f'<option value="{escape(extra.code)}">' not in html:
        html += format_html('<option value="{}">{}</option>', extra.code, extra.name)
    if selected:
        mark = f'<option value="{escape(selected)}">'
        html = html.replace(mark, mark[:-1] + " selected>", 1)
    return mark_safe(html)  # noqa: S308 - every value went through format_html


def _unit_choices(user) -> list[tuple[str, str]]:
    roots = [u.path for u in _scope_root_units(user)]
    units = (OrgUnit.objects.for_user(user).filter(valid_to__isnull=True)
             .filter(~Q(kind=UnitKind.CELL) | Q(path__in=roots))
             .only("code", "name", "depth", "path").order_by("path"))
    units = list(units)
    top = min((u.depth for u in units), default=1)
    return [(u.code, "\u2003" * (u.depth - top) + u.name) for u in units]


def _scope_root_units(user):
    from dangvien.accounts.scope import scope_roots

    return scope_roots(user)


# --- one candidate ---------------------------------------------------------------------


def get_candidacy_or_404(user, pk: int) -> Candidacy:
    """The candidacy if it lies in the user's scope; otherwise 404, as if it did not exist."""
    found = (Candidacy.objects.for_user(user)
             .select_related("person", "cell", "awareness__training_class", "decision_unit",
                             "membership", "rule_set")
             .filter(pk=pk).first())
    if found is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return found


def mask_cccd(value: str | None) -> str:
    """017198000123 -> *********123: only the last three digits are ever shown."""
    return "*" * max(len(value) - 3, 0) + value[-3:] if value else ""


@dataclass(frozen=True)
class Step:
    """Một bước người dùng ghi trên trang (đường dẫn …/buoc/<slug>/)."""

    slug: str
    stage: str
    title: str
    #: Which unit's officers take it: "cell", "grassroots" or "decision".
    unit: str
    #: Rules judge it: the form shows them before the save button.
    gated: bool = False
    #: Rules worth seeing, even when the step itself does not judge them.
    preview: bool = False
    document_label: str = ""
    document_required: bool = True
    date_label: str = "Ngày"
    closes: bool = False


STEPS: dict[str, Step] = {s.slug: s for s in [
    Step("chi-bo", Stage.CELL_PROPOSED, "Chi bộ đề nghị kết nạp", "cell", gated=True, preview=True,
         document_label="Số nghị quyết chi bộ (mẫu 6-KNĐ)", date_label="Ngày chi bộ xét"),
    Step("dang-uy", Stage.GRASSROOTS_PROPOSED, "Đảng ủy cơ sở đề nghị kết nạp", "grassroots",
         preview=True, document_label="Số nghị quyết đảng ủy cơ sở (mẫu 8-KNĐ)",
         date_label="Ngày đảng ủy cơ sở xét"),
    Step("quyet-dinh", Stage.DECIDED, "Quyết định kết nạp", "decision", gated=True, preview=True,
         document_label="Số quyết định kết nạp (mẫu 9-KNĐ)", date_label="Ngày ký quyết định"),
    Step("le-ket-nap", Stage.ON_PROBATION, "Lễ kết nạp", "cell", gated=True, preview=True,
         date_label="Ngày tổ chức lễ kết nạp (ngày vào Đảng)"),
    Step("chinh-thuc", Stage.RECOGNISED, "Công nhận đảng viên chính thức", "decision",
         gated=True, preview=True, document_label="Số quyết định công nhận chính thức",
         date_label="Ngày ký quyết định công nhận"),
    Step("dung-theo-doi", Stage.WITHDRAWN, "Dừng theo dõi", "cell", closes=True,
         document_label="Số văn bản (nếu có)", document_required=False,
         date_label="Ngày dừng theo dõi"),
    Step("khong-ket-nap", Stage.REFUSED, "Không kết nạp", "decision", closes=True,
         document_label="Số văn bản (nếu có)", document_required=False,
         date_label="Ngày quyết định không kết nạp"),
    Step("xoa-ten", Stage.REMOVED, "Xóa tên đảng viên dự bị", "decision", closes=True,
         document_label="Số quyết định xóa tên", document_required=False,
         date_label="Ngày quyết định xóa tên"),
]}

_STEP_FROM: dict[str, set[str]] = {
    "chi-bo": {Stage.CLASS_DONE, Stage.DOSSIER_DONE},
    "dang-uy": {Stage.CELL_PROPOSED},
    "quyet-dinh": {Stage.GRASSROOTS_PROPOSED},
    "le-ket-nap": {Stage.DECIDED},
    "chinh-thuc": {Stage.ON_PROBATION},
    "dung-theo-doi": {s for s in PATH if RANK[s] < RANK[Stage.DECIDED]},
    "khong-ket-nap": {Stage.CELL_PROPOSED, Stage.GRASSROOTS_PROPOSED},
    "xoa-ten": {Stage.DECIDED, Stage.ON_PROBATION},
}


def step_unit(candidacy: Candidacy, step: Step) -> OrgUnit:
    """The unit whose officers take the step (the service checks the same unit)."""
    if step.unit == "cell":
        return candidacy.cell
    if step.unit == "grassroots":
        return services.grassroots_of(candidacy.cell)
    return candidacy.decision_unit or services.default_decision_unit(candidacy.cell)


def step_is_due(candidacy: Candidacy, step: Step, *, grassroots: OrgUnit | None = None) -> bool:
    """Whether the step follows the candidacy's current stage."""
    allowed = set(_STEP_FROM[step.slug])
    grassroots = grassroots or services.grassroots_of(candidacy.cell)
    cell_is_grassroots = grassroots.pk == candidacy.cell_id
    if step.slug == "quyet-dinh" and cell_is_grassroots:
        allowed.add(Stage.CELL_PROPOSED)  # a grassroots cell's proposal goes straight up
    if step.slug == "dang-uy" and cell_is_grassroots:
        return False
    return candidacy.stage in allowed


@dataclass
class PathStep:
    stage: str
    label: str
    short: str
    on: dt.date | None
    state: str  # "done", "now", "todo"


SHORT_LABELS = {
    Stage.SOURCE: "Nguồn", Stage.CLASS_DONE: "Học lớp", Stage.DOSSIER_DONE: "Hồ sơ",
    Stage.CELL_PROPOSED: "Chi bộ", Stage.GRASSROOTS_PROPOSED: "Đảng ủy",
    Stage.DECIDED: "Quyết định", Stage.ON_PROBATION: "Dự bị", Stage.RECOGNISED: "Chính thức",
}


def path_of(candidacy: Candidacy) -> list[PathStep]:
    """The forward path with what is done, where the candidacy is, and what is left."""
    dates = dict(candidacy.stage_dates())
    reached = [s for s in PATH if dates.get(s) is not None]
    last = reached[-1] if reached else Stage.SOURCE
    out = []
    for stage in PATH:
        if RANK[stage] < RANK[last] or (stage == last and stage == Stage.RECOGNISED):
            state = "done"
        elif stage == last:
            state = "done" if candidacy.is_closed else "now"
        else:
            state = "todo"
        out.append(PathStep(stage, Stage(stage).label, SHORT_LABELS[stage], dates.get(stage),
                            state))
    return out


#: What happens at each stage, for "needed before …" hints.
_BEFORE = {
    Stage.CELL_PROPOSED: "chi bộ xét kết nạp",
    Stage.GRASSROOTS_PROPOSED: "đảng ủy cơ sở xét kết nạp",
    Stage.DECIDED: "ra quyết định kết nạp",
    Stage.ON_PROBATION: "tổ chức lễ kết nạp",
    Stage.RECOGNISED: "công nhận đảng viên chính thức",
}
#: Where the forms that are not ticked by hand come from.
_RECORDED_AT = {
    "3-KNĐ": "Ghi ở mục Người giới thiệu.",
    "6-KNĐ": "Có khi ghi bước “Chi bộ đề nghị kết nạp”.",
    "8-KNĐ": "Có khi ghi bước “Đảng ủy cơ sở đề nghị kết nạp”.",
    "9-KNĐ": "Có khi ghi bước “Quyết định kết nạp”.",
    "CN-ĐVM": "Ghi kết quả học ở trang Lớp bồi dưỡng.",
}


def form_hint(form: dossier.Form) -> str:
    """Why a form that is not in yet matters, and where it comes from."""
    if form.code in _RECORDED_AT:
        return _RECORDED_AT[form.code]
    if form.needed_for is None:
        return "Không bắt buộc."
    return f"Cần có trước khi {_BEFORE[form.needed_for]}."


def vote_lines(c: Candidacy, stage: str) -> list[str]:
    """The recorded votes of `stage`'s resolutions, one line each, for the timeline."""
    out = []
    for spec in checks.VOTES.get(stage, ()):
        present, votes = getattr(c, spec.present), getattr(c, spec.votes_for)
        if present is None or votes is None:
            continue
        who = "Chi bộ" if spec.body == "cell" else "Đảng ủy cơ sở"
        if spec.members:
            members = getattr(c, spec.members)
            out.append(f"{who}: {members} cấp ủy viên, có mặt {present}, tán thành {votes} "
                       f"({checks.vote_percent(votes, members)})")
        else:
            out.append(f"{who}: có mặt {present} đảng viên chính thức, tán thành {votes}")
    return out


@dataclass
class EventRow:
    event: CandidacyEvent
    passed: int
    failed: int
    #: Corrections of this step, oldest first (`CandidacyCorrection`).
    corrections: list = field(default_factory=list)
    #: The step's correction page, when the user may correct it.
    correct_slug: str = ""
    #: The step was taken after its deadline, with the reason written ("làm muộn").
    late: bool = False
    #: The votes of the resolutions the step records ("Chi bộ: có mặt 8, tán thành 8").
    votes: list = field(default_factory=list)


@dataclass
class CandidatePage:
    """Everything the candidate page shows, loaded in a fixed number of queries."""

    candidacy: Candidacy
    person: Person
    age: int
    cccd: str
    path: list[PathStep]
    events: list[EventRow]
    lines: list[dossier.Line]
    missing: list[dossier.Form]
    introducers: list
    awareness_options: list[Enrolment]
    introducer_options: list[Membership]
    steps: list[Step]
    can_edit: bool
    due: deadlines.NextDue | None
    new_member_on: dt.date | None
    grassroots: OrgUnit
    recognised_from: dt.date | None = None
    #: Last day the awareness certificate is valid (its expiry date is exclusive).
    awareness_until: dt.date | None = None
    hand_codes: set[str] = field(default_factory=set)
    #: The closing step may be cancelled (the candidacy reopened) by this user.
    may_reopen: bool = False
    #: Over the age limit on the cell's day (or today before it): the agreement matters.
    over_age: bool = False
    may_record_over60: bool = False
    #: Corrections not tied to a step's event (the over-60 agreement, a reopening).
    other_corrections: list = field(default_factory=list)
    #: The user may correct the biography (an editor of the cell or above).
    can_correct_person: bool = False

    @property
    def admission_lines(self):
        return [line for line in self.lines if line.form.phase == dossier.ADMISSION]

    @property
    def recognition_lines(self):
        return [line for line in self.lines if line.form.phase == dossier.RECOGNITION]

    @property
    def missing_codes(self) -> set[str]:
        return {f.code for f in self.missing}

    @property
    def recognition_phase(self) -> bool:
        return RANK.get(self.candidacy.stage, -1) >= RANK[Stage.DECIDED] or bool(
            self.candidacy.ceremony_on)

    @property
    def before_cell(self) -> bool:
        return self.candidacy.stage in {Stage.SOURCE, Stage.CLASS_DONE, Stage.DOSSIER_DONE}


def candidate_page(*, user, candidacy: Candidacy, today: dt.date) -> CandidatePage:
    """Trang hồ sơ của một quần chúng: lý lịch, tiến trình, hồ sơ, người giới thiệu, các bước."""
    c = candidacy
    person = c.person
    items = list(c.dossier.all())
    introducers = list(c.introducers.select_related("membership__person", "membership__cell")
                       .defer("membership__person__cccd", "membership__person__home_address")
                       .order_by("letter_on", "pk"))
    new_member_on = services.new_member_certificate_on(c)
    lines = dossier.checklist(c, items=items, introducers=introducers, new_member_on=new_member_on)
    for line in lines:
        line.hint = "" if line.done else form_hint(line.form)
    missing_stage = Stage.RECOGNISED if c.stage == Stage.ON_PROBATION else Stage.CELL_PROPOSED
    missing = [] if c.is_closed else dossier.missing_for(lines, missing_stage)
    grassroots = services.grassroots_of(c.cell)
    fixes: dict[int | None, list] = {}
    for fix in c.corrections.select_related("by").order_by("at", "pk"):
        fixes.setdefault(fix.event_id, []).append(fix)
    recorded = corrections.recorded_steps(c)
    decision_unit = None
    if c.decision_unit_id or any(s.unit == "decision" for s in recorded) or \
            c.stage in {Stage.REFUSED, Stage.REMOVED} or c.over60_approval:
        decision_unit = c.decision_unit or OrgUnit.objects.get_parent(grassroots) or grassroots
    units = {"cell": c.cell, "grassroots": grassroots, "decision": decision_unit}
    correctable = {spec.stage: spec.slug for spec in recorded
                   if can(user, units[spec.unit], Role.EDITOR)}
    events = []
    for event in c.events.select_related("recorded_by", "rule_set", "cancelled_by") \
            .order_by("on", "pk"):
        ok = sum(1 for r in event.results if r.get("passed"))
        bad = [r for r in event.results if not r.get("passed") and not r.get("due_later")]
        late = bool(event.override_reason) and bool(bad) and all(
            r.get("code") in checks.TIMING for r in bad)
        events.append(EventRow(event, ok, len(event.results) - ok,
                               corrections=fixes.get(event.pk, []),
                               correct_slug="" if event.cancelled_at else
                               correctable.get(event.stage, ""), late=late,
                               votes=[] if event.cancelled_at else vote_lines(c, event.stage)))
    editor = can(user, c.cell, Role.EDITOR)
    can_edit = editor and not c.is_closed
    steps = [s for s in STEPS.values()
             if not c.is_closed and step_is_due(c, s, grassroots=grassroots)
             and can(user, step_unit(c, s), Role.EDITOR)]
    before_cell = c.stage in {Stage.SOURCE, Stage.CLASS_DONE, Stage.DOSSIER_DONE}
    awareness_options: list[Enrolment] = []
    introducer_options: list[Membership] = []
    if can_edit and before_cell:
        awareness_options = list(
            Enrolment.objects.certified()
            .filter(person=person, training_class__kind=ClassKind.AWARENESS)
            .select_related("training_class").order_by("-certificate_on"))
        introducer_options = introducer_choices(user=user, candidacy=c, grassroots=grassroots,
                                                today=today, exclude=introducers)
    judged_on = c.cell_resolution_on or today
    age_months = months_between(person.birth_date, judged_on)
    # The limit is 60 in every regulation so far; the rule set is read only near it.
    over_age = bool(c.over60_approval) or (
        age_months > 55 * 12 and age_months > max_age_months_on(judged_on))
    if over_age and decision_unit is None:
        decision_unit = OrgUnit.objects.get_parent(grassroots) or grassroots
    reopen_unit = c.cell if c.stage == Stage.WITHDRAWN else decision_unit
    return CandidatePage(
        may_reopen=c.stage in corrections.REOPENABLE and can(user, reopen_unit, Role.EDITOR),
        over_age=over_age,
        may_record_over60=over_age and not c.is_closed and can(user, decision_unit, Role.EDITOR),
        other_corrections=fixes.get(None, []),
        candidacy=c, person=person, age=person.age_on(today), cccd=mask_cccd(person.cccd),
        path=path_of(c), events=events, lines=lines, missing=missing, introducers=introducers,
        awareness_options=awareness_options, introducer_options=introducer_options,
        steps=steps, can_edit=can_edit, due=_due_with_actor(c, today=today, grassroots=grassroots),
        can_correct_person=editor and person.unit_id == c.cell_id,
        new_member_on=new_member_on, grassroots=grassroots,
        recognised_from=c.membership.recognized_on if c.membership_id else None,
        hand_codes={f.code for f in dossier.HAND_FORMS},
        awareness_until=(c.awareness.certificate_expires_on - dt.timedelta(days=1)
                         if c.awareness_id and c.awareness.certificate_expires_on else None),
    )


def max_age_months_on(day: dt.date) -> int:
    """The age limit in months in force on `day` (60 years when no rule set is known)."""
    found = RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    return found.max_age_months if found is not None else 60 * 12


def decision_unit_choices(user, candidacy: Candidacy) -> list[tuple[int, str]]:
    """Committees that may decide this candidate's admission, where the user is an editor:
    the grassroots organisation (delegated power) and the committees above it."""
    grassroots = services.grassroots_of(candidacy.cell)
    step = OrgUnit.steplen
    prefixes = [grassroots.path[:i] for i in range(step, len(grassroots.path) + 1, step)]
    units = list(OrgUnit.objects.filter(path__in=prefixes).order_by("-depth"))
    if candidacy.decision_on:  # the superiors of the decision's day (before a reorganisation)
        known = {u.pk for u in units}
        units += [v.unit for v in reversed(ancestors_on(grassroots, candidacy.decision_on))
                  if v.unit_id not in known]
    return [(u.pk, u.name) for u in units if can(user, u, Role.EDITOR)]


def introducer_choices(*, user, candidacy: Candidacy, today: dt.date,
                       grassroots: OrgUnit | None = None, exclude=()) -> list[Membership]:
    """Official members of the candidate's grassroots organisation, in the user's scope."""
    grassroots = grassroots or services.grassroots_of(candidacy.cell)
    taken = [i.membership_id for i in exclude]
    return list(
        Membership.objects.for_user(user).active_on(today)
        .filter(cell__path__startswith=grassroots.path, recognized_on__isnull=False,
                recognized_on__lte=today)
        .exclude(person_id=candidacy.person_id).exclude(pk__in=taken)
        .select_related("person", "cell")
        .defer("person__cccd", "person__home_address")
        .order_by("person__sort_key", "pk")
    )


# --- registration ----------------------------------------------------------------------


def cell_choices(user) -> list[tuple[int, str]]:
    """Cells the user may add candidates to (editor scope), named with their grassroots."""
    cells = list(OrgUnit.objects.for_user(user, Role.EDITOR)
                 .filter(kind__in=list(CELL_KINDS), valid_to__isnull=True)
                 .only("pk", "name", "path", "kind").order_by("path"))
    step = OrgUnit.steplen
    parents = {c.path[:-step] for c in cells if c.kind == UnitKind.CELL}
    names = dict(OrgUnit.objects.filter(path__in=parents, kind__in=list(GRASSROOTS_KINDS))
                 .values_list("path", "name"))
    return [(c.pk, f"{c.name} — {names[c.path[:-step]]}" if c.path[:-step] in names else c.name)
            for c in cells]


def can_register(user) -> bool:
    """Whether the user may add candidates to some cell (`cell_choices` is not empty)."""
    return (OrgUnit.objects.for_user(user, Role.EDITOR)
            .filter(kind__in=list(CELL_KINDS), valid_to__isnull=True).exists())


def people_for_registration(*, user, text: str, limit: int = 20) -> list[Person]:
    """People the user may register as candidates: in editor scope, not a member, not open."""
    text = vn.normalize_spaces(text)[:SEARCH_MAX_CHARS]
    if not vn.fold(text).split():
        return []
    return list(
        Person.objects.for_user(user, Role.EDITOR).search(text)
        .exclude(pk__in=Membership.objects.filter(ended_on__isnull=True).values("person_id"))
        .exclude(pk__in=Candidacy.objects.open().values("person_id"))
        .select_related("unit").defer("cccd", "home_address")
        .order_by("sort_key", "pk")[:limit]
    )
