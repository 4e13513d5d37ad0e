"""A candidate ready to walk the path: the young teacher of the issue, in Kim Bôi."""

from __future__ import annotations

import datetime as dt

import pytest

from dangvien.admission import services as adm
from dangvien.admission.models import Source
from dangvien.people.models import Membership
from dangvien.people.services import person_create
from dangvien.training.models import ClassKind
from dangvien.training.services import class_create, enrol, enrolment_record_result

CELL_DAY = dt.date(2022, 3, 10)  # the day the cell considers her
TODAY = dt.date(2023, 12, 31)


@pytest.fixture
def introducers(province, make_member):
    """Two official members of her cell who have worked with her since 2019."""
    a = make_member(province.kb_cell, "Bùi Văn Thành", admitted=dt.date(2010, 5, 19))
    b = make_member(province.kb_cell, "Đinh Thị Nga", gender="nu", admitted=dt.date(2012, 2, 3))
    return [Membership.objects.get(person=a), Membership.objects.get(person=b)]


@pytest.fixture
def awareness_class(province):
    return class_create(by=None, organiser=province.kb, kind=ClassKind.AWARENESS,
                        name="Lớp nhận thức về Đảng khóa 1/2021", starts_on=dt.date(2021, 9, 6),
                        ends_on=dt.date(2021, 9, 10))


@pytest.fixture
def candidate(province):
    """Hà Thị Mai, a Mường teacher born 12/04/1998, introduced by the Youth Union."""
    return person_create(
        by=None, unit=province.kb_cell, today=TODAY,
        data={"full_name": "Hà Thị Mai", "gender": "nu", "birth_date": dt.date(1998, 4, 12),
              "ethnicity": "Mường", "cccd": "017198000123", "education": "thpt",
              "occupation": "can_bo_cong_chuc"},
    )


def certify(training_class, person, on=dt.date(2021, 9, 10), number="CN-123/2021"):
    enrolment = enrol(by=None, training_class=training_class, person=person,
                      today=training_class.starts_on)
    return enrolment_record_result(by=None, enrolment=enrolment, result="dat",
                                   certificate_number=number, certificate_on=on,
                                   today=max(on, TODAY))


@pytest.fixture
def ready(candidate, province, awareness_class, introducers):
    """A candidacy with class, dossier and the Youth Union route complete: ready for the cell."""
    c = adm.candidacy_create(by=None, person=candidate, cell=province.kb_cell,
                             source=Source.YOUTH_UNION, identified_on=dt.date(2021, 3, 1),
                             today=TODAY)
    adm.candidacy_set_awareness(by=None, candidacy=c, enrolment=certify(awareness_class, candidate))
    adm.introducer_add(by=None, candidacy=c, membership=introducers[0],
                       known_since=dt.date(2019, 9, 1), letter_on=dt.date(2022, 2, 20), today=TODAY)
    for form in ("1-KNĐ", "2-KNĐ", "TTLL", "4-KNĐ", "5-KNĐ"):
        adm.dossier_record(by=None, candidacy=c, form=form, on=dt.date(2022, 2, 25), today=TODAY)
    c.refresh_from_db()
    return c
