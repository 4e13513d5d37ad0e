"""Database pieces that must behave the same on SQLite and PostgreSQL.

SQLite runs with ``PRAGMA case_sensitive_like=ON`` (settings.py) so that subtree queries
(``path__startswith``) use the path index. Django implements ``icontains``, ``iexact``,
``istartswith`` and ``iendswith`` with LIKE on SQLite, so there they become
case-sensitive while PostgreSQL ignores case: the code therefore uses none of them.
Compare ``UpperText(field)`` with ``value.upper()`` instead.
"""

from __future__ import annotations

import contextlib

from django.db import connection, transaction
from django.db.models import CharField, Func

#: The SQLite function behind `UpperText`: Python's `str.upper`.
SQLITE_UPPER = "DV_UPPER"


def _upper(value):
    return None if value is None else str(value).upper()


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: SQLite's own UPPER() folds ASCII letters only."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_UPPER, 1, _upper, deterministic=True)


class UpperText(Func):
    """UPPER() of a text that folds every letter ("đức" -> "ĐỨC") on both databases."""

    function = "UPPER"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_UPPER, **extra_context)


class _Rehearsal(Exception):
    pass


def rehearse(write) -> None:
    """Run `write()` and roll it back: it raises what the real save would (a DomainError
    with the rule's message), and leaves nothing behind. Used before a confirmation
    screen, so the screen appears only for what the save will accept."""
    try:
        with transaction.atomic():
            write()
            raise _Rehearsal
    except _Rehearsal:
        pass


#: SQLite page cache while a large import writes (KiB). The default 2 MB makes the indexes
#: of 100.000 new people spill out of the cache again and again: 64 MB takes a quarter off
#: the write time (bench/README.md) and stays within the import's memory budget.
SQLITE_IMPORT_CACHE_KIB = 65_536


@contextlib.contextmanager
def sqlite_cache(kib: int = SQLITE_IMPORT_CACHE_KIB):
    """A larger SQLite page cache on this connection for the block (nothing elsewhere)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
