"""Hostile import benchmark (issue 12): how fast, and in how little memory, each hostile
file is refused.

    python bench/hostile_import.py               # corpus in a temporary folder
    python bench/hostile_import.py --calamine    # also: calamine alone, unguarded

Writes the corpus of tests/exchange/hostile_corpus.py, two ordinary member files
(100.000 and 200.000 rows, as `make bench-import` writes them) and the worst file the
limits accept (every cell of 200.000 rows × 15 columns a distinct text), then, for each file, runs
the import's file check (`reader.check_file`, the one place every import opens a file)
in a fresh process and prints: size on disk, verdict and message, seconds, peak memory of
that process (`wait4` rusage maxrss). The accepted files are then read to their last row
by the import's reader, each in a fresh process, with its peak memory. With `--calamine`, the same file is also opened and
read by python-calamine alone in a process limited to 2 GB of address space and 60 s, to
show what the check prevents. Not a test: it prints figures and never fails on one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "exchange"))
sys.path.insert(0, str(HERE))

import hostile_corpus  # noqa: E402

CHECK = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
import django
django.setup()
from pathlib import Path
from dangvien.exchange.reader import FileProblem, check_file
path = Path(sys.argv[1])
started = time.perf_counter()
try:
    check_file(path)
    verdict, message = "accepted", ""
except FileProblem as exc:
    verdict, message = "refused", exc.message
seconds = time.perf_counter() - started
status = Path("/proc/self/status").read_text()
hwm = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"verdict": verdict, "message": message, "seconds": seconds, "hwm": hwm}))
"""

READ = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
import django
django.setup()
from pathlib import Path
from dangvien.exchange.kinds import get
from dangvien.exchange.reader import FileProblem, open_sheet
path = Path(sys.argv[1])
started = time.perf_counter()
try:
    sheet = open_sheet(path, get("members"))
    rows = sum(1 for _ in sheet.rows())
    sheet.close()
    verdict, message = f"read {rows} rows", ""
except FileProblem as exc:
    verdict, message = "refused", exc.message
seconds = time.perf_counter() - started
hwm = int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"verdict": verdict, "message": message, "seconds": seconds, "hwm": hwm}))
"""

CALAMINE = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from python_calamine import CalamineWorkbook
started = time.perf_counter()
try:
    book = CalamineWorkbook.from_path(sys.argv[1])
    sheet = book.get_sheet_by_name(book.sheet_names[0])
    rows = sum(1 for _ in sheet.iter_rows())
    verdict = f"read {rows} rows"
except BaseException as exc:
    verdict = f"{type(exc).__name__}: {str(exc)[:60]}"
seconds = time.perf_counter() - started
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"verdict": verdict, "message": "", "seconds": seconds, "hwm": hwm}))
"""


def _n(value: float, places: int = 0) -> str:
    text = f"{value:,.{places}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def run_measured(code: str, path: Path, timeout: float) -> dict:
    """Run `code` on `path` in a fresh process: its JSON line, wall seconds and its own
    peak memory: VmHWM, which the child prints at the end and which is sampled from
    /proc while it runs (for a child that dies). Not ru_maxrss: after fork and exec Linux
    reports the parent's peak there when it is higher."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=out,  # noqa: S603
                                stderr=err, env=env)
        deadline = started + timeout
        hwm = 0.0
        while True:
            try:
                status_text = Path(f"/proc/{proc.pid}/status").read_text()
                hwm = max(hwm, int(status_text.split("VmHWM:")[1].split()[0]) / 1024)
            except (OSError, IndexError, ValueError):
                pass
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, _ = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        text, problem = out.read().decode(), err.read().decode(errors="replace")
    try:
        line = json.loads(text.strip().splitlines()[-1])
    except (IndexError, ValueError):
        tail = problem.strip().splitlines()[-1:] or ["?"]
        line = {"verdict": f"died ({proc.returncode}): {tail[0][:50]}", "message": ""}
    line["wall"] = wall
    line["rss_mb"] = max(hwm, line.get("hwm") or 0.0)
    return line


def ordinary_files(folder: Path, sizes: list[int]) -> list[Path]:
    """Member files as `make bench-import` writes them."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from import_bench import write_file

    cells = [f"C{i:04d}" for i in range(1000)]
    out = []
    for rows in sizes:
        path = folder / f"dang-vien-{rows}.xlsx"
        write_file(path, rows, cells)
        out.append(path)
    return out


def full_grid(folder: Path, rows: int = 200_000, columns: int = 15) -> Path:
    """The worst file the limits accept: every cell of the member template's 15 columns
    filled with a distinct text, 3.000.000 cells (the limit is 3.200.000)."""
    import xlsxwriter

    from dangvien.exchange.kinds import get

    path = folder / "luoi-day-du.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Đảng viên")
    sheet.write_row(0, 0, [c.header for c in get("members").columns][:columns])
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [f"v{r:07d}c{c:02d}xx" for c in range(columns)])
    book.close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calamine", action="store_true",
                        help="also read each file with calamine alone (2 GB, 60 s limits)")
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 200_000],
                        help="ordinary member files to check as well")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        folder = Path(tmp)
        print("Writing the corpus…", file=sys.stderr)
        files = list(hostile_corpus.write_all(folder).values())
        files += ordinary_files(folder, args.rows)
        accepted = [*files[-len(args.rows):], full_grid(folder)] if args.rows else []
        files.append(accepted[-1]) if accepted else None
        head = (f"| {'file':<30} | {'on disk':>9} | {'result':<70} | {'check s':>7} | "
                f"{'wall s':>6} | {'peak MB':>7} |")
        print(head)
        print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
        for path in files:
            got = run_measured(CHECK, path, timeout=120)
            result = got["verdict"] + (": " + got["message"] if got["message"] else "")
            result = result.replace(f"'{path.name}' ", "")
            print(f"| {path.name:<30} | {_n(path.stat().st_size / 2**20, 2):>6} MB | "
                  f"{result[:70]:<70} | {_n(got.get('seconds') or 0, 2):>7} | "
                  f"{_n(got['wall'], 2):>6} | {_n(got['rss_mb'], 0):>7} |",
                  flush=True)
        if accepted:
            print("\nAccepted files read to the end by the import's reader (open_sheet, every "
                  "row; a sheet over DANGVIEN_IMPORT_CHUNK_BYTES of XML is read in pieces)\n")
            print(f"| {'file':<30} | {'result':<40} | {'s':>6} | {'peak MB':>7} |")
            print(f"|{'-' * 32}|{'-' * 42}|{'-' * 8}|{'-' * 9}|")
            for path in accepted:
                got = run_measured(READ, path, timeout=300)
                print(f"| {path.name:<30} | {got['verdict'][:40]:<40} | "
                      f"{_n(got['wall'], 2):>6} | {_n(got['rss_mb'], 0):>7} |", flush=True)
        if args.calamine:
            print("\nWithout the check: python-calamine alone (2 GB address space, 60 s)\n")
            print(f"| {'file':<30} | {'result':<70} | {'s':>5} | {'peak MB':>7} |")
            print(f"|{'-' * 32}|{'-' * 72}|{'-' * 7}|{'-' * 9}|")
            for path in files:
                got = run_measured(CALAMINE, path, timeout=60)
                print(f"| {path.name:<30} | {got['verdict'][:70]:<70} | "
                      f"{_n(got['wall'], 2):>5} | {_n(got['rss_mb'], 0):>7} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
