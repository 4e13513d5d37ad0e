"""`dangvien demo --through-2025`: the demo province goes on from 31/12/2022 to 31/12/2025.

After `builder._build` has written the 2022 demo (and nothing dated later), `extend`:

1. plans the admissions of 01/07/2024–30/06/2026 with the same planner as 2020–2024
   (`admissions.extend_admissions`, its own random stream), turns them into paths with
   the same `PathMaker`, and writes, with the builder's `_write_admissions` over the
   window (31/12/2022, 31/12/2025], everything the paths did in 2023–2025: the
   candidacies the 2022 demo had open go on (decisions, ceremonies, recognitions 12
   months later), the ones planned for 2023–2024 and the new ones are written whole;
   then `admission.counts.rebuild()`, as the builder does;
2. writes the plans of 2023, 2024 and 2025 (`plans.build_plans`, like 2020–2022);
3. applies the reorganisation of 01/07/2025 (QĐ 294-QĐ/TW; HD 31-HD/BTCTW of 23/4/2025)
   through the org services, so versions, changes, audit, counters, plan allocations
   and roles follow as they would for a real province: the Tỉnh ủy is renamed "Tỉnh ủy
   Phú Thọ" (Hòa Bình, Vĩnh Phúc and Phú Thọ merged), each of the ten district
   committees is dissolved into it (its grassroots organisations now stand directly
   under the province), and two placeholder branches stand for the other two former
   provinces (`STUBS`: no organisations, no members: the demo models only Hòa Bình);
4. issues the province's 2026 plan through the plan services, allocating to the units
   directly under the province in 2026.

Nothing dated up to 31/12/2022 changes: the 2022 demo is written first and exactly as
without the option; this module only adds rows dated later and brings open rows up to
date (the transfer left waiting on 31/12/2022 is received in January 2023). Who decides after 01/07/2025 (the district is gone): the grassroots committee
(delegated power) or, for a grassroots cell, the Tỉnh ủy (`admissions.decider`); classes
of a former district's candidates from then on are held by the Tỉnh ủy, named for the
area. No admission ceremony is held on 01/07/2025, so the member totals of 30/06/2025
and 01/07/2025 are the same. The Đảng bộ Quân sự, Công an and Khối các cơ quan tỉnh
are not districts: they stay under the Tỉnh ủy.

The district officers' logins (`kimboi`, `lacson`) get a role on the first commune of
their former district before it is dissolved; their district roles end with it
(`builder.DEMO_LOGINS_2025` says so).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass
from typing import IO

from django.contrib.auth import get_user_model
from django.db.models import Q

from dangvien.accounts.models import Role
from dangvien.accounts.services import role_grant
from dangvien.admission import counts as admission_counts
from dangvien.audit.services import audit_record
from dangvien.core import calendar as workcal
from dangvien.core import vn
from dangvien.org.models import OrgChange, OrgUnit, UnitKind
from dangvien.org.services import unit_create, unit_dissolve, unit_rename
from dangvien.people.choices import MemberStatus
from dangvien.people.events import backfill
from dangvien.people.models import EventKind, Membership, MembershipEvent, Transfer, TransferStatus
from dangvien.people.transfers import transfer_confirm
from dangvien.plans import selectors as plan_selectors
from dangvien.plans.services import plan_allocate, plan_create, plan_issue

from . import admissions as A
from . import builder as B
from . import names as N
from . import plans as demo_plans

#: The data date of the extended demo: nothing is dated after it.
DATA_DATE = dt.date(2025, 12, 31)
#: Decisions are planned to here, so the candidates of early 2026 are in the pipeline.
LAST_PLANNED = dt.date(2026, 6, 30)
#: The district level ends: QĐ 294-QĐ/TW in force, the merged province begins.
REORG_DAY = dt.date(2025, 7, 1)
NEW_ROOT_NAME = "Tỉnh ủy Phú Thọ"
#: The Politburo's decision on the merged provincial party organisation (illustrative
#: number, as every decision number of the demo).
RENAME_DECISION = ("312-QĐ/TW", dt.date(2025, 6, 30))
#: The provincial standing board's decisions ending each district committee: one number
#: each from this one, all signed that day.
DISSOLVE_FIRST_NUMBER, DISSOLVE_DECIDED_ON = 1795, dt.date(2025, 6, 27)
#: The other two former provinces, as placeholder branches under the new Tỉnh ủy: code,
#: name, 2026 target at scale 1 (≈2,4% of their ≈80.000 and ≈109.000 members), decision.
STUBS = (
    ("VP", "Đảng bộ tỉnh Vĩnh Phúc (cũ)", 1_900, "5-QĐ/TU"),
    ("PT", "Đảng bộ tỉnh Phú Thọ (cũ)", 2_600, "6-QĐ/TU"),
)
#: The 2026 plan of the new Tỉnh ủy (numbers restarted on 01/07/2025): number, issue
#: date, the former Hòa Bình's part of the target at scale 1.
PLAN_2026 = ("45-KH/TU", dt.date(2025, 12, 26), 1_650)
PLAN_2026_TITLE = "Kế hoạch phát triển đảng viên năm 2026"
#: The transfer the 2022 demo leaves waiting in Kim Bôi's inbox is received on this day.
PENDING_RECEIVED_ON = dt.date(2023, 1, 9)
#: The district officers' roles after 01/07/2025: the first commune of their district.
MOVED_LOGINS = {"kimboi": "KB.01", "lacson": "LS.01"}
AUDIT_ACTION = "demo.through_2025"


def installed() -> bool:
    """Whether the demo in the database was built with `--through-2025` (the merged
    province's name is on the top unit)."""
    return OrgUnit.objects.filter(code=B.ROOT_CODE, name=NEW_ROOT_NAME).exists()


@dataclass
class LaterSummary:
    """Số liệu phần mở rộng 2023–2025 của tỉnh mẫu."""

    decisions_by_year: dict[int, int]
    candidacies: int
    events: int
    members_june: int
    members_july: int
    members_end: int
    probationary_end: int
    dissolved: list[tuple[str, int, float]]  # (committee, organisations moved, seconds)
    stubs: list[str]
    plans: str
    plan_2026: tuple[str, int, int]  # number, target, allocations
    services_seconds: float
    seconds: float = 0.0
    changes: int = 0

    def as_dict(self) -> dict:
        return {
            "data_date": DATA_DATE.isoformat(),
            "decisions_by_year": {str(k): v for k, v in self.decisions_by_year.items()},
            "candidacies": self.candidacies,
            "members_2025_06_30": self.members_june,
            "members_2025_07_01": self.members_july,
            "members_end": self.members_end,
            "dissolved": [code for code, _, _ in self.dissolved],
            "stubs": self.stubs,
            "plan_2026": list(self.plan_2026),
            "org_changes": self.changes,
        }

    def lines(self) -> list[str]:
        f, d = vn.format_number, vn.format_date
        number, target, allocated = self.plan_2026
        return [
            f"Mở rộng đến ngày {d(DATA_DATE)}: quyết định kết nạp theo năm: "
            + "; ".join(f"{y}: {f(n)}" for y, n in sorted(self.decisions_by_year.items())) + ".",
            f"  {self.plans}",
            f"  Ngày {d(REORG_DAY)}: đổi tên thành {NEW_ROOT_NAME}, kết thúc hoạt động "
            f"{len(self.dissolved)} đảng bộ huyện, thành phố ("
            + ", ".join(f"{code} {f(n)}" for code, n, _ in self.dissolved)
            + " tổ chức cơ sở đảng chuyển trực thuộc Tỉnh ủy), thành lập "
            + ", ".join(self.stubs) + f"; {f(self.changes)} thay đổi tổ chức.",
            f"  Đảng viên ngày {d(REORG_DAY - dt.timedelta(days=1))}: {f(self.members_june)}; "
            f"ngày {d(REORG_DAY)}: {f(self.members_july)}; ngày {d(DATA_DATE)}: "
            f"{f(self.members_end)}, dự bị {f(self.probationary_end)}.",
            f"  Kế hoạch số {number} năm 2026 của {NEW_ROOT_NAME}: {f(target)} trở lên, giao "
            f"cho {f(allocated)} đơn vị trực thuộc.",
            f"  Phần mở rộng: {vn.format_number(self.seconds, 1)} giây, trong đó sắp xếp tổ chức "
            f"qua các nghiệp vụ {vn.format_number(self.services_seconds, 1)} giây.",
        ]


def _mark_districts(plan: B.DemoPlan) -> list[B._Unit]:
    """The district committees end on 01/07/2025 and the Tỉnh ủy succeeds them (in memory:
    the planners read it through `admissions.decider` and `Classes`)."""
    specs = {spec.code: spec for spec in N.DISTRICTS}
    districts = [u for u in plan.root.children if u.kind == UnitKind.DISTRICT]
    for unit in districts:
        spec = specs[unit.code]
        unit.ends_on, unit.successor, unit.area = REORG_DAY, plan.root, f"{spec.label} (cũ)"
    return districts


def extend(state: B.DemoState, *, stdout: IO[str] | None = None) -> LaterSummary:
    """Go on from the 2022 demo just built to 31/12/2025 (inside the build's transaction)."""
    started = time.perf_counter()
    say = B._say
    f = vn.format_number
    plan, seed, scale = state.plan, state.seed, state.scale
    districts = _mark_districts(plan)
    # First, so the member who moves is no longer in her old cell's pool of introducers.
    for transfer in Transfer.objects.filter(status=TransferStatus.PENDING).order_by("pk"):
        transfer_confirm(by=None, transfer=transfer, received_on=PENDING_RECEIVED_ON,
                         today=DATA_DATE)

    say(stdout, "Đang lập kế hoạch kết nạp đảng viên từ 01/07/2024 đến 30/06/2026…")
    later_plan = A.extend_admissions(plan, state.admission_plan, is_working_day=workcal.is_working_day,
                                     scale=scale, seed=seed, last=LAST_PLANNED)
    rng = random.Random(seed * 7727 + 41)
    classes = state.classes
    classes.extend(plan.root.children, range(REORG_DAY.year, LAST_PLANNED.year + 1), rng)
    maker = A.PathMaker(cal=workcal, classes=classes, rng=rng, data_date=DATA_DATE,
                        identified_after=B.DATA_DATE, no_ceremony_on=frozenset({REORG_DAY}))
    new_paths = [maker.make(slot) for slot in [*later_plan.slots, *later_plan.extras]]
    paths = [p for p in [*state.paths, *state.later, *new_paths] if p.identified_on <= DATA_DATE]
    A.number_documents(paths, rng, since=B.DATA_DATE, until=DATA_DATE)

    say(stdout, f"Đang ghi {f(len(paths))} hồ sơ kết nạp đến ngày {vn.format_date(DATA_DATE)} "
                "(các bước, lớp bồi dưỡng, đảng viên mới)…")
    ended = set(Membership.objects.filter(ended_on__isnull=False).values_list("pk", flat=True))
    pools = {cell: [(m, p) for m, p in pool if m.pk not in ended]
             for cell, pool in state.pools.items()}
    written = B._write_admissions(paths, classes, state.candidates, pools, state.unit_rows,
                                  random.Random(seed * 3391 + 13), since=B.DATA_DATE,
                                  until=DATA_DATE)
    _member_events(written.changed_members)
    backfill()  # the admission events of the new memberships
    admission_counts.rebuild()  # bulk writes skipped Candidacy.save(): count everything once

    say(stdout, "Đang lập kế hoạch phát triển đảng viên 2023–2025…")
    every = A.AdmissionPlan([*state.admission_plan.slots, *later_plan.slots], [], scale)
    plans_line = demo_plans.build_plans(plan, every, scale=scale,
                                        is_working_day=workcal.is_working_day, stdout=None,
                                        years=demo_plans.LATER_YEARS).line
    say(stdout, plans_line)

    services_started = time.perf_counter()
    dissolved, stubs = _reorganise(districts, stdout)
    services_seconds = time.perf_counter() - services_started
    number, target, allocated = _plan_2026(later_plan, scale)
    say(stdout, f"Đã ban hành Kế hoạch số {number} năm 2026 của {NEW_ROOT_NAME}: {f(target)} trở "
                f"lên, giao cho {f(allocated)} đơn vị trực thuộc.")

    decisions: Counter = Counter(p.decided_on.year for p in paths
                                 if p.decided_on and B.DATA_DATE < p.decided_on <= DATA_DATE)
    on_rolls = Membership.objects.active_on
    summary = LaterSummary(
        decisions_by_year=dict(sorted(decisions.items())),
        candidacies=len(paths), events=written.events,
        members_june=on_rolls(REORG_DAY - dt.timedelta(days=1)).count(),
        members_july=on_rolls(REORG_DAY).count(),
        members_end=on_rolls(DATA_DATE).count(),
        probationary_end=on_rolls(DATA_DATE).filter(
            Q(recognized_on__isnull=True) | Q(recognized_on__gt=DATA_DATE)).count(),
        dissolved=dissolved, stubs=stubs, plans=plans_line, plan_2026=(number, target, allocated),
        services_seconds=services_seconds,
        changes=OrgChange.objects.filter(effective=REORG_DAY).count(),
    )
    if summary.members_june != summary.members_july:
        raise AssertionError(f"Đảng viên ngày 30/06/2025 ({summary.members_june}) khác ngày "
                             f"01/07/2025 ({summary.members_july})")
    summary.seconds = time.perf_counter() - started
    audit_record(by=None, action=AUDIT_ACTION, object_type="demo", after=summary.as_dict())
    return summary


def continued(pipeline: B.PipelineSummary | None) -> None:
    """The 2022 summary says the data go on past its day."""
    if pipeline is not None:
        pipeline.continued_to = DATA_DATE


def _member_events(changed: list[Membership]) -> None:
    """The events of memberships recognised (or removed) after the 2022 data date; the
    builder's backfill wrote only what they had then."""
    rows = []
    for m in changed:
        if m.status == MemberStatus.OFFICIAL:
            rows.append(MembershipEvent(membership=m, person_id=m.person_id, kind=EventKind.RECOGNISED,
                                        on=m.recognized_on, cell_id=m.cell_id))
        elif m.status == MemberStatus.REMOVED:
            rows.append(MembershipEvent(membership=m, person_id=m.person_id, kind=EventKind.REMOVED,
                                        on=m.ended_on, cell_id=m.cell_id))
    MembershipEvent.objects.bulk_create(rows, batch_size=B.BATCH_SIZE)


def _reorganise(districts: list[B._Unit], stdout: IO[str] | None
                ) -> tuple[list[tuple[str, int, float]], list[str]]:
    """01/07/2025 through the org services, as an administrator would record it."""
    say = B._say
    root = OrgUnit.objects.get(code=B.ROOT_CODE)
    say(stdout, f"Đang sắp xếp tổ chức ngày {vn.format_date(REORG_DAY)}: đổi tên {root.name} thành "
                f"{NEW_ROOT_NAME}, kết thúc hoạt động {len(districts)} đảng bộ huyện, thành phố…")
    number, decided_on = RENAME_DECISION
    unit_rename(by=None, unit=root, name=NEW_ROOT_NAME, effective=REORG_DAY, decision=number,
                decision_date=decided_on, today=DATA_DATE)
    # The district officers move to a commune before their district's roles end with it.
    users = get_user_model().objects
    for username, code in MOVED_LOGINS.items():
        user = users.filter(username=username).first()
        if user is not None:
            role_grant(by=None, user=user, unit=code, role=Role.EDITOR)
    dissolved = []
    for i, district in enumerate(districts):
        began = time.perf_counter()
        unit = OrgUnit.objects.get(pk=district.pk)
        unit_dissolve(by=None, unit=unit, successor=root, effective=REORG_DAY,
                      decision=f"{DISSOLVE_FIRST_NUMBER + i}-QĐ/TU",
                      decision_date=DISSOLVE_DECIDED_ON, roles="end", today=DATA_DATE)
        seconds = time.perf_counter() - began
        dissolved.append((district.code, len(district.children), seconds))
        say(stdout, f"  {district.name}: {vn.format_number(len(district.children))} tổ chức cơ sở "
                    f"đảng chuyển trực thuộc {NEW_ROOT_NAME} ({vn.format_number(seconds, 1)} giây)")
    stubs = []
    for code, name, _target, decision in STUBS:
        unit_create(by=None, parent=root, code=code, name=name, kind=UnitKind.BLOC,
                    valid_from=REORG_DAY, decision=decision, decision_date=REORG_DAY,
                    today=DATA_DATE)
        stubs.append(name)
    say(stdout, "  Thành lập " + ", ".join(stubs) + " (chưa có tổ chức trực thuộc trong dữ liệu mẫu)")
    return dissolved, stubs


def _plan_2026(later_plan: A.AdmissionPlan, scale: float) -> tuple[str, int, int]:
    """The new Tỉnh ủy's 2026 plan, through the plan services: the former Hòa Bình's part
    allocated in proportion to the admissions planned for early 2026 (+0.5 each, so every
    unit gets a share), the two placeholders their own part."""
    number, issued_on, own = PLAN_2026
    root = OrgUnit.objects.get(code=B.ROOT_CODE)
    children = [c.unit for c in plan_selectors.children_in_year(root, 2026)]
    planned: Counter = Counter()
    for slot in later_plan.slots:
        if slot.decided_on.year == 2026:
            holder = slot.grassroots if slot.committee.ends_on is not None else slot.committee
            planned[holder.code] += 1
    stub_targets = {code: A.scaled(target, scale) for code, _name, target, _ in STUBS}
    ours = [u for u in children if u.code not in stub_targets]
    shares = A._split(A.scaled(own, scale), {u.code: planned[u.code] + 0.5 for u in ours})
    allocations = {u: shares[u.code] for u in ours}
    allocations.update({u: stub_targets[u.code] for u in children if u.code in stub_targets})
    target = sum(allocations.values())
    made = plan_create(by=None, unit=root, year=2026, number=number, title=PLAN_2026_TITLE,
                       target=target)
    version = made.versions.get()
    plan_allocate(by=None, version=version, allocations=allocations)
    plan_issue(by=None, version=version, issued_on=issued_on, today=DATA_DATE)
    return number, target, len(allocations)
