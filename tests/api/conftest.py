"""A small world for the API: plans, members, candidates and ratings in Kim Bôi and Lạc
Sơn, and tokens for the personas (tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from dangvien.admission import services as adm
from dangvien.admission.models import Candidacy, Source
from dangvien.api.tokens import token_create
from dangvien.people.models import Membership
from dangvien.people.services import person_create
from dangvien.periods.models import PeriodKind, ReportingPeriod
from dangvien.periods.services import period_create
from dangvien.plans.models import Allocation, Plan, PlanStatus, PlanVersion
from dangvien.ratings.services import rating_enter

TODAY = dt.date(2023, 12, 31)


@dataclass
class World:
    plan77: Plan
    ls_plan: Plan
    kb_member: Membership
    ls_member: Membership
    kb_candidacy: Candidacy
    ls_candidacy: Candidacy
    period: ReportingPeriod


def _issue(plan, target, on, allocations):
    version = PlanVersion.objects.create(plan=plan, revision=1, status=PlanStatus.ISSUED,
                                         issued_on=on, target=target)
    Allocation.objects.bulk_create(Allocation(version=version, unit=u, target=t)
                                   for u, t in allocations.items())


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(province, personas, make_member) -> World:
    plan77 = Plan.objects.create(unit=province.tu, year=2022, number="77-KH/TU",
                                 title="Kế hoạch phát triển đảng viên năm 2022")
    _issue(plan77, 1600, dt.date(2022, 2, 14), {province.kb: 150, province.ls: 120})
    ls_plan = Plan.objects.create(unit=province.ls, year=2022, number="30-KH/HU", parent=plan77,
                                  title="Kế hoạch phát triển đảng viên năm 2022 của Lạc Sơn")
    _issue(ls_plan, 120, dt.date(2022, 3, 1), {province.ls_commune: 120})
    kb_person = make_member(province.kb_cell, "Bùi Văn Thành", admitted=dt.date(2010, 5, 19))
    ls_person = make_member(province.ls_cell, "Quách Văn Sơn", admitted=dt.date(2011, 6, 1))
    kb_member = Membership.objects.get(person=kb_person)
    ls_member = Membership.objects.get(person=ls_person)
    rating_enter(by=None, membership=kb_member, year=2022, level="tot", today=TODAY)
    rating_enter(by=None, membership=ls_member, year=2022, level="tot", today=TODAY)

    def candidacy(cell, name, cccd):
        person = person_create(by=None, unit=cell, today=TODAY, data={
            "full_name": name, "gender": "nu", "birth_date": dt.date(1998, 4, 12),
            "ethnicity": "Mường", "cccd": cccd})
        return adm.candidacy_create(by=None, person=person, cell=cell, source=Source.YOUTH_UNION,
                                    identified_on=dt.date(2022, 3, 1), today=TODAY)

    period = period_create(by=None, kind=PeriodKind.HALF, label="6 tháng đầu năm 2022",
                           starts_on=dt.date(2022, 1, 1), ends_on=dt.date(2022, 6, 30),
                           due_cell=dt.date(2022, 7, 5), due_grassroots=dt.date(2022, 7, 10),
                           due_district=dt.date(2022, 7, 15), due_province=dt.date(2022, 7, 20),
                           today=TODAY)
    return World(plan77, ls_plan, kb_member, ls_member,
                 candidacy(province.kb_cell, "Hà Thị Mai", "017198000123"),
                 candidacy(province.ls_cell, "Bùi Thị Lan", "017198000456"), period)


@pytest.fixture
def token_of(db):
    """A fresh token (the secret) for a user."""

    def make(user, **kw):
        return token_create(by=None, user=user, name=f"thử {user.username}", **kw)[1]

    return make


class Api:
    def __init__(self, client, token):
        self.client, self.token = client, token

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, **self._headers())

    def post(self, path, data, raw: bool = False):
        body = data if raw else json.dumps(data, default=str)
        return self.client.post(f"/api/v1{path}", body, content_type="application/json",
                                **self._headers())


@pytest.fixture
def api_as(client, token_of):
    def make(user, **kw):
        return Api(client, token_of(user, **kw) if user is not None else None)

    return make
