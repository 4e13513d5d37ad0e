"""Xem trước một thay đổi tổ chức: run the real service in a transaction that is rolled
back, and read what it recorded. The preview is what confirming does, by construction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from dangvien.core.errors import DomainError

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
            found.append(Preview(change.summary, sections_of(change)))
            raise _Rollback
    except _Rollback:
        pass
    return found[0]


def sections_of(change: OrgChange) -> list[Section]:
    return [Section.from_dict(d) for d in change.details.get("sections", [])]


def fingerprint(summary: str, sections: list[Section]) -> str:
    """A short digest of what a change does: the confirm step compares it with the one
    the user saw, so a change that would now do something else is shown again, not made."""
    body = json.dumps([summary, [s.as_dict() for s in sections]], ensure_ascii=False,
                      sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:20]


class PreviewChanged(DomainError):
    """Từ khi xem trước, dữ liệu đã đổi: thay đổi này giờ sẽ làm việc khác."""

    def __init__(self, shown: Preview):
        super().__init__(
            "Từ khi bạn xem trước, dữ liệu đã thay đổi (có thể do người khác cập nhật), nên "
            "thay đổi này giờ sẽ khác bản bạn đã xem. Chưa lưu gì. Hãy xem lại bản xem trước "
            "mới bên dưới rồi xác nhận lại.", code="stale")
        self.preview = shown


@transaction.atomic
def apply(service: Callable, expected: str, **kwargs):
    """Run `service` for real, unless what it did differs from the preview the user saw
    (`expected`, a `fingerprint`): then nothing is kept and `PreviewChanged` says so.
    Returns the service's result and what the change did."""
    result = service(**kwargs)
    change = OrgChange.objects.order_by("-pk").first()
    shown = Preview(change.summary, sections_of(change))
    if expected and fingerprint(shown.summary, shown.sections) != expected:
        raise PreviewChanged(shown)
    return result, shown
