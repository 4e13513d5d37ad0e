"""Work other apps do around a change of the tree (thay đổi tổ chức).

A move, merge or split changes which units stand above the cells of a subtree. Apps
that keep figures per unit above the cells (the admission counters) register a context
manager factory here; the org services enter it around the change with the units whose
subtrees move.

Apps also say what follows a unit across a change (`report_with`: members, candidacies,
transfers, for the preview) and do their part when a unit closes (`close_with`: plans
pass allocations to the successor). The org app imports none of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass, field

_watchers: list[Callable[[list], ContextManager[None]]] = []


def watch(factory: Callable[[list], ContextManager[None]]) -> None:
    if factory not in _watchers:
        _watchers.append(factory)


@contextlib.contextmanager
def tree_changing(roots: Iterable) -> Iterator[None]:
    roots = list(roots)
    with contextlib.ExitStack() as stack:
        for factory in _watchers:
            stack.enter_context(factory(roots))
        yield


# --- what follows a unit across a change (the preview and the audit) ---------------------


@dataclass
class Section:
    """Một mục của bản xem trước và của kết quả một thay đổi tổ chức: tiêu đề, các dòng
    (có thể chỉ là một phần khi `count` lớn hơn số dòng) và ghi chú."""

    title: str
    items: list[str] = field(default_factory=list)
    count: int | None = None
    note: str = ""

    @property
    def total(self) -> int:
        return len(self.items) if self.count is None else self.count

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))

    def as_dict(self) -> dict:
        return {"title": self.title, "items": self.items, "count": self.total, "note": self.note}

    @classmethod
    def from_dict(cls, data: dict) -> Section:
        return cls(title=data.get("title", ""), items=list(data.get("items", [])),
                   count=data.get("count"), note=data.get("note", ""))


#: Read before the tree changes: fn(units whose subtrees move, effective date) -> sections
#: saying what follows them (members, open candidacies, pending transfers, classes).
_reporters: list[Callable[[list, dt.date], list[Section]]] = []
#: Run after the tree changed, in the same transaction: fn(closings, effective, note, by)
#: -> sections saying what they changed. `closings` pairs each closed unit with its
#: successor (plans pass the running year's allocations on).
_closers: list[Callable[[list[tuple], dt.date, str, object], list[Section]]] = []


def report_with(fn: Callable[[list, dt.date], list[Section]]) -> None:
    if fn not in _reporters:
        _reporters.append(fn)


def close_with(fn: Callable[[list[tuple], dt.date, str, object], list[Section]]) -> None:
    if fn not in _closers:
        _closers.append(fn)


def what_follows(roots: list, effective: dt.date) -> list[Section]:
    return [s for fn in _reporters for s in fn(roots, effective)]


def on_closing(closings: list[tuple], effective: dt.date, note: str, by) -> list[Section]:
    return [s for fn in _closers for s in fn(closings, effective, note, by)]
