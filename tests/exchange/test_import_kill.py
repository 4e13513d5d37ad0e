"""Kill -9 in the middle of an import: the database is as it was before.

A real `dangvien import` process on its own database (SQLite, or a PostgreSQL database of
its own when the tests run on PostgreSQL, where the import writes in a writer thread) is
killed (SIGKILL) after the first batches of rows were written inside its transaction; a
new process then finds the people it had before, not one more.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from python_calamine import CalamineWorkbook

from .conftest import MEMBER_HEADERS, member_row, write_xlsx


def _dv(env, *args, **kw):
    return subprocess.run([sys.executable, "-m", "dangvien", *args], env=env, check=True,
                          capture_output=True, text=True, timeout=300, **kw)


def _people(env) -> int:
    out = _dv(env, "shell", "-c",
              "from dangvien.people.models import Person; print(Person.objects.count())")
    return int(out.stdout.split()[-1])


@pytest.fixture
def own_database(tmp_path):
    """Environment of a `dangvien` process with a database of its own, of the kind the
    tests run on."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DANGVIEN_VAR_DIR": str(tmp_path),
           "DANGVIEN_CONN_MAX_AGE": "0"}
    if connection.vendor != "postgresql":
        yield env
        return
    import psycopg

    params = {k: v for k, v in connection.get_connection_params().items()
              if k not in {"cursor_factory", "context", "dbname"}}
    test_name = (os.environ.get("DANGVIEN_TEST_DB_NAME")
                 or f"test_{connection.settings_dict['NAME']}")
    name = f"{test_name}{os.environ.get('PYTEST_XDIST_WORKER', '')}_kill"[:63]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    s = connection.settings_dict
    env["DANGVIEN_DATABASE_URL"] = (f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:"
                                    f"{s['PORT'] or 5432}/{name}")
    try:
        yield env
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_kill_during_the_write_leaves_the_database_as_it_was(tmp_path, own_database):
    env = own_database
    _dv(env, "migrate", "-v", "0")
    _dv(env, "demo", "--scale", "0.02")
    _dv(env, "template", "members", "-o", str(tmp_path / "mau.xlsx"))
    book = CalamineWorkbook.from_path(str(tmp_path / "mau.xlsx"))
    lists = book.get_sheet_by_name("DanhMuc").to_python()
    column = lists[0].index("cells")
    cells = [row[column].split(" — ")[0] for row in lists[1:] if row[column]]
    rows = [member_row(f"Bùi Văn Số {i}", f"0171900{i:05d}", gender="Nam",
                       cell=cells[i % len(cells)], birth=dt.date(1980, 1, 1))
            for i in range(40_000)]
    path = write_xlsx(tmp_path / "lon.xlsx", MEMBER_HEADERS, rows)
    before = _people(env)

    proc = subprocess.Popen([sys.executable, "-m", "dangvien", "import", "members", str(path)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    deadline = time.monotonic() + 240
    # The bar is redrawn after each batch of 5.000 rows has been checked and written (on
    # PostgreSQL: handed to the writer thread, which holds at most two batches, so at
    # 20.000 the first batches are written).
    while b"20.000/" not in seen and time.monotonic() < deadline:
        chunk = os.read(proc.stderr.fileno(), 256)
        if not chunk:
            break
        seen += chunk
    assert b"20.000/" in seen, seen
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert _people(env) == before
    # And the file imports cleanly afterwards.
    done = _dv(env, "import", "members", str(path), "--no-progress")
    assert "Mới: 40.000" in done.stdout
    assert _people(env) == before + 40_000
