"""Export benchmark (issue 5): 100.000 member rows to Excel, time and peak memory.

    python bench/export_bench.py                      # SQLite: bench/out/export.sqlite3
    python bench/export_bench.py --database-url postgres://postgres@127.0.0.1:5432/dangvien_export

On first run it creates the database, migrates it and loads a province of `--members`
members (default 100.000: 4 districts, 40 communes, 200 cells, bulk-created people and
memberships; about a minute); later runs reuse it (`--recreate` to load again). Then
each measurement runs in a fresh process, so its peak memory is its own:

* ``read``: the export's query alone (the member list selector, `values_list`,
  `.iterator()`), no Excel: the floor of the database part;
* ``command``: ``dangvien export members --unit TU -o FILE.xlsx``, the whole command;
* ``web``: the download view ``/trao-doi/xuat/dang-vien/?don-vi=TU`` through Django's test
  client as a superuser, the streamed response read to the end.

For each: wall seconds, CPU seconds, rows, and the process's peak resident memory
(`ru_maxrss`) with the same process's memory right after Django started, so the export's
own share shows. Goal: under 10 s for 100.000 rows, memory flat in the row count. Not a
test: it prints figures, it never fails on one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_database, setup_django  # noqa: E402

AS_OF = dt.date(2022, 5, 31)
DEFAULT_URL = f"sqlite:///{HERE / 'out' / 'export.sqlite3'}"
DISTRICTS, COMMUNES, CELLS = 4, 10, 5  # per parent: 4 × 10 × 5 = 200 cells
BATCH = 5000
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Bùi", "Đinh", "Quách", "Hà", "Vũ"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Hữu", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh",
         "Mai", "Nam", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến"]
ETHNIC = ["Kinh", "Mường", "Tày", "Thái", "Dao"]


def _n(value: float, places: int = 0) -> str:
    from dangvien.core import vn

    return vn.format_number(value, places)


def rss_mb() -> float:
    """Current resident memory of this process (Linux), MB."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


# --- loading -----------------------------------------------------------------------------


def load(members: int) -> None:
    """A province with `members` members spread over 200 cells."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from dangvien.core import vn
    from dangvien.org.models import OrgUnit, PlaceKind, UnitKind
    from dangvien.org.services import unit_create
    from dangvien.people.models import Membership, Person

    started = time.perf_counter()
    if OrgUnit.objects.exists():
        return
    since = dt.date(2000, 1, 1)
    cells = []
    with transaction.atomic():
        top = unit_create(by=None, parent=None, code="TU", name="Tỉnh ủy Thử nghiệm",
                          kind=UnitKind.PROVINCE, valid_from=since)
        for d in range(1, DISTRICTS + 1):
            district = unit_create(by=None, parent=top, code=f"H{d}", name=f"Huyện ủy Số {d}",
                                   kind=UnitKind.DISTRICT, valid_from=since)
            for c in range(1, COMMUNES + 1):
                commune = unit_create(
                    by=None, parent=district, code=f"H{d}.{c:02d}", name=f"Đảng bộ xã Số {d}.{c}",
                    kind=UnitKind.GRASSROOTS_COMMITTEE, place_kind=PlaceKind.COMMUNE,
                    valid_from=since)
                for k in range(1, CELLS + 1):
                    cells.append(unit_create(
                        by=None, parent=commune, code=f"H{d}.{c:02d}.{k:02d}",
                        name=f"Chi bộ thôn Số {k}, xã {d}.{c}", kind=UnitKind.CELL,
                        place_kind=PlaceKind.VILLAGE, valid_from=since))
    print(f"  {_n(1 + DISTRICTS + DISTRICTS * COMMUNES + len(cells))} đơn vị "
          f"({time.perf_counter() - started:.1f} s)")
    made = 0
    while made < members:
        size = min(BATCH, members - made)
        people = []
        for i in range(made, made + size):
            name = (f"{FAMILY[i % len(FAMILY)]} {MIDDLE[(i // 10) % len(MIDDLE)]} "
                    f"{GIVEN[(i // 80) % len(GIVEN)]}")
            people.append(Person(
                full_name=name, search_name=vn.fold(name), sort_key=vn.name_sort_key(name),
                gender="nu" if i % 3 == 0 else "nam", birth_date=dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                ethnicity=ETHNIC[i % len(ETHNIC)], unit=cells[i % len(cells)],
                cccd=f"017{i:09d}"))
        with transaction.atomic():
            people = Person.objects.bulk_create(people)
            Membership.objects.bulk_create(
                Membership(person=p, cell=p.unit, admitted_on=dt.date(2000 + i % 22, 3, 2),
                           recognized_on=dt.date(2001 + i % 22, 3, 2), status="chinh_thuc")
                for i, p in enumerate(people, made))
        made += size
        print(f"\r  {_n(made)}/{_n(members)} đảng viên", end="", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics, as a live database has them
        cursor.execute("ANALYZE")
    get_user_model().objects.filter(username="bench").delete()
    get_user_model().objects.create_superuser("bench", password=None)
    print(f" ({time.perf_counter() - started:.1f} s)")


# --- one measurement, in its own process ----------------------------------------------------


def measure(what: str, out_dir: Path) -> dict:
    base = rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    size = 0
    if what == "read":
        from dangvien.exchange.export import full_scope_user
        from dangvien.org.models import OrgUnit
        from dangvien.people.selectors import members_of_unit

        qs = members_of_unit(user=full_scope_user(), unit=OrgUnit.objects.get(code="TU"),
                             on=AS_OF)
        rows = sum(1 for _ in qs.values_list(
            "person__full_name", "person__gender", "person__birth_date", "person__ethnicity",
            "cell_id", "cell__name", "cell__code", "probationary_on", "admitted_on",
            "recognized_on").iterator(chunk_size=2000))
    elif what == "command":
        import io

        from django.core.management import call_command

        from dangvien.exchange.management.commands import export  # noqa: F401 - warm-up

        base = rss_mb()
        target = out_dir / "export-members.xlsx"
        out = io.StringIO()
        call_command("export", "members", "--unit", "TU", "--as-of", "31/05/2022",
                     "--no-progress", "-o", str(target), stdout=out)
        rows = int(out.getvalue().split(" dòng")[0].split()[-1].replace(".", ""))
        size = target.stat().st_size
    else:
        import openpyxl  # noqa: F401 - imported before timing would be unfair; not used
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        settings.ALLOWED_HOSTS = ["*"]
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench"))
        # Warm up the request machinery (URLs, middleware, views) with a one-row list.
        b"".join(client.get("/trao-doi/xuat/to-chuc/").streaming_content)
        base = rss_mb()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get("/trao-doi/xuat/dang-vien/", {"don-vi": "TU", "ngay": "31/05/2022"})
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
        rows = -1  # counted by the command run
    return {"what": what, "rows": rows, "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu, "base_mb": base, "peak_mb": peak_mb(),
            "bytes": size}


def child(url: str, what: str) -> dict:
    env = {**os.environ, "DANGVIEN_DATABASE_URL": url, "DANGVIEN_CONN_MAX_AGE": "0"}
    env.setdefault("DANGVIEN_VAR_DIR", str(HERE / "out"))
    result = subprocess.run([sys.executable, __file__, "--measure", what, "--database-url", url],  # noqa: S603
                            env=env, capture_output=True, text=True, check=False, timeout=900)
    if result.returncode != 0:
        print(result.stderr[-2000:])
        raise SystemExit(f"{what}: failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help=f"default: {DEFAULT_URL}")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--runs", type=int, default=1, help="runs of each measurement")
    parser.add_argument("--measure", choices=("read", "command", "web"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = args.database_url or DEFAULT_URL
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)

    if args.measure:
        setup_django(url)
        print(json.dumps(measure(args.measure, out_dir)))
        return 0

    ensure_database(url, recreate=args.recreate, stdout=sys.stdout)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from dangvien.people.models import Membership

    print(f"Cơ sở dữ liệu: {connection.vendor} ({url.split('@')[-1]})")
    call_command("migrate", verbosity=0)
    load(args.members)
    total = Membership.objects.count()
    connection.close()
    print(f"Đảng viên: {_n(total)}")
    for what in ("read", "command", "web"):
        for _ in range(args.runs):
            r = child(url, what)
            rows = f"{_n(r['rows'])} dòng, " if r["rows"] >= 0 else ""
            size = f", tệp {_n(r['bytes'] / 2**20, 1)} MB" if r["bytes"] else ""
            print(f"  {what:8s} {rows}{_n(r['wall'], 2)} s (CPU {_n(r['cpu'], 2)} s); bộ nhớ "
                  f"đỉnh {_n(r['peak_mb'], 0)} MB, sau khi khởi động {_n(r['base_mb'], 0)} MB, "
                  f"tăng {_n(r['peak_mb'] - r['base_mb'], 0)} MB{size}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
