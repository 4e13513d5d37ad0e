"""Work other apps do around a change of the tree (thay đổi tổ chức).

A move, merge or split changes which units stand above the cells of a subtree. Apps
that keep figures per unit above the cells (the admission counters) register a context
manager factory here; the org services enter it around the change with the units whose
subtrees move.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager as ContextManager

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
