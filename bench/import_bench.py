"""Import benchmark (issue 5): 100.000 member rows from a real xlsx into a fresh database.

    python bench/import_bench.py                                   # SQLite in bench/out
    python bench/import_bench.py --database-url postgres://postgres@127.0.0.1:5432/dangvien_import_bench

Builds a fresh database with a small unit tree (1 province, 10 districts, 10 communes
each, 10 cells each: 1.000 cells), writes a members file of `--rows` rows with XlsxWriter
(dates as Excel dates, one CCCD in ten as a number that lost its leading zero), then
prints:

* calamine alone: open the file and iterate every row (the floor);
* the dry run (read, check, count; nothing written);
* the import (read, check, write in one transaction): seconds and rows per second;
* the peak memory of the process (resource maxrss: Python and calamine's Rust side);
* the re-import of the same file (everything unchanged).

Not a test: it prints figures and never fails on one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_database, migrate, setup_django  # noqa: E402

SEED = 2022
DISTRICTS, COMMUNES, CELLS = 10, 10, 10
FAMILY = ["Bùi", "Đinh", "Quách", "Nguyễn", "Hà", "Xa", "Lò", "Trần", "Lê", "Phạm"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Hồng"]
GIVEN = ["An", "Bình", "Chung", "Dũng", "Hoa", "Hùng", "Lan", "Mai", "Nam", "Thắng", "Tuấn",
         "Xuân", "Yến", "Đông", "Hương"]
ETHNIC = ["Mường", "Kinh", "Thái", "Dao", "Tày", "H'Mông"]


def _n(value: float, places: int = 0) -> str:
    text = f"{value:,.{places}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_tree() -> list[str]:
    """The unit tree through the org services; returns the cell codes."""
    from dangvien.org.models import PlaceKind, UnitKind
    from dangvien.org.services import unit_create

    start = dt.date(2010, 1, 1)
    tu = unit_create(by=None, parent=None, code="TU", name="Tỉnh ủy Hòa Bình",
                     kind=UnitKind.PROVINCE, valid_from=start)
    cells = []
    for d in range(1, DISTRICTS + 1):
        district = unit_create(by=None, parent=tu, code=f"H{d:02d}", name=f"Huyện ủy số {d}",
                               kind=UnitKind.DISTRICT, valid_from=start)
        for c in range(1, COMMUNES + 1):
            commune = unit_create(by=None, parent=district, code=f"H{d:02d}.{c:02d}",
                                  name=f"Đảng bộ xã số {c} huyện {d}",
                                  kind=UnitKind.GRASSROOTS_COMMITTEE, place_kind=PlaceKind.COMMUNE,
                                  valid_from=start)
            for k in range(1, CELLS + 1):
                code = f"H{d:02d}.{c:02d}.{k:02d}"
                unit_create(by=None, parent=commune, code=code, name=f"Chi bộ xóm {k}",
                            kind=UnitKind.CELL, place_kind=PlaceKind.VILLAGE, valid_from=start)
                cells.append(code)
    return cells


def write_file(path: Path, rows: int, cells: list[str]) -> None:
    import xlsxwriter

    from dangvien.exchange.kinds import get

    kind = get("members")
    rng = random.Random(SEED)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet(kind.sheet_title)
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    headers = [c.header for c in kind.columns]
    sheet.write_row(0, 0, headers)
    col = {c.key: i for i, c in enumerate(kind.columns)}
    for r in range(1, rows + 1):
        female = rng.random() < 0.4
        name = f"{rng.choice(FAMILY)} {'Thị' if female else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
        admitted = birth + dt.timedelta(days=365 * 19 + rng.randrange(365 * 10))
        cccd = f"017{r:09d}"
        sheet.write_string(r, col["full_name"], name)
        sheet.write_string(r, col["gender"], "Nữ" if female else "Nam")
        sheet.write_datetime(r, col["birth_date"], birth, date)
        if r % 10 == 0:
            sheet.write_number(r, col["cccd"], int(cccd))  # Excel dropped the leading zero
        else:
            sheet.write_string(r, col["cccd"], cccd)
        sheet.write_string(r, col["ethnicity"], rng.choice(ETHNIC))
        sheet.write_string(r, col["religion"], "Không")
        sheet.write_string(r, col["education"], "Trung học phổ thông")
        sheet.write_string(r, col["occupation"], "Nông dân")
        sheet.write_string(r, col["home_address"], f"Xóm {r % 50}, xã {r % 13}")
        sheet.write_string(r, col["cell"], cells[r % len(cells)])
        sheet.write_datetime(r, col["admitted_on"], admitted, date)
        sheet.write_datetime(r, col["recognized_on"], admitted + dt.timedelta(days=366), date)
        sheet.write_string(r, col["card_number"], f"{r:08d}")
    book.close()


def calamine_floor(path: Path) -> tuple[float, int]:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    count = 0
    for _row in book.get_sheet_by_index(0).iter_rows():
        count += 1
    book.close()
    return time.perf_counter() - start, count - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{HERE / 'out' / 'import.sqlite3'}")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DANGVIEN_CONN_MAX_AGE", "0")
    ensure_database(args.database_url, recreate=True, stdout=None)
    setup_django(args.database_url)
    migrate(stdout=None)

    from django.db import connection

    from dangvien.exchange.importer import run_import
    from dangvien.people.models import Person

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Cơ sở dữ liệu: {connection.vendor}; {_n(args.rows)} dòng đảng viên; "
          f"{os.cpu_count()} CPU, tải trung bình {load} (máy bận thì thời gian thực dài hơn CPU)")
    started = time.perf_counter()
    cells = build_tree()
    print(f"  cây tổ chức: {_n(len(cells))} chi bộ ({time.perf_counter() - started:.1f} s)")
    path = HERE / "out" / f"members-{args.rows}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    write_file(path, args.rows, cells)
    print(f"  tệp: {path.name}, {_n(path.stat().st_size / 2**20, 1)} MB "
          f"(ghi trong {time.perf_counter() - started:.1f} s)")
    base_rss = maxrss_mb()

    cpu = time.process_time()
    seconds, count = calamine_floor(path)
    print(f"calamine đọc riêng (mức sàn):  {seconds:6.2f} s  {_n(count / seconds):>9} dòng/s   "
          f"(CPU {time.process_time() - cpu:.2f} s)")

    def run(dry: bool, label: str):
        started, cpu = time.perf_counter(), time.process_time()
        result = run_import(kind="members", path=path, user=None, dry_run=dry)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert result.ok, (result.file_problem, [p.text() for p in result.problems[:5]])  # noqa: S101
        print(f"{label:<30} {seconds:6.2f} s  {_n(result.rows / seconds):>9} dòng/s   "
              f"(CPU {cpu:.2f} s)   {result.counts.line()}")
        return result

    run(True, "chạy thử (--dry-run):")
    run(False, "nhập (đọc, kiểm tra, ghi):")
    print(f"  bộ nhớ đỉnh của tiến trình: {_n(maxrss_mb(), 0)} MB (trước khi đọc tệp: "
          f"{_n(base_rss, 0)} MB)")
    print(f"  số người trong cơ sở dữ liệu: {_n(Person.objects.count())}")
    run(False, "nhập lại cùng tệp (không đổi):")
    print(f"  bộ nhớ đỉnh của tiến trình: {_n(maxrss_mb(), 0)} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
