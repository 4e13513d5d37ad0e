"""Recording a candidacy's past steps at once (nhập hồ sơ cũ): every date, number and the
recognition, each judged by the rule set in force on its own date.

Used by the candidates import. A step not yet recorded is added; a step already recorded
keeps its value when the file leaves it blank, and a different value is a correction,
made on the candidate page with a reason (never silently by a file). All the problems of
one record are returned together, so a row of a file shows every error at once.

What a file can show is judged: the age limits (in months, on the cell's day; over 60
only with the standing board's written agreement dated before the decision), the order
of the dates, a ceremony and a recognition on time (late, the file's reason is kept as
the step's reason, as on the step pages), the recognition not before the probation
ends. What lives on paper (introducers, the forms of the dossier, the certificate) is
not judged again: the events say so in their note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dangvien.audit.services import audit_record, snapshot
from dangvien.core import vn
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit
from dangvien.org.selectors import stood_above
from dangvien.people.models import Membership
from dangvien.people.services import membership_create
from dangvien.rules.models import RuleCode, RuleSet

from . import checks, services
from .models import Candidacy, CandidacyEvent, Stage

#: Fields a file may give, in path order (the date first, then its number).
FIELDS = (
    "class_done_on", "dossier_done_on",
    "cell_resolution_on", "cell_resolution_no",
    "grassroots_resolution_on", "grassroots_resolution_no",
    "decision_on", "decision_no", "decision_unit", "decision_received_on",
    "ceremony_on",
    "recognition_decided_on", "recognition_no",
    "over60_approval", "over60_approval_on", "over60_approval_by",
)
#: Each date and the number it needs.
_NUMBERS = {"cell_resolution_on": "cell_resolution_no",
            "grassroots_resolution_on": "grassroots_resolution_no",
            "decision_on": "decision_no", "recognition_decided_on": "recognition_no"}
_STAGE_OF = {"class_done_on": Stage.CLASS_DONE, "dossier_done_on": Stage.DOSSIER_DONE,
             "cell_resolution_on": Stage.CELL_PROPOSED,
             "grassroots_resolution_on": Stage.GRASSROOTS_PROPOSED,
             "decision_on": Stage.DECIDED, "ceremony_on": Stage.ON_PROBATION,
             "recognition_decided_on": Stage.RECOGNISED}
_ORDER = [("identified_on", "đưa vào danh sách nguồn"), ("class_done_on", "học xong lớp nhận thức"),
          ("dossier_done_on", "hoàn thiện hồ sơ"), ("cell_resolution_on", "chi bộ xét"),
          ("grassroots_resolution_on", "đảng ủy cơ sở xét"),
          ("decision_on", "quyết định kết nạp"),
          ("decision_received_on", "chi bộ nhận quyết định"), ("ceremony_on", "lễ kết nạp"),
          ("recognition_decided_on", "quyết định công nhận chính thức")]
#: Admission rules a file's data can show.
JUDGED = {RuleCode.AGE_MIN, RuleCode.AGE_MAX, RuleCode.EDUCATION}
NOTE = ("Nhập hồ sơ cũ từ tệp: người giới thiệu, các mẫu hồ sơ và giấy chứng nhận không "
        "được kiểm tra lại.")


class HistoryRefused(DomainError):
    """Các lỗi của một hồ sơ nhập: `problems` lists each (field, message)."""

    def __init__(self, problems: list[DomainError]):
        super().__init__(" ".join(p.message for p in problems), field=problems[0].field)
        self.problems = problems


@dataclass
class _Rules:
    sets: list[RuleSet]

    def on(self, day: dt.date) -> RuleSet | None:
        found = None
        for rs in self.sets:
            if rs.effective_from <= day:
                found = rs
        return found


def _shown(value) -> str:
    if isinstance(value, dt.date):
        return vn.format_date(value)
    if isinstance(value, OrgUnit):
        return value.name
    return "" if value is None else str(value)


def _value(c: Candidacy, name: str):
    return c.decision_unit if name == "decision_unit" else getattr(c, name)


def _clean(values: dict) -> dict:
    out = {}
    for name in FIELDS:
        value = values.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            value = vn.normalize_spaces(value)
            if name.endswith("_no") or name == "over60_approval":
                value = value.upper()
        out[name] = value
    return out


def plan(c: Candidacy, values: dict) -> tuple[dict, list[DomainError]]:
    """The fields the file adds ({name: (old, new)}) and the stored values it contradicts."""
    changes, problems = {}, []
    for name, value in _clean(values).items():
        old = _value(c, name)
        if old is None or old == "":
            changes[name] = (old, value)
        elif old != value:
            problems.append(DomainError(
                f"đã ghi {_shown(old)}, tệp ghi {_shown(value)}: sửa bước đã ghi làm trên trang "
                "hồ sơ kết nạp (có lý do), không qua tệp nhập.", field=name))
    return changes, problems


def _problems(c: Candidacy, *, by, today: dt.date, late_reason: str, rules: _Rules,
              new: set[str]) -> tuple[list[DomainError], dict[str, tuple]]:
    """Every problem of the record with the file's values applied; the verdict of each step
    (stage -> (rule set, results, reason))."""
    out: list[DomainError] = []
    for name, what in _ORDER:
        day = getattr(c, name)
        if name in new and day is not None and day > today:
            out.append(DomainError(f"ngày {what} {vn.format_date(day)} ở sau hôm nay.", field=name))
    previous = None
    for name, what in _ORDER:
        day = getattr(c, name)
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            out.append(DomainError(f"ngày {what} ({vn.format_date(day)}) trước ngày "
                                   f"{previous[0]} ({vn.format_date(previous[1])}).",
                                   field=name if name in new else previous[2]))
        previous = (what, day, name)
    for date_name, number_name in _NUMBERS.items():
        if getattr(c, date_name) and not getattr(c, number_name):
            out.append(DomainError("có ngày thì phải có số văn bản.", field=number_name))
        if getattr(c, number_name) and not getattr(c, date_name):
            out.append(DomainError("có số văn bản thì phải có ngày.", field=date_name))
    gaps = [(s, d) for s, d in (("cell_resolution_on", c.cell_resolution_on),
                                ("decision_on", c.decision_on), ("ceremony_on", c.ceremony_on),
                                ("recognition_decided_on", c.recognition_decided_on))]
    seen_blank = None
    for name, day in gaps:
        if day is None:
            seen_blank = seen_blank or name
        elif seen_blank is not None:
            out.append(DomainError(f"thiếu ngày của bước trước ({dict(_ORDER)[seen_blank]}).",
                                   field=seen_blank))
            break
    if c.decision_unit is not None and not stood_above(c.decision_unit, c.cell,
                                                       c.decision_on or today):
        out.append(DomainError(f"{c.decision_unit.name} không phải cấp ủy cấp trên của "
                               f"{c.cell.name}.", field="decision_unit"))
    if out:
        return out, {}
    verdicts: dict[str, tuple] = {}
    reason = vn.normalize_spaces(late_reason or "")
    if c.cell_resolution_on:
        rs = rules.on(c.cell_resolution_on)
        if rs is None:
            out.append(DomainError(f"chưa có bộ quy định nào có hiệu lực ngày "
                                   f"{vn.format_date(c.cell_resolution_on)}.",
                                   field="cell_resolution_on"))
            return out, {}
        for stage, decision_on in ((Stage.CELL_PROPOSED, None), (Stage.DECIDED, c.decision_on)):
            if stage == Stage.DECIDED and decision_on is None:
                continue
            results = [r for r in checks.check_admission(
                c, on=c.cell_resolution_on, rule_set=rs, introducers=[], items=[],
                decision_on=decision_on) if r.code in JUDGED]
            for r in checks.not_overridable(results):
                field = "over60_approval" if r.code == RuleCode.AGE_MAX else "birth_date"
                out.append(DomainError(f"{r.message} ({r.regulation}; theo {rs.short_name})",
                                       field=field))
            verdicts[stage] = (rs, results, "")
    if c.ceremony_on:
        rs = rules.on(c.ceremony_on)
        if rs is not None:
            c.probation_ends_on = add_months(c.ceremony_on, rs.probation_months)
            results = checks.check_ceremony(c, on=c.ceremony_on, rule_set=rs)
            verdicts[Stage.ON_PROBATION] = (rs, results, _late(results, reason, out, "ceremony_on"))
    if c.recognition_decided_on and c.probation_ends_on:
        on = c.recognition_decided_on
        rs = rules.on(on)
        if on < c.probation_ends_on:
            out.append(DomainError(
                f"quyết định công nhận chính thức ngày {vn.format_date(on)} trước ngày hết dự bị "
                f"({vn.format_date(c.probation_ends_on)}) (Điều lệ Đảng, Điều 5).",
                field="recognition_decided_on"))
        elif rs is not None:
            results = checks.check_recognition_on_time(c, on=on, rule_set=rs)
            verdicts[Stage.RECOGNISED] = (rs, results,
                                          _late(results, reason, out, "recognition_decided_on"))
    if c.decision_no and c.decision_on and "decision_no" in new:
        unit = c.decision_unit or services.default_decision_unit(c.cell, c.decision_on)
        clash = (Candidacy.objects.filter(decision_unit=unit, decision_on__year=c.decision_on.year,
                                          decision_no=c.decision_no)
                 .exclude(pk=c.pk).select_related("person").first())
        if clash is not None:
            out.append(DomainError(f"số quyết định {c.decision_no} của {unit.name} năm "
                                   f"{c.decision_on.year} đã dùng cho {clash.person.full_name}.",
                                   field="decision_no"))
    return out, verdicts


def _late(results, reason: str, out: list, field: str) -> str:
    bad = checks.failed(results)
    if not bad:
        return ""
    if len(reason) < services.MIN_OVERRIDE_REASON:
        out.extend(DomainError(f"{r.message} Ghi lý do ở cột 'Lý do làm muộn' (ít nhất "
                               f"{services.MIN_OVERRIDE_REASON} ký tự).", field=field)
                   for r in bad)
        return ""
    return reason


@transaction.atomic
def candidacy_record_history(*, by, candidacy: Candidacy, values: dict, late_reason: str = "",
                             today: dt.date | None = None) -> dict[str, tuple]:
    """Ghi các bước đã qua của một hồ sơ (nhập hồ sơ cũ). Returns the fields added
    ({name: (old, new)}); raises `HistoryRefused` with every problem of the record."""
    today = today or timezone.localdate()
    c = services._locked(candidacy)
    changes, problems = plan(c, values)
    if not changes and not problems:
        return {}
    services._require(by, c.decision_unit or services.default_decision_unit(c.cell, c.decision_on)
                      if {"decision_on", "recognition_decided_on"} & changes.keys() else c.cell)
    before = snapshot(c)
    for name, (_, new) in changes.items():
        setattr(c, name, new)
    if c.decision_on and c.decision_received_on is None:
        c.decision_received_on = c.decision_on
    if c.decision_on and c.decision_unit is None:
        c.decision_unit = services.default_decision_unit(c.cell, c.decision_on)
    rules = _Rules(list(RuleSet.objects.order_by("effective_from")))
    found, verdicts = _problems(c, by=by, today=today, late_reason=late_reason, rules=rules,
                                new=set(changes))
    problems += found
    if problems:
        raise HistoryRefused(problems)
    if c.decision_on:
        c.rule_set = rules.on(c.cell_resolution_on)
    reached = [(stage, on) for stage, on in c.stage_dates() if on is not None]
    c.stage, c.stage_on = reached[-1]
    if c.stage == Stage.RECOGNISED:
        c.closed_on = c.recognition_decided_on
    if c.ceremony_on and not c.membership_id:
        c.membership = _membership(c, by=by)
    elif c.membership_id and c.recognition_decided_on and "recognition_decided_on" in changes:
        from dangvien.people.services import membership_recognise

        membership_recognise(by=by, membership=c.membership, recognized_on=c.probation_ends_on,
                             decision_no=c.recognition_no, decision_on=c.recognition_decided_on)
    c.save()
    recorder = by if getattr(by, "pk", None) else None
    for name, stage in _STAGE_OF.items():
        if name not in changes:
            continue
        rs, results, reason = verdicts.get(stage, (None, [], ""))
        number = getattr(c, _NUMBERS[name]) if name in _NUMBERS else ""
        note = NOTE
        if stage == Stage.ON_PROBATION:
            note = f"Hết dự bị ngày {vn.format_date(c.probation_ends_on)}. {NOTE}"
        elif stage == Stage.RECOGNISED:
            note = f"Chính thức từ ngày {vn.format_date(c.probation_ends_on)}. {NOTE}"
        CandidacyEvent.objects.create(
            candidacy=c, stage=stage, on=getattr(c, name), document_no=number, note=note,
            recorded_by=recorder, rule_set=rs, rule_params=rs.params() if rs else None,
            results=[r.as_dict() for r in results], override_reason=reason)
    audit_record(by=by, action="candidacy.history", obj=c, before=before,
                 after=snapshot(c) | ({"late_reason": late_reason} if late_reason else {}),
                 unit_path=c.cell.path)
    return changes


def _membership(c: Candidacy, *, by) -> Membership:
    """The member's record from the ceremony: the one already on file with that admission
    date (imported as a member before), or a new one."""
    recognised_on = c.probation_ends_on if c.recognition_decided_on else None
    existing = Membership.objects.filter(person_id=c.person_id, ended_on__isnull=True).first()
    if existing is not None:
        if existing.admitted_on != c.ceremony_on:
            raise HistoryRefused([DomainError(
                f"{c.person.full_name} đã có hồ sơ đảng viên vào Đảng ngày "
                f"{vn.format_date(existing.admitted_on)}, khác ngày lễ kết nạp trong tệp.",
                field="ceremony_on")])
        if existing.decided_on is None and c.decision_on:
            existing.decided_on = c.decision_on
            existing.save(update_fields=["decided_on"])
        if existing.recognized_on is None and recognised_on is not None:
            from dangvien.people.services import membership_recognise

            existing = membership_recognise(by=by, membership=existing, recognized_on=recognised_on,
                                            decision_no=c.recognition_no,
                                            decision_on=c.recognition_decided_on)
        return existing
    return membership_create(by=by, person=c.person, cell=c.cell, admitted_on=c.ceremony_on,
                             decided_on=c.decision_on, recognized_on=recognised_on)

