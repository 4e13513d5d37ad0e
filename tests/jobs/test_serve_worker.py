"""`dangvien serve` runs one worker of the job queue beside the web server and stops it
with itself: on SIGTERM (as systemd stops it), and even when the server is killed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest


def _workers(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT pid, stopped_at FROM jobs_workerprocess").fetchall()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) is gone for our purpose.
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(")")[-1].split()[0] != "Z"


def _wait(condition, seconds=20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_serve_starts_a_worker_and_it_stops_with_the_server(installed_var_dir, stop):
    tmp_path = installed_var_dir  # migrated, static files collected
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DANGVIEN_VAR_DIR": str(tmp_path),
           "DANGVIEN_CONN_MAX_AGE": "0"}
    db = tmp_path / "dangvien.sqlite3"
    server = subprocess.Popen([sys.executable, "-m", "dangvien", "serve", "--port", "0"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert _wait(lambda: _workers(db)), "no worker registered"
        [(pid, stopped)] = _workers(db)
        assert stopped is None and _alive(pid)
        server.send_signal(stop)
        server.wait(timeout=30)
        # SIGTERM: the server stops its worker; SIGKILL: the worker sees its parent gone.
        assert _wait(lambda: not _alive(pid)), "the worker outlived the server"
        if stop == signal.SIGTERM:
            assert _workers(db)[0][1] is not None  # it said it stopped
    finally:
        if server.poll() is None:
            server.kill()
