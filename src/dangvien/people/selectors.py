"""Reads of people and members, always within the user's scope.

Lists never load the citizen ID (CCCD) or the home address: they are deferred, so a
template cannot show them by mistake without an extra query that a test would notice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.core import vn
from dangvien.org.models import CELL_KINDS, OrgUnit, OrgUnitVersion
from dangvien.org.selectors import subtree_unit_ids

from .choices import CANCELLABLE_ENDINGS, MemberStatus
from .events import history
from .models import Membership, Person, Transfer, TransferKind, TransferStatus

#: Sensitive fields no list needs.
_LIST_DEFERRED = ("cccd", "home_address")

#: Longest search text looked at; longer input is cut, not refused.
SEARCH_MAX_CHARS = 100


def members_of_unit(*, user, unit: OrgUnit, on: dt.date) -> QuerySet[Membership]:
    """Đảng viên trong danh sách ngày `on` ở đơn vị và mọi cấp dưới, xếp theo tên.

    Each row carries `cell_name_on` (the cell's name that day) and `probationary_on`
    (dự bị that day), so a page of rows costs one query.
    """
    cell_name_on = Subquery(
        OrgUnitVersion.objects.on(on).filter(unit=OuterRef("cell_id")).values("name")[:1]
    )
    probationary_on = Case(
        When(Q(recognized_on__isnull=True) | Q(recognized_on__gt=on), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        Membership.objects.for_user(user)
        .active_on(on)
        .filter(cell_id__in=subtree_unit_ids(unit, on))
        .select_related("person", "cell")
        .defer(*(f"person__{name}" for name in _LIST_DEFERRED))
        .annotate(cell_name_on=cell_name_on, probationary_on=probationary_on)
        .order_by("person__sort_key", "person_id")
    )


@dataclass
class SearchResult:
    """Kết quả tìm kiếm: tối đa `limit` người, và `more` khi còn nữa.

    Each person carries `open_candidacy`: their open candidacy (hồ sơ kết nạp đang theo dõi)
    that the user may open, or None, so the page marks candidates and links their file.
    """

    text: str = ""
    people: list[Person] = field(default_factory=list)
    more: bool = False

    @property
    def empty_query(self) -> bool:
        return not vn.fold(self.text).split()


def people_search(*, user, text: str, limit: int = 100) -> SearchResult:
    """Tìm người theo tên, có dấu hay không dấu, trong phạm vi người dùng được xem."""
    text = vn.normalize_spaces(text)[:SEARCH_MAX_CHARS]
    result = SearchResult(text=text)
    if result.empty_query:
        return result
    rows = list(
        Person.objects.for_user(user)
        .search(text)
        .select_related("unit")
        .defer(*_LIST_DEFERRED)
        .order_by("sort_key", "pk")[: limit + 1]
    )
    result.people = rows[:limit]
    result.more = len(rows) > limit
    _mark_candidates(user, result.people)
    return result


@dataclass(frozen=True)
class CandidateMark:
    """Dấu "quần chúng ưu tú" trên một dòng tìm kiếm: the open candidacy's file and stage."""

    pk: int
    stage: str
    label: str


def candidate_mark_label(stage: str) -> str:
    """"Quần chúng ưu tú" and the step reached before the decision; the stage's own name
    after it (decided, on probation)."""
    from dangvien.admission.models import PRE_DECISION_STAGES, Stage

    if stage == Stage.SOURCE:
        return "Quần chúng ưu tú"
    label = str(Stage(stage).label)
    if stage in PRE_DECISION_STAGES:
        return f"Quần chúng ưu tú: {label[0].lower()}{label[1:]}"
    return label


def _mark_candidates(user, people: list[Person]) -> None:
    """Set `open_candidacy` (a `CandidateMark` or None) on each person, in one query for the
    page: the latest open candidacy in a cell the user may see."""
    from dangvien.admission.models import Candidacy

    found: dict[int, CandidateMark] = {}
    if people:
        for pk, person_id, stage in (Candidacy.objects.for_user(user).open()
                                     .filter(person_id__in=[p.pk for p in people])
                                     .order_by("person_id", "-identified_on", "-pk")
                                     .values_list("pk", "person_id", "stage")):
            if person_id not in found:
                found[person_id] = CandidateMark(pk, stage, candidate_mark_label(stage))
    for p in people:
        p.open_candidacy = found.get(p.pk)


# --- a member's page and the transfer boxes ---------------------------------------------


@dataclass
class MemberPage:
    """Trang đảng viên: lý lịch rút gọn, các hồ sơ sinh hoạt, biến động, chuyển sinh hoạt."""

    person: Person
    memberships: list[Membership]
    events: list
    transfers: list
    current: Membership | None
    pending: object | None
    can_edit: bool

    #: The user may cancel the ending recorded on `ended` (recorded by mistake).
    can_cancel_end: bool = False
    #: The user may correct the biography (an editor of the unit keeping the record).
    can_correct: bool = False

    @property
    def ended(self) -> Membership | None:
        """The last record when the member no longer belongs to any cell."""
        if self.current is None and self.memberships:
            return self.memberships[-1]
        return None


#: Most people a name search shows (the page and its export).
SEARCH_LIMIT = 100


def member_page(*, user, pk: int) -> MemberPage:
    """A person in the user's scope with their whole history (404 outside the scope)."""
    person = get_object_or_404(
        Person.objects.for_user(user).select_related("unit").defer("cccd"), pk=pk)
    memberships = list(person.memberships.select_related("cell").order_by("started_on", "id"))
    current = next((m for m in memberships if m.ended_on is None), None)
    transfers = list(person.transfers.select_related("from_cell", "to_cell").order_by("-letter_on", "-id"))
    pending = next((t for t in transfers if t.status == TransferStatus.PENDING), None)
    editable = current is not None and can(user, current.cell, Role.EDITOR)
    last = memberships[-1] if current is None and memberships else None
    out_of_province = (last is not None and last.status == MemberStatus.TRANSFERRED_OUT
                       and any(t.kind == TransferKind.OUT and t.status == TransferStatus.DONE
                               and t.membership_id == last.pk for t in transfers))
    cancel = (last is not None and (last.status in CANCELLABLE_ENDINGS or out_of_province)
              and can(user, last.cell, Role.EDITOR))
    return MemberPage(person=person, memberships=memberships, events=history(person.pk),
                      transfers=transfers, current=current, pending=pending, can_edit=editable,
                      can_cancel_end=cancel, can_correct=can(user, person.unit, Role.EDITOR))


def _in_unit(qs, field: str, unit: OrgUnit):
    return qs.filter(**{f"{field}__path__startswith": unit.path})


def transfer_inbox(*, user, unit: OrgUnit, limit: int = 50):
    """Hộp chuyển đến: giấy giới thiệu gửi đến các chi bộ của `unit` (trong phạm vi người dùng).

    Returns (pending, answered): every pending one, oldest letter first, and the latest
    `limit` already answered or received from outside the province.
    """
    qs = _in_unit(Transfer.objects.incoming_for(user), "to_cell", unit).select_related(
        "person", "from_cell", "to_cell").defer("person__cccd", "person__home_address")
    pending = list(qs.filter(status=TransferStatus.PENDING).order_by("letter_on", "id"))
    answered = list(qs.exclude(status=TransferStatus.PENDING).order_by("-updated_at", "-id")[:limit])
    return pending, answered


def transfer_outbox(*, user, unit: OrgUnit, limit: int = 100):
    """Hộp chuyển đi: giấy giới thiệu các chi bộ của `unit` đã cấp, mới nhất trước."""
    return list(
        _in_unit(Transfer.objects.outgoing_for(user), "from_cell", unit)
        .select_related("person", "from_cell", "to_cell")
        .defer("person__cccd", "person__home_address")
        .order_by("-letter_on", "-id")[:limit]
    )


def cells_matching(text: str, *, on: dt.date, exclude: int | None = None, limit: int = 30) -> list[OrgUnit]:
    """Chi bộ trong tỉnh có tên chứa `text` (có dấu hay không dấu), để chọn nơi đến.

    Unit names are not personal data: the sending side may look for any cell.
    """
    words = vn.fold(vn.normalize_spaces(text)[:SEARCH_MAX_CHARS]).split()
    if not words:
        return []
    qs = OrgUnit.objects.active_on(on).filter(kind__in=sorted(CELL_KINDS)).exclude(pk=exclude)
    found = []
    for unit in qs.only("pk", "code", "name", "path", "kind").iterator(chunk_size=2000):
        folded = vn.fold(unit.name)
        if all(w in folded for w in words) or vn.fold(unit.code) == " ".join(words):
            found.append(unit)
            if len(found) >= limit:
                break
    return found


def person_for_correction(*, user, pk: int) -> Person:
    """A person whose biography the user may correct: an editor of the unit keeping the
    record or of a unit above it. Anyone else gets 404, as for a person that does not exist."""
    person = get_object_or_404(Person.objects.for_user(user).select_related("unit"), pk=pk)
    if not can(user, person.unit, Role.EDITOR):
        raise Http404("Bạn không có quyền sửa lý lịch của người này.")
    return person


def biography_history(person: Person) -> list:
    """Lịch sử sửa lý lịch: each correction with who, when, why and old → new values
    (the citizen ID and address masked as in the audit trail), oldest first."""
    from dangvien.core.versions import changes_since

    return changes_since(person, None, actions=("person.correct", "person.update"))


def transfer_for_correction(*, user, pk: int) -> Transfer:
    """A completed transfer the user may correct: an editor of the sending or the receiving
    cell (or above). Anyone else gets 404."""
    transfer = get_object_or_404(
        Transfer.objects.select_related("person", "from_cell", "to_cell")
        .defer("person__cccd", "person__home_address"), pk=pk, status=TransferStatus.DONE)
    if not any(cell is not None and can(user, cell, Role.EDITOR)
               for cell in (transfer.from_cell, transfer.to_cell)):
        raise Http404("Không tìm thấy lần chuyển sinh hoạt trong đơn vị bạn quản lý.")
    return transfer


def transfer_history(transfer: Transfer) -> list:
    """Corrections of a transfer, oldest first (who, when, why, old → new)."""
    from dangvien.core.versions import changes_since

    return changes_since(transfer, None, actions=("transfer.correct",))
