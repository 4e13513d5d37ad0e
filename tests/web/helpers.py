"""Small helpers shared by the web tests."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

from dangvien.core import vn
from dangvien.people.models import Membership, Person

_NUMS = re.compile(r'<span class="nums">(.*?)</span></span>', re.S)
_B = re.compile(r"<b>([\d.]+)</b>")


def row_counts(page: str, name: str) -> list[str]:
    """The five numbers shown after `name` on a tree row: total, official, probationary,
    women, minorities, as formatted text."""
    start = page.index(f">{name}<")
    nums = _NUMS.search(page, start)
    assert nums is not None, f"no numbers after {name}"
    return _B.findall(nums.group(1))


def text(page: str) -> str:
    """Visible text, roughly: tags dropped, entities decoded, spaces collapsed."""
    no_tags = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html_lib.unescape(no_tags).split())


def bulk_people(unit, names, *, birth=dt.date(1980, 5, 5), admitted=None, cccd_from=None):
    """Many people (and members, when `admitted` is given) at once, skipping the services;
    only for volume, where the services' checks are not what the test is about."""
    people = [
        Person(
            full_name=name,
            search_name=vn.fold(name),
            sort_key=vn.name_sort_key(name),
            gender="nam",
            birth_date=birth,
            ethnicity="Kinh",
            unit=unit,
            cccd=None if cccd_from is None else f"{cccd_from + i:012d}",
        )
        for i, name in enumerate(names)
    ]
    people = Person.objects.bulk_create(people)
    if admitted is not None:
        Membership.objects.bulk_create(
            Membership(
                person=p,
                cell=unit,
                admitted_on=admitted,
                recognized_on=admitted.replace(year=admitted.year + 1),
            )
            for p in people
        )
    return people
