"""`dangvien demo --through-2025`: the demo province from 2023 to 31/12/2025, the
reorganisation of 01/07/2025 (districts abolished, Tỉnh ủy Phú Thọ) and the 2026 plan,
with everything up to 31/12/2022 as the default demo writes it.

One small province is built without the option (its 2022 figures kept, then rolled
back) and one with it, for the whole module.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.admission import counts
from dangvien.admission.models import (
    CLOSED_STAGES,
    PATH,
    RANK,
    AdmissionCount,
    Candidacy,
    CandidacyEvent,
    DossierItem,
    Introducer,
    Stage,
)
from dangvien.audit.models import AuditEvent
from dangvien.audit.services import audit_verify
from dangvien.core.dates import add_months
from dangvien.demo import admissions as A
from dangvien.demo import through2025 as T
from dangvien.demo.builder import DATA_DATE as END_2022
from dangvien.demo.builder import DEMO_LOGINS, DEMO_LOGINS_2025, login_lines
from dangvien.org.models import GRASSROOTS_KINDS, OrgChange, OrgChangeKind, OrgUnit, UnitKind
from dangvien.org.selectors import ancestors_on, branch_on, children_on
from dangvien.people.choices import MemberStatus
from dangvien.people.models import EventKind, Membership, MembershipEvent, Transfer, TransferStatus
from dangvien.plans.models import Allocation, Plan, PlanStatus
from dangvien.plans.selectors import children_in_year
from dangvien.ratings.models import Rating
from dangvien.training.models import Enrolment, TrainingClass

# Marked, so a test database is set up even when this module runs alone (pytest-django
# sets up the databases the collected tests ask for); each test runs in a savepoint.
pytestmark = pytest.mark.django_db

SMALL = 0.02
JUNE_30, REORG, END = dt.date(2025, 6, 30), T.REORG_DAY, T.DATA_DATE
COMMITTEES = ["HB", "LSO", "CP", "DB", "KB", "LS", "LT", "MC", "TL", "YT", "QS", "CA", "KCQ"]
DISTRICTS = COMMITTEES[:10]


def report_2022() -> str:
    out = io.StringIO()
    call_command("report", "progress", "--plan", "77-KH/TU", "--format", "json",
                 "--as-of", "2022-05-31", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def up_to_2022() -> dict:
    """What the demo wrote about the days up to 31/12/2022, by natural keys (no ids)."""
    day = END_2022
    return {
        "identified": sorted(Candidacy.objects.filter(identified_on__lte=day).values_list(
            "person__cccd", "person__full_name", "cell__code", "source", "identified_on")),
        "events": sorted(CandidacyEvent.objects.filter(on__lte=day).values_list(
            "candidacy__person__cccd", "stage", "on", "document_no", "note", "override_reason")),
        "decisions": sorted(Candidacy.objects.filter(decision_on__lte=day).values_list(
            "person__cccd", "decision_no", "decision_on", "decision_unit__code")),
        "forms": sorted(DossierItem.objects.filter(on__lte=day).values_list(
            "candidacy__person__cccd", "form", "on", "reference")),
        "letters": sorted(Introducer.objects.filter(letter_on__lte=day).values_list(
            "candidacy__person__cccd", "membership__person__cccd", "known_since", "letter_on")),
        "members": sorted(Membership.objects.filter(started_on__lte=day).values_list(
            "person__cccd", "cell__code", "decided_on", "admitted_on", "started_on")),
        # A recognition decided after 31/12/2022 counts from the end of the probation (the
        # Charter), which may fall in December 2022: the one kind of row dated back.
        "member_events": sorted(MembershipEvent.objects.filter(on__lte=day).exclude(
            kind=EventKind.RECOGNISED, membership__candidacy__recognition_decided_on__gt=day)
            .values_list("person__cccd", "kind", "on", "cell__code", "decision_no")),
        "classes": sorted(TrainingClass.objects.filter(starts_on__lte=day).values_list(
            "name", "organiser__code", "starts_on", "ends_on")),
        "enrolled": sorted(Enrolment.objects.filter(training_class__starts_on__lte=day)
                           .values_list("person__cccd", "training_class__name")),
        "certificates": sorted(Enrolment.objects.filter(certificate_on__lte=day).values_list(
            "person__cccd", "certificate_number", "certificate_on")),
        "allocations": sorted(Allocation.objects.filter(version__plan__year__lte=2022).values_list(
            "version__plan__number", "version__revision", "version__issued_on", "unit__code",
            "target")),
        "ratings": sorted(Rating.objects.values_list("person__cccd", "year", "level")),
    }


def after_2022() -> dict:
    """Rows dated after 31/12/2022, and the tree's changes: none in the default demo."""
    day = END_2022
    return {
        "events": CandidacyEvent.objects.filter(on__gt=day).count(),
        "forms": DossierItem.objects.filter(on__gt=day).count(),
        "members": Membership.objects.filter(Q(started_on__gt=day) | Q(recognized_on__gt=day)
                                             | Q(ended_on__gt=day)).count(),
        "classes": TrainingClass.objects.filter(starts_on__gt=day).count(),
        "plans": Plan.objects.filter(year__gt=2022).count(),
        "org_changes": OrgChange.objects.count(),
        "closed_units": OrgUnit.objects.filter(valid_to__isnull=False).count(),
        "top": OrgUnit.objects.get(code="TU").name,
    }


@dataclass
class Built:
    output: str  # `dangvien demo --through-2025`
    report: str  # the 2022 progress report, with the option
    default_report: str  # …and without it
    up_to_2022: dict
    default_up_to_2022: dict
    default_after_2022: dict


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Both demos on one small province, in turn; the module's data is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = transaction.savepoint()
        call_command("demo", "--scale", str(SMALL), stdout=io.StringIO())
        default = (report_2022(), up_to_2022(), after_2022())
        transaction.savepoint_rollback(before)
        out = io.StringIO()
        call_command("demo", "--scale", str(SMALL), "--through-2025", stdout=out)
        yield Built(out.getvalue(), report_2022(), default[0], up_to_2022(), default[1], default[2])
        transaction.set_rollback(True)


def tu() -> OrgUnit:
    return OrgUnit.objects.get(code="TU")


# --- 2022 stays as it was ------------------------------------------------------------------


def test_the_2022_report_is_the_same_with_and_without_the_option(built):
    data = json.loads(built.report)
    kb = next(r for r in data["rows"] if r["unit_code"] == "KB")
    assert data["unit"] == {"code": "TU", "name": "Tỉnh ủy Hòa Bình"}
    assert (kb["unit_name"], kb["target"], kb["admitted"]) == (
        "Huyện ủy Kim Bôi", A.scaled(150, SMALL), A.kb_jan_may_target(SMALL))
    assert data["plan"]["unit"] == {"code": "TU", "name": "Tỉnh ủy Hòa Bình"}
    # Byte for byte: the 2025 rename and dissolutions change nothing of 31/05/2022.
    assert built.report == built.default_report


def test_everything_up_to_2022_is_written_as_without_the_option(built):
    for key, rows in built.default_up_to_2022.items():
        assert built.up_to_2022[key] == rows, key
    assert len(built.up_to_2022["events"]) > 500
    dated_back = Membership.objects.filter(recognized_on__lte=END_2022,
                                           candidacy__recognition_decided_on__gt=END_2022)
    assert all(m.recognized_on > dt.date(2022, 11, 15) for m in dated_back)


def test_the_default_demo_has_nothing_after_2022(built):
    assert built.default_after_2022 == {
        "events": 0, "forms": 0, "members": 0, "classes": 0, "plans": 0, "org_changes": 0,
        "closed_units": 0, "top": "Tỉnh ủy Hòa Bình"}
    assert login_lines() == login_lines(False)
    assert "kimboi / demo1234 — cán bộ Ban Tổ chức Huyện ủy Kim Bôi (chỉ thấy Kim Bôi)" in "\n".join(
        login_lines())


# --- the tree of 01/07/2025 ----------------------------------------------------------------


def test_on_30_06_2025_the_province_still_has_its_districts(built):
    branch = branch_on(tu(), JUNE_30)
    assert branch.name == "Tỉnh ủy Hòa Bình"
    assert [r.unit.code for r in branch.rows] == COMMITTEES
    assert not OrgUnit.objects.filter(code__in=["VP", "PT"]).active_on(JUNE_30).exists()


def test_from_01_07_2025_the_grassroots_stand_directly_under_tinh_uy_phu_tho(built):
    branch = branch_on(tu(), REORG)
    assert branch.name == "Tỉnh ủy Phú Thọ" == tu().name
    codes = [r.unit.code for r in branch.rows]
    former = sorted(v.unit.code for d in DISTRICTS
                    for v in children_on(OrgUnit.objects.get(code=d), JUNE_30))
    assert len(former) >= 10 * 5
    assert codes[:3] == ["QS", "CA", "KCQ"] and codes[-2:] == ["VP", "PT"]
    assert sorted(codes[3:-2]) == former
    assert {r.unit.kind for r in branch.rows[3:-2]} <= GRASSROOTS_KINDS
    kb_01 = next(r for r in branch.rows if r.unit.code == "KB.01")
    assert kb_01.name == "Đảng bộ thị trấn Bo" and kb_01.has_children
    for code in DISTRICTS:
        district = OrgUnit.objects.get(code=code)
        assert (district.valid_to, district.successor_id) == (REORG, tu().pk)
    stubs = OrgUnit.objects.filter(code__in=["VP", "PT"]).order_by("code")
    assert [(u.name, u.kind, u.valid_from, u.numchild) for u in stubs] == [
        ("Đảng bộ tỉnh Phú Thọ (cũ)", UnitKind.BLOC, REORG, 0),
        ("Đảng bộ tỉnh Vĩnh Phúc (cũ)", UnitKind.BLOC, REORG, 0)]


def test_the_reorganisation_went_through_the_org_services(built):
    changes = list(OrgChange.objects.filter(effective=REORG).order_by("id"))
    assert Counter(c.kind for c in changes) == {
        OrgChangeKind.DISSOLVE: 10, OrgChangeKind.RENAME: 1, OrgChangeKind.CREATE: 2}
    rename = next(c for c in changes if c.kind == OrgChangeKind.RENAME)
    assert (rename.decision, rename.decision_date) == T.RENAME_DECISION
    kb = next(c for c in changes if c.kind == OrgChangeKind.DISSOLVE
              and c.units.filter(code="KB").exists())
    assert kb.decision.endswith("-QĐ/TU") and kb.decision_date == T.DISSOLVE_DECIDED_ON
    assert "Giải thể Huyện ủy Kim Bôi" in kb.summary
    assert AuditEvent.objects.filter(action="org.dissolve").count() == 10
    assert AuditEvent.objects.filter(action=T.AUDIT_ACTION).count() == 1
    assert audit_verify().ok


def test_member_totals_are_the_same_on_either_side_of_the_reorganisation(built):
    june, july = branch_on(tu(), JUNE_30), branch_on(tu(), REORG)
    assert june.counts.total == july.counts.total > 1000
    assert june.counts.probationary == july.counts.probationary
    assert sum(r.counts.total for r in june.rows) == sum(r.counts.total for r in july.rows)
    kb_then = next(r for r in june.rows if r.unit.code == "KB").counts.total
    kb_cells = [r.counts.total for r in july.rows if r.unit.code.startswith("KB.")]
    assert sum(kb_cells) == kb_then
    assert branch_on(tu(), END).counts.total > july.counts.total


# --- 2023–2025 -----------------------------------------------------------------------------


def test_admissions_go_on_in_2023_2024_and_2025(built):
    decisions = Counter(Candidacy.objects.filter(decision_on__year__in=(2023, 2024, 2025))
                        .values_list("decision_on__year", flat=True))
    yearly = A.scaled(1650, SMALL)
    assert all(yearly * 0.8 <= decisions[y] <= yearly * 1.2 for y in (2023, 2024, 2025)), decisions
    for stage in (Stage.DECIDED, Stage.ON_PROBATION, Stage.RECOGNISED):
        years = set(CandidacyEvent.objects.filter(stage=stage, on__gt=END_2022)
                    .values_list("on__year", flat=True))
        assert years == {2023, 2024, 2025}, stage
    assert Membership.objects.filter(admitted_on__year=2025).exists()
    assert MembershipEvent.objects.filter(kind=EventKind.RECOGNISED, on__year=2025).exists()
    # The pipeline of 31/12/2025 holds the candidates of 2026.
    open_ = Candidacy.objects.filter(closed_on__isnull=True).exclude(
        stage__in=[Stage.ON_PROBATION, Stage.RECOGNISED])
    assert open_.filter(stage=Stage.SOURCE).exists()
    assert open_.filter(stage__in=[Stage.CELL_PROPOSED, Stage.GRASSROOTS_PROPOSED]).exists()
    assert "Mở rộng đến ngày 31/12/2025: quyết định kết nạp theo năm: 2023: " in built.output
    assert "Số liệu đến ngày 31/12/2022 (phần tiếp theo đến ngày 31/12/2025 ở cuối)." in built.output
    assert "không có sự kiện nào sau ngày này" not in built.output


def test_the_transfer_waiting_at_the_end_of_2022_is_received_in_january_2023(built):
    assert not Transfer.objects.filter(status=TransferStatus.PENDING).exists()
    received = Transfer.objects.get(letter_on=dt.date(2022, 12, 12))
    assert (received.status, received.received_on) == (TransferStatus.DONE,
                                                       T.PENDING_RECEIVED_ON)
    assert Membership.objects.get(person=received.person, ended_on__isnull=True).cell.code == "KB.01.01"


def test_after_01_07_2025_the_grassroots_committee_or_the_province_decides(built):
    decided = (Candidacy.objects.filter(decision_on__isnull=False)
               .select_related("cell", "decision_unit"))
    numbers: Counter = Counter()
    late = 0
    for c in decided:
        unit = c.decision_unit
        numbers[(unit.pk, c.decision_on.year, c.decision_no)] += 1
        assert unit.active_on(c.decision_on), (c.pk, unit.code, c.decision_on)
        above = {v.unit_id for v in ancestors_on(c.cell, c.decision_on)}
        assert unit.pk in above, (c.pk, unit.code)
        if c.decision_on >= REORG and unit.code not in ("QS", "CA", "KCQ"):
            late += 1
            assert unit.kind in (UnitKind.GRASSROOTS_COMMITTEE, UnitKind.PROVINCE)
            assert c.decision_no.endswith("-QĐ/ĐU" if unit.kind != UnitKind.PROVINCE else "-QĐ/TU")
    assert late > 5
    assert max(numbers.values()) == 1  # one number per committee and year
    assert not Candidacy.objects.filter(decision_on__range=(A.QUIET[0], A.QUIET[1])).exists()
    held = TrainingClass.objects.filter(starts_on__gte=REORG)
    assert not held.filter(organiser__kind=UnitKind.DISTRICT).exists()
    assert held.filter(organiser__code="TU", name__regex=r"\((huyện|thành phố) .+ \(cũ\)\)$").exists()


def test_candidacies_follow_their_paths_to_31_12_2025(built):
    later = (Candidacy.objects.filter(Q(stage_on__gt=END_2022) | Q(identified_on__gt=END_2022))
             .select_related("membership").prefetch_related("events", "dossier"))
    assert later.count() > 100
    for c in later:
        events = list(c.events.all())
        stages = [e.stage for e in events]
        assert stages[0] == Stage.SOURCE
        forward = [s for s in stages if s in RANK]
        assert forward == [s for s in PATH if s in forward], (c.pk, stages)
        days = [e.on for e in events]
        assert days == sorted(days) and days[-1] <= END, (c.pk, days)
        assert (c.stage, c.stage_on) == (events[-1].stage, events[-1].on)
        on = {e.stage: e.on for e in events}
        for stage, value in c.stage_dates():
            assert on.get(stage) == value, (c.pk, stage)
        assert c.closed_on == (on.get(c.stage) if c.stage in CLOSED_STAGES else None)
        assert all(item.on <= END for item in c.dossier.all())
        if c.ceremony_on:
            m = c.membership
            assert (m.admitted_on, m.decided_on) == (c.ceremony_on, c.decision_on)
            assert c.probation_ends_on == add_months(c.ceremony_on, 12)
            if c.stage == Stage.RECOGNISED:
                assert m.status == MemberStatus.OFFICIAL and m.recognized_on == c.probation_ends_on
                assert m.card_number
            elif c.stage == Stage.ON_PROBATION:
                assert m.status == MemberStatus.PROBATIONARY and m.recognized_on is None
    assert not CandidacyEvent.objects.filter(on__gt=END).exists()
    assert not Membership.objects.filter(Q(admitted_on__gt=END) | Q(recognized_on__gt=END)).exists()
    assert not Enrolment.objects.filter(certificate_on__gt=END).exists()
    # A membership recognised after 2022 has its event, as the services would write it.
    recognised = Membership.objects.filter(recognized_on__gt=END_2022)
    assert recognised.count() == MembershipEvent.objects.filter(
        kind=EventKind.RECOGNISED, on__gt=END_2022).count() > 0


def test_the_counters_kept_across_the_reorganisation_match_a_full_recount(built):
    def rows() -> dict:
        return {r[:3]: r[3:] for r in AdmissionCount.objects.values_list(
            "unit_id", "grain", "day", *counts.KINDS) if any(r[3:])}

    with transaction.atomic():
        kept = rows()
        counts.rebuild()
        assert rows() == kept
        transaction.set_rollback(True)


# --- plans ---------------------------------------------------------------------------------


def test_each_year_has_its_province_and_committee_plans(built):
    for year in (2023, 2024, 2025):
        top = Plan.objects.get(unit__code="TU", year=year, parent__isnull=True)
        assert Plan.objects.filter(parent=top).count() == 13
    kb_2025 = Plan.objects.get(unit__code="KB", year=2025)
    assert kb_2025.version_on(dt.date(2025, 3, 31)).target >= A.scaled(150, SMALL)
    # The dissolutions carried the 2025 plan's district targets to their organisations.
    plan_2025 = Plan.objects.get(unit__code="TU", year=2025, parent__isnull=True)
    before, after = plan_2025.version_on(JUNE_30), plan_2025.version_on(REORG)
    assert after.revision == before.revision + 1 and after.issued_on == REORG
    given = set(after.allocations.values_list("unit__code", flat=True))
    assert "KB" in set(before.allocations.values_list("unit__code", flat=True))
    assert "KB" not in given and "KB.01" in given


def test_the_2026_plan_allocates_to_the_units_directly_under_the_province(built):
    plan = Plan.objects.get(unit__code="TU", year=2026)
    version = plan.version_on(END)
    assert (plan.number, version.status, version.issued_on) == ("45-KH/TU", PlanStatus.ISSUED,
                                                                 T.PLAN_2026[1])
    given = dict(version.allocations.values_list("unit__code", "target"))
    direct = {c.unit.code for c in children_in_year(tu(), 2026)}
    on_new_year = {v.unit.code for v in children_on(tu(), dt.date(2026, 1, 1))}
    assert set(given) == direct == on_new_year
    assert {"KB.01", "LS.01", "QS", "VP", "PT"} <= set(given)
    assert not set(given) & set(DISTRICTS)
    assert sum(given.values()) >= version.target == sum(given.values())
    assert "Kế hoạch số 45-KH/TU năm 2026 của Tỉnh ủy Phú Thọ" in built.output


# --- logins --------------------------------------------------------------------------------


def test_the_district_officers_work_in_a_commune_after_their_district_ended(built):
    User = get_user_model()
    for login in DEMO_LOGINS_2025:
        user = User.objects.get(username=login.username)
        roles = list(RoleAssignment.objects.filter(user=user).values_list("unit__code", "role"))
        assert roles == ([(login.unit_code, login.role)] if login.unit_code else []), login.username
    assert {(lg.username, lg.unit_code) for lg in DEMO_LOGINS} - {
        (lg.username, lg.unit_code) for lg in DEMO_LOGINS_2025} == {("kimboi", "KB"), ("lacson", "LS")}
    kb_01 = OrgUnit.objects.get(code="KB.01")
    assert RoleAssignment.objects.filter(unit=kb_01, role=Role.EDITOR).count() == 1
    assert not RoleAssignment.objects.filter(unit__code__in=DISTRICTS).exists()
    lines = login_lines(True)
    assert any(line.startswith("kimboi / demo1234 — cán bộ Đảng ủy thị trấn Bo") for line in lines)
    for line in lines:
        assert line in built.output
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)  # `make run` on this database
    assert all(line in out.getvalue() for line in lines)


def test_reset_builds_the_default_demo_again(built):
    with transaction.atomic():
        out = io.StringIO()
        call_command("demo", "--reset", "--scale", str(SMALL), stdout=out)
        assert after_2022() == built.default_after_2022
        assert "Tỉnh ủy Phú Thọ" not in out.getvalue()
        transaction.set_rollback(True)
