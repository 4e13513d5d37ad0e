"""The demo's plans (kế hoạch phát triển đảng viên) of 2020, 2021 and 2022.

Each year the Tỉnh ủy issues a plan allocating its target to the 13 committees under it,
and each committee issues its own plan implementing it, allocating to its grassroots
organisations. 2022 is the published one: Kế hoạch số 77-KH/TU of 14/02/2022, at least
1.600, Kim Bôi 150 (Kim Bôi's own plan 25-KH/HU, exactly 150). Kim Bôi's 2021 target is
`admissions.KB_TARGETS[2021]`, reached by the end of October.

Targets follow the admissions the demo plans (`admissions.plan_admissions`), weighted by
a fixed "ambition" per committee, so on 31/05/2022 some committees are ahead of a straight
line, some behind, and one or two miss the year. Each committee's own target is at least
its allocation (a few aim higher), and its allocations to grassroots organisations, in
proportion to their planned admissions, add up to at least its target (a few allocate a
surplus). Mai Châu revises its 2022 plan upwards in July, so one plan has two versions.

Planned in memory (`plan_plans`, no database), written with three `bulk_create`s; no
service runs. At `--scale` below 1 every target is scaled as the admissions are.
`--through-2025` writes the plans of 2023, 2024 and 2025 the same way (`LATER_YEARS`),
from the admissions it plans for those years.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from dangvien.core import vn
from dangvien.plans.models import Allocation, Plan, PlanStatus, PlanVersion
from dangvien.plans.selectors import issuer_symbol

from . import admissions as A

YEARS = (2020, 2021, 2022)
#: The years `--through-2025` adds (the 2020–2025 term goes on numbering).
LATER_YEARS = (2023, 2024, 2025)
TITLE = "Kế hoạch phát triển đảng viên năm {year}"
#: The province's plans: number, issue date, target (at least). 2022 is the published one;
#: 2020 belongs to the previous term (numbers restart with each term, from October 2020).
PROVINCE_PLANS = {
    2020: ("215", dt.date(2020, 2, 20), 1_550),
    2021: ("15", dt.date(2021, 3, 3), 1_650),
    2022: ("77", dt.date(2022, 2, 14), 1_600),
    2023: ("139", dt.date(2023, 2, 10), 1_650),
    2024: ("204", dt.date(2024, 2, 26), 1_650),
    2025: ("266", dt.date(2025, 2, 14), 1_600),
}
#: Kim Bôi's targets: 2022 published, 2021 the admissions plan's, 2020 and 2023–2025 ours.
KB_TARGETS = {2020: 135, **A.KB_TARGETS, 2023: 155, 2024: 155, 2025: 150}
#: Kim Bôi's own 2022 plan number, as the brief of the demo story names it.
KB_2022_NUMBER = "25"
#: How much more than its planned admissions a committee is asked for (1 = in proportion).
AMBITION = {"HB": 1.05, "MC": 1.16, "KCQ": 1.08, "LSO": 0.93, "DB": 0.97, "QS": 0.95}
#: Committees whose own target is above their allocation (share added).
STRETCH = {"HB": 0.03, "CA": 0.05, "LT": 0.02}
#: Committees that allocate to their grassroots organisations more than their target.
SURPLUS = {"LS": 0.03, "TL": 0.02, "KCQ": 0.02}
#: Mai Châu raises its 2022 target after the half-year review.
REVISION = ("MC", dt.date(2022, 7, 12), 8,
            "Điều chỉnh tăng chỉ tiêu sau sơ kết 6 tháng đầu năm 2022 theo kết luận của "
            "Ban Thường vụ Huyện ủy.")


@dataclass(eq=False)
class DemoVersion:
    revision: int
    issued_on: dt.date
    target: int
    allocations: list[tuple[Any, int]]  # (builder._Unit, target), tree order
    note: str = ""

    @property
    def allocated(self) -> int:
        return sum(n for _, n in self.allocations)


@dataclass(eq=False)
class DemoPlanSpec:
    """One planned plan: issuing unit, year, number, its versions (first issue first)."""

    unit: Any  # builder._Unit
    year: int
    number: str
    versions: list[DemoVersion]
    parent: DemoPlanSpec | None = None
    row: Plan | None = None

    @property
    def first(self) -> DemoVersion:
        return self.versions[0]

    @property
    def current(self) -> DemoVersion:
        return self.versions[-1]


@dataclass
class DemoPlans:
    specs: list[DemoPlanSpec] = field(default_factory=list)

    def find(self, code: str, year: int) -> DemoPlanSpec:
        return next(s for s in self.specs if s.unit.code == code and s.year == year)


def _weights(counts: Counter, units, factor: Callable[[Any], float] = lambda u: 1.0) -> dict:
    # +0.5: a unit with no admission planned still gets a share of the rounding.
    return {u.code: (counts.get(u.code, 0) + 0.5) * factor(u) for u in units}


def _split(total: int, units, weights: dict[str, float]) -> list[tuple[Any, int]]:
    if not units:
        return []
    shares = A._split(total, weights)
    return [(u, shares[u.code]) for u in units]


def _working_day_on_or_before(day: dt.date, is_working_day: Callable[[dt.date], bool]) -> dt.date:
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _committee_number(year: int, index: int, code: str) -> str:
    if year == 2022:
        return KB_2022_NUMBER if code == A.KB else str(13 + 3 * index)
    if year == 2021:
        return str(4 + 2 * index)
    if year in LATER_YEARS:
        return str({2023: 48, 2024: 82, 2025: 115}[year] + 3 * index)
    return str(160 + 7 * index)


def _committee_day(year: int, index: int) -> dt.date:
    starts = {2020: dt.date(2020, 3, 2), 2021: dt.date(2021, 3, 10), 2022: dt.date(2022, 2, 21),
              2023: dt.date(2023, 2, 20), 2024: dt.date(2024, 3, 4), 2025: dt.date(2025, 2, 24)}
    return starts[year] + dt.timedelta(days=index % 8)


def plan_plans(plan, admission_plan, *, scale: float = 1.0,
               is_working_day: Callable[[dt.date], bool], years=YEARS) -> DemoPlans:
    """Plan the demo's plans of `years` from the planned tree and admissions (no database)."""
    committees = list(plan.root.children)
    by_committee: dict[int, Counter] = {y: Counter() for y in years}
    by_grassroots: dict[int, Counter] = {y: Counter() for y in years}
    for slot in admission_plan.slots:
        year = slot.decided_on.year
        if year in by_committee:
            by_committee[year][slot.committee.code] += 1
            by_grassroots[year][slot.grassroots.code] += 1
    out = DemoPlans()
    for year in years:
        number, issued_on, target = PROVINCE_PLANS[year]
        total = A.scaled(target, scale)
        kb = A.scaled(KB_TARGETS[year], scale)
        others = [c for c in committees if c.code != A.KB]
        weights = _weights(by_committee[year], others, lambda c: AMBITION.get(c.code, 1.0))
        given = dict((u.code, n) for u, n in _split(total - kb, others, weights))
        given[A.KB] = kb
        allocations = [(c, given[c.code]) for c in committees]
        province = DemoPlanSpec(plan.root, year, f"{number}-KH/TU",
                                [DemoVersion(1, issued_on, total, allocations)])
        out.specs.append(province)
        for index, committee in enumerate(committees):
            allocated = given[committee.code]
            own = allocated + round(allocated * STRETCH.get(committee.code, 0.0))
            spread = own + round(own * SURPLUS.get(committee.code, 0.0))
            grassroots = list(committee.children)
            version = DemoVersion(
                1, _working_day_on_or_before(_committee_day(year, index), is_working_day), own,
                _split(spread, grassroots, _weights(by_grassroots[year], grassroots)))
            number = _committee_number(year, index, committee.code)
            spec = DemoPlanSpec(committee, year, f"{number}-KH/{issuer_symbol(committee)}", [version],
                                parent=province)
            code, day, raise_by, note = REVISION
            if year == 2022 and committee.code == code and grassroots:
                bump = max(1, A.scaled(raise_by, scale))
                ranked = sorted(range(len(grassroots)),
                                key=lambda i: (-version.allocations[i][1], i))
                extra = Counter(ranked[i % len(ranked)] for i in range(bump))
                spec.versions.append(DemoVersion(
                    2, _working_day_on_or_before(day, is_working_day), own + bump,
                    [(u, n + extra.get(i, 0)) for i, (u, n) in enumerate(version.allocations)],
                    note))
            out.specs.append(spec)
    return out


@dataclass
class PlansSummary:
    plans: int
    versions: int
    allocations: int
    line: str


def build_plans(plan, admission_plan, *, scale: float, is_working_day: Callable[[dt.date], bool],
                stdout: IO[str] | None = None, years=YEARS) -> PlansSummary:
    """Write the demo's plans of `years` (the units must have their `pk`s); print one line."""
    planned = plan_plans(plan, admission_plan, scale=scale, is_working_day=is_working_day,
                         years=years)
    specs = planned.specs
    for spec in specs:  # province plans first, so parents have ids
        spec.row = Plan(unit_id=spec.unit.pk, year=spec.year, number=spec.number,
                        title=TITLE.format(year=spec.year))
    Plan.objects.bulk_create([s.row for s in specs if s.parent is None])
    for spec in specs:
        if spec.parent is not None:
            spec.row.parent_id = spec.parent.row.pk
    Plan.objects.bulk_create([s.row for s in specs if s.parent is not None])
    versions: list[tuple[PlanVersion, DemoVersion]] = []
    for spec in specs:
        last = len(spec.versions) - 1
        for i, v in enumerate(spec.versions):
            status = PlanStatus.ISSUED if i == last else PlanStatus.REVISED
            versions.append((PlanVersion(plan_id=spec.row.pk, revision=v.revision, status=status,
                                         issued_on=v.issued_on, target=v.target, note=v.note), v))
    PlanVersion.objects.bulk_create([row for row, _ in versions])
    allocations = [Allocation(version_id=row.pk, unit_id=unit.pk, target=n)
                   for row, v in versions for unit, n in v.allocations]
    Allocation.objects.bulk_create(allocations, batch_size=2000)

    f = vn.format_number
    top = planned.find(plan.root.code, years[-1])
    kb = dict((u.code, n) for u, n in top.current.allocations).get(A.KB, 0)
    line = (f"Đã tạo {f(len(specs))} kế hoạch phát triển đảng viên năm {years[0]}–{years[-1]} "
            f"(Tỉnh ủy và {len(plan.root.children)} đảng bộ trực thuộc, {f(len(versions))} lần "
            f"ban hành, {f(len(allocations))} chỉ tiêu giao); Kế hoạch số {top.number}: "
            f"{f(top.current.target)} trở lên, Kim Bôi {f(kb)}.")
    if stdout is not None:
        stdout.write(line + "\n")
    return PlansSummary(len(specs), len(versions), len(allocations), line)
