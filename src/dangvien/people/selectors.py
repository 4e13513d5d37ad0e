"""Reads of people and members, always within the user's scope.

Lists never load the citizen ID (CCCD) or the home address: they are deferred, so a
template cannot show them by mistake without an extra query that a test would notice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, OuterRef, Q, QuerySet, Subquery, Value, When

from dangvien.core import vn
from dangvien.org.models import OrgUnit, OrgUnitVersion
from dangvien.org.selectors import subtree_unit_ids

from .models import Membership, Person

#: Sensitive fields no list needs.
_LIST_DEFERRED = ("cccd", "home_address")

#: Longest search text looked at; longer input is cut, not refused.
SEARCH_MAX_CHARS = 100


def members_of_unit(*, user, unit: OrgUnit, on: dt.date) -> QuerySet[Membership]:
    """Đảng viên trong danh sách ngày `on` ở đơn vị và mọi cấp dưới, xếp theo tên.

    Each row carries `cell_name_on` (the cell's name that day) and `probationary_on`
    (dự bị that day), so a page of rows costs one query.
    """
    cell_name_on = Subquery(
        OrgUnitVersion.objects.on(on).filter(unit=OuterRef("cell_id")).values("name")[:1]
    )
    probationary_on = Case(
        When(Q(recognized_on__isnull=True) | Q(recognized_on__gt=on), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        Membership.objects.for_user(user)
        .active_on(on)
        .filter(cell_id__in=subtree_unit_ids(unit, on))
        .select_related("person", "cell")
        .defer(*(f"person__{name}" for name in _LIST_DEFERRED))
        .annotate(cell_name_on=cell_name_on, probationary_on=probationary_on)
        .order_by("person__sort_key", "person_id")
    )


@dataclass
class SearchResult:
    """Kết quả tìm kiếm: tối đa `limit` người, và `more` khi còn nữa."""

    text: str = ""
    people: list[Person] = field(default_factory=list)
    more: bool = False

    @property
    def empty_query(self) -> bool:
        return not vn.fold(self.text).split()


def people_search(*, user, text: str, limit: int = 100) -> SearchResult:
    """Tìm người theo tên, có dấu hay không dấu, trong phạm vi người dùng được xem."""
    text = vn.normalize_spaces(text)[:SEARCH_MAX_CHARS]
    result = SearchResult(text=text)
    if result.empty_query:
        return result
    rows = list(
        Person.objects.for_user(user)
        .search(text)
        .select_related("unit")
        .defer(*_LIST_DEFERRED)
        .order_by("sort_key", "pk")[: limit + 1]
    )
    result.people = rows[:limit]
    result.more = len(rows) > limit
    return result
