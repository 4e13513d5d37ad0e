"""Excel exports of every list and report (xuất Excel): `writer` writes, `kinds` reads."""

from .kinds import BY_SLUG, KINDS, Kind, full_scope_user
from .writer import Column, Export, Sheet, write_xlsx

__all__ = ["BY_SLUG", "KINDS", "Column", "Export", "Kind", "Sheet", "full_scope_user",
           "write_xlsx"]
