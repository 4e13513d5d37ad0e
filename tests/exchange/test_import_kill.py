"""Kill -9 in the middle of an import's save: the database is as it was before.

A real `dangvien worker` process on its own database (SQLite, where the rows are staged
outside the database; or a PostgreSQL database of its own when the tests run on
PostgreSQL, where the import writes in a writer thread inside one transaction) is killed
(SIGKILL) halfway through a save; the database then holds the people it had before, not
one more, and the job is failed and can be run again.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
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


def _sql(env, tmp_path, query: str, params=()) -> list[tuple]:
    """Read the process's database directly (no Django process to start: fast polling)."""
    url = env.get("DANGVIEN_DATABASE_URL")
    if url is None:
        with sqlite3.connect(tmp_path / "dangvien.sqlite3") as db:
            return db.execute(query.replace("%s", "?"), params).fetchall()
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(query, params).fetchall()


JOB = """
from django.contrib.auth import get_user_model
from django.core.files import File
from dangvien.exchange import jobs
from dangvien.exchange.models import ImportJob
"""


def test_kill_9_of_the_worker_during_a_save(tmp_path, own_database):
    """A real `dangvien worker` saving a 40.000-row upload is killed (SIGKILL) halfway:
    the database is as it was, the job page shows the job failed with "Chạy lại", and
    running it again saves the file."""
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
    tables = ("people_person", "people_membership", "people_membershipevent")
    physical = [_sql(env, tmp_path, f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables]  # noqa: S608

    out = _dv(env, "shell", "-c", JOB + f"""
user = get_user_model().objects.get(username="tinhuy")
with open({str(path)!r}, "rb") as fh:
    job = jobs.job_create(user=user, kind="members", upload=File(fh, name="lon.xlsx"))
print("JOB", job.pk, job.status)
""")
    pk = int(out.stdout.split("JOB")[1].split()[0])
    assert "dang_kiem_tra" in out.stdout  # the check waits for a worker
    _dv(env, "worker", "--batch", "-v", "0")
    _dv(env, "shell", "-c", JOB + f"jobs.job_start(ImportJob.objects.get(pk={pk}))")

    worker = subprocess.Popen([sys.executable, "-m", "dangvien", "worker", "-v", "0"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    state = None
    while time.monotonic() < deadline:
        state = _sql(env, tmp_path, "SELECT status, done_rows FROM exchange_importjob "
                                    "WHERE id = %s", (pk,))[0]
        if state[0] == "dang_luu" and state[1] >= 20_000:
            break
        time.sleep(0.2)
    assert state[0] == "dang_luu" and state[1] >= 20_000, state  # the progress bar's figures
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    assert _people(env) == before
    out = _dv(env, "shell", "-c", JOB + f"""
job = jobs.job_refresh(ImportJob.objects.get(pk={pk}))
print("STATE", job.status, job.can_retry, job.message)
""")
    assert "STATE that_bai True Lượt lưu bị dừng giữa chừng" in out.stdout
    assert "không có dữ liệu nào được ghi" in out.stdout
    assert _sql(env, tmp_path, "SELECT status FROM django_tasks_database_dbtaskresult "
                               "ORDER BY enqueued_at DESC LIMIT 1") == [("FAILED",)]
    assert [_sql(env, tmp_path, f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables] == physical  # noqa: S608

    # "Chạy lại": the same file is saved by the next worker.
    _dv(env, "shell", "-c", JOB + f"assert jobs.job_retry(ImportJob.objects.get(pk={pk}))")
    _dv(env, "worker", "--batch", "-v", "0")
    assert _sql(env, tmp_path, "SELECT status, new FROM exchange_importjob WHERE id = %s",
                (pk,)) == [("xong", 40_000)]
    assert _people(env) == before + 40_000
