"""Writes along the candidate's path. Same rules for web, import and commands.

Every step: checks who may take it, that it follows the previous step, that its date
is neither in the future nor before the previous step; evaluates the rules of the rule
set in force on that date (`checks`); refuses when a rule fails unless an approver
gives a written reason; then saves the step as an event (with the rule set, its
parameters and every result), updates the candidacy and appends to the audit trail,
all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.audit.services import audit_record, snapshot
from dangvien.core import versions, vn
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.org.models import CELL_KINDS, GRASSROOTS_KINDS, OrgUnit
from dangvien.org.selectors import parent_on
from dangvien.people.choices import MemberStatus
from dangvien.people.models import Membership, Person
from dangvien.people.services import membership_create, membership_end, membership_recognise
from dangvien.periods.locks import check_open
from dangvien.rules.models import RuleSet, rule_set_on
from dangvien.training.models import ClassKind, Enrolment, Result

from . import checks, dossier
from .checks import RuleResult
from .models import (
    RANK,
    Candidacy,
    CandidacyEvent,
    DossierItem,
    Introducer,
    Source,
    Stage,
    UnionRoute,
)

MIN_OVERRIDE_REASON = 15


class RulesFailed(DomainError):
    """Một bước bị từ chối vì chưa đủ điều kiện; `results` liệt kê mọi điều kiện."""

    def __init__(self, results: list[RuleResult]):
        bad = checks.failed(results)
        super().__init__(
            "Chưa đủ điều kiện: " + " ".join(f"{r.message} ({r.regulation})" for r in bad),
            code="rules_failed",
        )
        self.results = results


# --- helpers ---------------------------------------------------------------------------


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _require(by, unit: OrgUnit, role: str = Role.EDITOR) -> None:
    if by is not None and not can(by, unit, role):
        raise DomainError(f"Bạn không có quyền thực hiện việc này ở {unit.name}.",
                          code="forbidden")


def grassroots_of(cell: OrgUnit) -> OrgUnit:
    """Tổ chức cơ sở đảng of a cell: the cell itself or its nearest grassroots ancestor."""
    if cell.kind in GRASSROOTS_KINDS:
        return cell
    step = OrgUnit.steplen
    prefixes = [cell.path[:i] for i in range(step, len(cell.path), step)]
    found = (OrgUnit.objects.filter(path__in=prefixes, kind__in=list(GRASSROOTS_KINDS))
             .order_by("-depth").first())
    return found or cell


def default_decision_unit(cell: OrgUnit, on: dt.date | None = None) -> OrgUnit:
    """Cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng: who decides admissions by default,
    in the tree of `on` (a decision entered years later was its superior's of that day)."""
    grassroots = grassroots_of(cell)
    if on is not None:
        return parent_on(grassroots, on) or grassroots
    return OrgUnit.objects.get_parent(grassroots) or grassroots


def _check_date(on: dt.date, *, today: dt.date, after: dt.date | None, what: str,
                after_what: str) -> None:
    if on > today:
        raise DomainError(
            f"Ngày {what} ({vn.format_date(on)}) ở sau hôm nay ({vn.format_date(today)}).",
            field="on")
    if after is not None and on < after:
        raise DomainError(
            f"Ngày {what} ({vn.format_date(on)}) trước ngày {after_what} "
            f"({vn.format_date(after)}). Hãy kiểm tra lại ngày.", field="on")


def _expect_stage(candidacy: Candidacy, allowed: set[str], step: str) -> None:
    if candidacy.stage not in allowed:
        needed = " hoặc ".join(Stage(s).label.lower() for s in sorted(allowed, key=RANK.get))
        raise DomainError(
            f"Chưa thể {step}: hồ sơ đang ở bước '{candidacy.get_stage_display()}', "
            f"cần ở bước {needed}.", code="stage_order")


def _judge(results: list[RuleResult], *, by, unit: OrgUnit, override_reason: str) -> str:
    """Refuse unless every rule passes or an approver overrides the non-blocking failures."""
    bad = checks.failed(results)
    if not bad:
        return ""
    blocking = checks.not_overridable(results)
    if blocking or not override_reason.strip():
        raise RulesFailed(results)
    if by is not None and not can(by, unit, Role.APPROVER):
        raise DomainError(
            "Chỉ người có quyền phê duyệt mới được chấp thuận khi chưa đủ điều kiện.",
            code="override_forbidden")
    reason = vn.normalize_spaces(override_reason)
    if len(reason) < MIN_OVERRIDE_REASON:
        raise DomainError(
            f"Lý do chấp thuận khi chưa đủ điều kiện phải ghi rõ (ít nhất {MIN_OVERRIDE_REASON} ký tự).",
            field="override_reason")
    return reason


def _event(candidacy: Candidacy, *, by, stage: str, on: dt.date, document_no: str = "",
           note: str = "", rule_set: RuleSet | None = None,
           results: list[RuleResult] | None = None, override_reason: str = "") -> CandidacyEvent:
    # Every step is an event: one place where a period already reported and approved
    # refuses a step dated inside it (`periods.locks`).
    check_open(unit=candidacy.cell, on=on,
               what=f"bước “{Stage(stage).label}” của {candidacy.person.full_name}")
    return CandidacyEvent.objects.create(
        candidacy=candidacy, stage=stage, on=on, document_no=document_no, note=note,
        recorded_by=by if getattr(by, "pk", None) else None, rule_set=rule_set,
        rule_params=rule_set.params() if rule_set else None,
        results=[r.as_dict() for r in results or []], override_reason=override_reason,
    )


def _locked(candidacy: Candidacy) -> Candidacy:
    # Lock the candidacy row only: PostgreSQL refuses FOR UPDATE on the nullable side of
    # the outer joins that select_related makes for `awareness` and `membership`.
    return (Candidacy.objects.select_for_update(of=("self",))
            .select_related("person", "cell", "awareness", "membership")
            .get(pk=candidacy.pk))


def _check_version(candidacy: Candidacy, version: str | None) -> None:
    """Refuse a step taken from a page loaded before someone else changed the record."""
    versions.check(candidacy, version, what=f"hồ sơ kết nạp của {candidacy.person.full_name}")


def _save_step(candidacy: Candidacy, before: dict, *, by, action: str,
               fields: list[str], override_reason: str = "") -> None:
    candidacy.save(update_fields=[*fields, "updated_at"])
    after = snapshot(candidacy)
    if override_reason:  # the approver's reason is part of what the trail must keep
        after["override_reason"] = override_reason
    audit_record(by=by, action=action, obj=candidacy, before=before, after=after,
                 unit_path=candidacy.cell.path)


def _doc_no(value: str, what: str) -> str:
    # Party document symbols are written in capitals ("311-QĐ/HU"); storing them so makes
    # "311-qđ/hu" the same number on every database (SQLite's LIKE folds ASCII only).
    value = vn.normalize_spaces(value).upper()
    if not value:
        raise DomainError(f"Hãy nhập số {what}.", field="document_no")
    return value


# --- the path --------------------------------------------------------------------------


@transaction.atomic
def candidacy_create(
    *, by, person: Person, cell: OrgUnit, source: str, identified_on: dt.date,
    union_route: str | None = None, is_village_elder: bool = False, today: dt.date | None = None,
) -> Candidacy:
    """Đưa một quần chúng ưu tú vào danh sách nguồn kết nạp của chi bộ."""
    today = _today(today)
    _require(by, cell)
    if cell.kind not in CELL_KINDS:
        raise DomainError(f"{cell.name} không phải chi bộ; hãy chọn chi bộ của quần chúng.",
                          field="cell")
    if cell.valid_to is not None:
        raise DomainError(f"{cell.name} đã thôi hoạt động.", field="cell")
    if source not in Source.values:
        raise DomainError("Nguồn giới thiệu không có trong danh mục.", field="source")
    _check_date(identified_on, today=today, after=None, what="đưa vào danh sách nguồn",
                after_what="")
    if Membership.objects.filter(person=person, ended_on__isnull=True).exists():
        raise DomainError(f"{person.full_name} đang là đảng viên.", field="person")
    if Candidacy.objects.open().filter(person=person).exists():
        raise DomainError(f"{person.full_name} đang có hồ sơ kết nạp chưa kết thúc.",
                          field="person")
    if union_route is None:
        union_route = UnionRoute.YOUTH_UNION if source == Source.YOUTH_UNION else UnionRoute.NONE
    if union_route not in UnionRoute.values:
        raise DomainError("Cách giới thiệu không hợp lệ.", field="union_route")
    candidacy = Candidacy.objects.create(
        person=person, cell=cell, source=source, identified_on=identified_on,
        union_route=union_route, is_village_elder=is_village_elder,
        stage=Stage.SOURCE, stage_on=identified_on,
    )
    if person.unit_id != cell.pk:
        person.unit = cell
        person.save(update_fields=["unit", "updated_at"])
    _event(candidacy, by=by, stage=Stage.SOURCE, on=identified_on,
           note=f"Nguồn: {Source(source).label}")
    audit_record(by=by, action="candidacy.create", obj=candidacy, after=snapshot(candidacy),
                 unit_path=cell.path)
    return candidacy


def _maybe_dossier_done(candidacy: Candidacy, *, by, on: dt.date) -> bool:
    """Reach 'dossier complete' when the class is done and every hand form is in."""
    if candidacy.stage != Stage.CLASS_DONE:
        return False
    lines = dossier.checklist(candidacy)
    if dossier.missing_for(lines, Stage.CELL_PROPOSED):
        return False
    candidacy.stage, candidacy.stage_on = Stage.DOSSIER_DONE, max(on, candidacy.stage_on)
    candidacy.dossier_done_on = candidacy.stage_on
    _event(candidacy, by=by, stage=Stage.DOSSIER_DONE, on=candidacy.stage_on)
    return True


@transaction.atomic
def candidacy_set_awareness(*, by, candidacy: Candidacy, enrolment: Enrolment,
                            today: dt.date | None = None) -> Candidacy:
    """Gắn giấy chứng nhận lớp nhận thức về Đảng: quần chúng đã học lớp."""
    candidacy = _locked(candidacy)
    _require(by, candidacy.cell)
    _expect_stage(candidacy, {Stage.SOURCE, Stage.CLASS_DONE, Stage.DOSSIER_DONE},
                  "ghi giấy chứng nhận")
    if (enrolment.person_id != candidacy.person_id
            or enrolment.training_class.kind != ClassKind.AWARENESS
            or enrolment.result != Result.PASSED or enrolment.certificate_on is None):
        raise DomainError("Đây không phải giấy chứng nhận lớp nhận thức về Đảng của người này.",
                          field="enrolment")
    before = snapshot(candidacy)
    candidacy.awareness = enrolment
    fields = ["awareness"]
    if candidacy.stage == Stage.SOURCE:
        on = max(enrolment.certificate_on, candidacy.identified_on)
        candidacy.stage, candidacy.stage_on, candidacy.class_done_on = Stage.CLASS_DONE, on, on
        fields += ["stage", "stage_on", "class_done_on"]
        _event(candidacy, by=by, stage=Stage.CLASS_DONE, on=on,
               document_no=enrolment.certificate_number)
        if _maybe_dossier_done(candidacy, by=by, on=on):
            fields.append("dossier_done_on")
    _save_step(candidacy, before, by=by, action="candidacy.awareness", fields=fields)
    return candidacy


@transaction.atomic
def dossier_record(*, by, candidacy: Candidacy, form: str, on: dt.date, reference: str = "",
                   today: dt.date | None = None) -> DossierItem:
    """Đánh dấu đã có một mẫu trong hồ sơ (ngày, số hoặc ghi chú)."""
    today = _today(today)
    candidacy = _locked(candidacy)
    _require(by, candidacy.cell)
    spec = dossier.FORMS_BY_CODE.get(form)
    if spec is None or spec.by_step:
        raise DomainError(f"Mẫu '{form}' không ghi trực tiếp được vào hồ sơ.", field="form")
    if candidacy.is_closed:
        raise DomainError("Hồ sơ kết nạp này đã kết thúc.")
    _check_date(on, today=today, after=None, what="của mẫu", after_what="")
    item, created = DossierItem.objects.update_or_create(
        candidacy=candidacy, form=form,
        defaults={"on": on, "reference": vn.normalize_spaces(reference),
                  "recorded_by": by if getattr(by, "pk", None) else None},
    )
    before = snapshot(candidacy)
    if _maybe_dossier_done(candidacy, by=by, on=on):
        candidacy.save(update_fields=["stage", "stage_on", "dossier_done_on", "updated_at"])
    audit_record(by=by, action="candidacy.dossier", obj=item, after=snapshot(item),
                 before=None if created else before, unit_path=candidacy.cell.path)
    return item


@transaction.atomic
def introducer_add(*, by, candidacy: Candidacy, membership: Membership, known_since: dt.date,
                   letter_on: dt.date, today: dt.date | None = None) -> Introducer:
    """Ghi một đảng viên giới thiệu (mẫu 3-KNĐ). Điều kiện được kiểm tra khi chi bộ xét."""
    today = _today(today)
    candidacy = _locked(candidacy)
    _require(by, candidacy.cell)
    if candidacy.stage not in {Stage.SOURCE, Stage.CLASS_DONE, Stage.DOSSIER_DONE}:
        raise DomainError("Chỉ ghi người giới thiệu trước khi chi bộ xét kết nạp.")
    if membership.person_id == candidacy.person_id:
        raise DomainError("Người vào Đảng không thể tự giới thiệu mình.")
    _check_date(letter_on, today=today, after=known_since, what="giấy giới thiệu",
                after_what="bắt đầu cùng công tác")
    if Introducer.objects.filter(candidacy=candidacy, membership=membership).exists():
        raise DomainError(f"{membership.person.full_name} đã có trong danh sách người giới thiệu.")
    introducer = Introducer.objects.create(candidacy=candidacy, membership=membership,
                                           known_since=known_since, letter_on=letter_on)
    audit_record(by=by, action="candidacy.introducer", obj=introducer,
                 after=snapshot(introducer), unit_path=candidacy.cell.path)
    return introducer


def preview(candidacy: Candidacy, step: str, on: dt.date,
            votes: dict | None = None) -> tuple[RuleSet, list[RuleResult]]:
    """The rule results a step would get on `on` (with the `votes` typed, model field ->
    count), for the form before saving."""
    rule_set = rule_set_on(on)
    voted = checks.check_votes(candidacy, step, votes or {}, on=on, rule_set=rule_set)
    if step in {Stage.CELL_PROPOSED, Stage.GRASSROOTS_PROPOSED, Stage.DECIDED}:
        judged_on = candidacy.cell_resolution_on or on
        return rule_set_on(judged_on), checks.check_admission(
            candidacy, on=judged_on, rule_set=rule_set_on(judged_on),
            decision_on=on if step == Stage.DECIDED else None) + voted
    if step == Stage.ON_PROBATION:
        return rule_set, checks.check_ceremony(candidacy, on=on, rule_set=rule_set)
    if step == Stage.RECOGNISED:
        return rule_set, checks.check_recognition(
            candidacy, on=on, rule_set=rule_set, new_member_on=new_member_certificate_on(candidacy)
        ) + checks.check_recognition_on_time(candidacy, on=on, rule_set=rule_set) + voted
    return rule_set, []


def _set_votes(candidacy: Candidacy, stage: str, votes: dict | None) -> list[str]:
    """Put the counts of `stage`'s resolutions on the candidacy; the fields set."""
    names = [f for spec in checks.VOTES.get(stage, ()) for f in spec.fields]
    for name in names:
        setattr(candidacy, name, (votes or {}).get(name))
    return names


def new_member_certificate_on(candidacy: Candidacy) -> dt.date | None:
    found = (Enrolment.objects.certified()
             .filter(person_id=candidacy.person_id, training_class__kind=ClassKind.NEW_MEMBER)
             .order_by("certificate_on").values_list("certificate_on", flat=True).first())
    return found


@transaction.atomic
def candidacy_propose_by_cell(*, by, candidacy: Candidacy, on: dt.date, document_no: str,
                              override_reason: str = "", today: dt.date | None = None,
        version: str | None = None, votes: dict | None = None) -> Candidacy:
    """Chi bộ xét, ra nghị quyết đề nghị kết nạp (6-KNĐ). Điều kiện tính tại ngày này.

    `votes`: {"cell_present": …, "cell_votes_for": …}, optional; given, at least two
    thirds of the cell's official members must be in favour (Điều lệ Đảng, Điều 4, khoản 3).
    """
    today = _today(today)
    candidacy = _locked(candidacy)
    _check_version(candidacy, version)
    _require(by, candidacy.cell)
    _expect_stage(candidacy, {Stage.CLASS_DONE, Stage.DOSSIER_DONE}, "để chi bộ đề nghị kết nạp")
    _check_date(on, today=today, after=candidacy.stage_on, what="chi bộ xét",
                after_what="của bước trước")
    document_no = _doc_no(document_no, "nghị quyết chi bộ")
    rule_set = rule_set_on(on)
    results = checks.check_admission(candidacy, on=on, rule_set=rule_set)
    results += checks.check_votes(candidacy, Stage.CELL_PROPOSED, votes or {}, on=on,
                                  rule_set=rule_set)
    reason = _judge(results, by=by, unit=candidacy.cell, override_reason=override_reason)
    before = snapshot(candidacy)
    candidacy.stage, candidacy.stage_on = Stage.CELL_PROPOSED, on
    candidacy.cell_resolution_on, candidacy.cell_resolution_no = on, document_no
    voted = _set_votes(candidacy, Stage.CELL_PROPOSED, votes)
    _event(candidacy, by=by, stage=Stage.CELL_PROPOSED, on=on, document_no=document_no,
           rule_set=rule_set, results=results, override_reason=reason)
    _save_step(candidacy, before, by=by, action="candidacy.cell_proposal", override_reason=reason,
               fields=["stage", "stage_on", "cell_resolution_on", "cell_resolution_no", *voted])
    return candidacy


@transaction.atomic
def candidacy_propose_by_grassroots(*, by, candidacy: Candidacy, on: dt.date, document_no: str,
                                    today: dt.date | None = None,
        version: str | None = None, votes: dict | None = None) -> Candidacy:
    """Đảng ủy cơ sở xét, ra nghị quyết đề nghị kết nạp (8-KNĐ).

    `votes`: {"committee_members", "committee_present", "committee_votes_for"}, optional;
    given, at least two thirds of the committee members must be in favour.
    """
    today = _today(today)
    candidacy = _locked(candidacy)
    _check_version(candidacy, version)
    grassroots = grassroots_of(candidacy.cell)
    _require(by, grassroots)
    _expect_stage(candidacy, {Stage.CELL_PROPOSED}, "để đảng ủy cơ sở đề nghị")
    _check_date(on, today=today, after=candidacy.cell_resolution_on, what="đảng ủy cơ sở xét",
                after_what="chi bộ xét")
    document_no = _doc_no(document_no, "nghị quyết đảng ủy cơ sở")
    rule_set = rule_set_on(on)
    results = checks.check_votes(candidacy, Stage.GRASSROOTS_PROPOSED, votes or {}, on=on,
                                 rule_set=rule_set)
    _judge(results, by=by, unit=grassroots, override_reason="")
    before = snapshot(candidacy)
    candidacy.stage, candidacy.stage_on = Stage.GRASSROOTS_PROPOSED, on
    candidacy.grassroots_resolution_on, candidacy.grassroots_resolution_no = on, document_no
    voted = _set_votes(candidacy, Stage.GRASSROOTS_PROPOSED, votes)
    _event(candidacy, by=by, stage=Stage.GRASSROOTS_PROPOSED, on=on, document_no=document_no,
           rule_set=rule_set if results else None, results=results)
    _save_step(candidacy, before, by=by, action="candidacy.grassroots_proposal",
               fields=["stage", "stage_on", "grassroots_resolution_on", "grassroots_resolution_no",
                       *voted])
    return candidacy


@transaction.atomic
def candidacy_decide(*, by, candidacy: Candidacy, on: dt.date, document_no: str,
                     unit: OrgUnit | None = None, received_on: dt.date | None = None,
                     override_reason: str = "", today: dt.date | None = None,
        version: str | None = None) -> Candidacy:
    """Cấp ủy có thẩm quyền ra quyết định kết nạp (9-KNĐ).

    The prerequisites are judged as on the day the cell considered the candidate, under
    the rule set in force that day; the decision keeps that rule set and its verdict.
    """
    today = _today(today)
    candidacy = _locked(candidacy)
    _check_version(candidacy, version)
    unit = unit or default_decision_unit(candidacy.cell)
    if not candidacy.cell.path.startswith(unit.path):
        raise DomainError(f"{unit.name} không phải cấp ủy cấp trên của {candidacy.cell.name}.",
                          field="unit")
    _require(by, unit)
    # A grassroots committee with delegated power decides straight after the cell.
    allowed = {Stage.GRASSROOTS_PROPOSED}
    if unit.kind in GRASSROOTS_KINDS or grassroots_of(candidacy.cell).pk == candidacy.cell_id:
        allowed.add(Stage.CELL_PROPOSED)
    _expect_stage(candidacy, allowed, "ra quyết định kết nạp")
    _check_date(on, today=today, after=candidacy.stage_on, what="quyết định",
                after_what="của bước trước")
    if received_on is not None:
        _check_date(received_on, today=today, after=on, what="chi bộ nhận quyết định",
                    after_what="ra quyết định")
    document_no = _doc_no(document_no, "quyết định kết nạp")
    clash = (Candidacy.objects.filter(decision_unit=unit, decision_on__year=on.year,
                                      decision_no=document_no)
             .exclude(pk=candidacy.pk).select_related("person").first())
    if clash is not None:
        raise DomainError(
            f"Số quyết định {document_no} của {unit.name} năm {on.year} đã dùng cho "
            f"{clash.person.full_name}. Mỗi quyết định trong năm phải có số riêng.",
            field="document_no", code="duplicate")
    judged_on = candidacy.cell_resolution_on
    rule_set = rule_set_on(judged_on)
    results = checks.check_admission(candidacy, on=judged_on, rule_set=rule_set, decision_on=on)
    reason = _judge(results, by=by, unit=unit, override_reason=override_reason)
    before = snapshot(candidacy)
    candidacy.stage, candidacy.stage_on = Stage.DECIDED, on
    candidacy.decision_on, candidacy.decision_no, candidacy.decision_unit = on, document_no, unit
    candidacy.decision_received_on = received_on or on
    candidacy.rule_set = rule_set
    _event(candidacy, by=by, stage=Stage.DECIDED, on=on, document_no=document_no,
           rule_set=rule_set, results=results, override_reason=reason)
    _save_step(candidacy, before, by=by, action="candidacy.decision", override_reason=reason,
               fields=["stage", "stage_on", "decision_on", "decision_no", "decision_unit",
                       "decision_received_on", "rule_set"])
    return candidacy


@transaction.atomic
def candidacy_hold_ceremony(*, by, candidacy: Candidacy, on: dt.date, override_reason: str = "",
                            today: dt.date | None = None,
        version: str | None = None) -> Candidacy:
    """Lễ kết nạp: ngày vào Đảng; bắt đầu 12 tháng dự bị; lập hồ sơ đảng viên dự bị."""
    today = _today(today)
    candidacy = _locked(candidacy)
    _check_version(candidacy, version)
    _require(by, candidacy.cell)
    _expect_stage(candidacy, {Stage.DECIDED}, "tổ chức lễ kết nạp")
    _check_date(on, today=today, after=candidacy.decision_received_on, what="lễ kết nạp",
                after_what="nhận quyết định kết nạp")
    rule_set = rule_set_on(on)
    results = checks.check_ceremony(candidacy, on=on, rule_set=rule_set)
    reason = _judge(results, by=by, unit=candidacy.cell, override_reason=override_reason)
    before = snapshot(candidacy)
    membership = membership_create(by=by, person=candidacy.person, cell=candidacy.cell,
                                   admitted_on=on, decided_on=candidacy.decision_on)
    candidacy.stage, candidacy.stage_on = Stage.ON_PROBATION, on
    candidacy.ceremony_on, candidacy.membership = on, membership
    candidacy.probation_ends_on = add_months(on, rule_set.probation_months)
    _event(candidacy, by=by, stage=Stage.ON_PROBATION, on=on, rule_set=rule_set,
           results=results, override_reason=reason,
           note=f"Hết dự bị ngày {vn.format_date(candidacy.probation_ends_on)}")
    _save_step(candidacy, before, by=by, action="candidacy.ceremony", override_reason=reason,
               fields=["stage", "stage_on", "ceremony_on", "membership", "probation_ends_on"])
    return candidacy


@transaction.atomic
def candidacy_recognise(*, by, candidacy: Candidacy, on: dt.date, document_no: str,
                        override_reason: str = "", today: dt.date | None = None,
        version: str | None = None, votes: dict | None = None) -> Candidacy:
    """Quyết định công nhận đảng viên chính thức; có hiệu lực từ ngày hết dự bị, dù quyết định muộn.

    `votes`: the counts of the cell's (13-KNĐ) and the committee's (15-KNĐ) resolutions
    (`checks.VOTES[Stage.RECOGNISED]`), optional; given, each needs two thirds in favour.
    """
    today = _today(today)
    candidacy = _locked(candidacy)
    _check_version(candidacy, version)
    unit = candidacy.decision_unit or default_decision_unit(candidacy.cell)
    _require(by, unit)
    _expect_stage(candidacy, {Stage.ON_PROBATION}, "công nhận đảng viên chính thức")
    _check_date(on, today=today, after=candidacy.ceremony_on, what="quyết định công nhận",
                after_what="lễ kết nạp")
    document_no = _doc_no(document_no, "quyết định công nhận chính thức")
    rule_set = rule_set_on(on)
    results = checks.check_recognition(candidacy, on=on, rule_set=rule_set,
                                       new_member_on=new_member_certificate_on(candidacy))
    results += checks.check_recognition_on_time(candidacy, on=on, rule_set=rule_set)
    results += checks.check_votes(candidacy, Stage.RECOGNISED, votes or {}, on=on,
                                  rule_set=rule_set)
    reason = _judge(results, by=by, unit=unit, override_reason=override_reason)
    before = snapshot(candidacy)
    voted = _set_votes(candidacy, Stage.RECOGNISED, votes)
    membership_recognise(by=by, membership=candidacy.membership,
                         recognized_on=candidacy.probation_ends_on)
    candidacy.stage, candidacy.stage_on = Stage.RECOGNISED, on
    candidacy.recognition_no, candidacy.recognition_decided_on = document_no, on
    candidacy.closed_on = on
    _event(candidacy, by=by, stage=Stage.RECOGNISED, on=on, document_no=document_no,
           rule_set=rule_set, results=results, override_reason=reason,
           note=f"Chính thức từ ngày {vn.format_date(candidacy.probation_ends_on)}")
    _save_step(candidacy, before, by=by, action="candidacy.recognition", override_reason=reason,
               fields=["stage", "stage_on", "recognition_no", "recognition_decided_on",
                       "closed_on", *voted])
    return candidacy


_CLOSE_FROM: dict[str, Callable[[Candidacy], bool]] = {
    Stage.WITHDRAWN: lambda c: RANK.get(c.stage, 99) < RANK[Stage.DECIDED],
    Stage.REFUSED: lambda c: c.stage in {Stage.CELL_PROPOSED, Stage.GRASSROOTS_PROPOSED},
    Stage.REMOVED: lambda c: c.stage in {Stage.DECIDED, Stage.ON_PROBATION},
}


@transaction.atomic
def candidacy_close(*, by, candidacy: Candidacy, outcome: str, on: dt.date, reason: str,
                    document_no: str = "", today: dt.date | None = None,
        version: str | None = None) -> Candidacy:
    """Kết thúc hồ sơ: dừng theo dõi, không được kết nạp, hoặc xóa tên đảng viên dự bị."""
    today = _today(today)
    candidacy = _locked(candidacy)
    _check_version(candidacy, version)
    if outcome not in _CLOSE_FROM:
        raise DomainError("Kết quả không hợp lệ.", field="outcome")
    unit = candidacy.cell if outcome == Stage.WITHDRAWN else (
        candidacy.decision_unit or default_decision_unit(candidacy.cell))
    _require(by, unit)
    if not _CLOSE_FROM[outcome](candidacy):
        raise DomainError(
            f"Không thể ghi '{Stage(outcome).label}' khi hồ sơ đang ở bước "
            f"'{candidacy.get_stage_display()}'.", code="stage_order")
    _check_date(on, today=today, after=candidacy.stage_on, what="kết thúc",
                after_what="của bước trước")
    reason = vn.normalize_spaces(reason)
    if not reason:
        raise DomainError("Hãy ghi lý do.", field="reason")
    before = snapshot(candidacy)
    if outcome == Stage.REMOVED and candidacy.membership_id:
        membership_end(by=by, membership=candidacy.membership, status=MemberStatus.REMOVED,
                       ended_on=on)
    candidacy.stage, candidacy.stage_on, candidacy.closed_on = outcome, on, on
    candidacy.close_reason = reason
    _event(candidacy, by=by, stage=outcome, on=on, document_no=document_no, note=reason)
    _save_step(candidacy, before, by=by, action="candidacy.close",
               fields=["stage", "stage_on", "closed_on", "close_reason"])
    return candidacy
