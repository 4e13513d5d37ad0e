"""Khảo sát nguồn kết nạp theo quý: the candidate pool of a unit at the end of a quarter.

The yearly plan asks every unit to survey its candidates each quarter. A survey is a
snapshot taken on the quarter's last day: the candidacies in the unit's subtree (as the
tree stood that day) that were open and not yet decided, per `Candidacy.stage_on_date`,
counted by stage (SOURCE … GRASSROOTS_PROPOSED) and by source organisation. One row per
(unit, year, quarter); taking it again replaces the row, and each write is audited.

`survey_take_all` surveys a whole subtree at once: every candidacy is read once (one
query), its stage computed once, and the counts rolled up over its cell's path prefixes,
so the province's ~700 organisations cost one read, not one read each.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can, scope_filter
from dangvien.audit.services import audit_record, snapshot
from dangvien.core import vn
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit, OrgUnitVersion, UnitKind
from dangvien.org.selectors import subtree_unit_ids, version_on

from .models import PATH, PRE_DECISION_STAGES, Candidacy, CandidateSurvey, Source, Stage

#: The stages a survey counts, in path order.
SURVEY_STAGES: list[str] = [s.value for s in PATH if s in PRE_DECISION_STAGES]
SURVEY_SOURCES: list[str] = [s.value for s in Source]
FIRST_YEAR, LAST_YEAR = 1930, 2100


class SurveyLevel(models.TextChoices):
    """Những tổ chức đảng được lập khảo sát khi lập cho cả một cấp."""

    CELL = "chi_bo", "Mọi tổ chức đảng, kể cả chi bộ trực thuộc"
    GRASSROOTS = "co_so", "Tổ chức cơ sở đảng và các cấp ủy cấp trên"
    ABOVE_GRASSROOTS = "cap_tren", "Chỉ các cấp ủy cấp trên cơ sở"


LEVEL_KINDS: dict[str, frozenset[str]] = {
    SurveyLevel.CELL: frozenset(k.value for k in UnitKind),
    SurveyLevel.GRASSROOTS: frozenset(k.value for k in UnitKind if k != UnitKind.CELL),
    SurveyLevel.ABOVE_GRASSROOTS: frozenset({
        UnitKind.PROVINCE.value, UnitKind.DISTRICT.value, UnitKind.BLOC.value,
        UnitKind.DIRECT.value}),
}


# --- quarters ----------------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    _check_quarter(year, quarter)
    last_month = quarter * 3
    return (dt.date(year, last_month - 2, 1),
            dt.date(year, last_month, pycal.monthrange(year, last_month)[1]))


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_ended(year: int, quarter: int, today: dt.date) -> bool:
    return quarter_bounds(year, quarter)[1] < today


def _check_quarter(year: int, quarter: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise DomainError(f"Quý phải là 1, 2, 3 hoặc 4 (không phải {quarter}).", field="quarter")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(f"Năm {year} không hợp lệ.", field="year")


def _require_ended(year: int, quarter: int, today: dt.date) -> dt.date:
    last = quarter_bounds(year, quarter)[1]
    if last >= today:
        raise DomainError(
            f"Quý {quarter}/{year} chưa kết thúc (số liệu tính đến hết ngày "
            f"{vn.format_date(last)}, hôm nay là {vn.format_date(today)}). Chỉ lập khảo sát "
            "cho quý đã kết thúc.", field="quarter", code="quarter_not_ended")
    return last


# --- counting ----------------------------------------------------------------------------


@dataclass
class Tally:
    """Số quần chúng theo bước và theo nguồn."""

    by_stage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SURVEY_STAGES, 0))
    by_source: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SURVEY_SOURCES, 0))
    total: int = 0

    def add(self, stage: str, source: str) -> None:
        self.by_stage[stage] = self.by_stage.get(stage, 0) + 1
        self.by_source[source] = self.by_source.get(source, 0) + 1
        self.total += 1


def _pool_by_prefix(root_path: str, root: OrgUnit, on: dt.date) -> dict[str, Tally]:
    """Candidates not yet decided on `on` under `root`, tallied for every path prefix of
    their cell (as the tree stood on `on`). Two queries, whatever the size."""
    paths = dict(OrgUnitVersion.objects.on(on).filter(path__startswith=root_path)
                 .values_list("unit_id", "path"))
    rows = (
        Candidacy.objects.filter(cell_id__in=subtree_unit_ids(root, on), identified_on__lte=on)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))
        .filter(Q(decision_on__isnull=True) | Q(decision_on__gt=on))
        .only("id", "cell_id", "source", "stage", "closed_on", "identified_on", "class_done_on",
              "dossier_done_on", "cell_resolution_on", "grassroots_resolution_on",
              "decision_on", "ceremony_on", "recognition_decided_on")
    )
    step = OrgUnit.steplen
    tallies: dict[str, Tally] = {}
    for candidacy in rows.iterator(chunk_size=5000):
        stage = candidacy.stage_on_date(on)
        path = paths.get(candidacy.cell_id)
        if stage not in PRE_DECISION_STAGES or path is None:
            continue
        for end in range(len(root_path), len(path) + 1, step):
            tallies.setdefault(path[:end], Tally()).add(stage, candidacy.source)
    return tallies


# --- writes ------------------------------------------------------------------------------


def _require(by, unit: OrgUnit) -> None:
    if by is not None and not can(by, unit, Role.EDITOR):
        raise DomainError(f"Bạn không có quyền lập khảo sát của {unit.name}.")


def _write(*, by, year: int, quarter: int, on: dt.date, targets: list[tuple[int, str]],
           tallies: dict[str, Tally], progress: Callable[[int, int], None] | None
           ) -> list[CandidateSurvey]:
    existing = {s.unit_id: s for s in CandidateSurvey.objects.filter(
        year=year, quarter=quarter, unit_id__in=[unit_id for unit_id, _ in targets])}
    now = timezone.now()
    out: list[CandidateSurvey] = []
    for done, (unit_id, path) in enumerate(targets, start=1):
        tally = tallies.get(path) or Tally()
        survey = existing.get(unit_id)
        before = snapshot(survey) if survey is not None else None
        if survey is None:
            survey = CandidateSurvey(unit_id=unit_id, year=year, quarter=quarter)
        survey.as_of, survey.total, survey.taken_at = on, tally.total, now
        survey.by_stage, survey.by_source = tally.by_stage, tally.by_source
        survey.save()
        audit_record(by=by, action="candidacy.survey", obj=survey, before=before,
                     after=snapshot(survey), unit_path=path)
        out.append(survey)
        if progress is not None:
            progress(done, len(targets))
    return out


@transaction.atomic
def survey_take(*, by, unit: OrgUnit, year: int, quarter: int,
                today: dt.date | None = None) -> CandidateSurvey:
    """Lập (hoặc lập lại) khảo sát nguồn kết nạp quý của một đơn vị, tính đến cuối quý."""
    today = today or timezone.localdate()
    _check_quarter(year, quarter)
    _require(by, unit)
    on = _require_ended(year, quarter, today)
    version = version_on(unit, on)
    if version is None:
        raise DomainError(f"{unit.name} chưa được thành lập vào ngày {vn.format_date(on)}.",
                          field="unit")
    tallies = _pool_by_prefix(version.path, unit, on)
    return _write(by=by, year=year, quarter=quarter, on=on, targets=[(unit.pk, version.path)],
                  tallies=tallies, progress=None)[0]


@transaction.atomic
def survey_take_all(*, by, year: int, quarter: int, level: str = SurveyLevel.GRASSROOTS,
                    unit: OrgUnit | None = None, today: dt.date | None = None,
                    progress: Callable[[int, int], None] | None = None) -> list[CandidateSurvey]:
    """Lập khảo sát quý cho `unit` (mặc định: toàn bộ cây) và mọi tổ chức đảng dưới nó
    thuộc cấp `level` (mặc định: tổ chức cơ sở đảng và các cấp ủy cấp trên).

    `unit` itself is always surveyed. Units that did not exist on the quarter's last day
    are skipped.
    """
    today = today or timezone.localdate()
    _check_quarter(year, quarter)
    if level not in LEVEL_KINDS:
        raise DomainError("Cấp lập khảo sát không hợp lệ.", field="level")
    roots = [unit] if unit is not None else list(OrgUnit.objects.get_root_nodes())
    for root in roots:
        _require(by, root)
    on = _require_ended(year, quarter, today)
    out: list[CandidateSurvey] = []
    for root in roots:
        version = version_on(root, on)
        if version is None:
            if unit is not None:
                raise DomainError(
                    f"{root.name} chưa được thành lập vào ngày {vn.format_date(on)}.",
                    field="unit")
            continue
        tallies = _pool_by_prefix(version.path, root, on)
        targets = list(
            OrgUnitVersion.objects.on(on)
            .filter(path__startswith=version.path, unit__valid_from__lte=on)
            .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gt=on))
            .filter(Q(unit__kind__in=sorted(LEVEL_KINDS[level])) | Q(unit=root))
            .order_by("path").values_list("unit_id", "path")
        )
        out += _write(by=by, year=year, quarter=quarter, on=on, targets=targets,
                      tallies=tallies, progress=progress)
    return out


# --- reads -------------------------------------------------------------------------------


@dataclass
class QuarterColumn:
    """Một quý trong bảng so sánh."""

    year: int
    quarter: int
    ended: bool
    survey: CandidateSurvey | None = None

    @property
    def label(self) -> str:
        return f"Quý {self.quarter}/{self.year}"

    @property
    def as_of(self) -> dt.date:
        return quarter_bounds(self.year, self.quarter)[1]


@dataclass
class SurveyLine:
    """Một dòng của bảng: nhãn và số của từng quý (None: quý chưa lập khảo sát)."""

    label: str
    counts: list[int | None]
    is_total: bool = False


@dataclass
class SurveyTable:
    """Khảo sát các quý của một đơn vị: theo bước, theo nguồn, tổng số."""

    unit: OrgUnit
    columns: list[QuarterColumn]
    stages: list[SurveyLine]
    sources: list[SurveyLine]
    total: SurveyLine

    @property
    def has_any(self) -> bool:
        return any(c.survey is not None for c in self.columns)


def _line(label: str, columns: Iterable[QuarterColumn], pick: Callable[[CandidateSurvey], int],
          is_total: bool = False) -> SurveyLine:
    return SurveyLine(label, [pick(c.survey) if c.survey is not None else None for c in columns],
                      is_total)


def surveys_for_unit(*, user, unit: OrgUnit, year_from: int, year_to: int,
                     today: dt.date | None = None) -> SurveyTable:
    """Các khảo sát quý của `unit` từ năm `year_from` đến `year_to`, để so sánh các quý.

    Only surveys of a unit in the user's scope are read (one query); the caller has
    already answered 404 for a unit outside it.
    """
    today = today or timezone.localdate()
    surveys = scope_filter(
        CandidateSurvey.objects.filter(unit=unit, year__gte=year_from, year__lte=year_to),
        user, "unit__path")
    found = {(s.year, s.quarter): s for s in surveys}
    columns = [
        QuarterColumn(year, quarter, quarter_ended(year, quarter, today), found.get((year, quarter)))
        for year in range(year_from, year_to + 1) for quarter in (1, 2, 3, 4)
    ]
    stages = [_line(Stage(s).label, columns, lambda v, s=s: v.by_stage.get(s, 0))
              for s in SURVEY_STAGES]
    sources = [_line(Source(s).label, columns, lambda v, s=s: v.by_source.get(s, 0))
               for s in SURVEY_SOURCES]
    total = _line("Tổng số", columns, lambda v: v.total, is_total=True)
    return SurveyTable(unit=unit, columns=columns, stages=stages, sources=sources, total=total)
