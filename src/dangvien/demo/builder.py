"""Build the demo province: Hòa Bình on 31/05/2022, about 68,300 members, with its
candidate pipeline and admission history from 2020 up to the data date, 31/12/2022.

Deterministic: separate `random.Random`s seeded from `seed` for the tree, the admission
plan, the paths and the people; only ordered data (tuples, lists) is iterated, so the
same seed and scale give the same units, names, dates and numbers on every machine and
database.

Fast: the tree and every candidacy are planned in memory (`plan_demo`,
`admissions.plan_admissions`), treebeard paths, depths and child counts are computed
here, and every table is written with `bulk_create` in batches inside one transaction;
no service runs (they audit and query per call). `Person.save()` is skipped by
bulk_create, so `search_name` and `sort_key` are filled here with the functions
`Person.fill_derived()` uses.

Members. Everyone admitted from 2020 on comes from an admission path (a `Candidacy`
with its events, dossier, introducers, classes); the other members, "legacy", were
admitted before 2020 and are official. Each cell's legacy count is its planned size
minus the path members on its rolls on 31/05/2022, so the total on that day stays the
planned one (≈68,300).
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.admission import checks
from dangvien.admission import counts as admission_counts
from dangvien.admission.models import (
    PATH,
    AdmissionCount,
    Candidacy,
    CandidacyEvent,
    CandidateSurvey,
    DossierItem,
    Introducer,
    Source,
    Stage,
)
from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_record
from dangvien.core import calendar as workcal
from dangvien.core import vn
from dangvien.core.dates import add_months
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgChange, OrgUnit, OrgUnitVersion, PlaceKind, UnitKind
from dangvien.people.choices import Education, Gender, MemberStatus, Occupation, Religion
from dangvien.people.models import Membership, MembershipEvent, Person, Transfer
from dangvien.plans.models import Allocation, Plan, PlanVersion
from dangvien.rules.models import RuleSet
from dangvien.training.models import ClassKind, Enrolment, Result, TrainingClass

from . import admissions as A
from . import names as N
from . import periods as demo_periods
from . import plans as demo_plans
from . import ratings as demo_ratings
from . import transfers as history
from .admissions import DATA_DATE, KB, REF_DATE

#: Every demo unit exists from 1/1/2020, so the admission history of 2020–2022 counts
#: under its units on every date (the communes are the ones after the 2019–2020 mergers).
VALID_FROM = dt.date(2020, 1, 1)
#: Members not admitted through a demo path joined before this day.
LEGACY_BEFORE = dt.date(2020, 1, 1)
#: Legacy members official by this day can introduce any demo candidate.
INTRODUCER_OFFICIAL_BY = dt.date(2019, 6, 30)
DEFAULT_SEED = 2022
DEMO_PASSWORD = "demo1234"  # noqa: S105 - the published demo password (docs/decisions.md)
ROOT_CODE = "TU"
ROOT_NAME = "Tỉnh ủy Hòa Bình"
BATCH_SIZE = 2000
MIN_MEMBERS, MAX_MEMBERS = 5, 60
AUDIT_ACTION = "demo.build"


@dataclass(frozen=True)
class DemoLogin:
    """Một tài khoản dùng thử."""

    username: str
    password: str
    who: str
    unit_code: str | None
    role: str | None
    first_name: str  # tên
    last_name: str  # họ và tên đệm
    superuser: bool = False

    def line(self, width: int = 6) -> str:
        return f"{self.username:<{width}} / {self.password} — {self.who}"


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "tinhuy", DEMO_PASSWORD,
        "cán bộ Ban Tổ chức Tỉnh ủy Hòa Bình, quản trị (thấy toàn tỉnh, quản lý tài khoản; "
        "lần đầu đăng nhập sẽ đăng ký ứng dụng xác thực trên điện thoại)",
        ROOT_CODE, Role.ADMIN, "Hùng", "Bùi Văn", superuser=True,
    ),
    DemoLogin(
        "kimboi", DEMO_PASSWORD, "cán bộ Ban Tổ chức Huyện ủy Kim Bôi (chỉ thấy Kim Bôi)",
        "KB", Role.EDITOR, "Hoa", "Quách Thị",
    ),
    DemoLogin(
        "lacson", DEMO_PASSWORD, "cán bộ Ban Tổ chức Huyện ủy Lạc Sơn (chỉ thấy Lạc Sơn)",
        "LS", Role.EDITOR, "Mừng", "Đinh Văn",
    ),
    DemoLogin(
        "chibo", DEMO_PASSWORD,
        "bí thư Chi bộ tổ dân phố 1, Đảng bộ thị trấn Bo, Kim Bôi (chỉ thấy chi bộ của mình)",
        "KB.01.01", Role.EDITOR, "Thơm", "Bùi Thị",
    ),
    DemoLogin(
        "khach", DEMO_PASSWORD, "người ngoài, chưa được phân quyền (không thấy dữ liệu nào)",
        None, None, "Nam", "Nguyễn Văn",
    ),
)


#: The same logins in the demo built `--through-2025` (`through2025`): the province has its
#: new name, and the district officers work in the first commune of their former district
#: (their district roles ended with the district on 01/07/2025).
DEMO_LOGINS_2025: tuple[DemoLogin, ...] = (
    DemoLogin(
        "tinhuy", DEMO_PASSWORD,
        "cán bộ Ban Tổ chức Tỉnh ủy Phú Thọ (đến 30/06/2025 là Tỉnh ủy Hòa Bình), quản trị "
        "(thấy toàn tỉnh, quản lý tài khoản; lần đầu đăng nhập sẽ đăng ký ứng dụng xác thực "
        "trên điện thoại)",
        ROOT_CODE, Role.ADMIN, "Hùng", "Bùi Văn", superuser=True,
    ),
    DemoLogin(
        "kimboi", DEMO_PASSWORD,
        "cán bộ Đảng ủy thị trấn Bo, đến 30/06/2025 ở Ban Tổ chức Huyện ủy Kim Bôi (chỉ thấy "
        "Đảng bộ thị trấn Bo)",
        "KB.01", Role.EDITOR, "Hoa", "Quách Thị",
    ),
    DemoLogin(
        "lacson", DEMO_PASSWORD,
        "cán bộ Đảng ủy thị trấn Vụ Bản, đến 30/06/2025 ở Ban Tổ chức Huyện ủy Lạc Sơn (chỉ "
        "thấy Đảng bộ thị trấn Vụ Bản)",
        "LS.01", Role.EDITOR, "Mừng", "Đinh Văn",
    ),
    DemoLogin(
        "chibo", DEMO_PASSWORD,
        "bí thư Chi bộ tổ dân phố 1, Đảng bộ thị trấn Bo (huyện Kim Bôi cũ) (chỉ thấy chi bộ "
        "của mình)",
        "KB.01.01", Role.EDITOR, "Thơm", "Bùi Thị",
    ),
    DEMO_LOGINS[-1],
)


def login_lines(through_2025: bool = False) -> list[str]:
    """The demo logins, one line each, for `make run` and `dangvien demo` (`through_2025`:
    as the demo built with `--through-2025` has them)."""
    logins = DEMO_LOGINS_2025 if through_2025 else DEMO_LOGINS
    width = max(len(login.username) for login in logins)
    return [login.line(width) for login in logins]


# --- summary -------------------------------------------------------------------------

_KIND_LABELS = (
    (UnitKind.PROVINCE, "Tỉnh ủy"),
    (UnitKind.DISTRICT, "đảng bộ huyện, thành phố"),
    (UnitKind.DIRECT, "đảng bộ quân sự, công an"),
    (UnitKind.BLOC, "đảng bộ khối"),
    (UnitKind.GRASSROOTS_COMMITTEE, "đảng bộ cơ sở"),
    (UnitKind.GRASSROOTS_CELL, "chi bộ cơ sở"),
    (UnitKind.CELL, "chi bộ trực thuộc đảng ủy cơ sở"),
)


@dataclass
class DemoSummary:
    """Số liệu của tỉnh mẫu vừa tạo."""

    seed: int
    scale: float
    units_by_kind: dict[str, int]
    members: int
    women: int
    probationary: int
    ethnic: list[tuple[str, int]]
    communes: int
    mountainous_communes: int
    by_committee: list[tuple[str, str, int]]
    pipeline: PipelineSummary | None = None
    elapsed: float = 0.0
    later: Any = None  # through2025.LaterSummary, with `--through-2025`

    @property
    def units(self) -> int:
        return sum(self.units_by_kind.values())

    @property
    def committees(self) -> int:
        return sum(self.units_by_kind.get(k, 0) for k in (UnitKind.DISTRICT, UnitKind.DIRECT, UnitKind.BLOC))

    @property
    def grassroots(self) -> int:
        return self.units_by_kind.get(UnitKind.GRASSROOTS_COMMITTEE, 0) + self.units_by_kind.get(
            UnitKind.GRASSROOTS_CELL, 0
        )

    @property
    def cells(self) -> int:
        return self.units_by_kind.get(UnitKind.CELL, 0)

    @property
    def women_share(self) -> float:
        return self.women / self.members if self.members else 0.0

    @property
    def probationary_share(self) -> float:
        return self.probationary / self.members if self.members else 0.0

    def as_dict(self) -> dict:
        return {
            "seed": self.seed,
            "scale": self.scale,
            "units": {str(k): v for k, v in self.units_by_kind.items()},
            "members": self.members,
            "women": self.women,
            "probationary": self.probationary,
            "ethnic": dict(self.ethnic),
            "communes": self.communes,
            "mountainous_communes": self.mountainous_communes,
            **({"pipeline": self.pipeline.as_dict()} if self.pipeline else {}),
        }

    def lines(self) -> list[str]:
        f = vn.format_number
        out = [
            f"Tổ chức đảng: {f(self.units)} đơn vị — {f(self.committees)} đảng bộ trực thuộc "
            f"Tỉnh ủy, {f(self.grassroots)} tổ chức cơ sở đảng, {f(self.cells)} chi bộ trực thuộc "
            "đảng ủy cơ sở.",
        ]
        out += [
            f"  {label}: {f(self.units_by_kind[kind])}"
            for kind, label in _KIND_LABELS
            if self.units_by_kind.get(kind)
        ]
        out.append(
            f"Xã, phường, thị trấn: {f(self.communes)}, trong đó vùng cao, miền núi: "
            f"{f(self.mountainous_communes)}."
        )
        out.append(
            f"Đảng viên: {f(self.members)} — nữ {f(self.women)} "
            f"({vn.format_ratio(self.women, self.members)}), dự bị {f(self.probationary)} "
            f"({vn.format_ratio(self.probationary, self.members)})."
        )
        out.append(
            "Dân tộc: "
            + ", ".join(
                f"{name} {vn.format_ratio(count, self.members)}" for name, count in self.ethnic[:7]
            )
            + "."
        )
        out.append(
            "Theo đảng bộ: "
            + "; ".join(f"{code} {f(count)}" for code, _, count in self.by_committee)
            + "."
        )
        if self.pipeline is not None:
            out += self.pipeline.lines()
        if self.later is not None:
            out += self.later.lines()
        return out

    def __str__(self) -> str:
        return (
            f"{vn.format_number(self.units)} tổ chức đảng, {vn.format_number(self.members)} đảng viên "
            f"(nữ {vn.format_ratio(self.women, self.members)}, dự bị "
            f"{vn.format_ratio(self.probationary, self.members)})"
        )


_STAGE_LABELS = {
    Stage.SOURCE: "nguồn, chưa học lớp", Stage.CLASS_DONE: "đã học lớp nhận thức",
    Stage.DOSSIER_DONE: "đủ hồ sơ", Stage.CELL_PROPOSED: "chi bộ đề nghị",
    Stage.GRASSROOTS_PROPOSED: "đảng ủy cơ sở đề nghị", Stage.DECIDED: "có quyết định, chờ lễ",
    Stage.ON_PROBATION: "đang dự bị", Stage.RECOGNISED: "đã chính thức",
    Stage.REMOVED: "xóa tên", Stage.WITHDRAWN: "dừng theo dõi", Stage.REFUSED: "không kết nạp",
}
STAGE_ORDER = [*PATH, Stage.REMOVED, Stage.WITHDRAWN, Stage.REFUSED]


@dataclass
class PipelineSummary:
    """Số liệu quy trình kết nạp của tỉnh mẫu (tính từ các hồ sơ vừa tạo, không truy vấn)."""

    data_date: dt.date
    scale: float
    members_end: int
    probationary_end: int
    candidacies: int
    events: int
    classes: int
    enrolments: int
    decisions_by_year: dict[int, int]
    stages_end: dict[str, int]
    stages_ref: dict[str, int]
    sources: dict[str, int]
    kb_jan_may: int
    kb_jan_may_target: int
    kb_by_year: dict[int, int]
    kb_2021_by_october: int
    overdue_ref: dict[str, int]
    continued_to: dt.date | None = None  # `--through-2025` went on to this day

    def as_dict(self) -> dict:
        return {
            "data_date": self.data_date.isoformat(),
            "members_end": self.members_end,
            "probationary_end": self.probationary_end,
            "candidacies": self.candidacies,
            "decisions_by_year": {str(k): v for k, v in self.decisions_by_year.items()},
            "stages_end": self.stages_end,
            "stages_ref": self.stages_ref,
            "kb_jan_may": self.kb_jan_may,
            "overdue_ref": self.overdue_ref,
        }

    def lines(self) -> list[str]:
        f, d = vn.format_number, vn.format_date

        def stages(counts: dict[str, int]) -> str:
            return "; ".join(
                f"{_STAGE_LABELS[s]} {f(counts[s])}" for s in STAGE_ORDER if counts.get(s)
            )

        kb_target = A.scaled(A.KB_TARGETS[2022], self.scale)
        check = "đúng" if self.kb_jan_may == self.kb_jan_may_target else "SAI"
        return [
            f"Ngày số liệu: {d(self.data_date)} (không có sự kiện nào sau ngày này)."
            if self.continued_to is None else
            f"Số liệu đến ngày {d(self.data_date)} (phần tiếp theo đến ngày "
            f"{d(self.continued_to)} ở cuối).",
            "Quyết định kết nạp theo năm: "
            + "; ".join(f"{y}: {f(n)}" for y, n in sorted(self.decisions_by_year.items())) + ".",
            f"Kim Bôi: {f(self.kb_jan_may)} quyết định kết nạp từ 01/01 đến 31/05/2022 "
            f"({check}: cần {f(self.kb_jan_may_target)}; chỉ tiêu năm {f(kb_target)}, đạt "
            f"{vn.format_ratio(self.kb_jan_may, kb_target)}); cả năm 2022: "
            f"{f(self.kb_by_year.get(2022, 0))}; năm 2021: {f(self.kb_by_year.get(2021, 0))}, "
            f"đến 31/10/2021 đã có {f(self.kb_2021_by_october)} "
            f"(chỉ tiêu {f(A.scaled(A.KB_TARGETS[2021], self.scale))}).",
            f"Đảng viên ngày {d(self.data_date)}: {f(self.members_end)}, dự bị "
            f"{f(self.probationary_end)}.",
            f"Hồ sơ kết nạp: {f(self.candidacies)} ({f(self.events)} bước đã ghi); lớp bồi dưỡng: "
            f"{f(self.classes)} lớp, {f(self.enrolments)} học viên.",
            f"  theo bước ngày {d(self.data_date)}: {stages(self.stages_end)}.",
            f"  theo bước ngày {d(REF_DATE)}: {stages(self.stages_ref)}.",
            "  theo nguồn giới thiệu: "
            + "; ".join(f"{label} {f(n)}" for label, n in self.sources.items()) + ".",
            f"Quá hạn ngày {d(REF_DATE)}: "
            + "; ".join(f"{label} {f(n)}" for label, n in self.overdue_ref.items()) + ".",
        ]


# --- how members look, by kind of cell --------------------------------------------

_AgeBands = tuple[tuple[int, int, float], ...]
AGES_VILLAGE: _AgeBands = ((20, 29, 7), (30, 39, 15), (40, 49, 16), (50, 59, 17), (60, 69, 21),
                           (70, 79, 15), (80, 90, 9))
AGES_STREET: _AgeBands = ((20, 29, 4), (30, 39, 9), (40, 49, 11), (50, 59, 14), (60, 69, 26),
                          (70, 79, 22), (80, 90, 14))
AGES_WORKING: _AgeBands = ((22, 29, 14), (30, 39, 34), (40, 49, 28), (50, 60, 24))
AGES_ARMED: _AgeBands = ((21, 29, 30), (30, 39, 35), (40, 49, 22), (50, 55, 13))

VILLAGE, STREET = "village", "street"


@dataclass(frozen=True)
class Profile:
    """Kiểu chi bộ: số đảng viên thô, tuổi, tỉ lệ nữ, nghề nghiệp chính."""

    key: str
    size: tuple[int, int]
    female: float
    ages: _AgeBands
    occupation: str | None = None  # None: decided by age (villages, streets)
    education_thcs: float = 0.0  # share with lower-secondary only (enterprises)


P_VILLAGE = Profile(VILLAGE, (14, 32), 0.36, AGES_VILLAGE)
P_STREET = Profile(STREET, (16, 40), 0.44, AGES_STREET)
P_COMMUNE_OFFICE = Profile("commune_office", (10, 20), 0.40, AGES_WORKING, Occupation.CIVIL_SERVANT)
P_COMMUNE_SCHOOL = Profile("commune_school", (4, 10), 0.82, AGES_WORKING, Occupation.CIVIL_SERVANT)
P_COMMUNE_POLICE = Profile("commune_police", (3, 7), 0.08, AGES_ARMED, Occupation.ARMED_FORCES)
P_COMMUNE_MILITARY = Profile("commune_military", (3, 7), 0.05, AGES_ARMED, Occupation.ARMED_FORCES)
P_SCHOOL = Profile("school", (8, 20), 0.68, AGES_WORKING, Occupation.CIVIL_SERVANT)
P_HIGH_SCHOOL = Profile("high_school", (15, 32), 0.62, AGES_WORKING, Occupation.CIVIL_SERVANT)
P_OFFICE = Profile("office", (6, 18), 0.45, AGES_WORKING, Occupation.CIVIL_SERVANT)
P_HEALTH = Profile("health", (6, 15), 0.62, AGES_WORKING, Occupation.CIVIL_SERVANT)
P_STATE_ENTERPRISE = Profile("state_enterprise", (8, 22), 0.30, AGES_WORKING, Occupation.WORKER, 0.15)
P_PRIVATE_ENTERPRISE = Profile(
    "private_enterprise", (5, 16), 0.40, AGES_WORKING, Occupation.PRIVATE_ENTERPRISE, 0.2
)
P_MILITARY = Profile("military", (6, 14), 0.07, AGES_ARMED, Occupation.ARMED_FORCES)
P_POLICE = Profile("police", (8, 18), 0.14, AGES_ARMED, Occupation.ARMED_FORCES)
P_ARMY = Profile("army", (12, 32), 0.06, AGES_ARMED, Occupation.ARMED_FORCES)
P_PROVINCE_POLICE = Profile("province_police", (10, 26), 0.16, AGES_ARMED, Occupation.ARMED_FORCES)
P_PROVINCE_OFFICE = Profile("province_office", (6, 18), 0.47, AGES_WORKING, Occupation.CIVIL_SERVANT)
P_PROVINCE_AGENCY = Profile("province_agency", (8, 24), 0.47, AGES_WORKING, Occupation.CIVIL_SERVANT)


@dataclass(frozen=True)
class _Mix:
    """A weighted choice, prepared once."""

    values: tuple
    cum: tuple[float, ...]

    @classmethod
    def of(cls, pairs: Sequence[tuple[object, float]]) -> _Mix:
        return cls(tuple(v for v, _ in pairs), tuple(accumulate(w for _, w in pairs)))

    def pick(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cum)[0]


@dataclass(frozen=True)
class _Locale:
    """Where a cell's members come from: ethnic mix, religion, addresses."""

    ethnic: _Mix
    catholic: float
    addresses: list[str]  # shared, filled while the district is planned


# --- the plan: units in memory ------------------------------------------------------


@dataclass(eq=False)
class _Unit:
    code: str
    name: str
    kind: str
    place_kind: str = ""
    mountainous: bool = False
    profile: Profile | None = None
    locale: _Locale | None = None
    home: str = ""  # address of a village cell's members
    children: list[_Unit] = field(default_factory=list)
    weight: float = 0.0
    members: int = 0
    path: str = ""
    depth: int = 0
    pk: int | None = None
    # Set by `--through-2025` on the districts it dissolves (`admissions.decider`).
    ends_on: dt.date | None = None
    successor: _Unit | None = None
    area: str = ""  # "huyện Kim Bôi (cũ)": the former district's area, in class names

    def add(self, child: _Unit) -> _Unit:
        self.children.append(child)
        return child

    def child_code(self) -> str:
        return f"{self.code}.{len(self.children) + 1:02d}"

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def _n(count: int, scale: float, minimum: int = 1) -> int:
    """How many of `count` things to build at `scale` (at least `minimum`)."""
    if scale >= 1:
        return count
    return max(minimum, min(count, round(count * scale)))


def _place_for_school(level: str, commune: str) -> str:
    return commune if level == N.XA else f"{level} {commune}"


class _Planner:
    def __init__(self, *, scale: float, rng: random.Random):
        self.scale = scale
        self.rng = rng
        self.province_addresses: list[str] = []
        self.communes = 0
        self.mountainous_communes = 0

    # -- helpers

    def cell(self, parent: _Unit, name: str, place: str, profile: Profile, locale: _Locale,
             *, kind: str = UnitKind.CELL, mountainous: bool = False, home: str = "") -> _Unit:
        lo, hi = profile.size
        return parent.add(_Unit(
            parent.child_code(), name, kind, place, mountainous, profile, locale, home,
            weight=self.rng.uniform(lo, hi),
        ))

    def committee(self, parent: _Unit, name: str, place: str, *, mountainous: bool = False) -> _Unit:
        return parent.add(_Unit(
            parent.child_code(), name, UnitKind.GRASSROOTS_COMMITTEE, place, mountainous
        ))

    def village_names(self, spec: N.DistrictSpec, level: str, commune: str, count: int,
                      hmong: bool) -> list[str]:
        rng = self.rng
        if level == N.PHUONG:
            return [f"tổ dân phố {i}" for i in range(1, count + 1)]
        out: list[str] = []
        if level == N.THI_TRAN:
            out = [f"tổ dân phố {i}" for i in range(1, max(1, round(count * 0.6)) + 1)]
        used = set(out)
        word = spec.village_word
        misses = 0
        while len(out) < count:
            r = rng.random()
            if hmong and r < 0.7:
                name = rng.choice(N.HMONG_VILLAGE)
            elif word == N.BAN or (spec.code == "DB" and r < 0.3):
                if r < 0.3:
                    name = rng.choice(N.THAI_VILLAGE_SINGLE)
                else:
                    name = f"{rng.choice(N.THAI_VILLAGE_FIRST)} {rng.choice(N.THAI_VILLAGE_SECOND)}"
            elif word == N.THON and r < 0.5:
                name = rng.choice(N.KINH_VILLAGE)
            elif r < 0.2:
                name = rng.choice(N.MUONG_VILLAGE_SINGLE)
            else:
                name = f"{rng.choice(N.MUONG_VILLAGE_FIRST)} {rng.choice(N.MUONG_VILLAGE_SECOND)}"
            label = f"{word} {name}"
            if label in used:
                misses += 1
                if misses > 40:  # lists exhausted for this commune: number the rest
                    label = f"{word} {len(out) + 1}"
                    if label in used:
                        label = f"{word} {commune} {len(out) + 1}"
                else:
                    continue
            used.add(label)
            out.append(label)
        return out

    # -- the tree

    def province(self) -> _Unit:
        root = _Unit(ROOT_CODE, ROOT_NAME, UnitKind.PROVINCE)
        district_units = []
        for spec in N.DISTRICTS:
            unit = _Unit(spec.code, spec.committee_name, UnitKind.DISTRICT)
            root.children.append(unit)
            district_units.append((spec, unit))
        others = []
        for code, name, _members in N.OTHER_COMMITTEES:
            kind, place = {
                N.QS: (UnitKind.DIRECT, PlaceKind.ARMED_FORCES),
                N.CA: (UnitKind.DIRECT, PlaceKind.POLICE),
                N.KCQ: (UnitKind.BLOC, PlaceKind.AGENCY),
            }[code]
            unit = _Unit(code, name, kind, place)
            root.children.append(unit)
            others.append((code, unit))
        for spec, unit in district_units:
            self.district(spec, unit)
        # Provincial bodies' members live all over the province.
        locale = _Locale(_Mix.of(N.OTHER_ETHNIC), 0.006, self.province_addresses)
        for code, unit in others:
            self.provincial(code, unit, locale)
        return root

    def district(self, spec: N.DistrictSpec, d: _Unit) -> None:
        rng, s = self.rng, self.scale
        rural = spec.level == "huyện"
        catholic = {"LT": 0.03, "YT": 0.02, "HB": 0.015}.get(spec.code, 0.004)
        addresses: list[str] = []
        locale = _Locale(_Mix.of(spec.ethnic), catholic, addresses)
        hmong_locale = _Locale(
            _Mix.of(((N.HMONG, 70), (N.THAI, 18), (N.KINH, 7), (N.MUONG, 5))), 0.0, addresses
        )
        lowland = set(N.LOWLAND_COMMUNES)
        hmong_communes = set(N.HMONG_COMMUNES)

        # Communes, wards and townships with their villages.
        commune_mountainous = [(spec.code, name) not in lowland for _level, name in spec.communes]
        for index, (level, name) in enumerate(spec.communes[: _n(len(spec.communes), s)]):
            mountainous = commune_mountainous[index]
            self.communes += 1
            self.mountainous_communes += mountainous
            hmong = (spec.code, name) in hmong_communes
            cu = self.committee(d, f"Đảng bộ {level} {name}", PlaceKind.COMMUNE, mountainous=mountainous)
            full = rng.randint(15, 26) if level == N.PHUONG else rng.randint(10, 19)
            villages = self.village_names(spec, level, name, _n(full, s), hmong)
            commune_addresses = []
            for village in villages:
                address = f"{village}, {level} {name}, {spec.label}, {N.PROVINCE}"
                commune_addresses.append(address)
                street = village.startswith("tổ dân phố")
                self.cell(
                    cu, f"Chi bộ {village}", PlaceKind.VILLAGE, P_STREET if street else P_VILLAGE,
                    hmong_locale if hmong else locale, mountainous=mountainous, home=address,
                )
            addresses.extend(commune_addresses)
            commune_locale = _Locale(
                hmong_locale.ethnic if hmong else locale.ethnic, catholic, commune_addresses
            )
            place = _place_for_school(level, name)
            extras = [
                (f"Chi bộ Cơ quan {level} {name}", PlaceKind.AGENCY, P_COMMUNE_OFFICE),
                (f"Chi bộ Công an {level} {name}", PlaceKind.POLICE, P_COMMUNE_POLICE),
                (f"Chi bộ Quân sự {level} {name}", PlaceKind.ARMED_FORCES, P_COMMUNE_MILITARY),
            ]
            if rng.random() < 0.7:
                extras.append((f"Chi bộ Trường Mầm non {place}", PlaceKind.SCHOOL, P_COMMUNE_SCHOOL))
            if rng.random() < 0.5:
                extras.append((f"Chi bộ Trường Tiểu học {place}", PlaceKind.SCHOOL, P_COMMUNE_SCHOOL))
            for cell_name, place_kind, profile in extras[: _n(len(extras), s)]:
                self.cell(cu, cell_name, place_kind, profile, commune_locale, mountainous=mountainous)
        self.province_addresses.extend(addresses)

        # Schools: upper-secondary, boarding, and one lower-secondary per commune.
        schools = [(school, P_HIGH_SCHOOL, rural) for school in spec.high_schools]
        if rural:
            schools.append((f"Trường Phổ thông Dân tộc Nội trú THCS và THPT {spec.label}",
                            P_HIGH_SCHOOL, True))
        for index, (level, name) in enumerate(spec.communes):
            schools.append((f"Trường THCS {_place_for_school(level, name)}", P_SCHOOL,
                            commune_mountainous[index]))
        for school, profile, mountainous in schools[: _n(len(schools), s)]:
            self.cell(d, f"Chi bộ {school}", PlaceKind.SCHOOL, profile, locale,
                      kind=UnitKind.GRASSROOTS_CELL, mountainous=mountainous)

        # The People's Committee's offices: one grassroots committee with a cell each.
        offices = [N.CITY_OFFICES.get(o, o) if not rural else o for o in N.UBND_OFFICES]
        chosen = sorted(rng.sample(range(len(offices)), 8))
        ubnd = self.committee(d, f"Đảng bộ Cơ quan Ủy ban nhân dân {spec.label}", PlaceKind.AGENCY)
        for i in chosen[: _n(len(chosen), s)]:
            self.cell(ubnd, f"Chi bộ {offices[i]} {spec.level}", PlaceKind.AGENCY, P_OFFICE, locale)

        # Other agencies: grassroots cells.
        party_office = "Cơ quan Thành ủy Hòa Bình" if not rural else f"Cơ quan Huyện ủy {spec.short}"
        agencies = [a.format(d=spec.label, s=spec.short) for a in N.DISTRICT_AGENCIES]
        if not rural:
            agencies = [a for a in agencies if "Kiểm lâm" not in a and "nông nghiệp" not in a]
        picked = [agencies[i] for i in sorted(rng.sample(range(len(agencies)), 12))]
        for agency in [party_office, *picked][: _n(13, s)]:
            self.cell(d, f"Chi bộ {agency}", PlaceKind.AGENCY, P_OFFICE, locale,
                      kind=UnitKind.GRASSROOTS_CELL)

        # Enterprises.
        for enterprise, private in spec.enterprises[: _n(len(spec.enterprises), s)]:
            self.cell(d, f"Chi bộ {enterprise}", PlaceKind.ENTERPRISE,
                      P_PRIVATE_ENTERPRISE if private else P_STATE_ENTERPRISE, locale,
                      kind=UnitKind.GRASSROOTS_CELL)

        # Health centre, military command, police: grassroots committees with cells.
        for unit_name, place_kind, cells, profile in (
            (f"Đảng bộ Trung tâm Y tế {spec.label}", PlaceKind.AGENCY, N.HEALTH_CELLS, P_HEALTH),
            (f"Đảng bộ Quân sự {spec.label}", PlaceKind.ARMED_FORCES, N.MILITARY_CELLS, P_MILITARY),
            (f"Đảng bộ Công an {spec.label}", PlaceKind.POLICE, N.POLICE_CELLS, P_POLICE),
        ):
            gc = self.committee(d, unit_name, place_kind)
            for cell_name in cells[: _n(len(cells), s)]:
                self.cell(gc, cell_name, place_kind, profile, locale)

    def provincial(self, code: str, unit: _Unit, locale: _Locale) -> None:
        s = self.scale
        units, place, cell_profile, own_profile = {
            N.QS: (N.QS_UNITS, PlaceKind.ARMED_FORCES, P_ARMY, P_ARMY),
            N.CA: (N.CA_UNITS, PlaceKind.POLICE, P_PROVINCE_POLICE, P_PROVINCE_POLICE),
            N.KCQ: (N.KCQ_UNITS, PlaceKind.AGENCY, P_PROVINCE_OFFICE, P_PROVINCE_AGENCY),
        }[code]
        for name, cells in units[: _n(len(units), s)]:
            if cells is None:
                self.cell(unit, name, place, own_profile, locale, kind=UnitKind.GRASSROOTS_CELL)
                continue
            gc = self.committee(unit, name, place)
            for cell_name in cells[: _n(len(cells), s)]:
                self.cell(gc, cell_name, place, cell_profile, locale)


def _assign_paths(root: _Unit) -> list[_Unit]:
    """Treebeard materialized paths (steplen 4, base 36, first child step 1), in tree order."""
    ordered: list[_Unit] = []

    def visit(unit: _Unit, path: str, depth: int) -> None:
        unit.path, unit.depth = path, depth
        ordered.append(unit)
        for i, child in enumerate(unit.children, start=1):
            visit(child, OrgUnit._get_path(path, depth + 1, i), depth + 1)

    visit(root, OrgUnit._get_path(None, 1, 1), 1)
    return ordered


def _size_cells(top: _Unit, target: float, ceiling: int) -> None:
    """Spread `target` members over the committee's cells in proportion to their weights."""
    cells = [u for u in top.walk() if u.profile is not None]
    if not cells:
        return
    total_weight = sum(c.weight for c in cells)
    factor = target / total_weight if total_weight else 0.0
    for _ in range(6):  # the clamps move the total; a few corrections bring it back
        sizes = [min(ceiling, max(MIN_MEMBERS, round(c.weight * factor))) for c in cells]
        got = sum(sizes)
        if got == 0 or abs(got - target) <= max(1.0, target * 0.001):
            break
        factor *= target / got
    for cell, size in zip(cells, sizes, strict=True):
        cell.members = size


# --- people -------------------------------------------------------------------------


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


_ED_MOUNTAIN_OLD = _Mix.of(((Education.UPPER_SECONDARY, 30), (Education.LOWER_SECONDARY, 45),
                            (Education.PRIMARY, 22), (Education.NONE, 3)))
_ED_MOUNTAIN_YOUNG = _Mix.of(((Education.UPPER_SECONDARY, 55), (Education.LOWER_SECONDARY, 38),
                              (Education.PRIMARY, 7)))
_ED_LOWLAND_OLD = _Mix.of(((Education.UPPER_SECONDARY, 50), (Education.LOWER_SECONDARY, 43),
                           (Education.PRIMARY, 7)))
_ED_LOWLAND_YOUNG = _Mix.of(((Education.UPPER_SECONDARY, 72), (Education.LOWER_SECONDARY, 27),
                             (Education.PRIMARY, 1)))
_OCC_VILLAGE_OLD = _Mix.of(((Occupation.RETIRED, 62), (Occupation.FARMER, 35), (Occupation.OTHER, 3)))
_OCC_VILLAGE_YOUNG = _Mix.of(((Occupation.FARMER, 78), (Occupation.CIVIL_SERVANT, 7),
                              (Occupation.PRIVATE_ENTERPRISE, 5), (Occupation.WORKER, 4),
                              (Occupation.OTHER, 6)))
_OCC_STREET_OLD = _Mix.of(((Occupation.RETIRED, 85), (Occupation.OTHER, 15)))
_OCC_STREET_YOUNG = _Mix.of(((Occupation.CIVIL_SERVANT, 25), (Occupation.PRIVATE_ENTERPRISE, 22),
                             (Occupation.WORKER, 15), (Occupation.OTHER, 33), (Occupation.FARMER, 5)))


class _People:
    """Makes Person and Membership rows for the planned cells."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.cccds: set[str] = set()
        self.cards: set[str] = set()
        self.folded: dict[str, tuple[str, str]] = {}
        family = dict(N.FAMILY_NAMES)
        self.family = {group: _Mix.of(pairs) for group, pairs in family.items()}
        self.family_other = self.family[N.KINH]
        self.male_middle = _Mix.of(N.MALE_MIDDLE)
        self.female_middle = _Mix.of(N.FEMALE_MIDDLE)
        self.hmong_middle = _Mix.of(N.HMONG_MALE_MIDDLE)
        self.ages = {}
        self.women = 0
        self.ethnic_counts: dict[str, int] = {}

    def _bands(self, bands: _AgeBands) -> _Mix:
        mix = self.ages.get(bands)
        if mix is None:
            mix = self.ages[bands] = _Mix.of([((lo, hi), w) for lo, hi, w in bands])
        return mix

    def full_name(self, ethnicity: str, female: bool) -> str:
        rng = self.rng
        family = self.family.get(ethnicity, self.family_other).pick(rng)
        if ethnicity == N.HMONG:
            middle = "Thị" if female else self.hmong_middle.pick(rng)
            given = rng.choice(N.HMONG_FEMALE_GIVEN if female else N.HMONG_MALE_GIVEN)
        else:
            middle = (self.female_middle if female else self.male_middle).pick(rng)
            given = rng.choice(N.FEMALE_GIVEN if female else N.MALE_GIVEN)
        if given == middle:
            given = rng.choice(N.FEMALE_GIVEN if female else N.MALE_GIVEN[:10])
        return f"{family} {middle} {given}"

    def cccd(self, birth: dt.date, female: bool) -> str:
        century = 0 if birth.year < 2000 else 2
        prefix = f"017{century + female}{birth.year % 100:02d}"
        while True:
            number = f"{prefix}{self.rng.randrange(1_000_000):06d}"
            if number not in self.cccds:
                self.cccds.add(number)
                return number

    def card(self) -> str:
        while True:
            number = f"{self.rng.randrange(10_000_000, 100_000_000)}"
            if number not in self.cards:
                self.cards.add(number)
                return number

    def _religion(self, locale: _Locale) -> str:
        r = self.rng.random()
        if r < locale.catholic:
            return Religion.CATHOLIC
        if r < locale.catholic + 0.008:
            return Religion.BUDDHISM
        return Religion.NONE

    def _person(self, cell: _Unit, *, female: bool, birth: dt.date, education: str,
                occupation: str) -> Person:
        locale = cell.locale
        assert locale is not None
        ethnicity = locale.ethnic.pick(self.rng)
        name = self.full_name(ethnicity, female)
        folded = self.folded.get(name)
        if folded is None:  # what Person.fill_derived() computes
            folded = self.folded[name] = (vn.fold(name), vn.name_sort_key(name))
        return Person(
            full_name=name, search_name=folded[0], sort_key=folded[1],
            gender=Gender.FEMALE if female else Gender.MALE, birth_date=birth,
            ethnicity=ethnicity, religion=self._religion(locale), cccd=self.cccd(birth, female),
            home_address=cell.home or self.rng.choice(locale.addresses), education=education,
            occupation=occupation, unit_id=cell.pk,
        )

    def _education_occupation(self, cell: _Unit, age: int) -> tuple[str, str]:
        rng, profile = self.rng, cell.profile
        assert profile is not None
        old = age >= 60
        if profile.key == VILLAGE:
            if cell.mountainous:
                education = (_ED_MOUNTAIN_OLD if old else _ED_MOUNTAIN_YOUNG).pick(rng)
            else:
                education = (_ED_LOWLAND_OLD if old else _ED_LOWLAND_YOUNG).pick(rng)
            occupation = (_OCC_VILLAGE_OLD if old else _OCC_VILLAGE_YOUNG).pick(rng)
        elif profile.key == STREET:
            education = (_ED_LOWLAND_OLD if old else _ED_LOWLAND_YOUNG).pick(rng)
            occupation = (_OCC_STREET_OLD if old else _OCC_STREET_YOUNG).pick(rng)
        else:
            education = (
                Education.LOWER_SECONDARY if rng.random() < profile.education_thcs
                else Education.UPPER_SECONDARY
            )
            occupation = profile.occupation
            if profile is P_COMMUNE_MILITARY and rng.random() < 0.5:
                occupation = Occupation.FARMER  # militia commanders and members
        if profile.occupation is None and age <= 22 and rng.random() < 0.5:
            occupation = Occupation.STUDENT
        return education, occupation

    def for_cell(self, cell: _Unit, count: int) -> tuple[list[Person], list[Membership], list[int]]:
        """`count` members admitted before 2020, all official; and the indexes of those
        official by mid-2019, who introduce the cell's candidates (at least two)."""
        rng = self.rng
        profile = cell.profile
        assert profile is not None
        persons: list[Person] = []
        memberships: list[Membership] = []
        bands = self._bands(profile.ages)
        latest = LEGACY_BEFORE - dt.timedelta(days=1)
        for _ in range(count):
            female = rng.random() < profile.female
            lo, hi = bands.pick(rng)
            age = max(22, rng.randint(lo, hi))  # the younger ones joined through the paths
            birth = _add_years(REF_DATE, -(age + 1)) + dt.timedelta(days=rng.randint(1, 365))
            top = min(45, age - 1)
            if rng.random() < 0.9:
                admit_age = min(top, int(rng.triangular(18, top + 1, min(26, top))))
            else:
                admit_age = rng.randint(18, max(18, min(58, age - 1)))
            admitted = _add_years(birth, admit_age) + dt.timedelta(days=rng.randint(0, 364))
            if admitted > latest:
                admitted = latest - dt.timedelta(days=rng.randint(0, 180))
            decided = admitted - dt.timedelta(days=rng.randint(14, 45))
            education, occupation = self._education_occupation(cell, age)
            person = self._person(cell, female=female, birth=birth, education=education,
                                  occupation=occupation)
            self.ethnic_counts[person.ethnicity] = self.ethnic_counts.get(person.ethnicity, 0) + 1
            self.women += female
            persons.append(person)
            memberships.append(Membership(
                cell_id=cell.pk, status=MemberStatus.OFFICIAL, decided_on=decided,
                admitted_on=admitted, recognized_on=_add_years(admitted, 1), card_number=self.card(),
            ))
        introducers = [i for i, m in enumerate(memberships) if m.recognized_on <= INTRODUCER_OFFICIAL_BY]
        # A cell of young members: its two eldest joined early enough to introduce.
        for i in sorted(range(count), key=lambda i: persons[i].birth_date):
            if len(introducers) >= 2:
                break
            if i in introducers:
                continue
            m = memberships[i]
            m.admitted_on = _add_years(persons[i].birth_date, 18) + dt.timedelta(days=rng.randint(30, 200))
            m.admitted_on = min(m.admitted_on, INTRODUCER_OFFICIAL_BY - dt.timedelta(days=366))
            m.decided_on = m.admitted_on - dt.timedelta(days=rng.randint(14, 45))
            m.recognized_on = _add_years(m.admitted_on, 1)
            introducers.append(i)
        return persons, memberships, sorted(introducers)

    def candidate(self, path: A.Path) -> Person:
        """The person of an admission path (a quần chúng until the ceremony)."""
        cell = path.cell
        age = _age_on(path.birth, path.cell_res_on or REF_DATE)
        education, occupation = self._education_occupation(cell, min(age, 59))
        if education in (Education.PRIMARY, Education.NONE) and not cell.mountainous:
            education = Education.LOWER_SECONDARY  # the general minimum (QĐ 24, điểm 1.2)
        elif education == Education.NONE:
            education = Education.PRIMARY  # mountain areas: primary at least
        if path.source == Source.FARMERS and cell.profile.key == VILLAGE:
            occupation = Occupation.FARMER
        return self._person(cell, female=path.female, birth=path.birth, education=education,
                            occupation=occupation)


# --- the build ---------------------------------------------------------------------


def _say(stdout: IO[str] | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message if message.endswith("\n") else message + "\n")
        flush = getattr(stdout, "flush", None)
        if flush is not None:
            flush()


def has_data() -> bool:
    """Whether the organisation tree already has units (the demo needs an empty tree)."""
    return OrgUnit.objects.exists()


@dataclass
class DemoPlan:
    """The demo province planned in memory, before anything is written."""

    root: _Unit
    units: list[_Unit]  # tree order (by path)
    communes: int
    mountainous_communes: int

    @property
    def cells(self) -> list[_Unit]:
        """Units that hold members (chi bộ cơ sở and chi bộ), in tree order."""
        return [u for u in self.units if u.profile is not None]

    @property
    def members(self) -> int:
        return sum(u.members for u in self.units)

    def count(self, *kinds: str) -> int:
        return sum(1 for u in self.units if u.kind in kinds)


def plan_demo(*, scale: float = 1.0, seed: int = DEFAULT_SEED) -> DemoPlan:
    """Plan the tree, its treebeard paths and every cell's member count (no database)."""
    if scale <= 0:
        raise DomainError("Hệ số quy mô (--scale) phải lớn hơn 0.")
    planner = _Planner(scale=scale, rng=random.Random(seed))
    root = planner.province()
    units = _assign_paths(root)
    ceiling = max(MAX_MEMBERS, round(MAX_MEMBERS * scale))
    targets = {spec.code: spec.members for spec in N.DISTRICTS}
    targets.update({code: members for code, _name, members in N.OTHER_COMMITTEES})
    for top in root.children:
        _size_cells(top, targets[top.code] * scale, ceiling)
    return DemoPlan(root, units, planner.communes, planner.mountainous_communes)


def build_demo(*, scale: float = 1.0, seed: int = DEFAULT_SEED, stdout: IO[str] | None = None,
               through_2025: bool = False) -> DemoSummary:
    """Tạo tỉnh mẫu Hòa Bình năm 2022 trên cơ sở dữ liệu trống; trả về số liệu đã tạo.

    `scale` multiplies the members and the admissions (and, below 1, the number of
    communes, villages and other units, always keeping the 13 committees); `seed` fixes
    every random choice. `through_2025` goes on to 31/12/2025 (`demo.through2025`): the
    admissions and plans of 2023–2025, the reorganisation of 01/07/2025 and the 2026 plan;
    everything dated up to 31/12/2022 is written exactly as without it.
    """
    from django.conf import settings

    if settings.PRODUCTION:  # the demo's users have a published password
        raise DomainError("Không tạo dữ liệu mẫu ở chế độ vận hành thật (DANGVIEN_PRODUCTION=1).")
    # Hundreds of thousands of short-lived model instances and no reference cycles worth
    # collecting: the cyclic collector would only rescan them (a third of the time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        if not through_2025:
            return _build(scale=scale, seed=seed, stdout=stdout)[0]
        from .through2025 import continued, extend

        started = time.perf_counter()
        with transaction.atomic():
            summary, state = _build(scale=scale, seed=seed, stdout=stdout)
            summary.later = extend(state, stdout=stdout)
        continued(summary.pipeline)
        summary.elapsed = time.perf_counter() - started
        return summary
    finally:
        if enabled:
            gc.enable()


@dataclass
class DemoState:
    """What the build keeps in memory for `--through-2025` to go on from 31/12/2022."""

    seed: int
    scale: float
    plan: DemoPlan
    admission_plan: A.AdmissionPlan
    paths: list[A.Path]  # written up to DATA_DATE
    later: list[A.Path]  # planned, identified after DATA_DATE: nothing written yet
    classes: A.Classes
    candidates: _People
    pools: dict[int, list[tuple[Membership, Person]]]
    unit_rows: dict[int, OrgUnit]


def _build(*, scale: float, seed: int, stdout: IO[str] | None) -> tuple[DemoSummary, DemoState]:
    started = time.perf_counter()
    f = vn.format_number

    _say(stdout, "Đang lập cây tổ chức…")
    plan = plan_demo(scale=scale, seed=seed)
    root, units, cells = plan.root, plan.units, plan.cells
    by_kind = {kind: plan.count(kind) for kind in UnitKind.values}
    total_members = plan.members

    with transaction.atomic():
        if has_data():
            raise DomainError(
                "Cơ sở dữ liệu đã có tổ chức đảng; chỉ tạo dữ liệu mẫu trên cơ sở dữ liệu trống."
            )
        _say(stdout, "Đang lập kế hoạch kết nạp đảng viên 2020–2022…")
        admission_plan = A.plan_admissions(
            plan, is_working_day=workcal.is_working_day, scale=scale, seed=seed)
        kb_target = A.kb_jan_may_target(scale)
        kb_planned = admission_plan.decisions(KB, dt.date(2022, 1, 1), A.KB_JAN_MAY_END)
        if kb_planned != kb_target:
            raise AssertionError(f"Kim Bôi: {kb_planned} quyết định 01/01–31/05/2022, cần {kb_target}")

        _say(
            stdout,
            f"Đang tạo {f(len(units))} tổ chức đảng: {f(len(root.children))} đảng bộ trực thuộc, "
            f"{f(by_kind[UnitKind.GRASSROOTS_COMMITTEE] + by_kind[UnitKind.GRASSROOTS_CELL])} "
            f"tổ chức cơ sở đảng, {f(by_kind[UnitKind.CELL])} chi bộ…",
        )
        rows = [
            OrgUnit(
                path=u.path, depth=u.depth, numchild=len(u.children), code=u.code, name=u.name,
                kind=u.kind, place_kind=u.place_kind, is_mountainous=u.mountainous,
                valid_from=VALID_FROM,
            )
            for u in units
        ]
        OrgUnit.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        for unit, row in zip(units, rows, strict=True):
            unit.pk = row.pk
        unit_rows = {row.pk: row for row in rows}
        parent_of = {child.path: unit.pk for unit in units for child in unit.children}
        OrgUnitVersion.objects.bulk_create(
            [
                OrgUnitVersion(
                    unit_id=u.pk, parent_id=parent_of.get(u.path), name=u.name, path=u.path,
                    depth=u.depth, valid_from=VALID_FROM,
                )
                for u in units
            ],
            batch_size=BATCH_SIZE,
        )

        _say(stdout, f"Đang lập {f(len(admission_plan.slots) + len(admission_plan.extras))} "
                     "hồ sơ kết nạp (kể cả nguồn cho năm 2023–2024)…")
        paths, classes, later = _make_paths(admission_plan, plan, seed)
        on_rolls: dict[int, int] = {}  # path members of each cell on 31/05/2022
        for p in paths:
            if _member_on(p, REF_DATE):
                on_rolls[id(p.cell)] = on_rolls.get(id(p.cell), 0) + 1

        _say(stdout, f"Đang tạo {f(total_members)} đảng viên (ngày {vn.format_date(REF_DATE)})…")
        people = _People(random.Random(seed * 7919 + 17))
        persons: list[Person] = []
        memberships: list[Membership] = []
        pools: dict[int, list[tuple[Membership, Person]]] = {}
        written = 0
        for cell in cells:
            count = cell.members - on_rolls.get(id(cell), 0)
            assert count >= A.KEEP_LEGACY, cell.name
            p, m, introducers = people.for_cell(cell, count)
            pools[cell.pk] = [(m[i], p[i]) for i in introducers]
            persons += p
            memberships += m
            if len(persons) >= 10_000 or cell is cells[-1]:
                written += _write_people(persons, memberships)
                persons, memberships = [], []
                if total_members >= 20_000:
                    _say(stdout, f"  đã ghi {f(written)} đảng viên kết nạp trước năm 2020")
        legacy = written
        for pool in pools.values():
            for membership, person in pool:
                membership.person = person  # both saved: sets the same id, caches the name

        _say(stdout, f"Đang ghi {f(len(paths))} hồ sơ kết nạp, các bước, lớp bồi dưỡng…")
        candidates = _People(random.Random(seed * 5113 + 7))
        candidates.cccds, candidates.cards, candidates.folded = people.cccds, people.cards, people.folded
        written_now = _write_admissions(
            paths, classes, candidates, pools, unit_rows, random.Random(seed * 2711 + 5))
        pipeline = _pipeline_summary(
            paths, scale=classes.scale, events=written_now.events, classes=written_now.classes,
            enrolments=written_now.enrolments, members=written_now.new_members)
        pipeline.members_end += legacy
        pipeline.kb_jan_may_target = kb_target
        if pipeline.kb_jan_may != kb_target:
            raise AssertionError(f"Kim Bôi: {pipeline.kb_jan_may} quyết định 01/01–31/05/2022, cần {kb_target}")

        _say(stdout, f"Đang tạo {len(DEMO_LOGINS)} tài khoản dùng thử…")
        _make_users({u.code: u.pk for u in units})

        _say(stdout, "Đang lập kế hoạch phát triển đảng viên 2020–2022…")
        demo_plans.build_plans(plan, admission_plan, scale=scale,
                               is_working_day=workcal.is_working_day, stdout=stdout)
        demo_ratings.build_ratings(seed=seed, stdout=stdout)

        ethnic_counts = dict(people.ethnic_counts)
        women = people.women
        probationary = 0
        for p in paths:
            if _member_on(p, REF_DATE):
                ethnic_counts[p.person.ethnicity] = ethnic_counts.get(p.person.ethnicity, 0) + 1
                women += p.female
                probationary += not (p.recognised_on and p.recognised_on <= DATA_DATE
                                     and p.probation_ends_on <= REF_DATE)
        ethnic = sorted(ethnic_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        members = legacy + sum(on_rolls.values())
        assert members == total_members, (members, total_members)
        summary = DemoSummary(
            seed=seed, scale=scale, units_by_kind={k: v for k, v in by_kind.items() if v},
            members=members, women=women, probationary=probationary,
            ethnic=ethnic, communes=plan.communes,
            mountainous_communes=plan.mountainous_communes,
            by_committee=[
                (top.code, top.name, sum(c.members for c in top.walk() if c.profile is not None))
                for top in root.children
            ],
            pipeline=pipeline,
        )
        admission_counts.rebuild()  # bulk_create skipped Candidacy.save(): count everything once
        history.build_history(stdout=stdout)  # member events, status changes, transfers (after 31/05/2022)
        demo_periods.build_periods(stdout=stdout)  # last: approved reports lock their period
        audit_record(by=None, action=AUDIT_ACTION, object_type="demo", after=summary.as_dict())
    summary.elapsed = time.perf_counter() - started
    state = DemoState(seed=seed, scale=scale, plan=plan, admission_plan=admission_plan, paths=paths,
                      later=later, classes=classes, candidates=candidates, pools=pools,
                      unit_rows=unit_rows)
    return summary, state


def _member_on(path: A.Path, day: dt.date) -> bool:
    """On the rolls on `day`: admitted (ceremony) by then and not removed by then."""
    if path.ceremony_on is None or path.ceremony_on > min(day, DATA_DATE):
        return False
    return not (path.closed_stage == Stage.REMOVED and path.closed_on <= min(day, DATA_DATE))


def _make_paths(admission_plan: A.AdmissionPlan, plan: DemoPlan, seed: int
                ) -> tuple[list[A.Path], A.Classes, list[A.Path]]:
    """Every planned candidacy as a dated path; those identified after DATA_DATE are kept
    apart (the third list: `--through-2025` writes them later)."""
    rng = random.Random(seed * 6151 + 11)
    classes = A.Classes(plan.root.children, scale=admission_plan.scale, rng=rng)
    maker = A.PathMaker(cal=workcal, classes=classes, rng=rng)
    paths, later = [], []
    for slot in [*admission_plan.slots, *admission_plan.extras]:
        path = maker.make(slot)
        (paths if path.identified_on <= DATA_DATE else later).append(path)
    A.number_documents(paths, rng)
    return paths, classes, later


def _write_people(persons: list[Person], memberships: list[Membership]) -> int:
    Person.objects.bulk_create(persons, batch_size=BATCH_SIZE)
    for person, membership in zip(persons, memberships, strict=True):
        membership.person_id = person.pk
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    return len(memberships)


#: Written on an event dated before every seeded rule set (none in the demo's years).
NO_RULE_SET_NOTE = (
    "Chưa có bộ quy định nào trong hệ thống cho ngày này: không lưu kết quả kiểm tra điều kiện."
)

#: The candidacy columns a later window may change (`_fill_candidacy`).
CANDIDACY_STATE = [
    "stage", "stage_on", "class_done_on", "awareness", "dossier_done_on", "cell_resolution_on",
    "cell_resolution_no", "grassroots_resolution_on", "grassroots_resolution_no", "decision_on",
    "decision_no", "decision_unit", "decision_received_on", "rule_set", "ceremony_on",
    "probation_ends_on", "membership", "recognition_no", "recognition_decided_on", "closed_on",
    "close_reason",
]


@dataclass
class Written:
    """What one window of `_write_admissions` wrote."""

    events: int = 0
    classes: int = 0  # training classes with students by the window's end
    enrolments: int = 0
    new_members: list[Membership] = field(default_factory=list)
    changed_members: list[Membership] = field(default_factory=list)


def _fill_candidacy(c: Candidacy, p: A.Path, steps: list[A.Step], got: set[str],
                    judged_by: RuleSet | None, until: dt.date) -> None:
    """The candidacy's columns as they stand on `until`."""
    last = steps[-1]
    c.stage, c.stage_on = last.stage, last.on
    if Stage.CLASS_DONE in got:
        c.class_done_on, c.awareness = p.class_done_on, p.awareness_enrolment
    if Stage.DOSSIER_DONE in got:
        c.dossier_done_on = p.dossier_done_on
    if Stage.CELL_PROPOSED in got:
        c.cell_resolution_on, c.cell_resolution_no = p.cell_res_on, p.cell_res_no
    if Stage.GRASSROOTS_PROPOSED in got:
        c.grassroots_resolution_on = p.grassroots_res_on
        c.grassroots_resolution_no = p.grassroots_res_no
    if Stage.DECIDED in got:
        c.decision_on, c.decision_no = p.decided_on, p.decision_no
        c.decision_unit_id = A.decider(p.slot, p.decided_on).pk
        # Not yet received on `until`: the services' default, the decision's own day.
        c.decision_received_on = p.received_on if p.received_on <= until else p.decided_on
        c.rule_set = judged_by
    if Stage.ON_PROBATION in got:
        c.ceremony_on, c.probation_ends_on = p.ceremony_on, p.probation_ends_on
        c.membership = p.membership
    if Stage.RECOGNISED in got:
        c.recognition_no, c.recognition_decided_on = p.recognition_no, p.recognised_on
        c.closed_on = p.recognised_on
    if p.closed_stage and p.closed_stage in got:
        c.closed_on, c.close_reason = p.closed_on, p.close_reason


def _write_admissions(paths: list[A.Path], classes: A.Classes, people: _People,
                      pools: dict[int, list[tuple[Membership, Person]]],
                      unit_rows: dict[int, OrgUnit], rng: random.Random, *,
                      since: dt.date | None = None, until: dt.date = DATA_DATE) -> Written:
    """Write what the paths did in the window (since, until] (from the start when `since`
    is None): persons, memberships, classes, enrolments, candidacies, dossier forms,
    introducers and events. A path written by an earlier window keeps its rows: they are
    brought up to `until` (`bulk_update`), and only its later forms, letters and events
    are added; so a second window never changes what the first wrote about its own dates.

    Rule results: the cell-proposal and decision events carry what
    `checks.check_admission` returns for the candidacy in memory (person, cell and
    certificate set, its introducers and forms passed as lists), judged on the cell's
    day under the rule set in force that day; the ceremony event carries
    `checks.check_ceremony`; the recognition event carries `checks.check_recognition`,
    run after the rows exist on the recognised candidacies read back with their forms
    prefetched (three queries in all). Every verdict must pass, or carry the override
    reason the services would demand; otherwise the build stops. Cases the cell
    considered before 30/07/2021 are judged by QĐ 29-QĐ/TW (2016); an event dated before
    any seeded rule set would get no results and a note saying so.
    """
    rule_sets = list(RuleSet.objects.order_by("effective_from"))
    params = {rs.pk: rs.params() for rs in rule_sets}

    def rule_set_on(day: dt.date) -> RuleSet | None:
        found = None
        for rs in rule_sets:
            if rs.effective_from <= day:
                found = rs
        return found

    def window(day: dt.date | None) -> bool:
        return day is not None and day <= until and (since is None or day > since)

    out = Written()
    # People, then the memberships the ceremonies created.
    cut = {id(p): p.steps_until(until) for p in paths}
    reached = {id(p): {s.stage for s in cut[id(p)]} for p in paths}
    fresh = [p for p in paths if p.person is None]
    for p in fresh:
        p.person = people.candidate(p)
    Person.objects.bulk_create([p.person for p in fresh], batch_size=BATCH_SIZE)
    for p in paths:
        got = reached[id(p)]
        if Stage.ON_PROBATION not in got:
            continue
        recognised, removed = Stage.RECOGNISED in got, Stage.REMOVED in got
        status = (MemberStatus.REMOVED if removed else
                  MemberStatus.OFFICIAL if recognised else MemberStatus.PROBATIONARY)
        m = p.membership
        if m is None:
            p.membership = Membership(
                person=p.person, cell_id=p.cell.pk, status=status, decided_on=p.decided_on,
                admitted_on=p.ceremony_on, recognized_on=p.probation_ends_on if recognised else None,
                card_number=people.card() if recognised else "",
                ended_on=p.closed_on if removed else None,
            )
            out.new_members.append(p.membership)
        elif m.status != status:  # recognised or removed in this window
            m.status = status
            if recognised and m.recognized_on is None:
                m.recognized_on, m.card_number = p.probation_ends_on, people.card()
            if removed:
                m.ended_on = p.closed_on
            out.changed_members.append(m)
    Membership.objects.bulk_create(out.new_members, batch_size=BATCH_SIZE)
    Membership.objects.bulk_update(out.changed_members,
                                   ["status", "recognized_on", "card_number", "ended_on"],
                                   batch_size=BATCH_SIZE)

    # Classes and certificates.
    for p in paths:
        if p.awareness is not None and window(p.awareness.starts_on):
            p.awareness.students.append(p)
        nm = p.new_member
        if (nm is not None and p.membership is not None and window(nm.starts_on)
                and (p.membership.ended_on is None or nm.starts_on < p.membership.ended_on)):
            nm.students.append(p)
    used = [c for c in classes.all() if c.students]
    new_classes = [c for c in used if c.row is None]
    if since is not None:  # a later window adds nothing dated in an earlier one
        for p in fresh:
            if p.identified_on <= since or any(
                    k is not None and k.starts_on <= since for k in (p.awareness, p.new_member)):
                raise AssertionError(f"Hồ sơ mới của {p.person.full_name} có ngày trước "
                                     f"{vn.format_date(since)}")
    for c in new_classes:
        c.row = TrainingClass(
            kind=ClassKind.AWARENESS if c.kind == A.AWARENESS else ClassKind.NEW_MEMBER,
            name=c.name, organiser_id=c.held_by.pk, starts_on=c.starts_on, ends_on=c.ends_on)
    TrainingClass.objects.bulk_create([c.row for c in new_classes], batch_size=BATCH_SIZE)
    out.classes = len(used)
    enrolments: list[Enrolment] = []
    finished: list[Enrolment] = []
    numbers = classes.certificates
    for c in used:
        done = c.ends_on <= until
        for p in c.students:
            e = c.enrolments.get(id(p))
            if e is None:
                e = c.enrolments[id(p)] = Enrolment(
                    training_class=c.row, person=p.person,
                    result=Result.PASSED if done else Result.ENROLLED)
                enrolments.append(e)
            elif done and e.result == Result.ENROLLED:
                e.result = Result.PASSED
                finished.append(e)
            else:
                continue
            if done:
                key = (c.committee.code, c.kind, c.ends_on.year)
                numbers[key] = numbers.get(key, 0) + 1
                form = "GCN-NTVĐ" if c.kind == A.AWARENESS else "GCN-ĐVM"
                e.certificate_number = f"{numbers[key]}/{form}"
                e.certificate_on = c.ends_on
                if c.kind == A.AWARENESS:
                    e.certificate_expires_on = add_months(c.ends_on, 60)
                    p.certificate_no = e.certificate_number
                else:
                    p.new_member_on = c.ends_on
            if c.kind == A.AWARENESS:
                p.awareness_enrolment = e
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH_SIZE)
    Enrolment.objects.bulk_update(
        finished, ["result", "certificate_number", "certificate_on", "certificate_expires_on"],
        batch_size=BATCH_SIZE)
    out.enrolments = len(enrolments)

    # Candidacies, their forms and introducers; events wait for the recognition checks.
    candidacies: list[Candidacy] = []
    changed: list[Candidacy] = []
    items: list[DossierItem] = []
    introducers: list[Introducer] = []
    events: list[tuple[A.Path, CandidacyEvent]] = []
    for p in paths:
        steps = cut[id(p)]
        if not steps:
            continue
        got = reached[id(p)]
        judged_by = rule_set_on(p.cell_res_on) if p.cell_res_on else None
        c = p.candidacy
        if c is None:
            c = p.candidacy = Candidacy(
                person=p.person, cell=unit_rows[p.cell.pk], source=p.source,
                identified_on=p.identified_on, union_route=p.union_route)
            candidacies.append(c)
        elif any(window(s.on) for s in steps):
            changed.append(c)
        _fill_candidacy(c, p, steps, got, judged_by, until)

        admission_items = [DossierItem(candidacy=c, form=form, on=on)
                           for form, on in p.items if window(on)]
        p.item_rows += admission_items
        items += admission_items
        items += [DossierItem(candidacy=c, form=form, on=on, reference=p.recognition_refs.get(form, ""))
                  for form, on in p.recognition_items if window(on)]
        letters = [(known, on) for known, on in p.letters if window(on)]
        pool = pools[p.cell.pk]
        if p.introducer_rows:  # a later window: the others of the cell's pool
            taken = {i.membership_id for i in p.introducer_rows}
            pool = [(m, person) for m, person in pool if m.pk not in taken]
        chosen = rng.sample(pool, len(letters))
        mine = [Introducer(candidacy=c, membership=m, known_since=known, letter_on=on)
                for (m, _person), (known, on) in zip(chosen, letters, strict=True)]
        p.introducer_rows += mine
        introducers += mine

        admission = []
        if (Stage.CELL_PROPOSED in got and judged_by is not None
                and (window(p.cell_res_on) or window(p.decided_on))):
            admission = checks.check_admission(c, on=p.cell_res_on, rule_set=judged_by,
                                               introducers=p.introducer_rows, items=p.item_rows)
            _require_passed(admission, p, "xét kết nạp")
        for step in steps:
            if not window(step.on):
                continue
            e = CandidacyEvent(candidacy=c, stage=step.stage, on=step.on, document_no=step.doc,
                               note=step.note, override_reason=step.override)
            if step.stage == Stage.CLASS_DONE:
                e.document_no = p.certificate_no
            elif step.stage in (Stage.CELL_PROPOSED, Stage.DECIDED):
                _judged(e, judged_by, params, admission)
                if judged_by is None and step.stage == Stage.DECIDED:
                    e.note = NO_RULE_SET_NOTE
            elif step.stage == Stage.ON_PROBATION:
                e.note = f"Hết dự bị ngày {vn.format_date(p.probation_ends_on)}"
                rs = rule_set_on(step.on)
                results = checks.check_ceremony(c, on=step.on, rule_set=rs) if rs else []
                _require_passed(results, p, "lễ kết nạp", override=step.override)
                _judged(e, rs, params, results)
            events.append((p, e))

    Candidacy.objects.bulk_create(candidacies, batch_size=BATCH_SIZE)
    Candidacy.objects.bulk_update(changed, CANDIDACY_STATE, batch_size=BATCH_SIZE)
    DossierItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
    Introducer.objects.bulk_create(introducers, batch_size=BATCH_SIZE)

    # Recognition: the services' check on the rows just written (forms prefetched).
    recognised = {e.candidacy.pk: (p, e) for p, e in events if e.stage == Stage.RECOGNISED}
    rows = Candidacy.objects.filter(stage=Stage.RECOGNISED)
    if since is not None:
        rows = rows.filter(recognition_decided_on__gt=since)
    for c in rows.prefetch_related("dossier", "introducers"):
        p, e = recognised[c.pk]
        rs = rule_set_on(e.on)
        results = (checks.check_recognition(c, on=e.on, rule_set=rs, new_member_on=p.new_member_on)
                   if rs else [])
        _require_passed(results, p, "công nhận chính thức")
        _judged(e, rs, params, results)
        e.note = f"Chính thức từ ngày {vn.format_date(p.probation_ends_on)}"
    CandidacyEvent.objects.bulk_create([e for _, e in events], batch_size=BATCH_SIZE)
    out.events = len(events)
    return out


def _judged(event: CandidacyEvent, rule_set: RuleSet | None, params: dict, results: list) -> None:
    if rule_set is not None:
        event.rule_set, event.rule_params = rule_set, params[rule_set.pk]
        event.results = [dict(vars(r)) for r in results]  # RuleResult.as_dict(), without deepcopy


def _require_passed(results: list, path: A.Path, step: str, *, override: str = "") -> None:
    """The demo writes only what the services would accept."""
    bad = checks.failed(results)
    if bad and (override == "" or any(r.blocking for r in bad)):
        raise AssertionError(
            f"Dữ liệu mẫu sai quy định ở bước {step} ({path.person.full_name}, {path.cell.name}): "
            + " ".join(r.message for r in bad))


#: Deadline kinds counted on a day, in the order the summary prints them.
OVERDUE_LABELS = {
    "recognition": "công nhận chính thức quá 30 ngày làm việc",
    "decision": "quyết định kết nạp quá 60 ngày làm việc",
    "ceremony": "lễ kết nạp quá 30 ngày làm việc",
    "certificate": "giấy chứng nhận nhận thức về Đảng hết hạn trong 90 ngày tới",
}


def overdue_on(paths: list[A.Path], day: dt.date) -> dict[str, list[A.Path]]:
    """Paths past a deadline on `day` (the calendar's working days; no query per path)."""
    out: dict[str, list[A.Path]] = {k: [] for k in OVERDUE_LABELS}
    wd = workcal.add_working_days
    for p in paths:
        if p.identified_on > day or (p.closed_stage and p.closed_on <= day):
            continue
        if _member_on(p, day) and not (p.recognised_on and p.recognised_on <= day):
            if wd(p.probation_ends_on, 30) < day:
                out["recognition"].append(p)
        elif (p.cell_res_on and p.cell_res_on <= day and not (p.decided_on and p.decided_on <= day)
              and wd(p.cell_res_on, 60) < day):
            out["decision"].append(p)
        elif (p.received_on and p.received_on <= day and not (p.ceremony_on and p.ceremony_on <= day)
              and wd(p.received_on, 30) < day):
            out["ceremony"].append(p)
        elif (p.certificate_on and p.certificate_on <= day and p.stage_on(day) in
              (Stage.CLASS_DONE, Stage.DOSSIER_DONE)
              and day < add_months(p.certificate_on, 60) <= day + dt.timedelta(days=90)):
            out["certificate"].append(p)
    return out


def _pipeline_summary(paths: list[A.Path], *, scale: float, events: int, classes: int,
                      enrolments: int, members: list[Membership]) -> PipelineSummary:
    def stages(day: dt.date) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in paths:
            stage = p.stage_on(day)
            if stage is not None:
                out[stage] = out.get(stage, 0) + 1
        return {s: out[s] for s in STAGE_ORDER if s in out}

    decisions: dict[int, int] = {}
    kb: dict[int, int] = {}
    sources: dict[str, int] = {}
    for p in paths:
        label = Source(p.source).label
        sources[label] = sources.get(label, 0) + 1
        if p.decided_on is not None and p.decided_on <= DATA_DATE:
            decisions[p.decided_on.year] = decisions.get(p.decided_on.year, 0) + 1
            if p.committee.code == KB:
                kb[p.decided_on.year] = kb.get(p.decided_on.year, 0) + 1
    kb_paths = [p for p in paths if p.committee.code == KB and p.decided_on]
    return PipelineSummary(
        data_date=DATA_DATE, scale=scale,
        members_end=sum(1 for m in members if m.status != MemberStatus.REMOVED),
        probationary_end=sum(1 for m in members if m.status == MemberStatus.PROBATIONARY),
        candidacies=len(paths), events=events, classes=classes, enrolments=enrolments,
        decisions_by_year=dict(sorted(decisions.items())),
        stages_end=stages(DATA_DATE), stages_ref=stages(REF_DATE),
        sources=dict(sorted(sources.items(), key=lambda kv: -kv[1])),
        kb_jan_may=sum(1 for p in kb_paths if dt.date(2022, 1, 1) <= p.decided_on <= A.KB_JAN_MAY_END),
        kb_jan_may_target=0,
        kb_by_year=dict(sorted(kb.items())),
        kb_2021_by_october=sum(
            1 for p in kb_paths if dt.date(2021, 1, 1) <= p.decided_on <= A.KB_2021_REACHED_BY),
        overdue_ref={OVERDUE_LABELS[k]: len(v) for k, v in overdue_on(paths, REF_DATE).items()},
    )


def _make_users(unit_pks: dict[str, int | None]) -> None:
    """The five demo users, password hashed once (argon2 is slow on purpose)."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    for login in DEMO_LOGINS:
        user, _ = User.objects.update_or_create(
            username=login.username,
            defaults={
                "password": password, "first_name": login.first_name,
                "last_name": login.last_name, "email": "", "is_active": True,
                "is_staff": login.superuser, "is_superuser": login.superuser,
            },
        )
        RoleAssignment.objects.filter(user=user).delete()
        if login.unit_code is not None:
            RoleAssignment.objects.create(user=user, unit_id=unit_pks[login.unit_code], role=login.role)


# --- reset ---------------------------------------------------------------------------


def _delete_all(model) -> int:
    """DELETE every row of the model's table in one statement (no per-row collection)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table name from model metadata
        return max(cursor.rowcount, 0)


def reset_demo(*, stdout: IO[str] | None = None) -> dict[str, int]:
    """Xóa dữ liệu mẫu (kế hoạch, tổ chức, đảng viên, hồ sơ kết nạp, lớp bồi dưỡng, phân quyền)
    để tạo lại; giữ tài khoản và nhật ký.

    Refuses when the tree was not made by the demo (no "demo.build" row in the audit
    trail), or when other records still point at the units or people.
    """
    if has_data() and not AuditEvent.objects.filter(action=AUDIT_ACTION).exists():
        raise DomainError(
            "Cơ sở dữ liệu có tổ chức đảng không do lệnh demo tạo ra; không xóa. "
            "Hãy dùng một cơ sở dữ liệu riêng cho dữ liệu mẫu."
        )
    _say(stdout, "Đang xóa dữ liệu mẫu cũ…")
    counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            for label, model in (
                *demo_ratings.RESET_MODELS,
                *demo_periods.RESET_MODELS,
                ("admission_counts", AdmissionCount),
                ("plan_allocations", Allocation),
                ("plan_versions", PlanVersion),
                ("plans", Plan),
                ("candidacy_events", CandidacyEvent),
                ("dossier_items", DossierItem),
                ("introducers", Introducer),
                ("candidate_surveys", CandidateSurvey),
                ("candidacies", Candidacy),
                ("enrolments", Enrolment),
                ("training_classes", TrainingClass),
                ("membership_events", MembershipEvent),
                ("transfers", Transfer),
                ("memberships", Membership),
                ("persons", Person),
                ("role_assignments", RoleAssignment),
                ("org_change_units", OrgChange.units.through),
                ("org_changes", OrgChange),
                ("org_versions", OrgUnitVersion),
                ("units", OrgUnit),
            ):
                counts[label] = _delete_all(model)
            # Constraints are deferred: check now, so a leftover reference fails here
            # with a clear message rather than at commit.
            connection.check_constraints()
            audit_record(by=None, action="demo.reset", object_type="demo", before=counts)
    except IntegrityError as exc:
        raise DomainError(
            "Không xóa được dữ liệu mẫu: còn dữ liệu khác tham chiếu tới tổ chức đảng hoặc "
            f"đảng viên ({exc}). Hãy xóa toàn bộ cơ sở dữ liệu (dangvien flush) rồi tạo lại."
        ) from exc
    return counts
