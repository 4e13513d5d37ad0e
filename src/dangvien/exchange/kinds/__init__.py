"""The kinds of Excel file dangvien reads and writes: one module per kind.

To add a kind (helper "ratings" adds `ratings`): write a module here with a `Kind`
subclass decorated with `@register` (its columns, dropdowns and `Importer`), and add the
module's name to `MODULES`.
"""

from __future__ import annotations

from importlib import import_module

from .base import KINDS, Kind

MODULES = ["units", "members", "candidates", "allocations", "ratings", "class_results",
           "orgchanges"]


_loaded = False


def _load() -> None:
    global _loaded
    _loaded = True
    for name in MODULES:
        try:
            import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise


def all_kinds() -> dict[str, type[Kind]]:
    if not _loaded:
        _load()
    return KINDS


def names() -> list[str]:
    """Every name a command accepts for a kind: its English name and its web slug."""
    return sorted({*all_kinds(), *(k.slug for k in all_kinds().values())})


def get(name: str) -> type[Kind]:
    found = all_kinds().get(name)
    if found is None:
        for kind in KINDS.values():
            if kind.slug == name:
                return kind
        raise KeyError(name)
    return found
