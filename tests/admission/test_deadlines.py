"""Deadlines (thời hạn) as of a date: each kind appears, turns overdue on the right day
(counted in working days where the rule says so) and disappears once the step is recorded.

Hà Thị Mai's cell considers her on Thursday 10/03/2022. Sixty working days later is
07/06/2022, not 02/06/2022: Monday 11/04 (Giỗ Tổ Hùng Vương fell on Sunday 10/04) and
Monday 02/05, Tuesday 03/05 (30/4 and 1/5 fell on the weekend) are days off.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dangvien.admission import services as adm
from dangvien.admission.deadlines import Kind, LateUnit, Status, deadline_counts, deadlines
from dangvien.admission.models import Candidacy, Stage
from dangvien.core import calendar
from dangvien.core.calendar import add_working_days
from dangvien.rules.models import RuleSet
from dangvien.training.models import ClassKind
from dangvien.training.services import class_create, enrol, enrolment_record_result
from tests.web.helpers import bulk_people

from .conftest import CELL_DAY, TODAY

GRASSROOTS_DAY = dt.date(2022, 3, 18)
DECISION_DUE = dt.date(2022, 6, 7)
DECISION_LIMIT = dt.date(2022, 7, 19)
DECIDED = dt.date(2022, 4, 5)
CEREMONY_DUE = dt.date(2022, 5, 20)
CEREMONY = dt.date(2022, 4, 20)
PROBATION_END = dt.date(2023, 4, 20)
RECOGNITION_DUE = dt.date(2023, 6, 6)
CERT_LAST_VALID = dt.date(2026, 9, 9)  # issued 10/09/2021, valid 60 months

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.invalidate()
    yield
    calendar.invalidate()


# --- walking the path --------------------------------------------------------------------


def propose(c, on=CELL_DAY):
    c = adm.candidacy_propose_by_cell(by=None, candidacy=c, on=on, document_no="15-NQ/CB",
                                      today=TODAY)
    return adm.candidacy_propose_by_grassroots(by=None, candidacy=c, on=max(on, GRASSROOTS_DAY),
                                               document_no="42-NQ/ĐU", today=TODAY)


def decide(c, on=DECIDED, received_on=None):
    return adm.candidacy_decide(by=None, candidacy=c, on=on, document_no="311-QĐ/HU",
                                received_on=received_on, today=TODAY)


def hold(c, on=CEREMONY):
    return adm.candidacy_hold_ceremony(by=None, candidacy=c, on=on, today=TODAY)


def new_member_class(province, person, on=dt.date(2022, 6, 10)):
    klass = class_create(by=None, organiser=province.kb, kind=ClassKind.NEW_MEMBER,
                         name="Lớp đảng viên mới 2022", starts_on=on - dt.timedelta(days=4),
                         ends_on=on)
    e = enrol(by=None, training_class=klass, person=person, today=klass.starts_on)
    return enrolment_record_result(by=None, enrolment=e, result="dat", certificate_number="ĐVM-9",
                                   certificate_on=on, today=TODAY)


def of_kind(day, kind, user=None, **kw):
    return [i for i in deadlines(user=user, as_of=day, **kw) if i.kind == kind]


def one(day, kind, **kw):
    found = of_kind(day, kind, **kw)
    assert len(found) == 1, found
    return found[0]


_n = itertools.count(1)


def bare(cell, **dates):
    """A candidacy written straight to the table, at whatever dates a test needs."""
    person = bulk_people(cell, [f"Người Thử {next(_n)}"])[0]
    dates.setdefault("identified_on", dt.date(2021, 1, 4))
    return Candidacy.objects.create(person=person, cell=cell, source=dates.pop("source", "khac"),
                                    stage=dates.pop("stage", Stage.CELL_PROPOSED),
                                    stage_on=dates["identified_on"], **dates)


# --- DECISION ----------------------------------------------------------------------------


def test_calendar_fact_the_tests_rely_on():
    assert add_working_days(CELL_DAY, 60) == DECISION_DUE
    assert add_working_days(CELL_DAY, 90) == DECISION_LIMIT
    assert add_working_days(DECIDED, 30) == CEREMONY_DUE
    assert add_working_days(PROBATION_END, 30) == RECOGNITION_DUE


def test_decision_comes_due_sixty_working_days_after_the_cell(ready):
    propose(ready)
    assert of_kind(dt.date(2022, 5, 30), Kind.DECISION) == []
    soon = one(dt.date(2022, 5, 31), Kind.DECISION)
    assert soon.status == Status.DUE_SOON and soon.days_late is None
    assert soon.due_on == DECISION_DUE and soon.limit_on == DECISION_LIMIT
    assert soon.regulation == "QĐ 24-QĐ/TW, điểm 4.3.1"
    assert "60 ngày làm việc" in soon.message and "07/06/2022" in soon.message
    assert "30 ngày làm việc" in soon.message and "19/07/2022" in soon.message
    assert (soon.person, soon.cell, soon.unit_code) == ("Hà Thị Mai", "Chi bộ xóm Mớ Đá", "KB.01.01")
    # A weekday count would say 02/06; the holidays push it to 07/06.
    assert one(dt.date(2022, 6, 3), Kind.DECISION).status == Status.DUE_SOON
    assert "ngày cuối cùng" in one(DECISION_DUE, Kind.DECISION).message

    late = one(dt.date(2022, 6, 8), Kind.DECISION)
    assert late.status == Status.OVERDUE
    assert (late.days_late, late.late_unit) == (1, LateUnit.WORKING_DAYS)
    assert "Đã quá hạn 1 ngày làm việc" in late.message
    assert one(dt.date(2022, 6, 13), Kind.DECISION).days_late == 4  # 8, 9, 10, 13 June
    assert "quá cả thời hạn gia hạn" not in one(DECISION_LIMIT, Kind.DECISION).message
    assert "quá cả thời hạn gia hạn" in one(dt.date(2022, 7, 20), Kind.DECISION).message


def cell_day_for_due(target: dt.date, days: int = 60) -> dt.date:
    """The first cell date whose decision deadline falls on or after `target`."""
    day = target - dt.timedelta(days=days * 2)
    while add_working_days(day, days) < target:
        day += dt.timedelta(days=1)
    return day


def test_overdue_on_a_weekend_is_late_by_no_working_day_yet(province):
    friday = dt.date(2022, 7, 15)
    resolved = cell_day_for_due(friday)
    assert add_working_days(resolved, 60) == friday
    bare(province.kb_cell, cell_resolution_on=resolved)
    saturday = one(dt.date(2022, 7, 16), Kind.DECISION)
    assert (saturday.status, saturday.days_late) == (Status.OVERDUE, 0)
    assert saturday.late_text == "chưa đủ 1 ngày làm việc"
    assert "hạn cuối là ngày 15/07/2022" in saturday.message
    assert one(dt.date(2022, 7, 18), Kind.DECISION).days_late == 1


def test_decision_disappears_once_decided_and_the_past_is_kept(ready):
    c = propose(ready)
    decide(c, on=dt.date(2022, 6, 10))
    # On 09/06/2022 the decision had not been taken: two working days late.
    late = one(dt.date(2022, 6, 9), Kind.DECISION)
    assert late.status == Status.OVERDUE and late.days_late == 2
    assert of_kind(dt.date(2022, 6, 10), Kind.DECISION) == []
    # Back before the cell considered her there was nothing to decide.
    assert of_kind(dt.date(2022, 3, 9), Kind.DECISION) == []


def test_a_withdrawn_candidacy_has_no_deadline_from_the_day_it_closed(ready):
    c = propose(ready)
    adm.candidacy_close(by=None, candidacy=c, outcome=Stage.REFUSED, on=dt.date(2022, 6, 1),
                        reason="Cấp ủy không đồng ý kết nạp", today=TODAY)
    assert one(dt.date(2022, 5, 31), Kind.DECISION).status == Status.DUE_SOON
    assert deadlines(user=None, as_of=dt.date(2022, 6, 1)) == []
    assert deadlines(user=None, as_of=dt.date(2022, 9, 1)) == []


def test_the_rule_set_of_the_cells_day_fixes_the_length(province):
    RuleSet.objects.filter(code="qd-24-2021").update(decision_working_days=30)
    c2022 = bare(province.kb_cell, cell_resolution_on=CELL_DAY)
    c2025 = bare(province.kb_cell2, cell_resolution_on=dt.date(2025, 8, 1))
    early = one(dt.date(2022, 4, 25), Kind.DECISION)
    assert early.candidacy_id == c2022.pk
    assert early.due_on == add_working_days(CELL_DAY, 30)
    later, = [i for i in of_kind(add_working_days(dt.date(2025, 8, 1), 60), Kind.DECISION)
              if i.candidacy_id == c2025.pk]
    assert later.status == Status.DUE_SOON
    assert later.regulation == "QĐ 294-QĐ/TW, điểm 4.3.1"


# --- CEREMONY ----------------------------------------------------------------------------


def test_ceremony_comes_due_thirty_working_days_after_the_decision(ready):
    c = decide(propose(ready))
    assert of_kind(dt.date(2022, 5, 12), Kind.CEREMONY) == []
    soon = one(dt.date(2022, 5, 13), Kind.CEREMONY)
    assert soon.status == Status.DUE_SOON and soon.due_on == CEREMONY_DUE
    assert soon.regulation == "QĐ 24-QĐ/TW, điểm 4.1"
    assert "311-QĐ/HU" in soon.message and "30 ngày làm việc" in soon.message
    late = one(dt.date(2022, 5, 23), Kind.CEREMONY)  # Monday after Friday 20/05
    assert (late.status, late.days_late) == (Status.OVERDUE, 1)
    assert "cấp ủy cấp trên" in late.message
    # Held late, with a reason: the item goes from that day on.
    adm.candidacy_hold_ceremony(by=None, candidacy=c, on=dt.date(2022, 5, 25), today=TODAY,
                                override_reason="Người vào Đảng đi công tác dài ngày ở tỉnh khác")
    assert one(dt.date(2022, 5, 24), Kind.CEREMONY).days_late == 2
    assert of_kind(dt.date(2022, 5, 25), Kind.CEREMONY) == []
    # Before the decision there was no ceremony to hold.
    assert of_kind(dt.date(2022, 4, 4), Kind.CEREMONY) == []


def test_ceremony_counts_from_the_day_the_cell_received_the_decision(ready):
    decide(propose(ready), received_on=dt.date(2022, 4, 12))
    item = one(dt.date(2022, 5, 25), Kind.CEREMONY)
    assert item.due_on == add_working_days(dt.date(2022, 4, 12), 30)
    assert "12/04/2022" in item.message


# --- RECOGNITION and NEW_MEMBER_CLASS ----------------------------------------------------------


def test_recognition_window_and_overdue_thirty_working_days_after_probation(ready, province):
    c = hold(decide(propose(ready)))
    assert c.probation_ends_on == PROBATION_END
    assert of_kind(dt.date(2023, 4, 12), Kind.RECOGNITION) == []
    soon = one(dt.date(2023, 4, 13), Kind.RECOGNITION)  # 7 days before the end of probation
    assert soon.status == Status.DUE_SOON and soon.due_on == RECOGNITION_DUE
    assert "Còn 7 ngày nữa hết dự bị" in soon.message
    assert soon.regulation == "Điều lệ Đảng, Điều 5; QĐ 24-QĐ/TW, điểm 4.2"
    # Inside the 30 working days: still due, not late.
    assert one(dt.date(2023, 5, 15), Kind.RECOGNITION).status == Status.DUE_SOON
    assert one(RECOGNITION_DUE, Kind.RECOGNITION).status == Status.DUE_SOON
    late = one(dt.date(2023, 6, 7), Kind.RECOGNITION)
    assert (late.status, late.days_late, late.late_unit) == (Status.OVERDUE, 1, "ngay_lam_viec")

    new_member_class(province, c.person)
    for form in ("10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ", "15-KNĐ"):
        adm.dossier_record(by=None, candidacy=c, form=form, on=dt.date(2023, 5, 20), today=TODAY)
    adm.candidacy_recognise(by=None, candidacy=c, on=dt.date(2023, 6, 9), document_no="520-QĐ/HU",
                            today=TODAY, override_reason="Chi bộ họp muộn vì bí thư đi viện")
    assert one(dt.date(2023, 6, 8), Kind.RECOGNITION).days_late == 2
    assert deadlines(user=None, as_of=dt.date(2023, 6, 9)) == []


def test_new_member_class_flagged_in_the_last_90_days_of_probation_and_overdue_after(ready, province):
    """HD 01-HD/TW điểm 4: the new-member class is part of the probation; it is flagged
    while there is still time (the last 90 days) and overdue once probation has ended."""
    c = hold(decide(propose(ready)))
    assert of_kind(dt.date(2022, 4, 21), Kind.NEW_MEMBER_CLASS) == []
    assert of_kind(PROBATION_END - dt.timedelta(days=91), Kind.NEW_MEMBER_CLASS) == []
    soon = one(PROBATION_END - dt.timedelta(days=90), Kind.NEW_MEMBER_CLASS)
    assert soon.status == Status.DUE_SOON and soon.due_on == PROBATION_END
    assert soon.regulation == "Hướng dẫn 01-HD/TW, điểm 4"
    assert one(PROBATION_END, Kind.NEW_MEMBER_CLASS).status == Status.DUE_SOON
    late = one(dt.date(2023, 4, 21), Kind.NEW_MEMBER_CLASS)
    assert (late.status, late.days_late, late.late_unit) == (Status.OVERDUE, 1, LateUnit.DAYS)
    assert "1 ngày" in late.late_text

    new_member_class(province, c.person, on=dt.date(2022, 6, 10))
    assert of_kind(PROBATION_END, Kind.NEW_MEMBER_CLASS) == []
    assert of_kind(dt.date(2023, 5, 1), Kind.NEW_MEMBER_CLASS) == []


# --- CERTIFICATE_EXPIRING --------------------------------------------------------------------


def test_awareness_certificate_expiring_within_ninety_days(ready):
    assert of_kind(dt.date(2026, 6, 11), Kind.CERTIFICATE_EXPIRING) == []
    soon = one(dt.date(2026, 6, 12), Kind.CERTIFICATE_EXPIRING)
    assert soon.status == Status.DUE_SOON and soon.due_on == CERT_LAST_VALID
    assert "CN-123/2021" in soon.message and "60 tháng" in soon.message
    assert one(CERT_LAST_VALID, Kind.CERTIFICATE_EXPIRING).status == Status.DUE_SOON
    late = one(dt.date(2026, 9, 10), Kind.CERTIFICATE_EXPIRING)
    assert (late.status, late.days_late, late.late_unit) == (Status.OVERDUE, 1, LateUnit.DAYS)
    assert "học lại" in late.message


def test_certificate_judged_on_the_cells_day_is_no_longer_a_deadline(ready):
    propose(ready)
    items = deadlines(user=None, as_of=dt.date(2026, 9, 10))
    assert [i.kind for i in items] == [Kind.DECISION]


def test_certificate_counts_until_the_decision(province):
    from tests.admission.conftest import certify

    klass = class_create(by=None, organiser=province.kb, kind=ClassKind.AWARENESS,
                         name="Lớp nhận thức 8/2021", starts_on=dt.date(2021, 8, 2),
                         ends_on=dt.date(2021, 8, 6))
    c = bare(province.kb_cell, identified_on=dt.date(2021, 3, 1), stage=Stage.CLASS_DONE)
    c.awareness = certify(klass, c.person, on=dt.date(2021, 8, 6), number="CN-7")
    c.save()
    assert c.awareness.certificate_expires_on == dt.date(2026, 8, 6)
    assert one(dt.date(2026, 6, 1), Kind.CERTIFICATE_EXPIRING).due_on == dt.date(2026, 8, 5)
    Candidacy.objects.filter(pk=c.pk).update(cell_resolution_on=dt.date(2026, 8, 10),
                                             decision_on=dt.date(2026, 8, 20))
    # The cell considered her after it had expired: still flagged until the decision.
    assert one(dt.date(2026, 8, 19), Kind.CERTIFICATE_EXPIRING).status == Status.OVERDUE
    assert of_kind(dt.date(2026, 8, 20), Kind.CERTIFICATE_EXPIRING) == []


# --- order, scope, units, cost -------------------------------------------------------------


def test_overdue_first_most_late_first_then_by_due_date(province):
    day = dt.date(2022, 9, 1)
    a = bare(province.kb_cell, cell_resolution_on=dt.date(2022, 5, 4))   # due in July
    b = bare(province.kb_cell, cell_resolution_on=dt.date(2022, 3, 1))   # due in May: later
    c = bare(province.kb_cell2, stage=Stage.DECIDED, cell_resolution_on=dt.date(2022, 6, 1),
             decision_on=dt.date(2022, 7, 25))                           # ceremony due 07/09
    d = bare(province.ls_cell, cell_resolution_on=cell_day_for_due(day + dt.timedelta(days=2)))
    items = deadlines(user=None, as_of=day)
    assert [i.candidacy_id for i in items] == [b.pk, a.pk, d.pk, c.pk]
    assert [i.status for i in items] == [Status.OVERDUE] * 2 + [Status.DUE_SOON] * 2
    assert items[0].days_late > items[1].days_late
    assert items[2].kind == Kind.DECISION and items[3].kind == Kind.CEREMONY
    assert items[3].due_on == dt.date(2022, 9, 7)  # 1 and 2 September are holidays
    counts = deadline_counts(items)
    assert (counts["total"], counts["overdue"], counts["due_soon"]) == (4, 2, 2)
    assert counts["by_kind"][Kind.DECISION] == {"overdue": 2, "due_soon": 1}
    assert counts["by_kind"][Kind.CEREMONY] == {"overdue": 0, "due_soon": 1}


def test_scope_and_unit(province, personas):
    kb = bare(province.kb_cell, cell_resolution_on=CELL_DAY)
    ls = bare(province.ls_cell, cell_resolution_on=CELL_DAY)
    day = dt.date(2022, 6, 8)
    ids = {i.candidacy_id for i in deadlines(user=None, as_of=day)}
    assert ids == {kb.pk, ls.pk}
    assert {i.candidacy_id for i in deadlines(user=personas.lacson, as_of=day)} == {ls.pk}
    assert {i.candidacy_id for i in deadlines(user=personas.kimboi, as_of=day)} == {kb.pk}
    assert {i.candidacy_id for i in deadlines(user=personas.secretary, as_of=day)} == {kb.pk}
    assert deadlines(user=personas.outsider, as_of=day) == []
    assert {i.candidacy_id for i in deadlines(user=None, as_of=day, unit=province.ls)} == {ls.pk}
    assert deadlines(user=None, as_of=day, unit=province.kb_cell2) == []
    # A unit outside the user's scope gives nothing (the page and command answer 404 first).
    assert deadlines(user=personas.lacson, as_of=day, unit=province.kb) == []


def test_horizon_is_a_parameter(ready):
    propose(ready)
    assert of_kind(dt.date(2022, 5, 24), Kind.DECISION) == []
    assert len(of_kind(dt.date(2022, 5, 24), Kind.DECISION, horizon_days=14)) == 1


def test_a_fixed_number_of_queries_for_any_number_of_candidacies(province, personas,
                                                                django_assert_max_num_queries):
    def make(count):
        for i in range(count):
            bare(province.kb_cell, cell_resolution_on=CELL_DAY + dt.timedelta(days=i % 20))

    make(3)
    day = dt.date(2022, 6, 10)
    # Scope roles, the unit on the day, the rule sets, the candidacies (and at most one
    # re-read of the calendar's table).
    with django_assert_max_num_queries(5):
        assert len(deadlines(user=personas.kimboi, as_of=day, unit=province.kb)) == 3
    make(40)
    with django_assert_max_num_queries(5):
        assert len(deadlines(user=personas.kimboi, as_of=day, unit=province.kb)) > 3
