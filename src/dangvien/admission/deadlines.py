"""Thời hạn trong quy trình kết nạp: what is due soon and what is overdue, as of a date.

`deadlines(user=…, as_of=…)` answers "on 31/05/2022, which steps were late and which
were coming due?" from each candidacy's own dates, never from today: a step dated after
`as_of` had not happened yet on `as_of`.

Five kinds of deadline (Kind), each with the rule set that fixes its length:

- DECISION: the competent committee decides within `decision_working_days` (60) working
  days of the cell's resolution, extendable by `decision_extension_working_days` (30)
  (QĐ 24-QĐ/TW, điểm 4.3.1); the rule set is the one in force on the cell's resolution.
- CEREMONY: the ceremony within `ceremony_working_days` (30) working days of the cell
  receiving the decision (điểm 4.1); rule set in force on that day.
- RECOGNITION: the cell considers recognition within `recognition_working_days` (30)
  working days after the probation ends (điểm 4.2); due soon from `horizon_days` before
  the end of probation until the end of that window.
- CERTIFICATE_EXPIRING: an awareness-class certificate that expires within 90 days, for a
  candidate not yet decided (and not already considered by the cell while it was valid:
  the cell's day is the day the certificate is judged).
- NEW_MEMBER_CLASS: a probationary member without the new-member class certificate; due
  soon while the probation runs, overdue once it has ended.

One rule for every kind: `due_on` is the last day the step is on time; an item is
overdue when `as_of > due_on`, due soon when `due_on` is within `horizon_days` (the two
windows above are wider). Days late count working days where the rule counts working
days, calendar days otherwise (`late_unit` says which).

Cost: one query for the candidacies (scope, subtree, cell name on the date and the
new-member certificate are in it), one for the three rule sets; the calendar is in
memory. No query per row.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery

from dangvien.core import vn
from dangvien.core.calendar import WorkingCalendar, working_calendar
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit, OrgUnitVersion
from dangvien.org.selectors import subtree_unit_ids
from dangvien.rules.models import RuleCode, RuleSet
from dangvien.training.models import ClassKind, Enrolment, Result

from .models import Candidacy, Stage

#: How long before an awareness certificate expires it is shown (days).
CERTIFICATE_WARNING_DAYS = 90
#: A missing new-member class is flagged in the last months of probation, while there is
#: still time to send the member to a class; earlier it would drown the week's list.
NEW_MEMBER_WARNING_DAYS = 90
#: Key of the decision deadline's citation in `RuleSet.references` (editable in the admin).
DECISION_REFERENCE = "thoi_han_quyet_dinh"
DECISION_REFERENCE_DEFAULT = "{rs}, điểm 4.3.1"
#: The candidate page (built in views.py); a plain path so this module does not depend on it.
CANDIDATE_URL = "/ket-nap/ho-so/{pk}/"


class Kind(models.TextChoices):
    """Loại thời hạn."""

    DECISION = "quyet_dinh_ket_nap", "Ra quyết định kết nạp"
    CEREMONY = "le_ket_nap", "Tổ chức lễ kết nạp"
    RECOGNITION = "cong_nhan_chinh_thuc", "Xét công nhận đảng viên chính thức"
    CERTIFICATE_EXPIRING = "giay_chung_nhan_het_han", "Giấy chứng nhận nhận thức về Đảng hết hạn"
    NEW_MEMBER_CLASS = "lop_dang_vien_moi", "Học lớp bồi dưỡng đảng viên mới"


KIND_RANK = {kind.value: i for i, kind in enumerate(Kind)}

#: Who must act for each kind (ai phải làm), shown in reminders next to the due date.
KIND_ACTOR = {
    Kind.DECISION.value: "Cấp ủy có thẩm quyền (đảng ủy cơ sở đề nghị, cấp ủy cấp trên quyết định)",
    Kind.CEREMONY.value: "Chi bộ",
    Kind.RECOGNITION.value: "Chi bộ",
    Kind.CERTIFICATE_EXPIRING.value: "Chi bộ",
    Kind.NEW_MEMBER_CLASS.value: "Chi bộ, đảng viên dự bị",
}


class Status(models.TextChoices):
    """Tình trạng thời hạn."""

    OVERDUE = "qua_han", "Quá hạn"
    DUE_SOON = "sap_den_han", "Sắp đến hạn"


class LateUnit(models.TextChoices):
    """Đơn vị đếm số ngày quá hạn."""

    WORKING_DAYS = "ngay_lam_viec", "ngày làm việc"
    DAYS = "ngay", "ngày"


@dataclass(frozen=True)
class DeadlineItem:
    """Một việc sắp đến hạn hoặc đã quá hạn của một hồ sơ kết nạp."""

    kind: str
    status: str
    candidacy_id: int
    person: str
    cell: str
    unit_code: str
    due_on: dt.date
    days_late: int | None
    late_unit: str
    message: str
    regulation: str
    #: The decision's latest date with the extension (DECISION only).
    limit_on: dt.date | None = None
    cell_id: int = 0
    sort_name: str = ""

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def actor(self) -> str:
        """Who must act (ai phải làm)."""
        return KIND_ACTOR[self.kind]

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def is_overdue(self) -> bool:
        return self.status == Status.OVERDUE

    @property
    def late_text(self) -> str:
        """"12 ngày làm việc", "3 ngày"; empty when not late."""
        if self.days_late is None:
            return ""
        if self.days_late == 0:
            return f"chưa đủ 1 {LateUnit(self.late_unit).label}"
        return f"{vn.format_number(self.days_late)} {LateUnit(self.late_unit).label}"

    @property
    def href(self) -> str:
        return CANDIDATE_URL.format(pk=self.candidacy_id)

    def sort_key(self) -> tuple:
        # Overdue first; among them the earliest due is the most late (in either unit).
        return (self.status != Status.OVERDUE, self.due_on, KIND_RANK[self.kind],
                self.sort_name, self.candidacy_id)

    def as_dict(self) -> dict:
        """The JSON form (`dangvien deadlines --format json`)."""
        return {
            "kind": self.kind,
            "status": self.status,
            "due_on": self.due_on.isoformat(),
            "days_late": self.days_late,
            "days_late_unit": self.late_unit if self.days_late is not None else None,
            "person": self.person,
            "cell": self.cell,
            "unit_code": self.unit_code,
            "candidacy_id": self.candidacy_id,
            "message": self.message,
            "regulation": self.regulation,
        }


# --- rule sets and statuses ---------------------------------------------------------------


class RuleSets:
    """The rule sets (three), read once; `on(day)` picks the one in force in memory."""

    def __init__(self) -> None:
        self.sets = list(RuleSet.objects.order_by("effective_from"))
        if not self.sets:
            raise DomainError(
                "Chưa có bộ quy định kết nạp nào. Quản trị viên cần khai báo bộ quy định "
                "trong trang quản trị.")
        self.starts = [rs.effective_from for rs in self.sets]

    def on(self, day: dt.date) -> RuleSet:
        # Before the first rule set we know of, its parameters are the best guess we have;
        # a deadlines page must not fail on an old case.
        return self.sets[max(bisect_right(self.starts, day) - 1, 0)]


def _reference(rs: RuleSet, key: str, default: str) -> str:
    return (rs.references.get(key) or default).replace("{rs}", rs.short_name)


def _d(day: dt.date | None) -> str:
    return vn.format_date(day)


@dataclass
class _Ctx:
    as_of: dt.date
    horizon: int
    cal: WorkingCalendar
    rules: RuleSets

    def status(self, due: dt.date, *, soon_from: dt.date | None = None) -> str | None:
        if self.as_of > due:
            return Status.OVERDUE
        start = soon_from if soon_from is not None else due - dt.timedelta(days=self.horizon)
        return Status.DUE_SOON if self.as_of >= start else None

    def working_tail(self, status: str, due: dt.date) -> tuple[int | None, str]:
        """Days late in working days and the sentence that says how late or how close."""
        if status == Status.OVERDUE:
            late = self.cal.working_days_between(due, self.as_of)
            if late == 0:  # e.g. the Saturday after a Friday deadline
                return late, f"Đã quá hạn (hạn cuối là ngày {_d(due)})."
            return late, f"Đã quá hạn {vn.format_number(late)} ngày làm việc."
        if due == self.as_of:
            return None, "Hôm nay là ngày cuối cùng của thời hạn."
        left = self.cal.working_days_between(self.as_of, due)
        return None, f"Còn {vn.format_number(left)} ngày làm việc."

    def calendar_tail(self, status: str, due: dt.date, late_words: str) -> tuple[int | None, str]:
        if status == Status.OVERDUE:
            late = (self.as_of - due).days
            return late, late_words.format(n=vn.format_number(late))
        if due == self.as_of:
            return None, "Hôm nay là ngày cuối cùng."
        return None, f"Còn {vn.format_number((due - self.as_of).days)} ngày."


# --- the step deadlines (one place for each clock) ----------------------------------------


def decision_due(c: Candidacy, rules: RuleSets, cal: WorkingCalendar) -> tuple[RuleSet, dt.date]:
    """Decision within N working days of the cell's resolution (điểm 4.3.1)."""
    rs = rules.on(c.cell_resolution_on)
    return rs, cal.add_working_days(c.cell_resolution_on, rs.decision_working_days)


def ceremony_due(c: Candidacy, rules: RuleSets, cal: WorkingCalendar) -> tuple[RuleSet, dt.date]:
    """Ceremony within N working days of receiving the decision (điểm 4.1)."""
    received = c.decision_received_on or c.decision_on
    rs = rules.on(received)
    return rs, cal.add_working_days(received, rs.ceremony_working_days)


def recognition_due(c: Candidacy, rules: RuleSets, cal: WorkingCalendar) -> tuple[RuleSet, dt.date]:
    """The cell considers recognition within N working days after probation ends (điểm 4.2)."""
    rs = rules.on(c.probation_ends_on)
    return rs, cal.add_working_days(c.probation_ends_on, rs.recognition_working_days)


@dataclass
class NextDue:
    """Hạn của bước tiếp theo của một hồ sơ."""

    what: str
    on: dt.date
    overdue: bool
    #: Who must act next, as a sentence start: "Chờ Đảng ủy cơ sở xét đề nghị kết nạp
    #: (Đảng bộ xã Vĩnh Đồng)"; empty when the caller did not ask (lists of candidacies).
    waiting: str = ""


_NEXT = {
    Stage.CELL_PROPOSED: (decision_due, "ra quyết định kết nạp"),
    Stage.GRASSROOTS_PROPOSED: (decision_due, "ra quyết định kết nạp"),
    Stage.DECIDED: (ceremony_due, "tổ chức lễ kết nạp"),
    Stage.ON_PROBATION: (recognition_due, "xét công nhận chính thức"),
}


def next_due(c: Candidacy, *, today: dt.date, rules: RuleSets | None = None,
             cal: WorkingCalendar | None = None) -> NextDue | None:
    """The deadline the candidacy's current step waits for, if it has one (same clocks as
    the deadlines page). Pass `rules` and `cal` when computing it for many rows."""
    spec = _NEXT.get(c.stage)
    if spec is None:
        return None
    due_fn, what = spec
    _, on = due_fn(c, rules or RuleSets(), cal or working_calendar())
    return NextDue(what=what, on=on, overdue=on < today)


# --- the five kinds -----------------------------------------------------------------------


def _item(c: Candidacy, kind: str, status: str, due: dt.date, late: int | None, late_unit: str,
          message: str, regulation: str, limit_on: dt.date | None = None) -> DeadlineItem:
    return DeadlineItem(
        kind=Kind(kind).value, status=Status(status).value, candidacy_id=c.pk, person=c.person.full_name,
        cell=getattr(c, "cell_name_on", None) or c.cell.name, unit_code=c.cell.code,
        due_on=due, days_late=late, late_unit=LateUnit(late_unit).value, message=message,
        regulation=regulation, limit_on=limit_on, cell_id=c.cell_id,
        sort_name=c.person.sort_key or "",
    )


def _decision(c: Candidacy, x: _Ctx) -> DeadlineItem | None:
    on, res = x.as_of, c.cell_resolution_on
    if res is None or res > on or (c.decision_on is not None and c.decision_on <= on):
        return None
    rs, due = decision_due(c, x.rules, x.cal)
    status = x.status(due)
    if status is None:
        return None
    limit = x.cal.add_working_days(
        res, rs.decision_working_days + rs.decision_extension_working_days)
    late, tail = x.working_tail(status, due)
    if status == Status.OVERDUE and on > limit:
        tail = tail[:-1] + ", đã quá cả thời hạn gia hạn."
    number = f" (nghị quyết số {c.cell_resolution_no})" if c.cell_resolution_no else ""
    message = (
        f"Chi bộ đề nghị kết nạp ngày {_d(res)}{number}. Cấp ủy có thẩm quyền phải ra quyết "
        f"định kết nạp trong {rs.decision_working_days} ngày làm việc, chậm nhất ngày {_d(due)}; "
        f"nếu gia hạn thì thêm không quá {rs.decision_extension_working_days} ngày làm việc, "
        f"chậm nhất ngày {_d(limit)}. {tail}"
    )
    return _item(c, Kind.DECISION, status, due, late, LateUnit.WORKING_DAYS, message,
                 _reference(rs, DECISION_REFERENCE, DECISION_REFERENCE_DEFAULT), limit_on=limit)


def _ceremony(c: Candidacy, x: _Ctx) -> DeadlineItem | None:
    on, decided = x.as_of, c.decision_on
    if decided is None or decided > on or (c.ceremony_on is not None and c.ceremony_on <= on):
        return None
    received = c.decision_received_on or decided
    rs, due = ceremony_due(c, x.rules, x.cal)
    status = x.status(due)
    if status is None:
        return None
    late, tail = x.working_tail(status, due)
    if status == Status.OVERDUE:
        tail += " Tổ chức muộn cần có ý kiến đồng ý của cấp ủy cấp trên."
    number = f" số {c.decision_no}" if c.decision_no else ""
    message = (
        f"Chi bộ nhận quyết định kết nạp{number} ngày {_d(received)}. Lễ kết nạp phải tổ chức "
        f"trong {rs.ceremony_working_days} ngày làm việc kể từ ngày nhận quyết định, chậm nhất "
        f"ngày {_d(due)}. {tail}"
    )
    return _item(c, Kind.CEREMONY, status, due, late, LateUnit.WORKING_DAYS, message,
                 rs.reference(RuleCode.CEREMONY_ON_TIME))


def _on_probation(c: Candidacy, on: dt.date) -> bool:
    return (c.ceremony_on is not None and c.ceremony_on <= on
            and (c.recognition_decided_on is None or c.recognition_decided_on > on))


def _recognition(c: Candidacy, x: _Ctx) -> DeadlineItem | None:
    end = c.probation_ends_on
    if end is None or not _on_probation(c, x.as_of):
        return None
    rs, due = recognition_due(c, x.rules, x.cal)
    status = x.status(due, soon_from=end - dt.timedelta(days=x.horizon))
    if status is None:
        return None
    late, tail = x.working_tail(status, due)
    if status == Status.DUE_SOON and x.as_of < end:
        tail = f"Còn {vn.format_number((end - x.as_of).days)} ngày nữa hết dự bị."
    message = (
        f"Vào Đảng ngày {_d(c.ceremony_on)}, hết {rs.probation_months} tháng dự bị ngày "
        f"{_d(end)}. Chi bộ phải xét công nhận đảng viên chính thức trong "
        f"{rs.recognition_working_days} ngày làm việc kể từ ngày hết dự bị, chậm nhất ngày "
        f"{_d(due)}; nếu đủ điều kiện, được công nhận chính thức từ ngày {_d(end)}. {tail}"
    )
    return _item(c, Kind.RECOGNITION, status, due, late, LateUnit.WORKING_DAYS, message,
                 rs.reference(RuleCode.PROBATION_ENDED))


def _certificate(c: Candidacy, x: _Ctx) -> DeadlineItem | None:
    on, cert = x.as_of, c.awareness
    if cert is None or cert.certificate_on is None or cert.certificate_expires_on is None:
        return None
    if cert.certificate_on > on or (c.decision_on is not None and c.decision_on <= on):
        return None
    expires = cert.certificate_expires_on  # the first day it is no longer valid
    res = c.cell_resolution_on
    if res is not None and res <= on and res < expires:
        return None  # judged valid on the day the cell considered the candidate
    if expires > on + dt.timedelta(days=CERTIFICATE_WARNING_DAYS):
        return None
    due = expires - dt.timedelta(days=1)
    status = Status.OVERDUE if on > due else Status.DUE_SOON
    late, tail = x.calendar_tail(
        status, due, "Giấy đã hết hạn {n} ngày: phải học lại lớp bồi dưỡng nhận thức về Đảng "
                     "trước khi chi bộ xét kết nạp.")
    if status == Status.DUE_SOON:
        tail += " Chi bộ cần xét kết nạp trước khi giấy hết hạn."
    rs = x.rules.on(cert.certificate_on)
    number = f" số {cert.certificate_number}" if cert.certificate_number else ""
    message = (
        f"Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng{number} cấp ngày "
        f"{_d(cert.certificate_on)} có giá trị {rs.certificate_validity_months} tháng, đến hết "
        f"ngày {_d(due)}. {tail}"
    )
    return _item(c, Kind.CERTIFICATE_EXPIRING, status, due, late, LateUnit.DAYS, message,
                 rs.reference(RuleCode.CERTIFICATE))


def _new_member_class(c: Candidacy, x: _Ctx) -> DeadlineItem | None:
    end = c.probation_ends_on
    if end is None or not _on_probation(c, x.as_of) or c.has_new_member_class:
        return None
    status = x.status(end, soon_from=end - dt.timedelta(days=NEW_MEMBER_WARNING_DAYS))
    if status is None:
        return None
    late, tail = x.calendar_tail(
        status, end, "Đã hết dự bị {n} ngày mà chưa có giấy chứng nhận: chưa đủ điều kiện "
                     "xét công nhận đảng viên chính thức.")
    rs = x.rules.on(c.ceremony_on)
    message = (
        f"Đảng viên dự bị (vào Đảng ngày {_d(c.ceremony_on)}, hết dự bị ngày {_d(end)}) chưa "
        f"có giấy chứng nhận lớp bồi dưỡng đảng viên mới; phải học trong thời gian dự bị. {tail}"
    )
    return _item(c, Kind.NEW_MEMBER_CLASS, status, end, late, LateUnit.DAYS, message,
                 rs.reference(RuleCode.NEW_MEMBER_CLASS))


_KINDS = (_decision, _ceremony, _recognition, _certificate, _new_member_class)


# --- the selector -------------------------------------------------------------------------


def _candidacies(*, user, as_of: dt.date, unit: OrgUnit | None):
    """Candidacies that may have a deadline on `as_of`: one query, no query per row."""
    on = as_of
    undecided = Q(decision_on__isnull=True) | Q(decision_on__gt=on)
    waiting_decision = Q(cell_resolution_on__lte=on) & undecided
    waiting_ceremony = Q(decision_on__lte=on) & (Q(ceremony_on__isnull=True) | Q(ceremony_on__gt=on))
    on_probation = Q(ceremony_on__lte=on) & (
        Q(recognition_decided_on__isnull=True) | Q(recognition_decided_on__gt=on))
    certificate = undecided & Q(
        awareness__certificate_on__lte=on,
        awareness__certificate_expires_on__lte=on + dt.timedelta(days=CERTIFICATE_WARNING_DAYS),
    )
    qs = Candidacy.objects.all() if user is None else Candidacy.objects.for_user(user)
    if unit is not None:
        qs = qs.filter(cell_id__in=subtree_unit_ids(unit, on))
    new_member_class = Enrolment.objects.filter(
        person_id=OuterRef("person_id"), training_class__kind=ClassKind.NEW_MEMBER,
        result=Result.PASSED, certificate_on__lte=on)
    cell_name_on = OrgUnitVersion.objects.on(on).filter(unit=OuterRef("cell_id")).values("name")
    return (
        qs.filter(identified_on__lte=on)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .filter(waiting_decision | waiting_ceremony | on_probation | certificate)
        .select_related("person", "cell", "awareness")
        .only(
            "id", "person_id", "cell_id", "awareness_id", "identified_on", "closed_on",
            "cell_resolution_on", "cell_resolution_no", "decision_on", "decision_no",
            "decision_received_on", "ceremony_on", "probation_ends_on", "recognition_decided_on",
            "person__full_name", "person__sort_key", "cell__code", "cell__name",
            "awareness__certificate_number", "awareness__certificate_on",
            "awareness__certificate_expires_on",
        )
        .annotate(has_new_member_class=Exists(new_member_class),
                  cell_name_on=Subquery(cell_name_on[:1]))
    )


def deadlines(*, user, as_of: dt.date, unit: OrgUnit | None = None,
              horizon_days: int = 7) -> list[DeadlineItem]:
    """Việc sắp đến hạn và quá hạn ngày `as_of`, trong phạm vi của `user` (None: toàn bộ).

    `unit` limits the list to that unit's subtree as it stood on `as_of`. Overdue items
    come first, the most late first; then the others by due date.
    """
    ctx = _Ctx(as_of=as_of, horizon=max(horizon_days, 0), cal=working_calendar(),
               rules=RuleSets())
    items: list[DeadlineItem] = []
    for candidacy in _candidacies(user=user, as_of=as_of, unit=unit).iterator(chunk_size=2000):
        for kind in _KINDS:
            item = kind(candidacy, ctx)
            if item is not None:
                items.append(item)
    items.sort(key=DeadlineItem.sort_key)
    return items


def deadlines_cached(*, user, as_of: dt.date, unit: OrgUnit | None = None,
                     horizon_days: int = 7) -> list[DeadlineItem]:
    """`deadlines()` for pages: the same list, shared by the users of one scope through the
    cache of fragments (`core.fragments`), keyed by the scope, `as_of`, the unit, the
    horizon and the data version, so a write anywhere shows on the next request."""
    from dangvien.accounts.scope import scope_key
    from dangvien.core.fragments import cached

    if user is None:
        return deadlines(user=None, as_of=as_of, unit=unit, horizon_days=horizon_days)
    return cached(
        "deadlines", scope=scope_key(user),
        parts=(as_of.isoformat(), unit.pk if unit is not None else "", horizon_days),
        compute=lambda: deadlines(user=user, as_of=as_of, unit=unit, horizon_days=horizon_days))


# --- summaries for pages and commands ------------------------------------------------------


def deadline_counts(items: list[DeadlineItem]) -> dict:
    """{"total", "overdue", "due_soon", "by_kind": {kind: {"overdue", "due_soon"}}}."""
    by_kind = {kind.value: {"overdue": 0, "due_soon": 0} for kind in Kind}
    for item in items:
        by_kind[item.kind]["overdue" if item.is_overdue else "due_soon"] += 1
    overdue = sum(v["overdue"] for v in by_kind.values())
    return {"total": len(items), "overdue": overdue, "due_soon": len(items) - overdue,
            "by_kind": by_kind}


@dataclass
class KindGroup:
    """Các việc cùng loại, cùng tình trạng."""

    kind: str
    items: list[DeadlineItem] = field(default_factory=list)
    #: How many rows a page shows (None: all).
    limit: int | None = None

    @property
    def label(self) -> str:
        return Kind(self.kind).label

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def shown(self) -> list[DeadlineItem]:
        return self.items if self.limit is None else self.items[: self.limit]

    @property
    def hidden(self) -> int:
        return self.count - len(self.shown)


def by_kind(items: list[DeadlineItem]) -> list[KindGroup]:
    """Items grouped by kind, in the order of `Kind`, keeping their order inside a kind."""
    groups: dict[str, KindGroup] = {}
    for item in items:
        groups.setdefault(item.kind, KindGroup(item.kind)).items.append(item)
    return sorted(groups.values(), key=lambda g: KIND_RANK[g.kind])


@dataclass
class UnitGroup:
    """Các việc của một đơn vị (cấp ngay dưới đơn vị đang xem), theo loại."""

    code: str
    name: str
    items: list[DeadlineItem] = field(default_factory=list)

    @property
    def kinds(self) -> list[KindGroup]:
        return by_kind(self.items)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.is_overdue)

    @property
    def due_soon(self) -> int:
        return len(self.items) - self.overdue


def by_unit(items: list[DeadlineItem], *, on: dt.date, unit: OrgUnit | None = None,
            user=None) -> list[UnitGroup]:
    """Items grouped by the unit one level below `unit` (or below the user's scope roots,
    or below the top of the tree), as the tree stood on `on`; groups in tree order.

    Two queries: the base units' versions, then every version under them.
    """
    from dangvien.accounts.scope import scope_roots

    if not items:
        return []
    if unit is not None:
        bases = [unit]
    elif user is not None:
        bases = list(scope_roots(user))
    else:
        bases = list(OrgUnit.objects.get_root_nodes())
    base_paths = sorted(
        OrgUnitVersion.objects.on(on).filter(unit__in=bases).values_list("path", flat=True),
        key=len, reverse=True)
    versions: dict[int, str] = {}
    names: dict[str, tuple[str, str]] = {}
    if base_paths:
        rows = (OrgUnitVersion.objects.on(on)
                .filter(reduce(or_, (Q(path__startswith=p) for p in base_paths)))
                .values_list("unit_id", "path", "name", "unit__code"))
        for unit_id, path, name, code in rows:
            versions[unit_id] = path
            names[path] = (code, name)
    step = OrgUnit.steplen
    groups: dict[str, UnitGroup] = {}
    for item in items:
        path = versions.get(item.cell_id)
        base = next((b for b in base_paths if path and path.startswith(b)), None)
        if path is None or base is None:
            key, code, name = "~", "", "Đơn vị khác"
        else:
            key = path[: len(base) + step]
            code, name = names.get(key, ("", key))
        groups.setdefault(key, UnitGroup(code=code, name=name)).items.append(item)
    return [groups[key] for key in sorted(groups)]


def status_sections(items: list[DeadlineItem]) -> dict[str, list[KindGroup]]:
    """{Status.OVERDUE: [KindGroup…], Status.DUE_SOON: [KindGroup…]} for the page."""
    split: dict[str, list[DeadlineItem]] = defaultdict(list)
    for item in items:
        split[item.status].append(item)
    return {status.value: by_kind(split[status.value])
            for status in (Status.OVERDUE, Status.DUE_SOON)}


# --- the deadlines page's summary -----------------------------------------------------------

#: "Sắp đến hạn" on the deadlines page and in reminders: due within this many working days.
DUE_SOON_WORKING_DAYS = 15


def horizon_for(as_of: dt.date, working_days: int = DUE_SOON_WORKING_DAYS,
                cal: WorkingCalendar | None = None) -> int:
    """The `horizon_days` (calendar days) that reach `working_days` working days after
    `as_of`, for `deadlines(horizon_days=…)`, which counts calendar days."""
    cal = cal or working_calendar()
    try:
        return (cal.add_working_days(as_of, working_days) - as_of).days
    except (ValueError, OverflowError):  # a day the calendar does not cover
        return working_days * 7 // 5 + 14


def regulations_by_kind(items: list[DeadlineItem]) -> list[tuple[str, list[str]]]:
    """[(kind label, [regulation…])] in the order of `Kind`: the legal basis, once per kind."""
    found: dict[str, dict[str, None]] = {}
    for item in items:
        found.setdefault(item.kind, {})[item.regulation] = None
    return [(Kind(kind).label, list(found[kind])) for kind in sorted(found, key=KIND_RANK.get)]


@dataclass
class UnitSummary:
    """Một dòng tổng hợp theo đơn vị: counts per kind, overdue and due soon."""

    code: str
    name: str
    overdue: int
    due_soon: int
    #: [(kind label, overdue, due soon)] per kind, in the order of `Kind`.
    kinds: list[tuple[str, int, int]]

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon


def unit_summaries(groups: list[UnitGroup]) -> list[UnitSummary]:
    """`by_unit`'s groups reduced to counts (a page shows these, not every row)."""
    rows = []
    for group in groups:
        counts = {kind.value: [0, 0] for kind in Kind}
        for item in group.items:
            counts[item.kind][0 if item.is_overdue else 1] += 1
        rows.append(UnitSummary(code=group.code, name=group.name, overdue=group.overdue,
                                due_soon=group.due_soon,
                                kinds=[(kind.label, *counts[kind.value]) for kind in Kind]))
    return rows


def deadlines_listing(*, user, on: dt.date, unit: OrgUnit | None, page_number,
                      per_page: int) -> dict:
    """What the deadlines page's body shows (trang thời hạn): the counts by kind, the summary
    per subordinate unit, the regulations and one page of items; a rule set that cannot be
    read gives its message and no items."""
    from django.core.paginator import Paginator

    error = ""
    try:
        items = deadlines_cached(user=user, as_of=on, unit=unit, horizon_days=horizon_for(on))
    except DomainError as exc:
        items, error = [], exc.message
    counts = deadline_counts(items)
    summaries = unit_summaries(by_unit(items, on=on, unit=unit, user=user))
    if unit is not None and len(summaries) == 1 and summaries[0].code == unit.code:
        summaries = []  # a cell: nothing below it to summarise
    return {
        "error": error,
        "counts": counts,
        "kinds": [{"label": kind.label, "overdue": counts["by_kind"][kind.value]["overdue"],
                   "due_soon": counts["by_kind"][kind.value]["due_soon"]} for kind in Kind],
        "regulations": regulations_by_kind(items),
        "summaries": summaries,
        "page": Paginator(items, per_page).get_page(page_number),
    }

