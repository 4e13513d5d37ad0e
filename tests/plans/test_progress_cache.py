"""Previous years' figures follow every write: from the counters, which each save keeps,
and on the candidacies' path (below the counted depth) from a cache that any recorded
write empties."""

import datetime as dt

import pytest
from django.core.cache import cache

from dangvien.admission.models import Candidacy, Stage
from dangvien.audit.services import audit_record
from dangvien.people.services import person_create
from dangvien.plans.models import Plan, PlanVersion
from dangvien.plans.progress import EXPECTED_LINEAR, EXPECTED_SEASONAL, progress_table

MAY_END = dt.date(2022, 5, 31)


def decided(cell, day, n):
    for i in range(n):
        person = person_create(by=None, unit=cell, data={
            "full_name": f"Bùi Văn Cũ {day.year} {i}", "gender": "nam",
            "birth_date": dt.date(1995, 1, 1)})
        Candidacy.objects.create(person=person, cell=cell, source="khac",
                                 identified_on=day - dt.timedelta(days=200), stage=Stage.DECIDED,
                                 stage_on=day, decision_on=day, cell_resolution_on=day)


@pytest.mark.django_db
@pytest.mark.parametrize("counted_depth", [3, 0], ids=["counters", "candidacies"])
def test_a_recorded_write_makes_the_seasonal_curve_be_read_again(province, settings,
                                                                counted_depth):
    settings.DANGVIEN_COUNTED_DEPTH = counted_depth
    cache.clear()
    plan = Plan.objects.create(unit=province.tu, year=2022, number="77-KH/TU", title="Kế hoạch")
    PlanVersion.objects.create(plan=plan, status="ban_hanh", issued_on=dt.date(2022, 2, 14),
                               target=100)
    before = progress_table(plan=plan, unit=province.tu, as_of=MAY_END)
    assert before.total.expected_method == EXPECTED_LINEAR  # no earlier years yet

    decided(province.kb_cell, dt.date(2020, 12, 10), 3)
    decided(province.kb_cell, dt.date(2021, 5, 10), 3)
    audit_record(by=None, action="test.import", object_type="test")  # what every write does
    after = progress_table(plan=plan, unit=province.tu, as_of=MAY_END)
    assert after.total.expected_method == EXPECTED_SEASONAL
    # Half the years admitted everyone by May (2021), half in December (2020).
    assert after.total.expected_percent == 50.0
