"""The national tier generator (bench/generate.py) and the floor query (bench/floor.py), at a
tiny scale: 0,05 % of the country, about 150 units and 2.800 members.

The rows must be what the services could have written: a valid treebeard tree with one
open version per unit, candidacies whose stage dates are in order and agree with their
stage and their member record, plans whose allocations add up; and the floor query must
count what the ORM counts.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict

import pytest
from django.db import connection

from bench import generate as G
from bench.floor import floor_counts, next_sibling_path
from dangvien.admission.models import CLOSED_STAGES, PATH, RANK, Candidacy, Stage
from dangvien.core import vn
from dangvien.core.dates import add_months
from dangvien.org.models import OrgUnit, OrgUnitVersion, UnitKind
from dangvien.people.choices import ACTIVE_STATUSES, MemberStatus
from dangvien.people.models import Membership, Person
from dangvien.plans.models import Allocation, Plan, PlanStatus, PlanVersion

TINY = 0.0005
SEED = 11
DATA_DATE = G.DATA_DATE


@pytest.fixture
def national(db) -> G.Summary:
    return G.load_national(scale=TINY, seed=SEED)


def test_steps_are_treebeards():
    for n in (1, 2, 35, 36, 37, 1295, 46655):
        assert G.step(n) == OrgUnit._get_path(None, 1, n)


def test_next_sibling_path_bounds_the_subtree():
    assert next_sibling_path("0001") == "0002"
    assert next_sibling_path("0001000Z") == "00010010"
    assert next_sibling_path("0001ZZZZ") == "0002"
    assert "0001" < "00010001ZZZZ" < next_sibling_path("0001") < "00020001"


def test_spread_adds_up_and_keeps_the_minimum():
    shares = G.spread(100, [1, 2, 3, 0.5], minimum=5)
    assert sum(shares) == 100 and min(shares) >= 5
    assert G.spread(7, [1, 1, 1]) in ([3, 2, 2], [2, 3, 2], [2, 2, 3])


def test_tree_and_counts(national):
    s = national
    units = list(OrgUnit.objects.order_by("path"))
    assert len(units) == s.rows["org_orgunit"]
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    by_depth = Counter(u.depth for u in units)
    assert by_depth[1] == 1 and by_depth[2] == 2  # the root "TW", two provinces at this scale
    assert {u.kind for u in units if u.depth == 5} == {UnitKind.CELL}
    assert units[0].code == "TW" and OrgUnit.objects.get_root_nodes().count() == 1

    versions = {v.unit_id: v for v in OrgUnitVersion.objects.on(dt.date(2022, 5, 31))}
    assert len(versions) == len(units) == OrgUnitVersion.objects.count()
    parent_of = {u.pk: p.pk for p in units for u in OrgUnit.objects.get_children(p)}
    for u in units:
        v = versions[u.pk]
        assert (v.path, v.depth, v.name, v.valid_from, v.valid_to) == (
            u.path, u.depth, u.name, dt.date(2020, 1, 1), None)
        assert v.parent_id == parent_of.get(u.pk)

    persons = Person.objects.count()
    candidacies = Candidacy.objects.count()
    assert persons == s.rows["people_person"]
    assert Membership.objects.count() == s.rows["people_membership"]
    assert candidacies == s.rows["admission_candidacy"]
    # Every candidate is a person of their own; every other person is a legacy member.
    legacy = Membership.objects.filter(candidacy__isnull=True).count()
    assert persons == legacy + candidacies
    on_rolls = Membership.objects.filter(status__in=ACTIVE_STATUSES, ended_on__isnull=True).count()
    assert on_rolls == s.members == pytest.approx(G.NATIONAL["members"] * TINY, rel=0.02)
    assert sum(s.decisions.values()) == Candidacy.objects.filter(decision_on__isnull=False).count()
    assert Membership.objects.exclude(cell__kind__in=[UnitKind.CELL, UnitKind.GRASSROOTS_CELL]).count() == 0


def test_people(national):
    cccds = set()
    for p in Person.objects.all():
        assert p.search_name == vn.fold(p.full_name)
        assert p.sort_key == vn.name_sort_key(p.full_name)
        assert p.cccd and len(p.cccd) == 12 and p.cccd.isdigit()
        assert p.cccd[4:6] == f"{p.birth_date.year % 100:02d}"
        cccds.add(p.cccd)
    assert len(cccds) == Person.objects.count()
    for m in Membership.objects.select_related("person"):
        assert m.person.unit_id == m.cell_id
        assert m.admitted_on >= add_months(m.person.birth_date, 18 * 12)
        assert m.decided_on < m.admitted_on
        if m.status == MemberStatus.OFFICIAL:
            assert m.recognized_on == add_months(m.admitted_on, 12)


def test_candidacies_have_their_dates_in_order(national):
    seen = Counter()
    rows = Candidacy.objects.select_related("cell", "decision_unit", "membership", "person")
    for c in rows:
        seen[c.stage] += 1
        dates = [d for _, d in c.stage_dates() if d is not None]
        assert dates == sorted(dates), c.pk
        assert max(dates) <= DATA_DATE
        reached = [s for s, d in c.stage_dates() if d is not None]
        assert reached == PATH[: len(reached)] or (
            # a grassroots cell has no grassroots committee's step
            c.cell.kind == UnitKind.GRASSROOTS_CELL and Stage.GRASSROOTS_PROPOSED not in reached)
        if c.cell.kind == UnitKind.GRASSROOTS_CELL:
            assert c.grassroots_resolution_on is None
        assert c.stage_on_date(DATA_DATE) == c.stage
        assert (c.closed_on is not None) == (c.stage in CLOSED_STAGES)
        if c.stage in (Stage.WITHDRAWN, Stage.REMOVED):
            assert c.stage_on == c.closed_on and c.close_reason
        elif c.stage != Stage.RECOGNISED:
            assert c.stage_on == max(dates)
        if c.cell_resolution_on:
            assert c.cell_resolution_on >= add_months(c.person.birth_date, 18 * 12 + 1)
        if c.decision_on:
            assert c.decision_unit.path == c.cell.path[: 3 * G.STEPLEN]
            assert c.decision_unit.depth == 3 and c.decision_no
            assert c.decision_on <= c.decision_received_on
            assert c.cell_resolution_on <= c.decision_on
        else:
            assert c.decision_unit is None and c.stage not in (Stage.DECIDED, Stage.ON_PROBATION)
        if c.ceremony_on:
            assert c.decision_received_on <= c.ceremony_on
            assert c.probation_ends_on == add_months(c.ceremony_on, 12)
            m = c.membership
            assert (m.person_id, m.cell_id, m.decided_on, m.admitted_on) == (
                c.person_id, c.cell_id, c.decision_on, c.ceremony_on)
            expected = {Stage.RECOGNISED: MemberStatus.OFFICIAL, Stage.REMOVED: MemberStatus.REMOVED,
                        Stage.ON_PROBATION: MemberStatus.PROBATIONARY}[c.stage]
            assert m.status == expected
            if c.stage == Stage.RECOGNISED:
                assert m.recognized_on == c.probation_ends_on < c.recognition_decided_on
                assert c.closed_on == c.recognition_decided_on
            if c.stage == Stage.REMOVED:
                assert m.ended_on == c.closed_on
        else:
            assert c.membership is None and c.probation_ends_on is None
    # Every stage before the decision is in the open pipeline.
    assert all(seen[s] for s in PATH if RANK[s] < RANK[Stage.DECIDED])
    assert seen[Stage.RECOGNISED] and seen[Stage.ON_PROBATION] and seen[Stage.WITHDRAWN]


def test_plans_add_up(national):
    root = OrgUnit.objects.get(code="TW")
    national_plan = Plan.objects.get(unit=root, year=2022)
    assert national_plan.parent is None and national_plan.number == "01-KH/TW"
    for version in PlanVersion.objects.select_related("plan__unit"):
        assert version.status == PlanStatus.ISSUED and version.issued_on.year == 2022
        allocations = list(Allocation.objects.filter(version=version))
        assert sum(a.target for a in allocations) == version.target
        children = set(OrgUnit.objects.get_children(version.plan.unit).values_list("pk", flat=True))
        assert {a.unit_id for a in allocations} == children
    # A subordinate's own plan implements its superior's and takes the target allocated to it.
    for plan in Plan.objects.filter(parent__isnull=False).select_related("parent", "unit"):
        assert plan.parent.unit_id == OrgUnit.objects.get_parent(plan.unit).pk
        allocated = Allocation.objects.get(version__plan=plan.parent, unit=plan.unit).target
        assert plan.versions.get().target == allocated
    assert Plan.objects.filter(unit__depth=2).count() == 2
    assert Plan.objects.filter(unit__depth=3).count() == OrgUnit.objects.filter(depth=3).count()


def test_floor_counts_what_the_orm_counts(national):
    units = [OrgUnit.objects.get(code="TW"), OrgUnit.objects.get(code="T01"),
             OrgUnit.objects.filter(depth=3).order_by("path").first()]
    for as_of, unit in itertools.product(
            [dt.date(2022, 5, 31), dt.date(2022, 12, 31), dt.date(2021, 7, 1)], units):
        expected: dict[str, int] = defaultdict(int)
        width = (unit.depth + 1) * G.STEPLEN
        for path in Candidacy.objects.filter(
            decision_on__gte=dt.date(as_of.year, 1, 1), decision_on__lte=as_of,
            cell__path__startswith=unit.path,
        ).values_list("cell__path", flat=True):
            expected[path[:width]] += 1
        got = floor_counts(connection, unit.path, unit.depth, as_of.year, as_of)
        assert got == dict(expected)
        assert sum(got.values()) > 0


def test_bulk_load_restores_every_index_and_constraint(db):
    tables = [t.name for t in G.BIG_TABLES]

    def schema():
        with connection.cursor() as cursor:
            out = {}
            for table in tables:
                for name, c in connection.introspection.get_constraints(cursor, table).items():
                    out[(table, name)] = (tuple(c["columns"] or ()), c["unique"], c["index"],
                                          c["primary_key"], c["foreign_key"])
            return out

    before = schema()
    summary = G.load_national(scale=TINY, seed=SEED, bulk_indexes=True)
    assert summary.rows["people_person"] == Person.objects.count() > 0
    assert schema() == before


def test_deterministic(db, tmp_path):
    def files(seed: int, name: str) -> dict[str, bytes]:
        workdir = tmp_path / name
        workdir.mkdir()
        ids = {t.name: 1 for t in G.TABLES}
        spools, _ = G.generate_rows(scale=TINY, seed=seed, workdir=workdir, ids=ids, postgres=True)
        return {n: s.path.read_bytes() for n, s in spools.items()}

    first, again, other = files(SEED, "a"), files(SEED, "b"), files(SEED + 1, "c")
    assert first == again
    assert first["people_person"] != other["people_person"]
