"""The floor for the dashboard benchmark: one hand-written SQL query for the admitted counts.

Admissions of `year` up to `as_of` (decision date, the progress report's default rule),
per child of a unit, straight from the admission records: candidacies decided between
1 January and `as_of`, joined to their cell's organisation version in force on `as_of`,
grouped by the first `depth + 1` steps of that version's path (the child the cell was
under that day). Nothing else: no targets, no pipeline, no forecast, no scope, no
Python per row. Whatever the dashboard does on top of this is its cost over the floor.

Portable: the same text runs on SQLite and PostgreSQL (``SUBSTR``, ``LIKE 'prefix%'``,
``%s`` parameters through Django's cursor). The subtree is also given as a range of paths
(``path >= P AND path < P'``, P' the next sibling's path) below the top level: SQLite
cannot search an index for ``LIKE 'P%'`` (its LIKE ignores case, the index does not), so
without the range it reads every version; PostgreSQL uses either. At the top the subtree
is the whole tree, and the range would only lead SQLite's planner into 300.000 index
look-ups instead of one scan, so it is left out there.
"""

from __future__ import annotations

import datetime as dt

STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

FLOOR_SQL = """
SELECT SUBSTR(v.path, 1, %s) AS prefix, COUNT(*) AS admitted
FROM admission_candidacy c
JOIN org_orgunitversion v
  ON v.unit_id = c.cell_id
 AND v.valid_from <= %s
 AND (v.valid_to IS NULL OR v.valid_to > %s)
WHERE c.decision_on >= %s
  AND c.decision_on <= %s{range}
  AND v.path LIKE %s
  AND v.depth > %s
GROUP BY SUBSTR(v.path, 1, %s)
"""
RANGE = """
  AND v.path >= %s AND v.path < %s"""


def next_sibling_path(path: str) -> str:
    """The path just after `path`'s subtree: its last step plus one (treebeard, base 36)."""
    head, last = path[:-STEPLEN], path[-STEPLEN:]
    n = int(last, 36) + 1
    if n >= len(ALPHABET) ** STEPLEN:  # the last possible sibling: the parent's next one
        return next_sibling_path(head) if head else "~"
    digits = ""
    while n:
        n, r = divmod(n, len(ALPHABET))
        digits = ALPHABET[r] + digits
    return head + digits.rjust(STEPLEN, "0")


def floor_query(unit_path: str, depth: int, year: int, as_of: dt.date) -> tuple[str, list]:
    """The floor's SQL text and parameters for the unit at `unit_path` (`depth`) on `as_of`."""
    width = (depth + 1) * STEPLEN
    bounds = [unit_path, next_sibling_path(unit_path)] if depth > 1 else []
    sql = FLOOR_SQL.format(range=RANGE if bounds else "")
    return sql, [width, as_of, as_of, dt.date(year, 1, 1), as_of, *bounds, unit_path + "%",
                 depth, width]


def floor_counts(connection, unit_path: str, depth: int, year: int,
                 as_of: dt.date) -> dict[str, int]:
    """Admitted from 1/1/`year` to `as_of` under the unit at `unit_path` (its path and depth
    on `as_of`), per child: {child's path on `as_of`: count}. Children with none are absent.

    `connection` is a Django connection (``django.db.connection``).
    """
    with connection.cursor() as cursor:
        cursor.execute(*floor_query(unit_path, depth, year, as_of))
        return {prefix: count for prefix, count in cursor.fetchall()}
