"""Other users' saves during a large import (issue 12): the longest wait they saw.

    python bench/import_concurrency.py                      # SQLite in bench/out, 150.000 rows
    python bench/import_concurrency.py --rows 20000
    python bench/import_concurrency.py --database-url postgres://postgres@127.0.0.1:5432/dangvien_conc

Builds a fresh database with the unit tree of `import_bench.py` (1.000 cells), writes a
members file of `--rows` rows, then runs `dangvien import members FILE` in a process of
its own, as the job queue's worker does. Meanwhile a thread of this process plays the
other users: every `--every` seconds it saves a real change through a page's service
(`org.services.unit_update_details`: one unit row and its audit record, in one write
transaction, as a page does) and times it from BEGIN to COMMIT. It prints the import's
time, how many saves ran, failed, and their p50, p99 and longest wait.

Not a test: it prints figures and never fails on one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_database, migrate, setup_django  # noqa: E402
from import_bench import _n, build_tree, write_file  # noqa: E402


def _ms(values: list[float], share: float) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    return _n(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url",
                        default=f"sqlite:///{HERE / 'out' / 'concurrency.sqlite3'}")
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--every", type=float, default=0.05,
                        help="seconds between two saves of the other users")
    args = parser.parse_args(argv)
    os.environ.setdefault("DANGVIEN_CONN_MAX_AGE", "0")
    ensure_database(args.database_url, recreate=True, stdout=None)
    setup_django(args.database_url)
    migrate(stdout=None)

    from django.db import connection, connections, transaction

    from dangvien.org.models import OrgUnit
    from dangvien.org.services import unit_update_details
    from dangvien.people.models import Person

    print(f"Cơ sở dữ liệu: {connection.vendor}; nhập {_n(args.rows)} dòng đảng viên trong khi "
          f"người dùng khác lưu mỗi {_n(args.every * 1000, 0)} ms; {os.cpu_count()} CPU, tải "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    cells = build_tree()
    path = HERE / "out" / f"members-{args.rows}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_file(path, args.rows, cells)
    print(f"  tệp: {path.name}, {_n(path.stat().st_size / 2**20, 1)} MB")
    units = list(OrgUnit.objects.filter(code__in=cells[:50]))
    connections.close_all()

    waits: list[float] = []
    failures: list[str] = []
    stop = threading.Event()

    def other_users() -> None:
        i = 0
        try:
            while not stop.is_set():
                unit = units[i % len(units)]
                i += 1
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        unit_update_details(by=None, unit=unit, village_count=i % 90 + 1)
                    waits.append(time.perf_counter() - started)
                except Exception as exc:  # noqa: BLE001 - counted and shown
                    failures.append(f"{type(exc).__name__}: {exc}")
                stop.wait(args.every)
        finally:
            connections.close_all()

    env = {**os.environ, "DANGVIEN_DATABASE_URL": args.database_url}
    thread = threading.Thread(target=other_users, daemon=True)
    thread.start()
    time.sleep(1.0)  # a few saves before the import, for comparison
    before = len(waits)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dangvien", "import", "members", str(path),  # noqa: S603
                           "--no-progress"], env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    time.sleep(0.5)
    stop.set()
    thread.join()
    during = waits[before:]
    print(f"nhập: {seconds:.1f} s, mã thoát {proc.returncode}; {proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-300:]}")
    print(f"  số người trong cơ sở dữ liệu: {_n(Person.objects.count())}")
    print(f"lượt lưu của người dùng khác trong lúc nhập: {_n(len(during))}, lỗi: {len(failures)}"
          + (f" (ví dụ: {failures[0]})" if failures else ""))
    print(f"  thời gian chờ: p50 {_ms(during, 0.5)} ms, p99 {_ms(during, 0.99)} ms, "
          f"lâu nhất {_ms(during, 1.0)} ms (trước khi nhập: lâu nhất {_ms(waits[:before], 1.0)} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
