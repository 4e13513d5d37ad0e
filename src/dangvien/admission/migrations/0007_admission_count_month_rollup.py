"""The month rows of the admission counters add up their days' admissions (``da``, ``dc``).

From this version every write adds a day's admissions to its month row too
(`admission.counts._rows`); a database counted before gets the month rows filled here
from its day rows, in one statement (the same sums `counts.rebuild` would write).
"""

from django.db import migrations

KINDS = ["p0", "p1", "p2", "p3", "p4", "w0", "w1", "w2", "w3", "w4", "da", "dc", "ma", "mc"]


def fill(apps, schema_editor) -> None:
    connection = schema_editor.connection
    month = ("CAST(DATE_TRUNC('month', day) AS date)" if connection.vendor == "postgresql"
             else "DATE(day, 'start of month')")
    table = connection.ops.quote_name("admission_admissioncount")
    zeros = ", ".join(["0"] * 10)
    # WHERE before GROUP BY: SQLite needs one for an upsert over a SELECT.
    schema_editor.execute(
        f"INSERT INTO {table} (unit_id, grain, day, {', '.join(KINDS)}) "  # noqa: S608
        f"SELECT unit_id, 'M', {month}, {zeros}, SUM(da), SUM(dc), 0, 0 FROM {table} "
        f"WHERE grain = 'D' AND (da <> 0 OR dc <> 0) GROUP BY unit_id, {month} "
        f"HAVING SUM(da) <> 0 OR SUM(dc) <> 0 "
        f"ON CONFLICT (unit_id, grain, day) DO UPDATE SET da = excluded.da, dc = excluded.dc")


def empty(apps, schema_editor) -> None:
    table = schema_editor.connection.ops.quote_name("admission_admissioncount")
    schema_editor.execute(f"UPDATE {table} SET da = 0, dc = 0 WHERE grain = 'M'")  # noqa: S608


class Migration(migrations.Migration):

    dependencies = [
        ("admission", "0006_resolution_votes"),
    ]

    operations = [
        migrations.RunPython(fill, empty, elidable=False),
    ]
