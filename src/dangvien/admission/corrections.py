"""Corrections of recorded admission steps (đính chính), reopening a stopped candidacy,
and the over-60 written agreement.

A recorded step (the cell's resolution, the grassroots committee's, the decision, the
ceremony, the recognition) is corrected with a reason by an editor of the unit that
records it or of a unit above (`scope.can` covers the subtree). The candidacy and the
step's event take the new values; a `CandidacyCorrection` keeps the old ones in the
record's history and the audit keeps before, after and the reason. What follows from a
date follows at once: the end of probation from the ceremony, the membership's
admission, decision and recognition dates, the maintained counters (`Candidacy.save`).
The rules of the step are judged again at the corrected dates, under the rule set in
force then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dangvien.audit.services import audit_record, snapshot
from dangvien.core import reasons, versions, vn
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit
from dangvien.org.selectors import stood_above
from dangvien.people.choices import MemberStatus
from dangvien.people.models import EventKind, Membership, MembershipEvent
from dangvien.periods.locks import check_open
from dangvien.rules.models import rule_set_on

from . import checks, services
from .models import Candidacy, CandidacyCorrection, CandidacyEvent, Stage

#: Ends that can be cancelled (the candidacy reopened). A recognition is corrected, not
#: reopened.
REOPENABLE = frozenset({Stage.WITHDRAWN, Stage.REFUSED, Stage.REMOVED})


@dataclass(frozen=True)
class Correctable:
    """Một bước đã ghi có thể đính chính: các trường của hồ sơ mà bước đó ghi."""

    slug: str
    stage: str
    title: str
    #: Whose officers record it: "cell", "grassroots" or "decision" (as `selectors.Step`).
    unit: str
    fields: tuple[str, ...]

    @property
    def date_field(self) -> str:
        return self.fields[0]

    @property
    def number_field(self) -> str | None:
        return next((f for f in self.fields if f.endswith("_no")), None)


CORRECTABLE: dict[str, Correctable] = {c.slug: c for c in [
    Correctable("chi-bo", Stage.CELL_PROPOSED, "Chi bộ đề nghị kết nạp", "cell",
                ("cell_resolution_on", "cell_resolution_no", "cell_present", "cell_votes_for")),
    Correctable("dang-uy", Stage.GRASSROOTS_PROPOSED, "Đảng ủy cơ sở đề nghị kết nạp",
                "grassroots", ("grassroots_resolution_on", "grassroots_resolution_no",
                               "committee_members", "committee_present", "committee_votes_for")),
    Correctable("quyet-dinh", Stage.DECIDED, "Quyết định kết nạp", "decision",
                ("decision_on", "decision_no", "decision_received_on", "decision_unit")),
    Correctable("le-ket-nap", Stage.ON_PROBATION, "Lễ kết nạp", "cell", ("ceremony_on",)),
    Correctable("chinh-thuc", Stage.RECOGNISED, "Công nhận đảng viên chính thức", "decision",
                ("recognition_decided_on", "recognition_no", "recognition_cell_present",
                 "recognition_cell_votes_for", "recognition_committee_members",
                 "recognition_committee_present", "recognition_committee_votes_for")),
]}

#: Shown in the history beside the fields the user typed.
_DERIVED = ("probation_ends_on",)


def step_unit(candidacy: Candidacy, spec: Correctable) -> OrgUnit:
    if spec.unit == "cell":
        return candidacy.cell
    if spec.unit == "grassroots":
        return services.grassroots_of(candidacy.cell)
    return candidacy.decision_unit or services.default_decision_unit(candidacy.cell)


def recorded_steps(candidacy: Candidacy) -> list[Correctable]:
    """The steps of this candidacy that have been recorded (each may be corrected)."""
    return [s for s in CORRECTABLE.values() if getattr(candidacy, s.date_field) is not None]


def clean_reason(reason: str, *, what: str = "sửa") -> str:
    return reasons.clean_reason(reason, what=what,
                                example="ghi nhầm ngày trên quyết định, đối chiếu lại bản gốc")


def _label(name: str) -> str:
    return str(Candidacy._meta.get_field(name).verbose_name)


def _shown(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return vn.format_date(value)
    if isinstance(value, OrgUnit):
        return value.name
    return str(value)


def _value(candidacy: Candidacy, name: str):
    return candidacy.decision_unit if name == "decision_unit" else getattr(candidacy, name)


#: The dates of the path in order, each with what it is called in a message.
_ORDER = [
    ("cell_resolution_on", "chi bộ xét"),
    ("grassroots_resolution_on", "đảng ủy cơ sở xét"),
    ("decision_on", "quyết định kết nạp"),
    ("decision_received_on", "chi bộ nhận quyết định"),
    ("ceremony_on", "lễ kết nạp"),
    ("recognition_decided_on", "quyết định công nhận chính thức"),
]
_FIELD_OF = {"cell_resolution_on": "on", "grassroots_resolution_on": "on", "decision_on": "on",
             "ceremony_on": "on", "recognition_decided_on": "on",
             "decision_received_on": "received_on"}


def order_problem(c: Candidacy, *, today: dt.date, moved: set[str]) -> DomainError | None:
    """The first date of the path out of order (or after today), naming a moved field."""
    before = max(d for d in (c.identified_on, c.class_done_on, c.dossier_done_on) if d)
    previous, previous_what = before, "hoàn thiện hồ sơ"
    for name, what in _ORDER:
        day = getattr(c, name)
        if day is None:
            continue
        if day > today and name in moved:
            return DomainError(f"Ngày {what} ({vn.format_date(day)}) ở sau hôm nay "
                               f"({vn.format_date(today)}).", field=_FIELD_OF[name])
        if day < previous:
            field = _FIELD_OF[name] if name in moved else "on"
            return DomainError(
                f"Ngày {what} ({vn.format_date(day)}) trước ngày {previous_what} "
                f"({vn.format_date(previous)}). Hãy kiểm tra lại ngày.", field=field)
        previous, previous_what = day, what
    if c.closed_on and c.stage != Stage.RECOGNISED and c.closed_on < previous:
        return DomainError(
            f"Hồ sơ đã kết thúc ngày {vn.format_date(c.closed_on)}, trước ngày "
            f"{previous_what} ({vn.format_date(previous)}).", field="on")
    return None


def _step_event(c: Candidacy, stage: str) -> CandidacyEvent | None:
    return (c.events.filter(stage=stage, cancelled_at__isnull=True).order_by("-on", "-id")
            .first())


def _held(results, event: CandidacyEvent | None) -> list:
    """The failures a correction answers for: rules the step passed when it was recorded.

    A rule the step was not judged by then (an old step entered by file is judged on its
    dates only: introducers, dossier and certificate stay on paper) or had already failed
    (and was overridden) is not the correction's doing; moving a date must not re-open it.
    """
    bad = checks.failed(results)
    if event is None:
        return bad
    passed = {r.get("code") for r in (event.results or [])
              if isinstance(r, dict) and r.get("passed")}
    return [r for r in bad if r.code in passed]


def _verdict(results, *, event: CandidacyEvent | None, by, unit: OrgUnit,
             override_reason: str) -> str:
    """The override that covers the results: a new one, or the step's own that still stands."""
    bad = _held(results, event)
    if not bad:
        return (event.override_reason if event is not None and checks.failed(results)
                else "")
    if [r for r in bad if r.blocking or r.code not in checks.OVERRIDABLE]:
        raise services.RulesFailed(results)
    if override_reason and override_reason.strip():
        return services._judge(bad, by=by, unit=unit, override_reason=override_reason)
    if event is not None and event.override_reason:
        return event.override_reason
    raise services.RulesFailed(results)


def _rejudge(c: Candidacy, *, changed: set[str], by, unit: OrgUnit, override_reason: str
             ) -> dict[str, tuple[object, list, str]]:
    """Judge again the steps whose rules read a changed date: stage -> (rule set, results,
    override reason)."""
    out: dict[str, tuple[object, list, str]] = {}
    admission_dates = {"cell_resolution_on", "decision_on"}
    if changed & admission_dates and c.cell_resolution_on:
        rs = rule_set_on(c.cell_resolution_on)
        results = checks.check_admission(c, on=c.cell_resolution_on, rule_set=rs)
        event = _step_event(c, Stage.CELL_PROPOSED)
        out[Stage.CELL_PROPOSED] = (rs, results, _verdict(
            results, event=event, by=by, unit=unit, override_reason=override_reason))
        if c.decision_on:
            results = checks.check_admission(c, on=c.cell_resolution_on, rule_set=rs,
                                             decision_on=c.decision_on)
            event = _step_event(c, Stage.DECIDED)
            out[Stage.DECIDED] = (rs, results, _verdict(
                results, event=event, by=by, unit=unit, override_reason=override_reason))
    if changed & {"decision_on", "decision_received_on", "ceremony_on"} and c.ceremony_on:
        rs = rule_set_on(c.ceremony_on)
        results = checks.check_ceremony(c, on=c.ceremony_on, rule_set=rs)
        out[Stage.ON_PROBATION] = (rs, results, _verdict(
            results, event=_step_event(c, Stage.ON_PROBATION), by=by, unit=unit,
            override_reason=override_reason))
    if changed & {"ceremony_on", "recognition_decided_on"} and c.recognition_decided_on:
        on = c.recognition_decided_on
        rs = rule_set_on(on)
        results = checks.check_recognition(
            c, on=on, rule_set=rs, new_member_on=services.new_member_certificate_on(c))
        results += checks.check_recognition_on_time(c, on=on, rule_set=rs)
        out[Stage.RECOGNISED] = (rs, results, _verdict(
            results, event=_step_event(c, Stage.RECOGNISED), by=by, unit=unit,
            override_reason=override_reason))
    return out


def _membership_chain(first: Membership) -> list[Membership]:
    """The record made at the ceremony and those that followed it by transfers."""
    chain = [first]
    while True:
        following = Membership.objects.select_for_update().filter(previous=chain[-1]).first()
        if following is None:
            return chain
        chain.append(following)


def _follow_membership(c: Candidacy, *, by, old_admitted: dt.date | None) -> None:
    """The member's records take the corrected dates (admission, decision, recognition)."""
    if not c.membership_id:
        return
    first = Membership.objects.select_for_update().get(pk=c.membership_id)
    for m in _membership_chain(first):
        before = snapshot(m)
        m.admitted_on = c.ceremony_on
        m.decided_on = c.decision_on
        if m.started_on == old_admitted:  # began here on admission, not by a transfer
            m.started_on = c.ceremony_on
        if m.recognized_on is not None:
            m.recognized_on = c.probation_ends_on
        if m.started_on < m.admitted_on:
            raise DomainError(
                f"Ngày lễ kết nạp mới ({vn.format_date(c.ceremony_on)}) ở sau ngày đảng viên "
                f"chuyển đến {m.cell.name} ({vn.format_date(m.started_on)}).", field="on")
        if m.ended_on is not None and m.ended_on < m.started_on:
            raise DomainError(
                f"Ngày lễ kết nạp mới ({vn.format_date(c.ceremony_on)}) ở sau ngày thôi sinh "
                f"hoạt ({vn.format_date(m.ended_on)}).", field="on")
        moved = snapshot(m) != before
        if moved:
            m.save()
        for event in MembershipEvent.objects.filter(membership=m, cancelled_at__isnull=True,
                                                    kind__in=[EventKind.ADMITTED,
                                                              EventKind.RECOGNISED]):
            if event.kind == EventKind.ADMITTED:
                event.on, event.decision_on = m.admitted_on, m.decided_on
            elif m.recognized_on is not None:
                event.on = m.recognized_on
                if c.recognition_decided_on:
                    event.decision_on = c.recognition_decided_on
                    event.decision_no = c.recognition_no
            event.save()
        if moved:
            audit_record(by=by, action="membership.correct", obj=m, before=before,
                         after=snapshot(m) | {"reason": "Theo đính chính hồ sơ kết nạp"},
                         unit_path=m.cell.path)


@transaction.atomic
def candidacy_correct(*, by, candidacy: Candidacy, step: str, values: dict, reason: str,
                      version: str | None = None, override_reason: str = "",
                      today: dt.date | None = None) -> Candidacy:
    """Đính chính một bước đã ghi (ngày, số văn bản, cấp ủy ra quyết định), có lý do.

    `values` holds the fields of the step to change (a field left out, or None, keeps its
    value). Refused when nothing changes, the dates fall out of order, the rules of the
    step fail at the new dates (an override given when the step was taken still stands for
    the rules it covered), or the page was stale (`version`).
    """
    today = today or timezone.localdate()
    spec = CORRECTABLE.get(step)
    if spec is None:
        raise DomainError("Bước này không đính chính được.")
    c = services._locked(candidacy)
    versions.check(c, version, what=f"hồ sơ kết nạp của {c.person.full_name}")
    unit = step_unit(c, spec)
    services._require(by, unit)
    if getattr(c, spec.date_field) is None:
        raise DomainError(f"Bước “{spec.title}” chưa được ghi nên chưa có gì để sửa.")
    reason = clean_reason(reason)
    before = snapshot(c)
    old = {f: _value(c, f) for f in (*spec.fields, *_DERIVED)}
    old_admitted = c.ceremony_on
    for name in spec.fields:
        value = values.get(name)
        if value is None or value == "":
            continue
        if name == spec.number_field:
            value = services._doc_no(value, spec.title.lower())
        if name == "decision_unit":
            if not isinstance(value, OrgUnit):
                raise DomainError("Cấp ủy ra quyết định không hợp lệ.", field="decision_unit")
            day = values.get("decision_on") or c.decision_on or today
            if not stood_above(value, c.cell, day) or value.pk == c.cell_id and \
                    services.grassroots_of(c.cell).pk != c.cell_id:
                raise DomainError(f"{value.name} không phải cấp ủy cấp trên của {c.cell.name}.",
                                  field="decision_unit")
            services._require(by, value)
        setattr(c, name, value)
    changed = {f for f in spec.fields if _value(c, f) != old[f]}
    # A step dated inside an approved period stays as reported, and none moves into one.
    for day in sorted({old[spec.date_field], getattr(c, spec.date_field)} - {None}):
        check_open(unit=c.cell, on=day, what=f"bước “{spec.title}” của {c.person.full_name}")
    if not changed:
        raise DomainError("Không có gì thay đổi: hãy sửa ngày, số văn bản, cấp ủy hoặc số "
                          "biểu quyết cần đính chính.")
    for name in sorted(changed):
        day = getattr(c, name)
        if isinstance(day, dt.date) and day > today:
            raise DomainError(f"Ngày {vn.format_date(day)} ở sau hôm nay "
                              f"({vn.format_date(today)}).", field=_FIELD_OF.get(name, "on"))
    if "decision_on" in changed and "decision_received_on" not in changed and \
            old["decision_received_on"] == old["decision_on"]:
        c.decision_received_on = c.decision_on  # received the day it was signed, as before
        changed.add("decision_received_on")
    if "ceremony_on" in changed:
        c.probation_ends_on = add_months(c.ceremony_on, rule_set_on(c.ceremony_on).probation_months)
    if "decision_on" in changed or "cell_resolution_on" in changed:
        if c.decision_on:
            c.rule_set = rule_set_on(c.cell_resolution_on)
    problem = order_problem(c, today=today, moved=changed)
    if problem is not None:
        raise problem
    if c.recognition_decided_on and c.probation_ends_on and \
            c.recognition_decided_on < c.probation_ends_on:
        raise DomainError(
            f"Quyết định công nhận chính thức ngày {vn.format_date(c.recognition_decided_on)} "
            f"trước ngày hết dự bị ({vn.format_date(c.probation_ends_on)}).", field="on")
    if {"decision_no", "decision_on", "decision_unit"} & changed and c.decision_no:
        clash = (Candidacy.objects.filter(decision_unit=c.decision_unit,
                                          decision_on__year=c.decision_on.year,
                                          decision_no=c.decision_no)
                 .exclude(pk=c.pk).select_related("person").first())
        if clash is not None:
            raise DomainError(
                f"Số quyết định {c.decision_no} của {c.decision_unit.name} năm "
                f"{c.decision_on.year} đã dùng cho {clash.person.full_name}.",
                field="decision_no", code="duplicate")
    verdicts = _rejudge(c, changed=changed, by=by, unit=unit, override_reason=override_reason)
    # The votes of the step's resolutions, judged again at its (new) date: the Charter's
    # two thirds admits no override.
    vote_results = []
    if checks.VOTES.get(spec.stage):
        day = getattr(c, spec.date_field)
        vote_results = checks.check_votes(
            c, spec.stage, {f: getattr(c, f) for f in spec.fields if f in checks.VOTE_FIELDS},
            on=day, rule_set=rule_set_on(day))
        if checks.failed(vote_results):
            raise services.RulesFailed(vote_results)
    # The current stage's date and the end of a recognised case follow.
    dates = dict(c.stage_dates())
    if c.stage in dates and c.stage in {s.stage for s in CORRECTABLE.values()}:
        c.stage_on = dates[c.stage]
    if c.stage == Stage.RECOGNISED:
        c.closed_on = c.recognition_decided_on
    c.save()
    if changed & {"ceremony_on", "decision_on", "recognition_decided_on", "recognition_no"}:
        _follow_membership(c, by=by, old_admitted=old_admitted)

    event = _step_event(c, spec.stage)
    for stage, (rs, results, kept) in verdicts.items():
        e = event if stage == spec.stage else _step_event(c, stage)
        if e is None:
            continue
        e.rule_set, e.rule_params = rs, rs.params()
        judged = {r.get("code") for r in (e.results or []) if isinstance(r, dict)}
        # A step judged on some rules only (entered by file) keeps showing only those.
        e.results = [r.as_dict() for r in results if not judged or r.code in judged]
        e.override_reason = kept
        e.save(update_fields=["rule_set", "rule_params", "results", "override_reason"])
    if event is not None and vote_results:
        codes = {r.code for r in vote_results}
        event.results = [r for r in (event.results or [])
                         if not (isinstance(r, dict) and r.get("code") in codes)
                         ] + [r.as_dict() for r in vote_results]
        event.save(update_fields=["results"])
    if event is not None:
        event.on = getattr(c, spec.date_field)
        if spec.number_field:
            event.document_no = getattr(c, spec.number_field)
        if spec.stage == Stage.ON_PROBATION:
            event.note = f"Hết dự bị ngày {vn.format_date(c.probation_ends_on)}"
        elif spec.stage == Stage.RECOGNISED:
            event.note = f"Chính thức từ ngày {vn.format_date(c.probation_ends_on)}"
        event.save(update_fields=["on", "document_no", "note"])
    if "ceremony_on" in changed:
        recognised = _step_event(c, Stage.RECOGNISED)
        if recognised is not None:
            recognised.note = f"Chính thức từ ngày {vn.format_date(c.probation_ends_on)}"
            recognised.save(update_fields=["note"])
    lines = [{"field": f, "label": _label(f), "old": _shown(old[f]), "new": _shown(_value(c, f))}
             for f in (*spec.fields, *_DERIVED) if _value(c, f) != old[f]]
    CandidacyCorrection.objects.create(candidacy=c, event=event, stage=spec.stage, changes=lines,
                                       reason=reason, by=by if getattr(by, "pk", None) else None)
    after = snapshot(c) | {"reason": reason, "step": spec.slug}
    if override_reason.strip():
        after["override_reason"] = vn.normalize_spaces(override_reason)
    audit_record(by=by, action="candidacy.correct", obj=c, before=before, after=after,
                 unit_path=c.cell.path)
    return c


def _stage_before_closing(c: Candidacy) -> tuple[str, dt.date]:
    reached = [(stage, on) for stage, on in c.stage_dates()
               if on is not None and stage != Stage.RECOGNISED]
    return reached[-1]


@transaction.atomic
def candidacy_reopen(*, by, candidacy: Candidacy, reason: str,
                     version: str | None = None) -> Candidacy:
    """Hủy việc dừng, không kết nạp hoặc xóa tên dự bị ghi nhầm: hồ sơ theo dõi tiếp.

    The candidacy goes back to the step it had reached, as if the end had not been
    recorded (counts as of any day include it again); the closing step stays in the
    timeline, marked cancelled with who, when and why. A probationary member removed by
    it is back on the rolls (`people.services.membership_end_cancel`).
    """
    c = services._locked(candidacy)
    versions.check(c, version, what=f"hồ sơ kết nạp của {c.person.full_name}")
    if c.stage not in REOPENABLE:
        raise DomainError("Hồ sơ này không ở trạng thái dừng theo dõi, không kết nạp hay xóa "
                          "tên nên không có gì để hủy.")
    unit = c.cell if c.stage == Stage.WITHDRAWN else (
        c.decision_unit or services.default_decision_unit(c.cell))
    services._require(by, unit)
    reason = clean_reason(reason, what="hủy")
    if Candidacy.objects.open().filter(person_id=c.person_id).exclude(pk=c.pk).exists():
        raise DomainError(f"{c.person.full_name} đang có một hồ sơ kết nạp khác chưa kết thúc: "
                          "không thể mở lại hồ sơ này.")
    ended = c.stage
    if ended != Stage.REMOVED and Membership.objects.filter(
            person_id=c.person_id, ended_on__isnull=True).exists():
        raise DomainError(f"{c.person.full_name} đang là đảng viên: không thể mở lại hồ sơ này.")
    before = snapshot(c)
    closed_on = c.closed_on
    if ended == Stage.REMOVED and c.membership_id:
        from dangvien.people.services import membership_end_cancel

        member = Membership.objects.get(pk=c.membership_id)
        if member.ended_on is not None and member.status == MemberStatus.REMOVED:
            membership_end_cancel(by=by, membership=member, reason=reason)
    stage, on = _stage_before_closing(c)
    c.stage, c.stage_on, c.closed_on, c.close_reason = stage, on, None, ""
    c.save()
    event = _step_event(c, ended)
    if event is not None:
        event.cancelled_at = timezone.now()
        event.cancelled_by = by if getattr(by, "pk", None) else None
        event.cancel_reason = reason
        event.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    CandidacyCorrection.objects.create(
        candidacy=c, event=event, stage=ended, reason=reason,
        by=by if getattr(by, "pk", None) else None,
        changes=[{"field": "stage", "label": "bước hiện tại",
                  "old": f"{Stage(ended).label} ngày {vn.format_date(closed_on)}",
                  "new": f"{Stage(stage).label} (theo dõi tiếp)"}])
    audit_record(by=by, action="candidacy.reopen", obj=c, before=before,
                 after=snapshot(c) | {"reason": reason}, unit_path=c.cell.path)
    return c


def default_over60_issuer(candidacy: Candidacy) -> str:
    """"Ban Thường vụ Tỉnh ủy Hòa Bình": the standing board of the cell's province."""
    root = OrgUnit.objects.filter(path=candidacy.cell.path[:OrgUnit.steplen]).first()
    return f"Ban Thường vụ {root.name}" if root is not None else "Ban Thường vụ Tỉnh ủy"


@transaction.atomic
def candidacy_set_over60_approval(*, by, candidacy: Candidacy, number: str, on: dt.date | None,
                                  issuer: str, reason: str = "", version: str | None = None,
                                  today: dt.date | None = None) -> Candidacy:
    """Ghi văn bản đồng ý kết nạp người trên 60 tuổi của ban thường vụ tỉnh ủy.

    Recorded by an editor of the committee that decides the admission (who asks for it)
    or above. It must be dated on or before the decision. Changing one already recorded
    is a correction: it needs a reason and keeps the old values in the history.
    """
    today = today or timezone.localdate()
    c = services._locked(candidacy)
    versions.check(c, version, what=f"hồ sơ kết nạp của {c.person.full_name}")
    unit = c.decision_unit or services.default_decision_unit(c.cell)
    services._require(by, unit)
    if c.is_closed:
        raise DomainError("Hồ sơ kết nạp này đã kết thúc.")
    number = vn.normalize_spaces(number or "").upper()
    issuer = vn.normalize_spaces(issuer or "")
    if not number:
        raise DomainError("Hãy nhập số văn bản đồng ý.", field="over60_approval")
    if len(number) > Candidacy._meta.get_field("over60_approval").max_length:
        raise DomainError("Số văn bản dài quá 100 ký tự.", field="over60_approval")
    if on is None:
        raise DomainError("Hãy nhập ngày văn bản.", field="over60_approval_on")
    if on > today:
        raise DomainError(f"Ngày văn bản ({vn.format_date(on)}) ở sau hôm nay.",
                          field="over60_approval_on")
    if not issuer:
        raise DomainError("Hãy ghi cấp ủy ban hành văn bản (ban thường vụ tỉnh ủy).",
                          field="over60_approval_by")
    if len(issuer) > Candidacy._meta.get_field("over60_approval_by").max_length:
        raise DomainError("Tên cấp ủy ban hành dài quá 200 ký tự.", field="over60_approval_by")
    if c.decision_on and on > c.decision_on:
        raise DomainError(
            f"Văn bản đồng ý phải ban hành trước ngày quyết định kết nạp "
            f"({vn.format_date(c.decision_on)}).", field="over60_approval_on")
    fields = ("over60_approval", "over60_approval_on", "over60_approval_by")
    old = {f: getattr(c, f) for f in fields}
    c.over60_approval, c.over60_approval_on, c.over60_approval_by = number, on, issuer
    diff = [f for f in fields if getattr(c, f) != old[f]]
    if not diff:
        raise DomainError("Không có gì thay đổi.")
    correcting = any(old[f] for f in fields)
    if correcting:
        reason = clean_reason(reason)
    before = snapshot(c)
    c.save(update_fields=[*fields, "updated_at"])
    if correcting:
        CandidacyCorrection.objects.create(
            candidacy=c, stage=Stage.DECIDED, reason=reason,
            by=by if getattr(by, "pk", None) else None,
            changes=[{"field": f, "label": _label(f), "old": _shown(old[f]),
                      "new": _shown(getattr(c, f))} for f in diff])
    audit_record(by=by, action="candidacy.over60_approval", obj=c, before=before,
                 after=snapshot(c) | ({"reason": reason} if correcting else {}),
                 unit_path=c.cell.path)
    return c

