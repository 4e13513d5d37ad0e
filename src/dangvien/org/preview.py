"""Xem trước một thay đổi tổ chức: run the real service in a transaction that is rolled
back, and read what it recorded. The preview is what confirming does, by construction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from .hooks import Section
from .models import OrgChange


@dataclass
class Preview:
    """Bản xem trước: tóm tắt và các mục thay đổi."""

    summary: str
    sections: list[Section] = field(default_factory=list)


class _Rollback(Exception):
    pass


def preview(service: Callable, **kwargs) -> Preview:
    """What `service(**kwargs)` would change; raises its DomainError when it would refuse."""
    found: list[Preview] = []
    try:
        with transaction.atomic():
            service(**kwargs)
            change = OrgChange.objects.order_by("-pk").first()
            found.append(Preview(change.summary, [Section.from_dict(d) for d in
                                                  change.details.get("sections", [])]))
            raise _Rollback
    except _Rollback:
        pass
    return found[0]


def sections_of(change: OrgChange) -> list[Section]:
    return [Section.from_dict(d) for d in change.details.get("sections", [])]
