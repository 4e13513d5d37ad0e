"""Breakdowns of new members (cơ cấu đảng viên mới kết nạp) and organisation coverage
(thôn, bản, tổ dân phố chưa có đảng viên, chưa có chi bộ), for any unit and period.

Reads only. Every figure comes from a fixed number of aggregate queries, however many
admissions or units there are: one conditional-count query for all the categories of a
breakdown, and five for coverage.

What counts, and what the data model cannot say, is in docs/decisions.md
("Breakdowns of new members and organisation coverage").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from dangvien.admission.models import Candidacy, Source, UnionRoute
from dangvien.org.models import (
    CELL_KINDS,
    GRASSROOTS_KINDS,
    OrgUnit,
    OrgUnitVersion,
    PlaceKind,
)
from dangvien.org.selectors import subtree_unit_ids, version_on
from dangvien.people.choices import KINH, Education, Gender, Occupation, Religion
from dangvien.people.models import Membership

#: Which date makes an admission count: the decision (9-KNĐ) or the ceremony.
COUNTS_ON_LABELS = {
    "decision": "ngày quyết định kết nạp",
    "ceremony": "ngày lễ kết nạp (ngày vào Đảng)",
}

#: Age bands on the admission decision day: (key, label, lowest age, highest age).
AGE_BANDS: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("age_under_18", "Dưới 18 tuổi", None, 17),
    ("age_18_30", "Từ 18 đến 30 tuổi", 18, 30),
    ("age_31_40", "Từ 31 đến 40 tuổi", 31, 40),
    ("age_41_50", "Từ 41 đến 50 tuổi", 41, 50),
    ("age_51_60", "Từ 51 đến 60 tuổi", 51, 60),
    ("age_over_60", "Trên 60 tuổi", 61, None),
)
#: Bands shown only when someone falls in them (the rules forbid admitting anyone under 18).
AGE_BANDS_SHOWN_IF_ANY = frozenset({"age_under_18"})

#: Occupation groups of the statistics report; every `Occupation` value in exactly one.
OCCUPATION_GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("occ_workers", "Công nhân", frozenset({Occupation.WORKER})),
    ("occ_farmers", "Nông dân", frozenset({Occupation.FARMER})),
    ("occ_students", "Học sinh, sinh viên", frozenset({Occupation.STUDENT})),
    ("occ_private", "Lao động trong doanh nghiệp tư nhân, doanh nghiệp có vốn đầu tư nước ngoài",
     frozenset({Occupation.PRIVATE_ENTERPRISE})),
    ("occ_civil_servants", "Cán bộ, công chức, viên chức", frozenset({Occupation.CIVIL_SERVANT})),
    ("occ_armed_forces", "Lực lượng vũ trang", frozenset({Occupation.ARMED_FORCES})),
    ("occ_other", "Nghề khác (kể cả người đã nghỉ hưu)",
     frozenset({Occupation.RETIRED, Occupation.OTHER})),
)
_grouped = [value for _key, _label, values in OCCUPATION_GROUPS for value in values]
assert sorted(_grouped) == sorted(Occupation.values), "an occupation is in no group, or in two"

#: At most this many village cells without members, and communes short of cells, are listed.
COVERAGE_LIST_LIMIT = 500


# --- results -------------------------------------------------------------------------


def share_of(count: int, total: int) -> Decimal | None:
    """Percentage of `total` (already × 100, for the `phantram` filter); None of zero."""
    if not total:
        return None
    return Decimal(count) * 100 / Decimal(total)


@dataclass(frozen=True)
class Figure:
    """Một chỉ tiêu của cơ cấu: số lượng và tỷ lệ trên tổng số kết nạp."""

    key: str
    label: str
    count: int
    total: int

    @property
    def share(self) -> Decimal | None:
        return share_of(self.count, self.total)


@dataclass(frozen=True)
class Section:
    """Một bảng của cơ cấu. `partition`: các dòng chia hết tổng số (cộng lại bằng tổng)."""

    key: str
    title: str
    figures: tuple[Figure, ...]
    partition: bool
    note: str = ""


@dataclass(frozen=True)
class Breakdown:
    """Cơ cấu đảng viên mới kết nạp của một đơn vị trong một khoảng thời gian."""

    unit: OrgUnit
    unit_name: str  # the unit's name on `end`
    start: dt.date
    end: dt.date
    counts_on: str
    total: int
    sections: tuple[Section, ...]

    @property
    def counts_on_label(self) -> str:
        return COUNTS_ON_LABELS[self.counts_on]

    def figure(self, key: str) -> Figure:
        for section in self.sections:
            for fig in section.figures:
                if fig.key == key:
                    return fig
        raise KeyError(key)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def as_dict(self) -> dict:
        """Plain data for JSON reports: counts and shares rounded to one decimal."""
        def fig(f: Figure) -> dict:
            share = f.share
            return {"key": f.key, "label": f.label, "count": f.count,
                    "percent": None if share is None else float(round(share, 1))}

        return {
            "unit": {"code": self.unit.code, "name": self.unit_name},
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "counts_on": self.counts_on,
            "total": self.total,
            "sections": [
                {"key": s.key, "title": s.title, "figures": [fig(f) for f in s.figures]}
                for s in self.sections
            ],
        }


# --- new members ---------------------------------------------------------------------


class FullYears(Func):
    """Full years from the second date to the first ("tròn tuổi"), natively on each
    database: Django's Extract* on SQLite call a Python function per value, and six
    age bands of six extracts each made a province's year cost 100 ms there."""

    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # Dates are ISO text: (yyyymmdd(day) − yyyymmdd(birth)) in whole ten-thousands.
        (day_sql, day_params), (birth_sql, birth_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        sql = (f"((CAST(REPLACE({day_sql}, '-', '') AS INTEGER)"
               f" - CAST(REPLACE({birth_sql}, '-', '') AS INTEGER)) / 10000)")
        return sql, (*day_params, *birth_params)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="CAST(DATE_PART('year', AGE(%(expressions)s)) AS INTEGER)",
                           **extra)


def _admission_day():
    # The decision day; the ceremony's only for a row that lacks one (bad imported data).
    return Coalesce("decision_on", "ceremony_on")


def _age_filter(low: int | None, high: int | None) -> Q:
    """Full years on the admission day between low and high (either may be open)."""
    age = FullYears(_admission_day(), F("person__birth_date"))
    q = Q()
    if low is not None:
        q &= Q(GreaterThanOrEqual(age, low))
    if high is not None:
        q &= Q(LessThanOrEqual(age, high))
    return q


#: Đoàn viên: introduced by the Youth Union, or admitted on its resolution (4-KNĐ).
YOUTH_UNION_Q = Q(source=Source.YOUTH_UNION) | Q(union_route=UnionRoute.YOUTH_UNION)


def _readmitted_q() -> Q:
    """Kết nạp lại: an earlier membership of the same person ended before this admission."""
    return Q(Exists(Membership.objects.filter(
        person_id=OuterRef("person_id"), ended_on__isnull=False,
        ended_on__lt=Coalesce(OuterRef("decision_on"), OuterRef("ceremony_on")),
    )))


def _conditions() -> dict[str, Q]:
    """Every counted category as a condition on a candidacy row (no annotations: Django
    would move them into a subquery and, for an Exists, lose it)."""
    conditions = {
        "women": Q(person__gender=Gender.FEMALE),
        "minorities": ~Q(person__ethnicity=KINH),
        "religious": ~Q(person__religion=Religion.NONE),
        "youth_union": YOUTH_UNION_Q,
        "readmitted": _readmitted_q(),
    }
    for key, _label, low, high in AGE_BANDS:
        conditions[key] = _age_filter(low, high)
    for value in Education.values:
        conditions[f"edu_{value}"] = Q(person__education=value)
    for key, _label, values in OCCUPATION_GROUPS:
        conditions[key] = Q(person__occupation__in=sorted(values))
    return conditions


def admissions_in(*, user, unit: OrgUnit, start: dt.date, end: dt.date, counts_on: str):
    """Candidacies admitted in [start, end] in the unit's subtree as it stood on `end`,
    within the user's scope (all when user is None)."""
    if counts_on not in COUNTS_ON_LABELS:
        raise ValueError(f"counts_on must be one of {sorted(COUNTS_ON_LABELS)}, not {counts_on!r}")
    day_field = "decision_on" if counts_on == "decision" else "ceremony_on"
    qs = Candidacy.objects.all() if user is None else Candidacy.objects.for_user(user)
    return qs.filter(
        **{f"{day_field}__gte": start, f"{day_field}__lte": end},
        cell_id__in=subtree_unit_ids(unit, end),
    )


def new_member_breakdown(
    *, user, unit: OrgUnit, start: dt.date, end: dt.date, counts_on: str | None = None
) -> Breakdown:
    """Cơ cấu đảng viên mới kết nạp từ `start` đến `end` (cả hai ngày) của `unit`.

    `counts_on` is "decision" (the decision date counts) or "ceremony"; None reads
    settings.DANGVIEN_PROGRESS_COUNTS_ON. Age is always taken on the decision day. Three
    queries: the unit's version on `end` (its name, then inside `subtree_unit_ids`), and
    one aggregate with a conditional count per category.
    """
    counts_on = counts_on or settings.DANGVIEN_PROGRESS_COUNTS_ON
    version = version_on(unit, end)
    conditions = _conditions()
    rows = admissions_in(
        user=user, unit=unit, start=start, end=end, counts_on=counts_on
    ).aggregate(total=Count("pk"),
                **{key: Count("pk", filter=cond) for key, cond in conditions.items()})
    total = rows["total"]

    def fig(key: str, label: str) -> Figure:
        return Figure(key, label, rows[key], total)

    sections = (
        Section("traits", "Đặc điểm", (
            fig("women", "Nữ"),
            fig("minorities", "Dân tộc thiểu số"),
            fig("religious", "Có đạo (theo tôn giáo)"),
            fig("youth_union", "Đoàn viên Đoàn TNCS Hồ Chí Minh"),
            fig("readmitted", "Kết nạp lại"),
        ), partition=False,
            note="Mỗi người có thể thuộc nhiều dòng; tỷ lệ tính trên tổng số kết nạp."),
        Section("age", "Độ tuổi (tại ngày quyết định kết nạp)", tuple(
            fig(key, label) for key, label, _low, _high in AGE_BANDS
            if key not in AGE_BANDS_SHOWN_IF_ANY or rows[key]
        ), partition=True),
        Section("education", "Trình độ giáo dục phổ thông", tuple(
            fig(f"edu_{value}", label) for value, label in Education.choices
        ), partition=True),
        Section("occupation", "Nghề nghiệp", tuple(
            fig(key, label) for key, label, _values in OCCUPATION_GROUPS
        ), partition=True),
    )
    return Breakdown(
        unit=unit, unit_name=version.name if version else unit.name, start=start, end=end,
        counts_on=counts_on, total=total, sections=sections,
    )


# --- organisation coverage -----------------------------------------------------------


@dataclass(frozen=True)
class EmptyVillageCell:
    """Chi bộ thôn, bản, tổ dân phố không còn đảng viên nào vào ngày xem."""

    code: str
    name: str
    parent_name: str


@dataclass(frozen=True)
class CommuneShortfall:
    """Đảng bộ xã có ít chi bộ thôn, bản, tổ dân phố hơn số thôn, bản, tổ dân phố đã khai báo."""

    code: str
    name: str
    villages: int
    village_cells: int

    @property
    def without_cell(self) -> int:
        return self.villages - self.village_cells


@dataclass(frozen=True)
class Coverage:
    """Thôn, bản, tổ dân phố chưa có đảng viên, chưa có chi bộ, của một đơn vị vào một ngày.

    `village_cells_without_members`: village cells with no member on the day (the only
    villages whose members the data can count). `villages_without_cell`: over communes
    that declared their number of villages, how many villages have no cell of their own;
    None when no commune in the subtree has declared it (unknown, not zero).
    """

    unit: OrgUnit
    unit_name: str
    on: dt.date
    village_cells: int = 0
    village_cells_without_members: int = 0
    empty_cells: list[EmptyVillageCell] = field(default_factory=list)
    communes: int = 0
    communes_declared: int = 0
    villages_declared: int = 0
    villages_without_cell: int | None = None
    shortfalls: list[CommuneShortfall] = field(default_factory=list)

    @property
    def communes_undeclared(self) -> int:
        return self.communes - self.communes_declared

    @property
    def empty_cells_hidden(self) -> int:
        return self.village_cells_without_members - len(self.empty_cells)


def _in_existence(on: dt.date, prefix: str = "unit__") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": on})
    )


def _versions_in_subtree(version: OrgUnitVersion, on: dt.date, user):
    from dangvien.accounts.scope import scope_filter

    qs = OrgUnitVersion.objects.on(on).filter(_in_existence(on), path__startswith=version.path)
    return qs if user is None else scope_filter(qs, user, "unit__path")


def _village_cells(version: OrgUnitVersion, on: dt.date, user):
    return _versions_in_subtree(version, on, user).filter(
        unit__place_kind=PlaceKind.VILLAGE, unit__kind__in=sorted(CELL_KINDS)
    )


def coverage(*, user, unit: OrgUnit, on: dt.date) -> Coverage:
    """Độ phủ tổ chức đảng ở thôn, bản, tổ dân phố trong `unit` vào ngày `on` (5 queries).

    A village is a cell with place kind VILLAGE. A cell has members on `on` when a
    membership on the rolls that day belongs to it or to a closed cell merged into it
    (merged cells sit directly under their successor). Villages without a cell of their
    own come from `OrgUnit.village_count` of grassroots organisations of communes.
    """
    version = version_on(unit, on)
    if version is None:
        return Coverage(unit=unit, unit_name=unit.name, on=on)
    active = Membership.objects.active_on(on)
    merged_in = OrgUnitVersion.objects.on(on).filter(
        parent_id=OuterRef("unit_id"), unit__kind__in=sorted(CELL_KINDS)
    )
    has_members = Q(Exists(active.filter(cell_id=OuterRef("unit_id")))) | Q(
        Exists(merged_in.filter(Exists(active.filter(cell_id=OuterRef("unit_id")))))
    )
    cells = _village_cells(version, on, user)
    totals = cells.aggregate(total=Count("pk"), empty=Count("pk", filter=~has_members))
    parent_name = OrgUnitVersion.objects.on(on).filter(unit_id=OuterRef("parent_id"))
    empty = [
        EmptyVillageCell(code, name, parent or "")
        for code, name, parent in cells.filter(~has_members)
        .annotate(parent_name=Subquery(parent_name.values("name")[:1]))
        .order_by("path")
        .values_list("unit__code", "name", "parent_name")[:COVERAGE_LIST_LIMIT]
    ]

    own_cells = (
        OrgUnitVersion.objects.on(on)
        .filter(_in_existence(on), parent_id=OuterRef("unit_id"),
                unit__place_kind=PlaceKind.VILLAGE, unit__kind__in=sorted(CELL_KINDS))
        .order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    communes = (
        _versions_in_subtree(version, on, user)
        .filter(unit__place_kind=PlaceKind.COMMUNE, unit__kind__in=sorted(GRASSROOTS_KINDS))
        .annotate(cells=Coalesce(Subquery(own_cells, output_field=IntegerField()), 0))
    )
    declared = communes.filter(unit__village_count__isnull=False)
    summary = communes.aggregate(
        communes=Count("pk"),
        declared=Count("pk", filter=Q(unit__village_count__isnull=False)),
        villages=Coalesce(Sum("unit__village_count"), 0),
    )
    short_rows = list(
        declared.filter(unit__village_count__gt=F("cells"))
        .order_by("path")
        .values_list("unit__code", "name", "unit__village_count", "cells")
    )
    shortfalls = [CommuneShortfall(*row) for row in short_rows]
    return Coverage(
        unit=unit,
        unit_name=version.name,
        on=on,
        village_cells=totals["total"],
        village_cells_without_members=totals["empty"],
        empty_cells=empty,
        communes=summary["communes"],
        communes_declared=summary["declared"],
        villages_declared=summary["villages"],
        villages_without_cell=(sum(s.without_cell for s in shortfalls)
                               if summary["declared"] else None),
        shortfalls=shortfalls[:COVERAGE_LIST_LIMIT],
    )

