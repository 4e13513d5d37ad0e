"""Writes for ratings and screening. Same rules for the web pages, the Excel import and the
demo's tests: each refuses bad input with a Vietnamese `DomainError` and saves nothing,
and records an audit row in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.accounts.services import full_name
from dangvien.audit.services import audit_record, snapshot
from dangvien.core import reasons, versions, vn
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.org.models import CELL_KINDS, OrgUnit
from dangvien.people.choices import MemberStatus
from dangvien.people.models import Membership
from dangvien.periods.locks import check_open

from .models import (
    LEVEL_SHORT,
    ActivityLapse,
    Discipline,
    DisciplineForm,
    LapseKind,
    Rating,
    RatingCorrection,
    RatingLevel,
    RatingRuleSet,
    RatingStatus,
    ScreeningCase,
    ScreeningOutcome,
    ScreeningStatus,
)

#: The outcomes that end membership, and the member status each records.
ENDING_OUTCOMES = {
    ScreeningOutcome.REMOVED: MemberStatus.REMOVED,
    ScreeningOutcome.LEFT: MemberStatus.LEFT,
    ScreeningOutcome.EXPELLED: MemberStatus.EXPELLED,
}


# --- rule sets and the 20% check --------------------------------------------------------


def rule_set_for_year(year: int) -> RatingRuleSet:
    """The rule set in force for rating year `year` (the newest from that year or before)."""
    found = RatingRuleSet.objects.filter(from_year__lte=year).order_by("-from_year").first()
    if found is None:
        raise DomainError(
            f"Chưa có quy định đánh giá, xếp loại nào áp dụng cho năm {year}. "
            "Quản trị viên cần khai báo trong trang quản trị.", field="year")
    return found


@dataclass(frozen=True)
class CapCheck:
    """Kiểm tra tỷ lệ xuất sắc so với số tốt trong một chi bộ, đảng bộ."""

    excellent: int
    good: int
    cap_percent: int
    rule: str

    @property
    def exceeded(self) -> bool:
        # Integer comparison: 6 of 30 (exactly 20%) passes, 7 of 33 (21,2%) does not.
        return self.excellent * 100 > self.cap_percent * self.good

    @property
    def percent_text(self) -> str:
        if not self.good:
            return "—"
        return vn.format_percent(Decimal(self.excellent) * 100 / Decimal(self.good), 1)

    @property
    def allowed(self) -> int:
        """The most "xuất sắc" the cap allows for this many "tốt"."""
        return self.cap_percent * self.good // 100

    @property
    def message(self) -> str:
        if not self.exceeded:
            return ""
        ex, good = LEVEL_SHORT[RatingLevel.EXCELLENT], LEVEL_SHORT[RatingLevel.GOOD]
        if not self.good:
            return (f"{vn.format_number(self.excellent)} {ex} trong khi không có ai {good}: "
                    f"vượt {self.cap_percent}% số {good} ({self.rule}). Hãy xem lại.")
        return (f"{vn.format_number(self.excellent)} {ex} là {self.percent_text} của "
                f"{vn.format_number(self.good)} {good}, vượt {self.cap_percent}% "
                f"({self.rule}: tối đa {vn.format_number(self.allowed)} {ex}). Hãy xem lại.")


def cap_check(counts: dict[str, int], rule_set: RatingRuleSet) -> CapCheck:
    return CapCheck(excellent=counts.get(RatingLevel.EXCELLENT, 0),
                    good=counts.get(RatingLevel.GOOD, 0),
                    cap_percent=rule_set.excellent_cap_percent, rule=rule_set.short_name)


# --- entering ratings --------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def on_rolls_in_year(membership: Membership, year: int) -> bool:
    """On the cell's rolls on at least one day of `year`."""
    start, end = _year_bounds(year)
    return membership.started_on <= end and (membership.ended_on is None or membership.ended_on > start)


def check_year(year: int, today: dt.date) -> None:
    """Refuse a rating year before 2000 or after this year."""
    if not isinstance(year, int) or year < 2000 or year > today.year:
        raise DomainError(f"Năm đánh giá {year} không hợp lệ: chỉ đánh giá các năm từ 2000 đến "
                          f"{today.year}.", field="year")


def _require_cell_editor(by, cell: OrgUnit) -> None:
    if cell.kind not in CELL_KINDS:
        raise DomainError(f"{cell.name} không phải chi bộ: việc xếp loại đảng viên do chi bộ "
                          "thực hiện.", field="cell")
    if by is not None and not can(by, cell, Role.EDITOR):
        raise DomainError(f"Bạn không có quyền nhập kết quả xếp loại của {cell.name}.", field="cell")


def resolve_level(rule_set: RatingRuleSet, *, level: str | None, score: int | None,
                  name: str = "") -> tuple[str, int | None]:
    """The level and score to store: from the score under QĐ 366, else the level given."""
    who = f" của {name}" if name else ""
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, int):
            raise DomainError(f"Điểm{who} phải là số nguyên từ 0 đến 100.", field="score")
        if score < 0 or score > 100:
            raise DomainError(f"Điểm{who} là {score}: điểm phải từ 0 đến 100 "
                              f"(thang 100 điểm, {rule_set.short_name}).", field="score")
        if not rule_set.uses_score:
            raise DomainError(f"Năm này xếp loại theo {rule_set.short_name} (bốn mức, không chấm "
                              "điểm): hãy chọn mức xếp loại thay vì nhập điểm.", field="score")
        derived = rule_set.level_for_score(score)
        if level and level != derived:
            raise DomainError(f"Điểm {score}{who} ứng với mức "
                              f"“{RatingLevel(derived).label}” theo {rule_set.short_name}, "
                              f"không phải “{RatingLevel(level).label}”.", field="level")
        return derived, score
    if rule_set.uses_score:
        raise DomainError(f"Năm này chấm theo thang 100 điểm ({rule_set.short_name}): hãy nhập "
                          f"điểm{who} (0–100); mức xếp loại suy ra từ điểm.", field="score")
    if level not in RatingLevel.values:
        raise DomainError(f"Hãy chọn mức xếp loại{who}.", field="level")
    return level, None


def _check_member(membership: Membership, cell: OrgUnit, year: int) -> None:
    name = membership.person.full_name
    if membership.cell_id != cell.pk or not on_rolls_in_year(membership, year):
        raise DomainError(f"{name} không sinh hoạt ở {cell.name} trong năm {year}: chỉ xếp loại "
                          "đảng viên của chi bộ mình.", field="membership")


def _create(*, by, membership: Membership, cell: OrgUnit, year: int, level: str,
            score: int | None, rule_set: RatingRuleSet, note: str) -> Rating:
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                person_id=membership.person_id, membership=membership, cell=cell, year=year,
                level=level, score=score, rule_set=rule_set, note=(note or "").strip()[:300],
                entered_by=by if getattr(by, "pk", None) else None)
    except IntegrityError:
        raise DomainError(f"{membership.person.full_name} đã có kết quả xếp loại năm {year}; mỗi "
                          "đảng viên chỉ xếp loại một lần mỗi năm.", field="membership",
                          code="duplicate") from None
    audit_record(by=by, action="rating.enter", obj=rating, after=snapshot(rating),
                 unit_path=cell.path)
    return rating


@transaction.atomic
def rating_enter(*, by, membership: Membership, year: int, level: str | None = None,
                 score: int | None = None, note: str = "", today: dt.date | None = None) -> Rating:
    """Chi bộ nhập kết quả xếp loại năm `year` cho một đảng viên của mình."""
    membership = Membership.objects.select_related("person", "cell").get(pk=membership.pk)
    cell = membership.cell
    _require_cell_editor(by, cell)
    check_year(year, today or timezone.localdate())
    check_open(unit=cell, on=dt.date(year, 12, 31), what=f"kết quả xếp loại năm {year}")
    _check_member(membership, cell, year)
    if Rating.objects.filter(person_id=membership.person_id, year=year).exists():
        raise DomainError(f"{membership.person.full_name} đã có kết quả xếp loại năm {year}; mỗi "
                          "đảng viên chỉ xếp loại một lần mỗi năm.", field="membership",
                          code="duplicate")
    rule_set = rule_set_for_year(year)
    level, score = resolve_level(rule_set, level=level, score=score,
                                 name=membership.person.full_name)
    return _create(by=by, membership=membership, cell=cell, year=year, level=level, score=score,
                   rule_set=rule_set, note=note)


@dataclass
class Entry:
    """Một dòng của bảng nhập: đảng viên và mức (hoặc điểm) chi bộ chọn.

    `note` None keeps the stored note. `version` is the row's token as the sheet was
    loaded (`row_token`); None (an import, the command line) checks nothing.
    """

    membership_id: int
    level: str | None = None
    score: int | None = None
    note: str | None = None
    version: str | None = None


def row_token(rating: Rating | None, *, at: dt.datetime | None = None) -> str:
    """The version token of one sheet row: the rating's (`core.versions.token`), or
    "0.<time>" for a member not rated when the page was made (a rating entered by someone
    else since then is a conflict too)."""
    if rating is not None:
        return versions.token(rating, at=at)
    at = at or timezone.now()
    return f"0.{int(at.timestamp() * 1_000_000)}"


def parse_row_token(value: str | None) -> tuple[int, dt.datetime] | None:
    """(version, loaded_at) of a row token, version 0 for "not rated then"; None: no token."""
    if value is None or value == "":
        return None
    value = str(value)
    if value.startswith("0."):
        parsed = versions.parse("1" + value[1:])
        return (0, parsed[1]) if parsed else None
    return versions.parse(value)


def level_text(level: str | None, score: int | None = None) -> str:
    """"Hoàn thành tốt nhiệm vụ (78 điểm)"; "(chưa xếp loại)" for nothing."""
    if not level:
        return "(chưa xếp loại)"
    label = RatingLevel(level).label if level in RatingLevel.values else level
    return label + (f" ({score} điểm)" if score is not None else "")


@dataclass
class Conflict:
    """Một dòng của bảng nhập không lưu: người khác đã nhập hoặc sửa kết quả của đảng viên
    này sau khi bạn mở trang. The user's choice is kept on the page to apply again."""

    membership_id: int
    name: str
    rating: Rating  # as stored now
    level: str | None  # what the user chose
    score: int | None
    changes: list[versions.Change]

    @property
    def approved(self) -> bool:
        return self.rating.status == RatingStatus.APPROVED

    @property
    def stored(self) -> str:
        return level_text(self.rating.level, self.rating.score)

    @property
    def wanted(self) -> str:
        return level_text(self.level, self.score)

    @property
    def lines(self) -> list[str]:
        """Who changed what and when, levels by their names."""
        out = []
        for change in self.changes:
            when = timezone.localtime(change.at).strftime("%H:%M ngày %d/%m/%Y")
            what = "; ".join(f"{label}: {_shown(old)} → {_shown(new)}"
                             for label, old, new in change.fields)
            if not what and change.action == "rating.enter":
                what = "nhập lần đầu"
            out.append(f"{change.who} lúc {when}" + (f": {what}" if what else ""))
        if self.approved and self.rating.approved_at is not None:
            # The approval is audited per cell, not per rating: say it from the row.
            who = self.rating.approved_by.username if self.rating.approved_by else "cấp ủy cấp trên"
            when = timezone.localtime(self.rating.approved_at).strftime("%H:%M ngày %d/%m/%Y")
            out.append(f"{who} lúc {when}: duyệt")
        if not out:
            out.append("một người khác (không rõ lúc nào)")
        return out


def _shown(value: str) -> str:
    if value in RatingLevel.values:
        return RatingLevel(value).label
    return value or "(trống)"


@dataclass
class BatchResult:
    created: int
    changed: int
    unchanged: int
    cap: CapCheck
    #: Rows not saved because someone else changed them after the sheet was loaded.
    conflicts: list[Conflict] = field(default_factory=list)
    #: Each saved change: (membership id, {field: (old, new)}), for the import's preview.
    changes: list[tuple[int, dict]] = field(default_factory=list)

    @property
    def message(self) -> str:
        parts = []
        if self.created:
            parts.append(f"nhập mới {vn.format_number(self.created)}")
        if self.changed:
            parts.append(f"sửa {vn.format_number(self.changed)}")
        if not parts:
            return "Không có thay đổi nào được lưu." if self.conflicts else "Không có thay đổi nào."
        return "Đã " + ", ".join(parts) + " kết quả xếp loại."


@transaction.atomic
def ratings_enter_batch(*, by, cell: OrgUnit, year: int, entries: Iterable[Entry],
                        today: dt.date | None = None) -> BatchResult:
    """Nhập (hoặc sửa, khi chưa duyệt) kết quả xếp loại của cả chi bộ trong một lần.

    A refused row (a wrong level, a member of another cell…) raises and nothing of the
    batch is saved. Rows without a level or score are skipped (not yet rated). A row
    whose rating changed since its `version` was loaded, and that this entry would change,
    is a conflict: it is not written and comes back in `conflicts` (who changed what and
    when) while the other rows are saved. Two secretaries rating different members of
    one sheet therefore both succeed.
    """
    cell = OrgUnit.objects.get(pk=cell.pk)
    _require_cell_editor(by, cell)
    check_year(year, today or timezone.localdate())
    check_open(unit=cell, on=dt.date(year, 12, 31), what=f"kết quả xếp loại năm {year}")
    rule_set = rule_set_for_year(year)
    entries = [e for e in entries if e.level or e.score is not None]
    ids = [e.membership_id for e in entries]
    if len(set(ids)) != len(ids):
        raise DomainError("Một đảng viên xuất hiện hai lần trong bảng nhập.")
    members = {m.pk: m for m in Membership.objects.filter(pk__in=ids).select_related("person")}
    existing = {r.person_id: r for r in Rating.objects.select_for_update()
                .filter(person_id__in=[m.person_id for m in members.values()], year=year)}
    created = changed = unchanged = 0
    conflicts: list[Conflict] = []
    changes: list[tuple[int, dict]] = []
    for entry in entries:
        membership = members.get(entry.membership_id)
        if membership is None:
            raise DomainError("Bảng nhập có một đảng viên không còn trong hệ thống; hãy tải lại "
                              "trang.", field="membership")
        _check_member(membership, cell, year)
        level, score = resolve_level(rule_set, level=entry.level, score=entry.score,
                                     name=membership.person.full_name)
        loaded = parse_row_token(entry.version)
        rating = existing.get(membership.person_id)
        if rating is None:
            _create(by=by, membership=membership, cell=cell, year=year, level=level, score=score,
                    rule_set=rule_set, note=entry.note or "")
            changes.append((membership.pk, {"level": (None, level), "score": (None, score)}))
            created += 1
            continue
        note = rating.note if entry.note is None else entry.note.strip()[:300]
        if (rating.level, rating.score, rating.note) == (level, score, note):
            unchanged += 1  # the same as stored, whoever stored it: nothing to say
            continue
        if loaded is not None and (rating.row_version or 1) != loaded[0]:
            conflicts.append(Conflict(
                membership.pk, membership.person.full_name, rating, level, score,
                versions.changes_since(rating, loaded[1])))
            continue
        if rating.cell_id != cell.pk:
            raise DomainError(f"{membership.person.full_name} đã được {rating.cell.name} xếp loại "
                              f"năm {year}.", field="membership", code="duplicate")
        if rating.status == RatingStatus.APPROVED:
            raise DomainError(f"Kết quả xếp loại năm {year} của {membership.person.full_name} đã "
                              "được cấp ủy cấp trên duyệt; không sửa được ở chi bộ (cấp đã duyệt "
                              "sửa trên trang, với lý do).", field="membership")
        before = snapshot(rating)
        diff = {f: (old, new) for f, old, new in (("level", rating.level, level),
                                                  ("score", rating.score, score),
                                                  ("note", rating.note, note)) if old != new}
        rating.level, rating.score, rating.note = level, score, note
        rating.entered_by = by if getattr(by, "pk", None) else None
        rating.save(update_fields=["level", "score", "note", "entered_by", "updated_at"])
        audit_record(by=by, action="rating.update", obj=rating, before=before,
                     after=snapshot(rating), unit_path=cell.path)
        changes.append((membership.pk, diff))
        changed += 1
    from .selectors import level_counts

    cap = cap_check(level_counts(unit=cell, year=year), rule_set)
    return BatchResult(created=created, changed=changed, unchanged=unchanged, cap=cap,
                       conflicts=conflicts, changes=changes)


# --- approval by the committee above -----------------------------------------------------


def committee_above(cell: OrgUnit) -> OrgUnit | None:
    """The unit directly above a cell (đảng ủy cơ sở, or the district for a grassroots cell)."""
    if cell.depth <= 1:
        return None
    return OrgUnit.objects.filter(path=cell.path[: -OrgUnit.steplen]).first()


def can_approve(user, cell: OrgUnit) -> bool:
    above = committee_above(cell)
    return above is not None and can(user, above, Role.EDITOR)


class CellRatingsChanged(DomainError):
    """Kết quả xếp loại của chi bộ đã thay đổi sau khi trang duyệt được mở: not approved."""

    def __init__(self, cell: OrgUnit, lines: list[str]):
        self.lines = lines
        super().__init__(
            f"Chưa duyệt: kết quả xếp loại của {cell.name} đã được nhập hoặc sửa sau khi bạn mở "
            "trang (xem bên dưới). Số liệu trên trang đã được cập nhật; xem lại rồi bấm Duyệt "
            "lần nữa.", field="cell", code="stale")


@transaction.atomic
def ratings_approve(*, by, cell: OrgUnit, year: int, version: str | None = None) -> int:
    """Cấp ủy cấp trên duyệt kết quả xếp loại năm `year` của một chi bộ; trả về số đã duyệt.

    `version` is the cell's token on the approval page (`selectors.cell_ratings_token`):
    when a rating of the cell was entered or changed since, nothing is approved and
    `CellRatingsChanged` names who changed what (the approver approves what he saw).
    """
    from .selectors import rating_change_lines

    above = committee_above(cell)
    if above is None or (by is not None and not can(by, above, Role.EDITOR)):
        raise DomainError(f"Chỉ cấp ủy cấp trên của {cell.name} mới duyệt được kết quả xếp loại "
                          "của chi bộ.", field="cell")
    loaded = versions.parse(version)
    every = list(Rating.objects.select_for_update().filter(cell=cell, year=year).order_by("pk"))
    if loaded is not None and sum(r.row_version or 1 for r in every) + 1 != loaded[0]:
        changed = Rating.objects.filter(pk__in=[r.pk for r in every]).select_related("person")
        raise CellRatingsChanged(cell, rating_change_lines(list(changed), loaded[1]))
    pending = [r for r in every if r.status == RatingStatus.ENTERED]
    if not pending:
        raise DomainError(f"{cell.name} không có kết quả xếp loại năm {year} nào chờ duyệt.")
    now = timezone.now()
    user = by if getattr(by, "pk", None) else None
    # A bulk update does not count saves by itself: bump the versions, so a sheet loaded
    # before the approval cannot change an approved rating unnoticed.
    Rating.objects.filter(pk__in=[r.pk for r in pending]).update(
        status=RatingStatus.APPROVED, approved_by=user, approved_at=now, updated_at=now,
        row_version=F("row_version") + 1)
    audit_record(by=by, action="rating.approve", object_type="ratings.rating",
                 object_id=f"{cell.code}/{year}",
                 after={"cell": cell.code, "year": year, "count": len(pending),
                        "ids": [r.pk for r in pending]},
                 unit_path=cell.path)
    return len(pending)


# --- corrections with a reason -----------------------------------------------------------


def corrector_unit(rating: Rating) -> OrgUnit | None:
    """The level that may correct a rating: the cell before approval, the committee that
    approves (the one above the cell) after; an editor there or above may correct."""
    if rating.status == RatingStatus.APPROVED:
        return committee_above(rating.cell)
    return rating.cell


def can_correct(user, rating: Rating) -> bool:
    unit = corrector_unit(rating)
    return unit is not None and can(user, unit, Role.EDITOR)


@transaction.atomic
def rating_correct(*, by, rating: Rating, reason: str, level: str | None = None,
                   score: int | None = None, version: str | None = None) -> Rating:
    """Sửa kết quả xếp loại có lý do.

    Before approval, by an editor of the cell that entered it or above; after approval,
    only by the committee that approved (the one above the cell) or above. The old value
    stays in the rating's history (`RatingCorrection`) and in the audit, with the reason.
    An approved rating stays approved. The report and the screening read the new value.
    """
    rating = Rating.objects.select_for_update(of=("self",)).select_related(
        "cell", "person", "rule_set").get(pk=rating.pk)
    name = rating.person.full_name
    unit = corrector_unit(rating)
    if by is not None and (unit is None or not can(by, unit, Role.EDITOR)):
        if rating.status == RatingStatus.APPROVED:
            who = unit.name if unit is not None else "cấp ủy cấp trên"
            raise DomainError(f"Kết quả xếp loại năm {rating.year} của {name} đã được duyệt: chỉ "
                              f"{who} (cấp đã duyệt) hoặc cấp trên mới sửa được.", field="level")
        raise DomainError(f"Bạn không có quyền sửa kết quả xếp loại của {rating.cell.name}.",
                          field="level")
    versions.check(rating, version, what=f"kết quả xếp loại năm {rating.year} của {name}")
    check_open(unit=rating.cell, on=dt.date(rating.year, 12, 31),
               what=f"kết quả xếp loại năm {rating.year} của {name}")
    reason = reasons.clean_reason(reason, example="chi bộ họp xét lại ngày …, nhập nhầm mức")
    level, score = resolve_level(rating.rule_set, level=level, score=score, name=name)
    if (level, score) == (rating.level, rating.score):
        raise DomainError(f"Mức mới giống mức đang lưu ({level_text(level, score)}): không có gì "
                          "để sửa.", field="level")
    before = snapshot(rating)
    user = by if getattr(by, "pk", None) else None
    RatingCorrection.objects.create(
        rating=rating, old_level=rating.level, old_score=rating.score, new_level=level,
        new_score=score, after_approval=rating.status == RatingStatus.APPROVED,
        reason=reason[:500], by=user,
        by_name=((full_name(user) or user.username) if user else str(by or "hệ thống"))[:150])
    rating.level, rating.score = level, score
    rating.save(update_fields=["level", "score", "updated_at"])
    audit_record(by=by, action="rating.correct", obj=rating, before=before,
                 after=snapshot(rating) | {"reason": reason}, unit_path=rating.cell.path)
    return rating


# --- discipline and lapse records --------------------------------------------------------


def _member_editor(by, membership: Membership) -> None:
    if by is not None and not can(by, membership.cell, Role.EDITOR):
        raise DomainError(f"Bạn không có quyền cập nhật hồ sơ của {membership.cell.name}.")


@transaction.atomic
def discipline_record(*, by, membership: Membership, form: str, decided_on: dt.date,
                      until: dt.date | None = None, decision_number: str = "",
                      reason: str = "") -> Discipline:
    """Ghi nhận một quyết định kỷ luật đảng viên (hình thức, ngày, thời hạn)."""
    membership = Membership.objects.select_related("person", "cell").get(pk=membership.pk)
    _member_editor(by, membership)
    if form not in DisciplineForm.values:
        raise DomainError("Hình thức kỷ luật không hợp lệ.", field="form")
    if until is not None and until <= decided_on:
        raise DomainError("Thời hạn chịu kỷ luật phải sau ngày quyết định.", field="until")
    row = Discipline.objects.create(
        person_id=membership.person_id, membership=membership, cell=membership.cell, form=form,
        decided_on=decided_on, until=until, decision_number=decision_number.strip(),
        reason=reason.strip())
    audit_record(by=by, action="discipline.record", obj=row, after=snapshot(row),
                 unit_path=membership.cell.path)
    return row


@transaction.atomic
def lapse_record(*, by, membership: Membership, year: int, month: int, kind: str,
                 with_reason: bool = False, note: str = "") -> ActivityLapse:
    """Ghi nhận một tháng đảng viên không sinh hoạt hoặc không đóng đảng phí."""
    membership = Membership.objects.select_related("person", "cell").get(pk=membership.pk)
    _member_editor(by, membership)
    if kind not in LapseKind.values:
        raise DomainError("Loại vi phạm không hợp lệ.", field="kind")
    if not 1 <= month <= 12:
        raise DomainError(f"Tháng {month} không hợp lệ (1–12).", field="month")
    if ActivityLapse.objects.filter(person_id=membership.person_id, year=year, month=month,
                                    kind=kind).exists():
        raise DomainError(f"Đã ghi nhận tháng {month}/{year} cho {membership.person.full_name}.")
    row = ActivityLapse.objects.create(
        person_id=membership.person_id, membership=membership, cell=membership.cell, year=year,
        month=month, kind=kind, with_reason=with_reason, note=note.strip())
    audit_record(by=by, action="lapse.record", obj=row, after=snapshot(row),
                 unit_path=membership.cell.path)
    return row


# --- screening cases ---------------------------------------------------------------------


@transaction.atomic
def screening_open(*, by, membership: Membership, year: int) -> ScreeningCase:
    """Mở trường hợp sàng lọc cho một đảng viên bị gắn cờ trong năm `year`."""
    from .selectors import flags_for_members

    membership = Membership.objects.select_related("person", "cell").get(pk=membership.pk)
    cell = membership.cell
    _require_cell_editor(by, cell)
    if membership.ended_on is not None:
        raise DomainError(f"{membership.person.full_name} đã thôi sinh hoạt đảng.")
    if ScreeningCase.objects.filter(person_id=membership.person_id, year=year).exists():
        raise DomainError(f"Đã có trường hợp sàng lọc năm {year} của {membership.person.full_name}.",
                          code="duplicate")
    flags = flags_for_members([membership], year).get(membership.pk, [])
    if not flags:
        raise DomainError(f"{membership.person.full_name} không có dấu hiệu nào phải xem xét trong "
                          f"năm {year}.")
    rule_set = rule_set_for_year(year)
    case = ScreeningCase.objects.create(
        person_id=membership.person_id, membership=membership, cell=cell, year=year,
        reasons=[f.as_dict() for f in flags], rule_set=rule_set, params=rule_set.params(),
        opened_by=by if getattr(by, "pk", None) else None)
    audit_record(by=by, action="screening.open", obj=case, after=snapshot(case),
                 unit_path=cell.path)
    return case


def vote_passes(*, yes: int, base: int, params: dict) -> bool:
    """Whether `yes` of `base` reaches the share the rule set asks (2/3, above or at least)."""
    num, den = params.get("vote_numerator", 2), params.get("vote_denominator", 3)
    if params.get("vote_strictly_more", True):
        return yes * den > num * base
    return yes * den >= num * base


def vote_share_text(params: dict) -> str:
    num, den = params.get("vote_numerator", 2), params.get("vote_denominator", 3)
    if params.get("vote_strictly_more", True):
        return f"trên {num}/{den}"
    return f"từ {num}/{den} trở lên"


@transaction.atomic
def screening_vote(*, by, case: ScreeningCase, voted_on: dt.date, official_members: int,
                   exempt_members: int, yes_votes: int, version: str | None = None) -> ScreeningCase:
    """Ghi kết quả bỏ phiếu kín của chi bộ.

    The base is the official members minus those exempt from activity (miễn sinh hoạt);
    the member is placed under education when the yes votes reach the rule set's share
    of that base. Votes above the base are refused.
    """
    case = ScreeningCase.objects.select_for_update().select_related("cell", "person").get(pk=case.pk)
    _require_cell_editor(by, case.cell)
    versions.check(case, version, what=f"trường hợp sàng lọc của {case.person.full_name}")
    if case.status != ScreeningStatus.OPEN:
        raise DomainError("Chi bộ đã biểu quyết trường hợp này.")
    for name, value, label in (("official_members", official_members, "Số đảng viên chính thức"),
                               ("exempt_members", exempt_members, "Số đảng viên miễn sinh hoạt"),
                               ("yes_votes", yes_votes, "Số phiếu tán thành")):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise DomainError(f"{label} phải là số nguyên không âm.", field=name)
    if official_members < 1:
        raise DomainError("Chi bộ phải có ít nhất một đảng viên chính thức để biểu quyết.",
                          field="official_members")
    if exempt_members >= official_members:
        raise DomainError(f"Số miễn sinh hoạt ({exempt_members}) phải ít hơn số đảng viên chính "
                          f"thức ({official_members}).", field="exempt_members")
    base = official_members - exempt_members
    if yes_votes > official_members:
        raise DomainError(f"Số phiếu tán thành ({yes_votes}) nhiều hơn số đảng viên chính thức "
                          f"của chi bộ ({official_members}): hãy kiểm tra lại biên bản kiểm phiếu.",
                          field="yes_votes")
    if yes_votes > base:
        raise DomainError(f"Số phiếu tán thành ({yes_votes}) nhiều hơn số đảng viên chính thức "
                          f"được biểu quyết ({base} = {official_members} chính thức − "
                          f"{exempt_members} miễn sinh hoạt): hãy kiểm tra lại biên bản kiểm phiếu.",
                          field="yes_votes")
    if voted_on.year < case.year:
        raise DomainError(f"Ngày biểu quyết phải từ năm {case.year} trở đi.", field="voted_on")
    before = snapshot(case)
    case.voted_on = voted_on
    case.official_members, case.exempt_members, case.yes_votes = official_members, exempt_members, yes_votes
    if vote_passes(yes=yes_votes, base=base, params=case.params):
        case.status = ScreeningStatus.EDUCATION
        case.education_ends_on = add_months(voted_on, case.params.get("education_months", 12))
    else:
        case.status = ScreeningStatus.NOT_PLACED
        case.education_ends_on = None
    case.save()
    audit_record(by=by, action="screening.vote", obj=case, before=before, after=snapshot(case),
                 unit_path=case.cell.path)
    return case


@transaction.atomic
def screening_outcome(*, by, case: ScreeningCase, outcome: str, decision: str,
                      decided_on: dt.date, note: str = "",
                      version: str | None = None) -> ScreeningCase:
    """Kết luận: tiến bộ; xóa tên; cho ra khỏi Đảng; khai trừ (có số và ngày quyết định).

    An outcome that ends membership records it through `people.services.membership_end`.
    Decided by the committee above the cell.
    """
    from dangvien.people.services import membership_end

    case = (ScreeningCase.objects.select_for_update()
            .select_related("cell", "person", "membership").get(pk=case.pk))
    above = committee_above(case.cell)
    if above is None or (by is not None and not can(by, above, Role.EDITOR)):
        raise DomainError(f"Kết luận trường hợp sàng lọc do cấp ủy cấp trên của {case.cell.name} "
                          "quyết định.")
    versions.check(case, version, what=f"trường hợp sàng lọc của {case.person.full_name}")
    if case.status == ScreeningStatus.CLOSED:
        raise DomainError("Trường hợp này đã có kết quả.")
    if outcome not in ScreeningOutcome.values:
        raise DomainError("Hãy chọn kết quả.", field="outcome")
    decision = (decision or "").strip()
    if not decision:
        raise DomainError("Hãy ghi số quyết định (hoặc nghị quyết), ví dụ 12-QĐ/ĐU.", field="decision")
    if not isinstance(decided_on, dt.date):
        raise DomainError("Hãy nhập ngày quyết định.", field="decided_on")
    if case.voted_on and decided_on < case.voted_on:
        raise DomainError(f"Ngày quyết định không được trước ngày chi bộ biểu quyết "
                          f"({vn.format_date(case.voted_on)}).", field="decided_on")
    if outcome == ScreeningOutcome.CLEARED and case.status != ScreeningStatus.EDUCATION:
        raise DomainError("Chỉ kết luận “tiến bộ” cho đảng viên đang trong diện giáo dục, giúp đỡ.",
                          field="outcome")
    before = snapshot(case)
    case.outcome, case.outcome_decision, case.outcome_on = outcome, decision, decided_on
    case.note = (note or "").strip()[:300]
    case.status = ScreeningStatus.CLOSED
    case.save()
    if outcome in ENDING_OUTCOMES:
        membership_end(by=by, membership=case.membership, status=ENDING_OUTCOMES[outcome],
                       ended_on=decided_on, decision_no=decision, decision_on=decided_on,
                       note=f"Kết quả sàng lọc năm {case.year}")
    audit_record(by=by, action="screening.outcome", obj=case, before=before, after=snapshot(case),
                 unit_path=case.cell.path)
    return case
