"""Dashboard benchmark (issue 4): the progress dashboard against the floor query, per tier.

    python bench/dashboard.py --tier province                      # SQLite in bench/out
    python bench/dashboard.py --tier national \\
        --database-url postgres://postgres@127.0.0.1:5432/dangvien_national

An empty database is loaded with the tier first (bench/generate.py; the national tier
takes minutes). Then, for the top unit and one mid-level unit (province tier: Kim Bôi;
national tier: T01, Hà Nội, the largest province), as of 31/05/2022, it prints the
median server time of `--runs` runs after one warm-up of:

* the dashboard page, ``/ke-hoach/tien-do/?ke-hoach=<pk>&ngay=31/05/2022[&don-vi=CODE]``,
  through Django's test client, logged in as a superuser (no network, no browser): cold
  (the cache emptied before each run, as on the first visit after a write) and warm (its
  body a cached fragment);
* ``dangvien.plans.progress.progress_table(...)`` called directly;
* the floor: one hand-written SQL query for the admitted counts per child
  (bench/floor.py);

and the ratio of each to the floor, with the query count of one call. What does not
exist yet prints "chưa có". Also the row counts (and on PostgreSQL the sizes) of the main
tables. Not a test: it reports figures, it never fails on one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from floor import floor_counts  # noqa: E402
from generate import DEFAULT_SEED, ensure_database, generate, migrate, setup_django  # noqa: E402

AS_OF = dt.date(2022, 5, 31)
MISSING = "chưa có"
TABLES = ("org_orgunit", "org_orgunitversion", "people_person", "people_membership",
          "admission_candidacy", "plans_plan", "plans_planversion", "plans_allocation")
MID_UNIT = {"province": "KB", "national": "T01"}


def measure(fn: Callable[[], object], runs: int) -> tuple[float, float, int]:
    """Median and max milliseconds of `runs` calls after a warm-up, and the query count of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()  # warm-up, and the query count
    queries = len(ctx.captured_queries)  # now: the next request resets the log
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), queries


def _second_factor(client, user) -> None:
    """Mark the session as past the second step (an administrator must have it; without
    it the page answers a redirect to the enrolment page, not the dashboard)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True,
                                                 defaults={"name": "bench"})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def row_counts() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            count = cursor.fetchone()[0]
            size = ""
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_total_relation_size(%s), pg_relation_size(%s)",
                               [table, table])
                total, heap = cursor.fetchone()
                size = f"   {total / 2**20:9.1f} MB (table {heap / 2**20:.1f} MB)"
            print(f"  {table:<24} {_n(count):>12} rows{size}")
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            print(f"  database size {cursor.fetchone()[0] / 2**30:.2f} GB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", choices=("province", "national"), default="province")
    parser.add_argument("--database-url",
                        help="default: DANGVIEN_DATABASE_URL, else SQLite in bench/out")
    parser.add_argument("--unit", help="the mid-level unit (default: KB, or T01 nationally)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0, help="when the tier is generated")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    url = args.database_url or os.environ.get("DANGVIEN_DATABASE_URL")
    if url:
        ensure_database(url, recreate=False, stdout=sys.stdout)
    setup_django(url)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import Resolver404, resolve

    from dangvien.org.models import OrgUnit, OrgUnitVersion
    from dangvien.plans.models import Plan

    print(f"dangvien dashboard benchmark: {args.tier} tier on {connection.vendor} "
          f"({connection.settings_dict['NAME']}), Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, as of {AS_OF:%d/%m/%Y}, median of {args.runs} runs, "
          f"load average {os.getloadavg()[0]:.1f}")
    if migrate(stdout=None):
        print(f"  empty database: loading the {args.tier} tier first")
        generate(args.tier, scale=args.scale, seed=args.seed)
    row_counts()

    top = OrgUnit.objects.filter(depth=1).order_by("path").first()
    mid_code = args.unit or MID_UNIT[args.tier]
    mid = OrgUnit.objects.filter(code=mid_code).first()
    plan = (Plan.objects.filter(unit=top, year=AS_OF.year).order_by("pk").first()
            if top is not None else None)
    if top is None or mid is None:
        print(f"  no unit {mid_code if top else 'at the top'}: nothing to time")
        return 1

    try:
        resolve("/ke-hoach/tien-do/")
        page_exists = True
    except Resolver404:
        page_exists = False
    try:
        from dangvien.plans.progress import progress_table
    except ImportError:
        progress_table = None

    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("axes").setLevel(logging.WARNING)  # force_login's INFO lines
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True})
    if not user.is_superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    client = Client()
    client.force_login(user)
    _second_factor(client, user)

    print(f"  plan: {plan.number + f' (pk {plan.pk})' if plan else MISSING}")
    for unit in (top, mid):
        version = OrgUnitVersion.objects.on(AS_OF).get(unit=unit)
        print(f"  {unit.code} — {unit.name}")
        floor_ms, floor_max, _ = measure(
            lambda v=version: floor_counts(connection, v.path, v.depth, AS_OF.year, AS_OF),
            args.runs)
        rows = floor_counts(connection, version.path, version.depth, AS_OF.year, AS_OF)
        print(f"    {'floor (one SQL query)':<34} median {floor_ms:8.1f} ms   max {floor_max:8.1f} ms"
              f"   {len(rows)} children, {_n(sum(rows.values()))} admitted")

        url = f"/ke-hoach/tien-do/?ke-hoach={plan.pk if plan else ''}&ngay={AS_OF:%d/%m/%Y}"
        if unit is not top:
            url += f"&don-vi={unit.code}"
        page_ms = None
        if not page_exists or plan is None:
            print(f"    {'dashboard page':<34} {MISSING}")
        else:
            def get(url=url):
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: HTTP {response.status_code}")
            def get_cold(url=url):
                from django.core.cache import cache

                cache.clear()  # the first visit after a write: the page body is built again
                get(url)
            try:
                for label, fn in (("dashboard page, cold", get_cold),
                                  ("dashboard page, warm", get)):
                    page_ms, page_max, queries = measure(fn, args.runs)
                    print(f"    {label:<34} median {page_ms:8.1f} ms   max {page_max:8.1f} ms"
                          f"   {queries} queries   ×{page_ms / floor_ms:.1f} floor")
            except Exception as exc:  # the page is being built: report, do not stop
                print(f"    {'dashboard page':<34} {MISSING} ({exc})")

        if progress_table is None or plan is None:
            print(f"    {'progress_table()':<34} {MISSING}")
        else:
            def call(unit=unit):
                return progress_table(plan=plan, unit=unit, as_of=AS_OF, user=None)
            try:
                fn_ms, fn_max, queries = measure(call, args.runs)
                print(f"    {'progress_table()':<34} median {fn_ms:8.1f} ms   max {fn_max:8.1f} ms"
                      f"   {queries} queries   ×{fn_ms / floor_ms:.1f} floor")
            except Exception as exc:
                print(f"    {'progress_table()':<34} {MISSING} ({type(exc).__name__}: {exc})")
        print(f"    {'url':<34} {url}")
    print(f"  load average {os.getloadavg()[0]:.1f} at the end (the floor is measured with the "
          f"page, so their ratio holds on a busy machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
