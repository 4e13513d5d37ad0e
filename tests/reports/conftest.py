"""Shared fixtures of the report tests: the Kim Bôi figures of tests/plans/test_progress.py
(46 of 150 by 31/05/2022, Lạc Sơn 30 of 120) and two probationary members of Kim Bôi
whose recognition is overdue on that day."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.admission import counts
from dangvien.admission.models import Candidacy, Source, Stage
from tests.plans import test_progress as progress
from tests.web.helpers import bulk_people

MAY_END = progress.MAY_END

# The fixtures of test_progress.py, for the modules that import this one.
_fresh_calendar = progress._fresh_calendar
kb_admitted = progress.kb_admitted
kb_pipeline = progress.kb_pipeline
kb_plan = progress.kb_plan
kim_boi = progress.kim_boi
ls_admitted = progress.ls_admitted
plan77 = progress.plan77


@pytest.fixture
def overdue_recognitions(province):
    """Two members of Mớ Đá (Kim Bôi) admitted at a ceremony on 01/04/2021: probation ended
    on 01/04/2022, the cell had 30 working days to consider them and has not; neither has
    the new-member class certificate."""
    cell = province.kb_cell
    people = bulk_people(cell, ["Bùi Thị Dự Bị", "Quách Văn Dự Bị"])
    d = dt.date(2021, 3, 1)
    Candidacy.objects.bulk_create(
        Candidacy(person=p, cell=cell, source=Source.YOUTH_UNION, stage=Stage.ON_PROBATION,
                  stage_on=dt.date(2021, 4, 1), identified_on=dt.date(2020, 3, 1),
                  class_done_on=dt.date(2020, 5, 1), dossier_done_on=dt.date(2020, 10, 1),
                  cell_resolution_on=dt.date(2020, 12, 1),
                  grassroots_resolution_on=dt.date(2021, 1, 10), decision_on=d,
                  decision_received_on=dt.date(2021, 3, 5), ceremony_on=dt.date(2021, 4, 1),
                  probation_ends_on=dt.date(2022, 4, 1))
        for p in people)
    counts.rebuild()
