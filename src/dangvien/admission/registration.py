"""Registering a promising person (đưa quần chúng ưu tú vào danh sách nguồn) in one step.

The page either picks a person already on record or creates a new one; either way the
person and the candidacy are written in one transaction, so a refused candidacy leaves
no orphan person behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from dangvien.accounts.models import Role
from dangvien.accounts.scope import can
from dangvien.core.errors import DomainError
from dangvien.org.models import OrgUnit
from dangvien.people.models import Person
from dangvien.people.services import person_create

from .models import Candidacy
from .services import candidacy_create


@transaction.atomic
def candidate_register(
    *, by, cell: OrgUnit, source: str, identified_on: dt.date,
    person: Person | None = None, person_data: dict[str, Any] | None = None,
    union_route: str | None = None, is_village_elder: bool = False, today: dt.date | None = None,
) -> Candidacy:
    """Đưa một người (đã có hồ sơ, hoặc người mới) vào danh sách nguồn kết nạp của chi bộ."""
    if person is None:
        if person_data is None:
            raise DomainError("Hãy chọn người đã có hồ sơ hoặc nhập lý lịch người mới.",
                              field="person")
        person = person_create(by=by, unit=cell, data=person_data, today=today)
    elif by is not None and not can(by, person.unit, Role.EDITOR):
        # Registering moves the person's record to the cell: the user must manage it now.
        raise DomainError(f"Bạn không có quyền cập nhật hồ sơ của {person.full_name}.",
                          field="person", code="forbidden")
    return candidacy_create(by=by, person=person, cell=cell, source=source,
                            identified_on=identified_on, union_route=union_route,
                            is_village_elder=is_village_elder, today=today)
