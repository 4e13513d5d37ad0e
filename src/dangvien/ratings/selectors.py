"""Reads for ratings and screening: a cell's entry sheet, the approval overview, the
distribution report, the screening flags. A fixed number of queries each, whatever the
number of units or members; the caller has checked the unit is in the user's scope.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.http import Http404

from dangvien.core import vn
from dangvien.org.models import CELL_KINDS, OrgUnit
from dangvien.people.models import Membership

from .models import (
    LEVELS,
    ActivityLapse,
    Discipline,
    LapseKind,
    Rating,
    RatingLevel,
    RatingRuleSet,
    RatingStatus,
    ScreeningCase,
)


def _rolls_in_year(qs, year: int, prefix: str = ""):
    """Memberships on the rolls on at least one day of `year`."""
    return qs.filter(**{f"{prefix}started_on__lte": dt.date(year, 12, 31)}).filter(
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": dt.date(year, 1, 1)}))


def level_counts(*, unit: OrgUnit, year: int) -> dict[str, int]:
    """Ratings of `year` at each level in the unit's subtree (one query)."""
    rows = (Rating.objects.filter(cell__path__startswith=unit.path, year=year)
            .values("level").annotate(n=Count("id")).order_by())
    return {r["level"]: r["n"] for r in rows}


# --- the cell's entry sheet ----------------------------------------------------------------


@dataclass
class SheetRow:
    membership: Membership
    rating: Rating | None

    @property
    def person(self):
        return self.membership.person


def cell_sheet(*, cell: OrgUnit, year: int) -> list[SheetRow]:
    """Members of the cell during `year`, by Vietnamese name order, with their rating and
    its corrections (3 queries)."""
    members = list(_rolls_in_year(Membership.objects.filter(cell=cell), year)
                   .select_related("person").order_by("person__sort_key", "pk"))
    ratings = {r.person_id: r for r in Rating.objects.filter(
        year=year, person_id__in=[m.person_id for m in members])
        .select_related("cell").prefetch_related("corrections")}
    return [SheetRow(m, ratings.get(m.person_id)) for m in members]


def rating_or_404(user, pk: int) -> Rating:
    """One rating the user may see (its cell in his scope), else 404."""
    rating = (Rating.objects.for_user(user).filter(pk=pk)
              .select_related("person", "cell", "rule_set", "approved_by")
              .prefetch_related("corrections").first())
    if rating is None:
        raise Http404("Không tìm thấy kết quả xếp loại.")
    return rating


# --- the approval overview -----------------------------------------------------------------


@dataclass
class CellStatus:
    """Tình hình xếp loại của một chi bộ trực thuộc trong năm."""

    unit: OrgUnit
    members: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    entered: int = 0
    approved: int = 0
    #: The sum of its ratings' versions: any rating entered, changed or approved raises it.
    versions: int = 0

    @property
    def rated(self) -> int:
        return self.entered + self.approved

    @property
    def missing(self) -> int:
        return max(self.members - self.rated, 0)

    def level(self, level: str) -> int:
        return self.counts.get(level, 0)

    @property
    def level_list(self) -> list[int]:
        return [self.counts.get(lv, 0) for lv in LEVELS]


def approval_overview(*, unit: OrgUnit, year: int) -> list[CellStatus]:
    """The cells directly under `unit` (whose ratings it approves) and their state (3 queries)."""
    cells = list(OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1,
                                        kind__in=CELL_KINDS).order_by("path"))
    by_pk = {c.pk: CellStatus(c) for c in cells}
    for row in (_rolls_in_year(Membership.objects.filter(cell_id__in=by_pk), year)
                .values("cell_id").annotate(n=Count("id")).order_by()):
        by_pk[row["cell_id"]].members = row["n"]
    for row in (Rating.objects.filter(cell_id__in=by_pk, year=year)
                .values("cell_id", "level", "status")
                .annotate(n=Count("id"), v=Sum("row_version")).order_by()):
        status = by_pk[row["cell_id"]]
        status.counts[row["level"]] = status.counts.get(row["level"], 0) + row["n"]
        status.versions += row["v"] or 0
        if row["status"] == RatingStatus.APPROVED:
            status.approved += row["n"]
        else:
            status.entered += row["n"]
    return list(by_pk.values())


def cell_ratings_token(status: CellStatus, *, at: dt.datetime | None = None) -> str:
    """The approval form's version token for one cell's ratings of the year."""
    from django.utils import timezone

    at = at or timezone.now()
    return f"{status.versions + 1}.{int(at.timestamp() * 1_000_000)}"


def rating_change_lines(ratings: list[Rating], since: dt.datetime) -> list[str]:
    """What the audit trail recorded on these ratings after `since` (one query): who, when,
    whose rating, old → new, levels by their names; at most 20 lines."""
    from django.utils import timezone

    from dangvien.audit.models import AuditEvent

    names = {str(r.pk): r.person.full_name for r in ratings}
    events = (AuditEvent.objects.filter(object_type="ratings.rating", object_id__in=list(names),
                                        at__gt=since)
              .exclude(action__endswith=".refused").order_by("id")[:20])

    def shown(data, key="level"):
        value = (data or {}).get(key) if isinstance(data, dict) else None
        label = RatingLevel(value).label if value in RatingLevel.values else "(trống)"
        score = (data or {}).get("score") if isinstance(data, dict) else None
        return label + (f" ({score} điểm)" if score is not None else "")

    lines = []
    for e in events:
        when = timezone.localtime(e.at).strftime("%H:%M ngày %d/%m/%Y")
        what = (f"nhập {shown(e.after)}" if e.action == "rating.enter"
                else f"{shown(e.before)} → {shown(e.after)}")
        if e.action == "rating.correct" and isinstance(e.after, dict):
            what += f" (sửa có lý do: {e.after.get('reason', '')})"
        lines.append(f"{e.actor_name or 'hệ thống'} lúc {when}: {names[e.object_id]}: {what}")
    return lines


@dataclass
class PendingBelow:
    """Một đơn vị cấp dưới (không phải chi bộ) và số kết quả còn chờ duyệt trong đó."""

    unit: OrgUnit
    pending: int


def pending_below(*, unit: OrgUnit, year: int) -> list[PendingBelow]:
    """The committees directly under `unit` and how many ratings wait for approval under
    each (2 queries): where to go next from the approval page."""
    committees = list(OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
                      .exclude(kind__in=CELL_KINDS).order_by("path"))
    if not committees:
        return []
    length = len(unit.path) + OrgUnit.steplen
    counts = dict(Rating.objects.filter(cell__path__startswith=unit.path, year=year,
                                        status=RatingStatus.ENTERED,
                                        cell__depth__gt=unit.depth + 1)
                  .annotate(branch=Substr("cell__path", 1, length))
                  .values_list("branch").annotate(n=Count("id")).order_by())
    return [PendingBelow(c, counts.get(c.path, 0)) for c in committees]


# --- the distribution report ---------------------------------------------------------------


@dataclass
class YearDist:
    """Phân bố mức xếp loại của một đơn vị trong một năm."""

    year: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, level: str) -> int:
        return self.counts.get(level, 0)

    def percent(self, level: str) -> float | None:
        if not self.total:
            return None
        return float(Decimal(self.count(level)) * 100 / Decimal(self.total))

    @property
    def cells(self) -> list[tuple[str, int, str]]:
        """(level, count, "12,5%") for each level, best first (for templates)."""
        return [(lv, self.count(lv), vn.format_ratio(self.count(lv), self.total)) for lv in LEVELS]


@dataclass
class DistRow:
    unit: OrgUnit
    years: list[YearDist]
    is_total: bool = False


@dataclass
class Distribution:
    unit: OrgUnit
    years: list[int]
    rows: list[DistRow]
    total: DistRow


def distribution(*, unit: OrgUnit, years: list[int]) -> Distribution:
    """Counts at each level per direct subordinate of `unit` and year (2 queries).

    A cell (no subordinates) is its own only row. Ratings count under the unit that holds
    the rating cell today.
    """
    years = sorted(set(years))
    children = list(OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
                    .order_by("path"))
    prefix_len = len(unit.path) + OrgUnit.steplen
    qs = Rating.objects.filter(cell__path__startswith=unit.path, year__in=years)
    if children:
        rows_q = (qs.annotate(branch=Substr("cell__path", 1, prefix_len))
                  .values("branch", "year", "level").annotate(n=Count("id")).order_by())
    else:
        rows_q = qs.values("year", "level").annotate(n=Count("id")).order_by()
    counts: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for r in rows_q:
        key = (r.get("branch", unit.path), r["year"])
        counts[key][r["level"]] = counts[key].get(r["level"], 0) + r["n"]
    targets = children or [unit]
    rows = [DistRow(u, [YearDist(y, counts.get((u.path, y), {})) for y in years]) for u in targets]
    total_years = []
    for i, y in enumerate(years):
        merged: dict[str, int] = {}
        for row in rows:
            for lv, n in row.years[i].counts.items():
                merged[lv] = merged.get(lv, 0) + n
        total_years.append(YearDist(y, merged))
    return Distribution(unit=unit, years=years, rows=rows,
                        total=DistRow(unit, total_years, is_total=True))


def rated_years(*, unit: OrgUnit | None = None) -> list[int]:
    """Years that have ratings (in `unit`'s subtree when given), newest first."""
    qs = Rating.objects.all() if unit is None else Rating.objects.filter(
        cell__path__startswith=unit.path)
    return list(qs.values_list("year", flat=True).distinct().order_by("-year"))


@dataclass(frozen=True)
class Completion:
    """Tiến độ nhập kết quả xếp loại: số chi bộ đã nhập trên số chi bộ phải nhập."""

    entered: int
    expected: int

    @property
    def done(self) -> bool:
        return self.entered >= self.expected


def rating_completion(*, unit: OrgUnit, year: int) -> Completion:
    """How many of the cells in `unit`'s subtree that had members on the rolls in `year`
    (the cells expected to rate them) have entered at least one rating for it (2 queries)."""
    expected = set(
        _rolls_in_year(Membership.objects.filter(cell__path__startswith=unit.path,
                                                 cell__kind__in=sorted(CELL_KINDS)), year)
        .values_list("cell_id", flat=True).distinct().order_by())
    entered = set(Rating.objects.filter(cell__path__startswith=unit.path, year=year)
                  .values_list("cell_id", flat=True).distinct().order_by())
    return Completion(entered=len(entered & expected), expected=len(expected))


# --- screening flags -----------------------------------------------------------------------

TWO_YEARS = "hai_nam_khong_hoan_thanh"
REOFFEND = "tai_pham_khi_chiu_ky_luat"
ABSENT = "bo_sinh_hoat"
NO_DUES = "khong_dong_dang_phi"

#: Each rule: what it says and the regulation it comes from.
FLAG_RULES = {
    TWO_YEARS: ("Hai năm liên tiếp xếp loại “Không hoàn thành nhiệm vụ”",
                "Chỉ thị 28-CT/TW ngày 21/01/2019; Hướng dẫn 02-HD/BTCTW ngày 12/4/2021: "
                "đưa vào diện giáo dục, giúp đỡ"),
    REOFFEND: ("Tái phạm trong thời gian đang chịu kỷ luật",
               "Chỉ thị 28-CT/TW ngày 21/01/2019; Hướng dẫn 02-HD/BTCTW ngày 12/4/2021: "
               "đưa vào diện giáo dục, giúp đỡ"),
    ABSENT: ("Bỏ sinh hoạt đảng {n} tháng trong năm không có lý do chính đáng",
             "Điều lệ Đảng, Điều 8 khoản 2; Hướng dẫn 02-HD/BTCTW ngày 12/4/2021: "
             "xem xét xóa tên"),
    NO_DUES: ("Không đóng đảng phí {n} tháng trong năm không có lý do chính đáng",
              "Điều lệ Đảng, Điều 8 khoản 2; Hướng dẫn 02-HD/BTCTW ngày 12/4/2021: "
              "xem xét xóa tên"),
}
#: A discipline with no end date is taken as in force for this long.
DEFAULT_DISCIPLINE_DAYS = 365


@dataclass
class Flag:
    """Một dấu hiệu phải xem xét: quy tắc, căn cứ, chi tiết."""

    code: str
    rule: str
    regulation: str
    detail: str

    def as_dict(self) -> dict:
        return {"code": self.code, "rule": self.rule, "regulation": self.regulation,
                "detail": self.detail}


def _flag(code: str, detail: str, n: int = 0) -> Flag:
    rule, regulation = FLAG_RULES[code]
    return Flag(code, rule.format(n=n), regulation, detail)


def _reoffence(items: list[dict], year: int):
    """The first discipline of `year` decided while an earlier one was in force, if any."""
    for i, later in enumerate(items):
        if later["decided_on"].year != year:
            continue
        for earlier in items[:i]:
            until = earlier["until"] or earlier["decided_on"] + dt.timedelta(days=DEFAULT_DISCIPLINE_DAYS)
            if earlier["decided_on"] < later["decided_on"] <= until:
                return later, earlier, until
    return None


def _person_flags(person_ids_filter: Q, year: int, rule_set: RatingRuleSet | None) -> dict[int, list[Flag]]:
    """Flags by person id, for ratings, disciplines and lapses matching the filter (4 queries)."""
    flags: dict[int, list[Flag]] = defaultdict(list)
    # Two years running "không hoàn thành nhiệm vụ".
    this_year = set(Rating.objects.filter(person_ids_filter, year=year, level=RatingLevel.NOT_DONE)
                    .values_list("person_id", flat=True))
    if this_year:
        last_year = set(Rating.objects.filter(person_id__in=this_year, year=year - 1,
                                              level=RatingLevel.NOT_DONE)
                        .values_list("person_id", flat=True))
        for pid in sorted(last_year):
            flags[pid].append(_flag(TWO_YEARS, f"Không hoàn thành nhiệm vụ năm {year - 1} và năm {year}."))
    # A new discipline decided while an earlier one is still in force.
    rows = list(Discipline.objects.filter(person_ids_filter, decided_on__year__lte=year)
                .order_by("person_id", "decided_on").values("person_id", "decided_on", "until", "form"))
    by_person: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_person[r["person_id"]].append(r)
    for pid, items in by_person.items():
        found = _reoffence(items, year)
        if found is not None:
            later, earlier, until = found
            flags[pid].append(_flag(
                REOFFEND,
                f"Bị kỷ luật ngày {vn.format_date(later['decided_on'])} khi đang chịu kỷ luật "
                f"từ ngày {vn.format_date(earlier['decided_on'])} đến ngày {vn.format_date(until)}."))
    # Months without activity or dues, without good reason, counted per kind.
    months = rule_set.lapse_months if rule_set else 3
    for r in (ActivityLapse.objects.filter(person_ids_filter, year=year, with_reason=False)
              .values("person_id", "kind").annotate(n=Count("month", distinct=True)).order_by()):
        if r["n"] >= months:
            code = ABSENT if r["kind"] == LapseKind.ABSENT else NO_DUES
            flags[r["person_id"]].append(_flag(code, f"{r['n']} tháng trong năm {year}.", n=r["n"]))
    return flags


def _rule_set(year: int) -> RatingRuleSet | None:
    return RatingRuleSet.objects.filter(from_year__lte=year).order_by("-from_year").first()


def flags_for_members(memberships: list[Membership], year: int) -> dict[int, list[Flag]]:
    """Flags of the given memberships, by membership id."""
    by_person = {m.person_id: m.pk for m in memberships}
    flags = _person_flags(Q(person_id__in=list(by_person)), year, _rule_set(year))
    return {by_person[pid]: f for pid, f in flags.items()}


@dataclass
class Flagged:
    """Một đảng viên bị gắn cờ trong năm, với trường hợp sàng lọc (nếu đã mở)."""

    membership: Membership
    flags: list[Flag]
    case: ScreeningCase | None


def screening_list(*, unit: OrgUnit, year: int) -> list[Flagged]:
    """Members of the unit's subtree flagged in `year`, plus those with a case (≈7 queries)."""
    in_unit = Q(cell__path__startswith=unit.path)
    flags = _person_flags(in_unit, year, _rule_set(year))
    cases = {c.person_id: c for c in ScreeningCase.objects.filter(in_unit, year=year)}
    person_ids = set(flags) | set(cases)
    members = (_rolls_in_year(Membership.objects.filter(person_id__in=person_ids,
                                                        cell__path__startswith=unit.path), year)
               .select_related("person", "cell").order_by("cell__path", "person__sort_key"))
    seen: set[int] = set()
    out = []
    for m in members:
        if m.person_id in seen:
            continue
        seen.add(m.person_id)
        out.append(Flagged(m, flags.get(m.person_id, []), cases.get(m.person_id)))
    return out


def official_members_on(cell: OrgUnit, day: dt.date) -> int:
    """Official members on the cell's rolls on `day` (the vote's default base)."""
    return (Membership.objects.filter(cell=cell, recognized_on__lte=day, started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day)).count())


@dataclass
class Recorded:
    """What the cell recorded in a year: months without activity or dues, disciplines."""

    lapses: list[ActivityLapse]
    disciplines: list[Discipline]


def recorded_for_cell(*, cell: OrgUnit, year: int) -> Recorded:
    """The cell's records of `year` (2 queries), for its screening page."""
    return Recorded(
        lapses=list(ActivityLapse.objects.filter(cell=cell, year=year).select_related("person")
                    .order_by("person__sort_key", "kind", "month")),
        disciplines=list(Discipline.objects.filter(cell=cell, decided_on__year=year)
                         .select_related("person").order_by("decided_on", "pk")),
    )
