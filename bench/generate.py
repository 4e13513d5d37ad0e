"""Scale tiers for the benchmarks (issue 4): load a database with a province or a country.

    python bench/generate.py province --database-url sqlite:///bench/out/province.sqlite3
    python bench/generate.py national \\
        --database-url postgres://postgres@127.0.0.1:5432/dangvien_national
    python bench/generate.py national --scale 0.01 --database-url sqlite:///bench/out/n1.sqlite3

Tiers
-----
* ``province``: the demo province (Hòa Bình, ≈68.300 members, ≈4.200 units, ≈1.700
  admissions a year, 2020–2022): `dangvien.demo.builder.build_demo` at ``--scale``
  (default 1.0), with everything the demo writes.
* ``national``: 5,6 million members on 31/12/2022 in ≈300.000 units — the root "TW", 63
  provinces, ≈700 district-level committees (districts, plus the provinces' military,
  police and bloc committees), ≈30.000 grassroots organisations (60 % grassroots
  committees, 40 % grassroots cells) and ≈270.000 cells under the committees — with
  ≈200.000 admission decisions a year in 2020, 2021 and 2022, an open pipeline of
  ≈250.000 candidacies at the stages before the decision on 31/12/2022, and a few
  withdrawn ones. Written: `OrgUnit` (treebeard paths computed here), one open
  `OrgUnitVersion` per unit (from 01/01/2020), a `Person` for every member and
  candidate (search and sort columns filled as `Person.fill_derived` does, CCCD
  unique), a `Membership` for every member (legacy members admitted before 2020,
  official; members admitted from 2020 carry their candidacy's dates), a `Candidacy`
  for every admission and open or withdrawn case with all its stage dates in order
  (`decision_unit` = the district-level committee above the cell), and the 2022 plans:
  "01-KH/TW" at the root with allocations to the provinces, each province's plan with
  allocations to its committees, each committee's plan with allocations to its
  grassroots organisations (one issued version each).

  Memberships start in their cell on the day of admission (`started_on`). Not written
  at this tier, because no count reads them: member events (`people.events.backfill`
  writes them on demand). Nor, because the dashboard does not read them: candidacy events,
  dossier forms, introducers, training classes and enrolments (``awareness`` is empty),
  rule sets on candidacies, role assignments, the audit trail. The root has no kind of
  its own in `UnitKind` and uses "tinh_uy" like the provinces.

Loading
-------
One pass over the cells generates every row (per-cell work only, a constant amount of
memory per table): rows go to per-table spool files (marshal batches in a temporary
directory), then each table is loaded in bulk, never through the ORM. PostgreSQL: COPY
(psycopg 3, ``cursor.copy(...).write_row``) on Django's connection, with the loaded
tables' secondary indexes, unique and foreign-key constraints dropped before and
re-created after (so PostgreSQL builds them by sorting and re-validates every foreign
key), then sequences moved past the ids and VACUUM (ANALYZE). SQLite: ``executemany`` in batches
inside one transaction, with ``foreign_keys``, ``journal_mode`` and ``synchronous`` off for
the load only and the droppable indexes re-created after, then
``PRAGMA foreign_key_check`` on the loaded tables and ANALYZE. A small load (``--scale``
below `BULK_INDEX_SCALE`), or a load inside a transaction (the tests), keeps indexes and
pragmas as they are.

Deterministic: the same tier, scale and seed give the same rows on every database.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import marshal
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_SEED = 2022
DATA_DATE = dt.date(2022, 12, 31)
VALID_FROM = dt.date(2020, 1, 1)
YEARS = (2020, 2021, 2022)
PLAN_YEAR = 2022
#: At or above this scale the national load drops and re-creates the loaded tables'
#: indexes and constraints (and, on SQLite, turns the safety pragmas off).
BULK_INDEX_SCALE = 0.02

#: The national tier at scale 1.
NATIONAL = {
    "provinces": 63,
    "committees": 700,
    "grassroots": 30_000,
    "cells": 270_000,
    "members": 5_600_000,
    "admissions": {2020: 196_000, 2021: 201_000, 2022: 203_000},
    "pipeline": 250_000,
    "withdrawn": 24_000,
}

#: The 63 provinces and centrally-run cities, with the CCCD place code (first 3 digits),
#: a member weight and whether most of it is mountainous.
PROVINCES: tuple[tuple[str, str, str, float, bool], ...] = (
    ("001", "thành phố", "Hà Nội", 5.2, False), ("002", "tỉnh", "Hà Giang", 0.8, True),
    ("004", "tỉnh", "Cao Bằng", 0.8, True), ("006", "tỉnh", "Bắc Kạn", 0.5, True),
    ("008", "tỉnh", "Tuyên Quang", 0.9, True), ("010", "tỉnh", "Lào Cai", 0.9, True),
    ("011", "tỉnh", "Điện Biên", 0.7, True), ("012", "tỉnh", "Lai Châu", 0.5, True),
    ("014", "tỉnh", "Sơn La", 1.1, True), ("015", "tỉnh", "Yên Bái", 0.9, True),
    ("017", "tỉnh", "Hòa Bình", 1.0, True), ("019", "tỉnh", "Thái Nguyên", 1.3, True),
    ("020", "tỉnh", "Lạng Sơn", 0.9, True), ("022", "tỉnh", "Quảng Ninh", 1.5, False),
    ("024", "tỉnh", "Bắc Giang", 1.4, False), ("025", "tỉnh", "Phú Thọ", 1.4, True),
    ("026", "tỉnh", "Vĩnh Phúc", 1.0, False), ("027", "tỉnh", "Bắc Ninh", 1.1, False),
    ("030", "tỉnh", "Hải Dương", 1.5, False), ("031", "thành phố", "Hải Phòng", 1.9, False),
    ("033", "tỉnh", "Hưng Yên", 1.0, False), ("034", "tỉnh", "Thái Bình", 1.8, False),
    ("035", "tỉnh", "Hà Nam", 0.8, False), ("036", "tỉnh", "Nam Định", 1.8, False),
    ("037", "tỉnh", "Ninh Bình", 1.0, False), ("038", "tỉnh", "Thanh Hóa", 2.9, False),
    ("040", "tỉnh", "Nghệ An", 2.8, True), ("042", "tỉnh", "Hà Tĩnh", 1.5, False),
    ("044", "tỉnh", "Quảng Bình", 0.9, False), ("045", "tỉnh", "Quảng Trị", 0.7, False),
    ("046", "tỉnh", "Thừa Thiên Huế", 1.0, False), ("048", "thành phố", "Đà Nẵng", 1.0, False),
    ("049", "tỉnh", "Quảng Nam", 1.3, False), ("051", "tỉnh", "Quảng Ngãi", 1.0, False),
    ("052", "tỉnh", "Bình Định", 1.1, False), ("054", "tỉnh", "Phú Yên", 0.7, False),
    ("056", "tỉnh", "Khánh Hòa", 0.9, False), ("058", "tỉnh", "Ninh Thuận", 0.5, False),
    ("060", "tỉnh", "Bình Thuận", 0.8, False), ("062", "tỉnh", "Kon Tum", 0.5, True),
    ("064", "tỉnh", "Gia Lai", 0.9, True), ("066", "tỉnh", "Đắk Lắk", 1.1, True),
    ("067", "tỉnh", "Đắk Nông", 0.5, True), ("068", "tỉnh", "Lâm Đồng", 0.9, True),
    ("070", "tỉnh", "Bình Phước", 0.6, False), ("072", "tỉnh", "Tây Ninh", 0.7, False),
    ("074", "tỉnh", "Bình Dương", 1.0, False), ("075", "tỉnh", "Đồng Nai", 1.5, False),
    ("077", "tỉnh", "Bà Rịa - Vũng Tàu", 0.8, False),
    ("079", "thành phố", "Hồ Chí Minh", 3.8, False), ("080", "tỉnh", "Long An", 1.0, False),
    ("082", "tỉnh", "Tiền Giang", 1.0, False), ("083", "tỉnh", "Bến Tre", 1.0, False),
    ("084", "tỉnh", "Trà Vinh", 0.7, False), ("086", "tỉnh", "Vĩnh Long", 0.8, False),
    ("087", "tỉnh", "Đồng Tháp", 1.0, False), ("089", "tỉnh", "An Giang", 1.0, False),
    ("091", "tỉnh", "Kiên Giang", 0.9, False), ("092", "thành phố", "Cần Thơ", 0.8, False),
    ("093", "tỉnh", "Hậu Giang", 0.5, False), ("094", "tỉnh", "Sóc Trăng", 0.7, False),
    ("095", "tỉnh", "Bạc Liêu", 0.5, False), ("096", "tỉnh", "Cà Mau", 0.7, False),
)
assert len(PROVINCES) == 63

STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def step(n: int) -> str:
    """Treebeard's step for the n-th child (base 36, four characters; the first child is 1)."""
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out.rjust(STEPLEN, "0")


def spread(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """`total` split in proportion to `weights`, each at least `minimum` (largest remainder)."""
    n = len(weights)
    if n == 0:
        return []
    base = [minimum] * n
    rest = total - minimum * n
    if rest <= 0:
        return base
    whole = sum(weights)
    shares = [w * rest / whole for w in weights]
    out = [b + int(s) for b, s in zip(base, shares, strict=True)]
    left = total - sum(out)
    order = sorted(range(n), key=lambda i: (int(shares[i]) - shares[i], i))
    for i in order[:left]:
        out[i] += 1
    return out


def _say(stdout: IO[str] | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")
        stdout.flush()


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


# --- the tree ---------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class Unit:
    code: str
    name: str
    kind: str
    place: str = ""
    mountainous: bool = False
    parent: Unit | None = None
    children: list[Unit] = field(default_factory=list)
    path: str = ""
    depth: int = 0
    pk: int = 0
    province: int = 0  # index in PROVINCES
    committee: Unit | None = None  # the district-level committee above (or itself)
    weight: float = 1.0
    members: int = 0
    home: str = ""
    # Admissions planned per year, open pipeline, withdrawn (cells only).
    admissions: list[int] = field(default_factory=lambda: [0, 0, 0])
    pipeline: int = 0
    withdrawn: int = 0

    def add(self, child: Unit) -> Unit:
        child.parent = self
        self.children.append(child)
        return child

    def walk(self) -> Iterator[Unit]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Tree:
    root: Unit
    units: list[Unit]  # tree (path) order
    holders: list[Unit]  # units that hold members (cells and grassroots cells), tree order

    def level(self, depth: int) -> list[Unit]:
        return [u for u in self.units if u.depth == depth]


def _counts(scale: float) -> dict[str, int]:
    n = NATIONAL
    provinces = max(2, min(63, round(n["provinces"] * scale)))
    committees = max(2 * provinces, round(n["committees"] * scale))
    grassroots = max(2 * committees, round(n["grassroots"] * scale))
    committees_at_grassroots = max(committees, round(grassroots * 0.6))
    cells = max(2 * committees_at_grassroots, round(n["cells"] * scale))
    return {"provinces": provinces, "committees": committees, "grassroots": grassroots,
            "cells": cells, "members": round(n["members"] * scale)}


def plan_tree(*, scale: float, rng: random.Random) -> Tree:
    """The national tree in memory, with treebeard paths, depths and member counts."""
    from dangvien.org.models import PlaceKind, UnitKind

    counts = _counts(scale)
    root = Unit("TW", "Ban Chấp hành Trung ương Đảng", UnitKind.PROVINCE)
    provinces = PROVINCES[: counts["provinces"]]
    p_weights = [w * rng.lognormvariate(0, 0.15) for *_, w, _m in provinces]
    per_province = spread(counts["committees"], p_weights, minimum=2)
    committees: list[Unit] = []
    for index, ((_cccd, level, name, _w, mountain), n_committees) in enumerate(
        zip(provinces, per_province, strict=True)
    ):
        label = f"{level} {name}"
        head = "Thành ủy" if level == "thành phố" else "Tỉnh ủy"
        p = root.add(Unit(f"T{index + 1:02d}", f"{head} {name}", UnitKind.PROVINCE,
                          mountainous=mountain, province=index, weight=p_weights[index]))
        specials = []
        if n_committees >= 5:
            specials = [(f"Đảng ủy Quân sự {label}", UnitKind.DIRECT, PlaceKind.ARMED_FORCES),
                        (f"Đảng ủy Công an {label}", UnitKind.DIRECT, PlaceKind.POLICE),
                        (f"Đảng ủy Khối các cơ quan {label}", UnitKind.BLOC, PlaceKind.AGENCY)]
        if n_committees >= 9:
            specials.append((f"Đảng ủy Khối Doanh nghiệp {label}", UnitKind.BLOC,
                             PlaceKind.ENTERPRISE))
        districts = n_committees - len(specials)
        for j in range(n_committees):
            if j < districts:
                word = "quận" if level == "thành phố" and j < districts // 2 else "huyện"
                c_name = f"Đảng bộ {word} số {j + 1}, {label}"
                c_kind, c_place = UnitKind.DISTRICT, ""
            else:
                c_name, c_kind, c_place = specials[j - districts]
            c = p.add(Unit(f"{p.code}.{j + 1:02d}", c_name, c_kind, c_place,
                           mountainous=mountain and rng.random() < 0.8, province=index,
                           weight=p.weight / n_committees * rng.uniform(0.6, 1.4)))
            c.committee = c
            committees.append(c)

    per_committee = spread(counts["grassroots"], [c.weight for c in committees], minimum=2)
    grassroots_committees: list[Unit] = []
    for c, n_grassroots in zip(committees, per_committee, strict=True):
        armed = c.place in (PlaceKind.ARMED_FORCES, PlaceKind.POLICE)
        for k in range(n_grassroots):
            is_committee = k == 0 or rng.random() < 0.6
            code = f"{c.code}.{k + 1:03d}"
            if armed:
                place = c.place
            elif c.kind == UnitKind.BLOC:
                place = c.place or PlaceKind.AGENCY
            elif is_committee:
                place = PlaceKind.COMMUNE if rng.random() < 0.75 else PlaceKind.AGENCY
            else:
                place = rng.choice((PlaceKind.SCHOOL, PlaceKind.AGENCY, PlaceKind.ENTERPRISE))
            mountainous = c.mountainous and place == PlaceKind.COMMUNE
            if is_committee:
                noun = "xã" if place == PlaceKind.COMMUNE else "cơ sở"
                g = c.add(Unit(code, f"Đảng bộ {noun} số {k + 1}", UnitKind.GRASSROOTS_COMMITTEE,
                               place, mountainous, weight=rng.uniform(0.3, 1.7)))
                grassroots_committees.append(g)
            else:
                g = c.add(Unit(code, f"Chi bộ cơ sở số {k + 1}", UnitKind.GRASSROOTS_CELL, place,
                               mountainous, weight=rng.uniform(12, 60)))
            g.province, g.committee = c.province, c

    per_grassroots = spread(counts["cells"], [g.weight for g in grassroots_committees], minimum=2)
    for g, n_cells in zip(grassroots_committees, per_grassroots, strict=True):
        for k in range(n_cells):
            if g.place == PlaceKind.COMMUNE:
                place = PlaceKind.VILLAGE if k < n_cells * 0.75 else rng.choice(
                    (PlaceKind.SCHOOL, PlaceKind.AGENCY, PlaceKind.POLICE, PlaceKind.ARMED_FORCES))
                noun = "thôn" if place == PlaceKind.VILLAGE else "cơ quan"
            else:
                place, noun = g.place, "số"
            cell = g.add(Unit(f"{g.code}.{k + 1:03d}", f"Chi bộ {noun} {k + 1}", UnitKind.CELL,
                              place, g.mountainous, weight=rng.uniform(8, 32)))
            cell.province, cell.committee = g.province, g.committee

    units: list[Unit] = []

    def visit(unit: Unit, path: str, depth: int) -> None:
        unit.path, unit.depth, unit.pk = path, depth, len(units) + 1
        units.append(unit)
        for i, child in enumerate(unit.children, start=1):
            visit(child, path + step(i), depth + 1)

    visit(root, step(1), 1)
    holders = [u for u in units if u.kind in (UnitKind.CELL, UnitKind.GRASSROOTS_CELL)]
    for u in holders:
        province = PROVINCES[u.province]
        u.home = (f"{u.name.removeprefix('Chi bộ ')}, {u.parent.name.removeprefix('Đảng bộ ')}, "
                  f"{province[1]} {province[2]}")
    sizes = spread(counts["members"], [u.weight for u in holders], minimum=3)
    for u, size in zip(holders, sizes, strict=True):
        u.members = size
    return Tree(root, units, holders)


def plan_admissions(tree: Tree, *, scale: float, rng: random.Random) -> None:
    """How many admissions (per year), open and withdrawn candidacies each cell has."""
    from dangvien.org.models import PlaceKind

    holders = tree.holders
    factor = {PlaceKind.ARMED_FORCES: 1.8, PlaceKind.POLICE: 1.5, PlaceKind.SCHOOL: 1.2}
    cum: list[float] = []
    total = 0.0
    for u in holders:
        total += u.members * factor.get(u.place, 1.0)
        cum.append(total)
    index = range(len(holders))

    def draw(count: int) -> list[Unit]:
        return [holders[i] for i in rng.choices(index, cum_weights=cum, k=count)]

    for y, year in enumerate(YEARS):
        for u in draw(round(NATIONAL["admissions"][year] * scale)):
            u.admissions[y] += 1
    for u in draw(round(NATIONAL["pipeline"] * scale)):
        u.pipeline += 1
    for u in draw(round(NATIONAL["withdrawn"] * scale)):
        u.withdrawn += 1


# --- days -------------------------------------------------------------------------------

FIRST_DAY = dt.date(1925, 1, 1).toordinal()
LAST_DAY = dt.date(2025, 12, 31).toordinal()
ISO = [dt.date.fromordinal(o).isoformat() for o in range(FIRST_DAY, LAST_DAY + 1)]
TET = {2019: dt.date(2019, 2, 5), 2020: dt.date(2020, 1, 25), 2021: dt.date(2021, 2, 12),
       2022: dt.date(2022, 2, 1)}


class Days:
    """Working days (the project's calendar, read once) as ordinals, and day arithmetic."""

    def __init__(self, is_working_day: Callable[[dt.date], bool]):
        self.start = dt.date(2014, 1, 1).toordinal()
        self.end = dt.date(2024, 12, 31).toordinal()
        self.working: list[int] = []
        self.next_index: list[int] = []  # for each day: index of the first working day >= it
        flags = []
        for o in range(self.start, self.end + 1):
            flags.append(is_working_day(dt.date.fromordinal(o)))
            if flags[-1]:
                self.working.append(o)
        i = 0
        for flag in flags:
            self.next_index.append(i)
            i += flag
        self.next_index.append(i)
        self._plus_year: dict[int, int] = {}

    def next(self, o: int) -> int:
        """The first working day on or after `o`."""
        return self.working[self.next_index[o - self.start]]

    def prev(self, o: int) -> int:
        """The last working day on or before `o`."""
        return self.working[self.next_index[o + 1 - self.start] - 1]

    def add(self, o: int, n: int) -> int:
        """The n-th working day after `o` (as `core.calendar.add_working_days`)."""
        return self.working[self.next_index[o + 1 - self.start] + n - 1]

    def plus_year(self, o: int) -> int:
        """`o` twelve months later (28/02 for 29/02), as `core.dates.add_months(day, 12)`."""
        out = self._plus_year.get(o)
        if out is None:
            d = dt.date.fromordinal(o)
            try:
                out = d.replace(year=d.year + 1).toordinal()
            except ValueError:
                out = dt.date(d.year + 1, 2, 28).toordinal()
            self._plus_year[o] = out
        return out

    def decision_days(self, year: int) -> tuple[list[int], list[float]]:
        """Working days of `year` and cumulative weights: peaks before 3/2, 19/5 and 2/9 and
        in the year-end push, little around Tết."""
        days, cum, total = [], [], 0.0
        tet = TET[year].toordinal()
        for o in self.working:
            d = dt.date.fromordinal(o)
            if d.year != year:
                continue
            w = 1.0
            md = (d.month, d.day)
            if (1, 5) <= md <= (1, 31):
                w = 1.7
            elif (4, 20) <= md <= (5, 15):
                w = 1.6
            elif (8, 1) <= md <= (8, 28):
                w = 1.5
            elif (11, 15) <= md <= (12, 28):
                w = 1.8
            if abs(o - tet) <= 7:
                w = 0.15
            total += w
            days.append(o)
            cum.append(total)
        return days, cum


# --- rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]


@dataclass
class Spool:
    """A table's rows, appended in generation order and read back in batches (marshal)."""

    table: Table
    path: Path
    batch_size: int = 20_000
    count: int = 0
    _batch: list[tuple] = field(default_factory=list)
    _file: IO[bytes] | None = None

    @property
    def rows(self) -> int:
        return self.count + len(self._batch)

    def add(self, row: tuple) -> None:
        self._batch.append(row)
        if len(self._batch) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            if self._file is None:
                self._file = self.path.open("wb")
            marshal.dump(self._batch, self._file)
            self.count += len(self._batch)
            self._batch = []

    def close(self) -> None:
        self._flush()
        if self._file is not None:
            self._file.close()
            self._file = None

    def batches(self) -> Iterator[list[tuple]]:
        if not self.path.exists():
            return
        with self.path.open("rb") as f:
            while True:
                try:
                    yield marshal.load(f)  # noqa: S302 - our own temporary file
                except EOFError:
                    return


_STAMP = ("created_at", "updated_at")
UNIT = Table("org_orgunit", ("id", *_STAMP, "path", "depth", "numchild", "code", "name", "kind",
                             "place_kind", "is_mountainous", "valid_from"))
VERSION = Table("org_orgunitversion", ("id", "unit_id", "parent_id", "name", "path", "depth",
                                       "valid_from"))
PERSON = Table("people_person", ("id", *_STAMP, "full_name", "search_name", "sort_key", "gender",
                                 "birth_date", "ethnicity", "religion", "cccd", "home_address",
                                 "education", "occupation", "unit_id"))
MEMBERSHIP = Table("people_membership", ("id", *_STAMP, "person_id", "cell_id", "status",
                                         "decided_on", "admitted_on", "recognized_on",
                                         "card_number", "ended_on", "started_on"))
CANDIDACY = Table("admission_candidacy", (
    "id", *_STAMP, "person_id", "cell_id", "source", "identified_on", "union_route",
    "is_village_elder", "over60_approval", "stage", "stage_on", "class_done_on",
    "dossier_done_on", "cell_resolution_no", "cell_resolution_on", "grassroots_resolution_no",
    "grassroots_resolution_on", "decision_no", "decision_on", "decision_unit_id",
    "decision_received_on", "ceremony_on", "probation_ends_on", "membership_id",
    "recognition_no", "recognition_decided_on", "closed_on", "close_reason"))
PLAN = Table("plans_plan", ("id", *_STAMP, "unit_id", "year", "number", "title", "parent_id"))
PLAN_VERSION = Table("plans_planversion", ("id", *_STAMP, "plan_id", "revision", "status",
                                           "issued_on", "target", "note"))
ALLOCATION = Table("plans_allocation", ("id", "version_id", "unit_id", "target"))
TABLES = (UNIT, VERSION, PERSON, MEMBERSHIP, CANDIDACY, PLAN, PLAN_VERSION, ALLOCATION)
#: Tables whose indexes and constraints are dropped for a large load.
BIG_TABLES = (UNIT, VERSION, PERSON, MEMBERSHIP, CANDIDACY)


class _Mix:
    """A weighted choice, prepared once: `pick(r)` for r uniform in [0, 1)."""

    __slots__ = ("values", "cum")

    def __init__(self, pairs: Sequence[tuple[object, float]]):
        total = sum(w for _, w in pairs)
        acc, cum = 0.0, []
        for _, w in pairs:
            acc += w
            cum.append(acc / total)
        cum[-1] = 1.0
        # Plain str, not TextChoices members: marshal writes only built-in types.
        self.values = [str(v) if isinstance(v, str) else v for v, _ in pairs]
        self.cum = cum

    def pick(self, r: float):
        return self.values[bisect.bisect_right(self.cum, r)]


class People:
    """Names, identity numbers and personal details, with caches for the derived columns."""

    def __init__(self, rng: random.Random):
        from dangvien.core import vn
        from dangvien.demo import names as N
        from dangvien.people.choices import KINH, Education, Occupation, Religion

        self.rng = rng
        self.vn = vn
        family = dict(N.FAMILY_NAMES)
        self.family = {group: _Mix(pairs) for group, pairs in family.items()}
        self.kinh = KINH
        self.male_middle, self.female_middle = _Mix(N.MALE_MIDDLE), _Mix(N.FEMALE_MIDDLE)
        self.male_given, self.female_given = N.MALE_GIVEN, N.FEMALE_GIVEN
        self.minority = _Mix((("Tày", 22), ("Thái", 20), ("Mường", 18), ("Khmer", 12),
                              ("Nùng", 10), ("H'Mông", 6), ("Dao", 6), ("Hoa", 3), ("Gia Rai", 2),
                              ("Ê Đê", 1)))
        self.religion = _Mix(((Religion.NONE, 93.0), (Religion.BUDDHISM, 3.5),
                              (Religion.CATHOLIC, 2.5), (Religion.PROTESTANT, 0.4),
                              (Religion.CAO_DAI, 0.3), (Religion.HOA_HAO, 0.3)))
        E, Oc = Education, Occupation
        self.education_old = _Mix(((E.UPPER_SECONDARY, 52), (E.LOWER_SECONDARY, 40),
                                   (E.PRIMARY, 8)))
        self.education_young = _Mix(((E.UPPER_SECONDARY, 80), (E.LOWER_SECONDARY, 19),
                                     (E.PRIMARY, 1)))
        village_old = _Mix(((Oc.RETIRED, 62), (Oc.FARMER, 35), (Oc.OTHER, 3)))
        village_young = _Mix(((Oc.FARMER, 70), (Oc.CIVIL_SERVANT, 8), (Oc.PRIVATE_ENTERPRISE, 8),
                              (Oc.WORKER, 6), (Oc.OTHER, 8)))
        working = _Mix(((Oc.CIVIL_SERVANT, 100),))
        enterprise = _Mix(((Oc.WORKER, 55), (Oc.PRIVATE_ENTERPRISE, 45)))
        armed = _Mix(((Oc.ARMED_FORCES, 100),))
        self.occupation = {  # place kind -> (young, old)
            "thon": (village_young, village_old), "xa": (village_young, village_old),
            "doanh_nghiep": (enterprise, enterprise), "quan_doi": (armed, armed),
            "cong_an": (armed, armed),
        }
        self.working = (working, working)
        self.folded: dict[str, tuple[str, str]] = {}
        self.serial: dict[int, int] = {}

    def name(self, ethnicity: str, female: bool) -> tuple[str, str, str]:
        rng = self.rng
        family = self.family.get(ethnicity, self.family[self.kinh]).pick(rng.random())
        if female:
            middle = self.female_middle.pick(rng.random())
            given = self.female_given[int(rng.random() * len(self.female_given))]
        else:
            middle = self.male_middle.pick(rng.random())
            given = self.male_given[int(rng.random() * len(self.male_given))]
        full = f"{family} {middle} {given}"
        derived = self.folded.get(full)
        if derived is None:  # what Person.fill_derived() computes
            derived = self.folded[full] = (self.vn.fold(full), self.vn.name_sort_key(full))
        return full, derived[0], derived[1]

    def cccd(self, province: int, female: bool, birth: int) -> str:
        """Unique: place code, century and sex, year of birth, then a serial per bucket."""
        year = ISO[birth - FIRST_DAY][:4]
        century = 0 if year < "2000" else 2
        key = province * 1000 + (century + female) * 100 + int(year[2:])
        n = self.serial.get(key, 0) + 1
        self.serial[key] = n
        return f"{PROVINCES[province][0]}{century + female}{year[2:]}{n:06d}"


# --- the generator --------------------------------------------------------------------------


@dataclass
class Summary:
    """What a national load wrote."""

    scale: float
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    members: int = 0
    decisions: dict[int, int] = field(default_factory=dict)
    stages: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0

    def lines(self) -> list[str]:
        out = [f"national tier, scale {self.scale}, seed {self.seed}: {self.elapsed:.1f} s"]
        out += [f"  {table:<22} {_n(count):>12} rows" for table, count in self.rows.items()]
        out.append(f"  members on 31/12/2022   {_n(self.members):>12}")
        out.append("  decisions by year      "
                   + ", ".join(f"{y}: {_n(n)}" for y, n in sorted(self.decisions.items())))
        out.append("  candidacies by stage   "
                   + ", ".join(f"{s} {_n(n)}" for s, n in sorted(self.stages.items())))
        return out


SOURCES = (("doan_thanh_nien", 55), ("cong_doan", 12), ("hoi_phu_nu", 10), ("hoi_nong_dan", 12),
           ("hoi_cuu_chien_binh", 3), ("khac", 8))
WITHDRAW_REASONS = ("Chuyển đi nơi khác làm ăn, sinh sống", "Không còn đủ tiêu chuẩn",
                    "Xin thôi không tiếp tục phấn đấu")
REMOVE_REASON = "Không đủ tư cách đảng viên khi hết thời gian dự bị"


class Generator:
    """Makes every row of the national tier, cell by cell, into the spools."""

    def __init__(self, tree: Tree, days: Days, *, seed: int, spools: dict[str, Spool],
                 ids: dict[str, int], stamp: str):
        self.tree, self.days, self.seed, self.spools = tree, days, seed, spools
        self.ids = ids  # next id per table
        self.stamp = stamp
        self.people = People(random.Random(seed * 7919 + 17))
        self.decision_days = {y: days.decision_days(y) for y in YEARS}
        self.decision_numbers: dict[tuple[int, int], int] = {}
        self.sources = _Mix(SOURCES)
        self.decisions = {y: 0 for y in YEARS}
        self.stages: dict[str, int] = {}
        self.members = 0

    def units(self) -> None:
        u_add, v_add = self.spools[UNIT.name].add, self.spools[VERSION.name].add
        start, s = ISO[VALID_FROM.toordinal() - FIRST_DAY], self.stamp
        first_unit, first_version = self.ids[UNIT.name], self.ids[VERSION.name]
        for u in self.tree.units:  # ids follow tree order
            u.pk += first_unit - 1
        for i, u in enumerate(self.tree.units):
            u.kind, u.place = str(u.kind), str(u.place)  # plain str for marshal
            u_add((u.pk, s, s, u.path, u.depth, len(u.children), u.code, u.name, u.kind, u.place,
                   u.mountainous, start))
            v_add((first_version + i, u.pk, u.parent.pk if u.parent else None, u.name, u.path,
                   u.depth, start))

    def cells(self, stdout: IO[str] | None) -> None:
        started = time.perf_counter()
        holders = self.tree.holders
        every = max(1, len(holders) // 10)
        for i, cell in enumerate(holders):
            self.cell(cell, random.Random(self.seed * 1_000_003 + i))
            if stdout is not None and (i + 1) % every == 0:
                _say(stdout, f"    {100 * (i + 1) // len(holders):3d}% of the cells, "
                             f"{_n(self.spools[PERSON.name].rows)} persons, "
                             f"{time.perf_counter() - started:6.1f} s")

    def _decision_no(self, committee: Unit, year: int) -> str:
        key = (committee.pk, year)
        n = self.decision_numbers.get(key, 0) + 1
        self.decision_numbers[key] = n
        suffix = "HU" if committee.kind == "huyen_uy" else "ĐU"
        return f"{n}-QĐ/{suffix}"

    def cell(self, cell: Unit, rng: random.Random) -> None:  # noqa: C901 - one straight path
        days, iso, base, s = self.days, ISO, FIRST_DAY, self.stamp
        people = self.people
        data = DATA_DATE.toordinal()
        person_add = self.spools[PERSON.name].add
        member_add = self.spools[MEMBERSHIP.name].add
        cand_add = self.spools[CANDIDACY.name].add
        ids = self.ids
        committee = cell.committee
        under_committee = cell.kind == "chi_bo"
        minority = 0.55 if cell.mountainous else 0.08
        young_job, old_job = people.occupation.get(cell.place, people.working)
        resolution = 0

        def person(female: bool, birth: int, age: int) -> int:
            pid = ids[PERSON.name]
            ids[PERSON.name] = pid + 1
            r = rng.random()
            ethnicity = people.kinh if r >= minority else people.minority.pick(r / minority)
            full, folded, key = people.name(ethnicity, female)
            old = age >= 60
            education = (people.education_old if old else people.education_young).pick(rng.random())
            occupation = (old_job if old else young_job).pick(rng.random())
            person_add((pid, s, s, full, folded, key, "nu" if female else "nam", iso[birth - base],
                        ethnicity, people.religion.pick(rng.random()),
                        people.cccd(cell.province, female, birth), cell.home, education,
                        occupation, cell.pk))
            return pid

        def member(pid: int, status: str, decided: int, admitted: int, recognized: int | None,
                   ended: int | None) -> int:
            mid = ids[MEMBERSHIP.name]
            ids[MEMBERSHIP.name] = mid + 1
            member_add((mid, s, s, pid, cell.pk, status, iso[decided - base],
                        iso[admitted - base], iso[recognized - base] if recognized else None,
                        f"{mid:09d}" if status == "chinh_thuc" else "",
                        iso[ended - base] if ended else None, iso[admitted - base]))
            return mid

        def candidate(at: int, youth: bool) -> tuple[bool, int, int]:
            """Sex, birth (18 years 3 months to 45 on `at`; 30 for the Youth Union route)."""
            top = 30.5 if youth else 45.0
            age = rng.triangular(18.3, top, 23.0 if youth else 27.0)
            return rng.random() < 0.46, at - int(age * 365.25), int(age)

        def candidacy(pid: int, source: str, route: str, identified: int, stage: str,
                      stage_on: int, dates: tuple, decision: tuple = (), end: tuple = ()) -> None:
            class_done, dossier, cell_res, grass_res = dates
            nonlocal resolution
            resolution += cell_res is not None
            cid = ids[CANDIDACY.name]
            ids[CANDIDACY.name] = cid + 1
            decision_no = decided = unit = received = ceremony = probation = mid = None
            rec_no, recognised = "", None
            if decision:
                decision_no, decided, received, ceremony, probation, mid, rec_no, recognised = decision
                unit = committee.pk
            closed, reason = end or (None, "")
            cand_add((
                cid, s, s, pid, cell.pk, source, iso[identified - base], route, False, "",
                stage, iso[stage_on - base],
                iso[class_done - base] if class_done else None,
                iso[dossier - base] if dossier else None,
                f"{resolution}-NQ/CB" if cell_res else "",
                iso[cell_res - base] if cell_res else None,
                f"{resolution}-NQ/ĐU" if grass_res else "",
                iso[grass_res - base] if grass_res else None,
                decision_no or "", iso[decided - base] if decided else None, unit,
                iso[received - base] if received else None,
                iso[ceremony - base] if ceremony else None,
                iso[probation - base] if probation else None,
                mid, rec_no, iso[recognised - base] if recognised else None,
                iso[closed - base] if closed else None, reason))
            self.stages[stage] = self.stages.get(stage, 0) + 1

        def before(cell_res: int) -> tuple[int, int, int]:
            """Identified, class done, dossier complete: in order before the cell's day."""
            dossier = cell_res - rng.randint(3, 40)
            class_done = dossier - rng.randint(20, 150)
            return class_done - rng.randint(30, 420), class_done, dossier

        def who() -> tuple[str, str]:
            source = self.sources.pick(rng.random())
            route = "doan" if source == "doan_thanh_nien" and rng.random() < 0.7 else ""
            return source, route

        on_rolls = 0
        # Admissions decided in 2020-2022, with everything that followed up to 31/12/2022.
        for y, year in enumerate(YEARS):
            day_list, cum = self.decision_days[year]
            top = cum[-1]
            for _ in range(cell.admissions[y]):
                decided = day_list[bisect.bisect_left(cum, rng.random() * top)]
                cell_res = days.prev(decided - rng.randint(12, 50))
                grass_res = None
                if under_committee:
                    gap = decided - cell_res
                    grass_res = days.next(cell_res + rng.randint(2, max(2, gap * 2 // 3)))
                    if grass_res >= decided:
                        grass_res = max(cell_res, days.prev(decided - 1))
                identified, class_done, dossier = before(cell_res)
                source, route = who()
                female, birth, age = candidate(cell_res, route != "")
                if source == "hoi_phu_nu":
                    female = True
                pid = person(female, birth, age + (data - cell_res) // 365)
                decision_no = self._decision_no(committee, year)
                self.decisions[year] += 1
                received = days.add(decided, rng.randint(1, 5))
                ceremony = days.add(received, rng.randint(3, 24))
                probation = mid = recognised = None
                rec_no, end = "", ()
                if received > data:  # not yet received: the services' default
                    received = decided
                if ceremony > data:
                    ceremony = None
                    stage, stage_on = "co_quyet_dinh", decided
                else:
                    probation = days.plus_year(ceremony)
                    removed_on = days.add(probation, rng.randint(5, 25))
                    recognised = days.add(probation, rng.randint(3, 28))
                    if rng.random() < 0.004 and removed_on <= data:
                        stage, stage_on, recognised = "xoa_ten", removed_on, None
                        end = (removed_on, REMOVE_REASON)
                        mid = member(pid, "xoa_ten", decided, ceremony, None, removed_on)
                    elif recognised <= data:
                        stage, stage_on = "chinh_thuc", recognised
                        end = (recognised, "")
                        rec_no = self._decision_no(committee, int(iso[recognised - base][:4]))
                        mid = member(pid, "chinh_thuc", decided, ceremony, probation, None)
                        on_rolls += 1
                    else:
                        stage, stage_on, recognised = "du_bi", ceremony, None
                        mid = member(pid, "du_bi", decided, ceremony, None, None)
                        on_rolls += 1
                candidacy(pid, source, route, identified, stage, stage_on,
                          (class_done, dossier, cell_res, grass_res),
                          (decision_no, decided, received, ceremony, probation, mid, rec_no,
                           recognised), end)

        # The open pipeline on 31/12/2022, at the stages before the decision.
        for _ in range(cell.pipeline):
            r = rng.random()
            class_done = dossier = cell_res = grass_res = None
            if r < 0.42:
                stage, identified = "nguon", data - rng.randint(10, 700)
                stage_on = identified
            elif r < 0.72:
                stage = "da_hoc_lop"
                class_done = data - rng.randint(5, 400)
                identified, stage_on = class_done - rng.randint(30, 400), class_done
            elif r < 0.86:
                stage = "du_ho_so"
                dossier = data - rng.randint(3, 150)
                class_done = dossier - rng.randint(20, 150)
                identified, stage_on = class_done - rng.randint(30, 400), dossier
            elif r < 0.94 or not under_committee:
                stage = "chi_bo_de_nghi"
                cell_res = days.prev(data - rng.randint(1, 60))
                identified, class_done, dossier = before(cell_res)
                stage_on = cell_res
            else:
                stage = "dang_uy_de_nghi"
                grass_res = days.prev(data - rng.randint(1, 30))
                cell_res = days.prev(grass_res - rng.randint(2, 20))
                identified, class_done, dossier = before(cell_res)
                stage_on = grass_res
            source, route = who()
            female, birth, age = candidate(data, route != "")
            pid = person(female or source == "hoi_phu_nu", birth, age)
            candidacy(pid, source, route, identified, stage, stage_on,
                      (class_done, dossier, cell_res, grass_res))

        # Withdrawn: stopped at the source list or after the class, during 2020-2022.
        for _ in range(cell.withdrawn):
            identified = dt.date(2020, 1, 1).toordinal() + rng.randint(0, 900)
            class_done = identified + rng.randint(30, 300) if rng.random() < 0.4 else None
            if class_done is not None and class_done > data - 60:
                class_done = None
            last = class_done or identified
            closed = min(data, last + rng.randint(60, 400))
            source, route = who()
            female, birth, age = candidate(last, route != "")
            pid = person(female or source == "hoi_phu_nu", birth, age + (data - last) // 365)
            candidacy(pid, source, route, identified, "dung_theo_doi", closed,
                      (class_done, None, None, None), (),
                      (closed, WITHDRAW_REASONS[int(rng.random() * 3)]))

        # Members admitted before 2020, official: the rest of the cell's size.
        legacy = max(2, cell.members - on_rolls)
        latest = VALID_FROM.toordinal() - 1
        for _ in range(legacy):
            r = rng.random()
            age = int(22 + 68 * r * r) if r < 0.9 else rng.randint(60, 90)  # more young than old
            birth = data - int((age + rng.random()) * 365.25)
            admit_age = min(age - 1, int(rng.triangular(18, 46, 25)))
            admitted = min(latest - rng.randint(0, 400),
                           birth + int((admit_age + rng.random()) * 365.25))
            admitted = max(admitted, birth + int(18.1 * 365.25))
            female = rng.random() < 0.38
            pid = person(female, birth, age)
            member(pid, "chinh_thuc", admitted - rng.randint(14, 45), admitted,
                   days.plus_year(admitted), None)
        self.members += legacy + on_rolls


def plans(tree: Tree, *, spools: dict[str, Spool], ids: dict[str, int], stamp: str,
          rng: random.Random) -> None:
    """2022 plans: the root's, each province's, each committee's; one issued version each,
    with allocations to the direct children summing to the version's target. Targets follow
    the admissions planned for 2022 (±10 %), so some units are ahead and some behind."""
    s = stamp
    plan_add, version_add = spools[PLAN.name].add, spools[PLAN_VERSION.name].add
    alloc_add = spools[ALLOCATION.name].add
    y = YEARS.index(PLAN_YEAR)
    actual: dict[int, int] = {}  # id(unit) -> admissions planned in 2022 in its subtree
    for u in reversed(tree.units):
        actual[id(u)] = u.admissions[y] + sum(actual[id(c)] for c in u.children)

    def issue(unit: Unit, target: int, number: str, title: str, parent: int | None,
              issued: dt.date) -> tuple[int, dict[int, int]]:
        pid, vid = ids[PLAN.name], ids[PLAN_VERSION.name]
        ids[PLAN.name], ids[PLAN_VERSION.name] = pid + 1, vid + 1
        plan_add((pid, s, s, unit.pk, PLAN_YEAR, number, title, parent))
        version_add((vid, s, s, pid, 1, "ban_hanh", issued.isoformat(), target, ""))
        shares = spread(target, [actual[id(c)] * rng.uniform(0.85, 1.15) + 0.01
                                 for c in unit.children])
        allocated = {}
        for child, share in zip(unit.children, shares, strict=True):
            aid = ids[ALLOCATION.name]
            ids[ALLOCATION.name] = aid + 1
            alloc_add((aid, vid, child.pk, share))
            allocated[child.pk] = share
        return pid, allocated

    root = tree.root
    target = max(1, round(actual[id(root)] * rng.uniform(0.97, 1.06)))
    national, to_provinces = issue(root, target, "01-KH/TW",
                                   "Kế hoạch phát triển đảng viên năm 2022", None,
                                   dt.date(2022, 1, 14))
    for k, p in enumerate(root.children):
        suffix = "TU"  # Tỉnh ủy, Thành ủy
        prov_plan, to_committees = issue(
            p, to_provinces[p.pk], f"{70 + k}-KH/{suffix}",
            f"Kế hoạch phát triển đảng viên năm 2022 của {p.name}", national,
            dt.date(2022, 2, 1) + dt.timedelta(days=rng.randint(0, 20)))
        for c in p.children:
            suffix = "HU" if c.kind == "huyen_uy" else "ĐU"
            issue(c, to_committees[c.pk], f"{rng.randint(20, 90)}-KH/{suffix}",
                  f"Kế hoạch phát triển đảng viên năm 2022 của {c.name}", prov_plan,
                  dt.date(2022, 2, 25) + dt.timedelta(days=rng.randint(0, 25)))


# --- loading ----------------------------------------------------------------------------------


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _drop_pg(cursor, tables: Sequence[str]) -> list[str]:
    """Drop secondary indexes, unique and foreign-key constraints; return the DDL to restore."""
    names = list(tables)
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u') "
        "ORDER BY c.contype, c.conname", [names])
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1", [names])
    indexes = cursor.fetchall()
    restore_unique, restore_fk = [], []
    for table, name, kind, definition in constraints:  # foreign keys first ('f' < 'u')
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        ddl = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        (restore_fk if kind == "f" else restore_unique).append(ddl)
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return restore_unique + [d for _, d in indexes] + restore_fk


def _drop_sqlite(cursor, tables: Sequence[str]) -> list[str]:
    marks = ",".join("?" * len(tables))
    cursor.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
        f"AND tbl_name IN ({marks}) ORDER BY name", list(tables))
    indexes = cursor.fetchall()
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]


def _copy_pg(cursor, table: Table, spool: Spool) -> None:
    cols = ", ".join(f'"{c}"' for c in table.columns)
    with cursor.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
        write = copy.write_row
        for batch in spool.batches():
            for row in batch:
                write(row)


def _insert_sqlite(cursor, table: Table, spool: Spool) -> None:
    cols = ", ".join(f'"{c}"' for c in table.columns)
    marks = ", ".join("?" * len(table.columns))
    sql = f'INSERT INTO "{table.name}" ({cols}) VALUES ({marks})'  # noqa: S608
    for batch in spool.batches():
        cursor.executemany(sql, batch)


def generate_rows(*, scale: float, seed: int, workdir: Path, ids: dict[str, int],
                  postgres: bool, stdout: IO[str] | None = None) -> tuple[dict[str, Spool], Generator]:
    """Every row of the national tier into spool files in `workdir` (ids from `ids`, which
    is advanced). Reads only the working-day calendar from the database."""
    from dangvien.core import calendar as workcal

    t = time.perf_counter()
    tree = plan_tree(scale=scale, rng=random.Random(seed))
    plan_admissions(tree, scale=scale, rng=random.Random(seed * 31 + 7))
    days = Days(workcal.is_working_day)
    _say(stdout, f"  tree planned: {_n(len(tree.units))} units, {_n(len(tree.holders))} "
                 f"holding members ({time.perf_counter() - t:.1f} s)")
    spools = {tb.name: Spool(tb, workdir / f"{tb.name}.marshal") for tb in TABLES}
    stamp = "2023-01-01 00:00:00+00" if postgres else "2023-01-01 00:00:00"
    gen = Generator(tree, days, seed=seed, spools=spools, ids=ids, stamp=stamp)
    gen.units()
    _say(stdout, "  generating persons, memberships and candidacies cell by cell…")
    gen.cells(stdout)
    plans(tree, spools=spools, ids=ids, stamp=stamp, rng=random.Random(seed * 13 + 3))
    for spool in spools.values():
        spool.close()
    return spools, gen


def count_admissions(stdout: IO[str] | None = None) -> int:
    """The maintained admission counters (admission.counts) for what was just loaded."""
    from dangvien.admission import counts

    def progress(done: int, total: int) -> None:
        _say(stdout, f"    counted {_n(done)} of {_n(total)} candidacies")

    return counts.rebuild(progress=progress)


def load_national(*, scale: float = 1.0, seed: int = DEFAULT_SEED, stdout: IO[str] | None = None,
                  spool_dir: Path | None = None, bulk_indexes: bool | None = None) -> Summary:
    """Generate the national tier at `scale` and load it into Django's default database.

    `bulk_indexes`: drop and re-create the loaded tables' indexes and constraints (default:
    at `BULK_INDEX_SCALE` and above). Inside a transaction (tests) the SQLite pragmas are
    left alone and everything happens in a savepoint.
    """
    from django.db import connection, transaction

    from dangvien.org.models import OrgUnit

    if scale <= 0:
        raise ValueError("scale must be > 0")
    if OrgUnit.objects.exists():
        raise RuntimeError("the database already has org units; load a tier into an empty one "
                           "(bench/generate.py --recreate)")
    if bulk_indexes is None:
        bulk_indexes = scale >= BULK_INDEX_SCALE
    vendor = connection.vendor
    nested = connection.in_atomic_block
    summary = Summary(scale=scale, seed=seed)
    started = time.perf_counter()
    enabled = gc.isenabled()
    gc.disable()  # millions of short-lived tuples, no cycles: the collector would only rescan
    workdir = Path(tempfile.mkdtemp(prefix="dangvien-national-", dir=spool_dir))
    try:
        ids = {}
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_quote(connection, table.name)}")  # noqa: S608
                ids[table.name] = cursor.fetchone()[0] + 1
        t = time.perf_counter()
        spools, gen = generate_rows(scale=scale, seed=seed, workdir=workdir, ids=ids,
                                    postgres=vendor == "postgresql", stdout=stdout)
        summary.timings["generate"] = time.perf_counter() - t
        summary.members, summary.decisions, summary.stages = gen.members, gen.decisions, gen.stages
        _say(stdout, f"  generated in {summary.timings['generate']:.1f} s "
                     f"(spool {sum(p.stat().st_size for p in workdir.iterdir()) / 1e9:.2f} GB)")

        pragmas = vendor == "sqlite" and not nested
        if pragmas:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_keys = OFF")
                cursor.execute("PRAGMA journal_mode = OFF")
                cursor.execute("PRAGMA synchronous = OFF")
                cursor.execute("PRAGMA cache_size = -1000000")
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                raw = cursor.cursor  # the driver's cursor: COPY / executemany without Django
                restore: list[str] = []
                big = [tb.name for tb in BIG_TABLES]
                if vendor == "postgresql":
                    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                    cursor.execute("SET LOCAL synchronous_commit = off")
                if bulk_indexes:
                    t = time.perf_counter()
                    restore = (_drop_pg if vendor == "postgresql" else _drop_sqlite)(raw, big)
                    _say(stdout, f"  dropped {len(restore)} indexes and constraints "
                                 f"({time.perf_counter() - t:.1f} s)")
                for table in TABLES:
                    t = time.perf_counter()
                    spool = spools[table.name]
                    if vendor == "postgresql":
                        _copy_pg(raw, table, spool)
                    else:
                        _insert_sqlite(raw, table, spool)
                    took = summary.timings[table.name] = time.perf_counter() - t
                    summary.rows[table.name] = spool.count
                    _say(stdout, f"  {table.name:<22} {_n(spool.count):>11} rows {took:7.1f} s "
                                 f"({_n(int(spool.count / took)) if took else '-'} rows/s)")
                    spool.path.unlink(missing_ok=True)
                if restore:
                    t = time.perf_counter()
                    for ddl in restore:
                        t1 = time.perf_counter()
                        cursor.execute(ddl)
                        if time.perf_counter() - t1 > 5:
                            _say(stdout, f"    {time.perf_counter() - t1:6.1f} s  {ddl[:110]}")
                    summary.timings["indexes"] = time.perf_counter() - t
                    _say(stdout, f"  re-created {len(restore)} indexes and constraints "
                                 f"({summary.timings['indexes']:.1f} s)")
                if vendor == "postgresql":
                    for table in TABLES:
                        cursor.execute(
                            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                            f"(SELECT MAX(id) FROM {_quote(connection, table.name)}))",
                            [table.name])
        finally:
            if pragmas:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA synchronous = NORMAL")
                    cursor.execute("PRAGMA journal_mode = WAL")
                    cursor.execute("PRAGMA foreign_keys = ON")
        if pragmas and bulk_indexes:
            t = time.perf_counter()
            with connection.cursor() as cursor:
                for table in BIG_TABLES:
                    cursor.execute(f'PRAGMA foreign_key_check("{table.name}")')
                    bad = cursor.fetchall()
                    if bad:
                        raise RuntimeError(f"foreign key check failed on {table.name}: {bad[:5]}")
            summary.timings["fk_check"] = time.perf_counter() - t
            _say(stdout, f"  foreign keys checked ({summary.timings['fk_check']:.1f} s)")
        t = time.perf_counter()
        rows = count_admissions(stdout)
        summary.timings["counters"] = time.perf_counter() - t
        _say(stdout, f"  admission counters: {_n(rows)} rows ({summary.timings['counters']:.1f} s)")
        if not nested:
            # PostgreSQL: VACUUM too, so the visibility map is set and index-only scans work
            # as they would on a database that autovacuum has visited.
            command = "VACUUM (ANALYZE)" if vendor == "postgresql" else "ANALYZE"
            t = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(command)
            summary.timings["analyze"] = time.perf_counter() - t
            _say(stdout, f"  {command} {summary.timings['analyze']:.1f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if enabled:
            gc.enable()
    summary.elapsed = time.perf_counter() - started
    return summary


# --- command line -------------------------------------------------------------------------------


def ensure_database(url: str, *, recreate: bool, stdout: IO[str] | None) -> None:
    """Create the database named in `url` if it is missing (PostgreSQL: from the `postgres`
    database; SQLite: its directory). With `recreate`, drop it first."""
    import dj_database_url

    db = dj_database_url.parse(url)
    if db["ENGINE"].endswith("sqlite3"):
        path = Path(db["NAME"])
        if recreate:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    name = db["NAME"]
    params = {k: v for k, v in {"host": db.get("HOST"), "port": db.get("PORT"),
                                "user": db.get("USER"), "password": db.get("PASSWORD")}.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and recreate:
            _say(stdout, f"  dropping database {name}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            _say(stdout, f"  creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str | None) -> None:
    """Point Django at `url` (before settings load), set it up."""
    if url:
        os.environ["DANGVIEN_DATABASE_URL"] = url
    os.environ.setdefault("DANGVIEN_VAR_DIR", str(HERE / "out"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    import django

    django.setup()


def generate(tier: str, *, scale: float, seed: int, stdout: IO[str] | None = sys.stdout,
             spool_dir: Path | None = None) -> float:
    """Load `tier` into the configured (migrated, empty) database; return the seconds taken."""
    started = time.perf_counter()
    if tier == "province":
        from dangvien.demo.builder import build_demo

        summary = build_demo(scale=scale, seed=seed, stdout=stdout)
        _say(stdout, f"province tier: {summary}")
    else:
        national = load_national(scale=scale, seed=seed, stdout=stdout, spool_dir=spool_dir)
        for line in national.lines():
            _say(stdout, line)
    elapsed = time.perf_counter() - started
    _say(stdout, f"{tier} tier loaded in {elapsed:.1f} s ({elapsed / 60:.1f} min)")
    return elapsed


def migrate(stdout: IO[str] | None = sys.stdout) -> bool:
    """Migrate the configured database; return whether its org tree is empty."""
    from django.core.management import call_command

    from dangvien.org.models import OrgUnit

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    _say(stdout, f"  migrate {time.perf_counter() - t:.1f} s")
    return not OrgUnit.objects.exists()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tier", choices=("province", "national"))
    parser.add_argument("--database-url",
                        help="default: DANGVIEN_DATABASE_URL, else SQLite in bench/out")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the tier (the tests use 0.0005 of national)")
    parser.add_argument("--recreate", action="store_true",
                        help="drop the database first (PostgreSQL) or delete the SQLite file")
    parser.add_argument("--spool-dir", type=Path, default=None,
                        help="where the temporary row files go (default: the system's)")
    args = parser.parse_args(argv)
    url = args.database_url or os.environ.get("DANGVIEN_DATABASE_URL")
    if url:
        ensure_database(url, recreate=args.recreate, stdout=sys.stdout)
    setup_django(url)
    from django.db import connection

    print(f"dangvien bench: {args.tier} tier on {connection.vendor} "
          f"({connection.settings_dict['NAME']}), scale {args.scale}, seed {args.seed}")
    if not migrate():
        print("The database already has org units: use --recreate, or another database.")
        return 1
    generate(args.tier, scale=args.scale, seed=args.seed, spool_dir=args.spool_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
