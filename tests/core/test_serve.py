"""`dangvien serve` as an installation runs it: several web processes that answer pages
and static files, a job worker beside them, everything gone after SIGTERM; a cache that
all those processes share (the API's rate limit counts across them)."""

from __future__ import annotations

import gzip
import http.client
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.django_db(transaction=False)

def _env(var_dir, **extra) -> dict:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DANGVIEN_VAR_DIR": str(var_dir),
            "DANGVIEN_CONN_MAX_AGE": "0", **extra}

def _dv(env, *args) -> str:
    return subprocess.run([sys.executable, "-m", "dangvien", *args], env=env, check=True,
                          capture_output=True, text=True, timeout=300).stdout

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def _get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body

def _output(proc) -> str:
    """What a server that ended printed; bounded, since a child it left behind may still
    hold the pipe open."""
    try:
        return proc.communicate(timeout=5)[0].decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "(không đọc được đầu ra trong 5 giây)"

def _wait_answering(port, proc, seconds=60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, _output(proc)
        try:
            if _get(port, "/tai-khoan/dang-nhap/")[0].status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("dangvien serve did not answer")

def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry))
    return found

def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

@pytest.fixture(scope="module")
def installed(tmp_path_factory, _installed_template):
    """A migrated database and collected static files, as after `make install` (a copy of
    the run's template, tests/conftest.py)."""
    import shutil

    var_dir = tmp_path_factory.mktemp("serve")
    shutil.copy2(_installed_template / "dangvien.sqlite3", var_dir / "dangvien.sqlite3")
    shutil.copytree(_installed_template / "static", var_dir / "static", dirs_exist_ok=True)
    return var_dir

def test_help_is_vietnamese_and_offers_workers():
    out = subprocess.run([sys.executable, "-m", "dangvien", "serve", "--help"], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    assert "--workers" in out and "số tiến trình máy chủ web" in out
    assert "--job-workers" in out and "tiến trình xử lý nền" in out

def test_two_workers_answer_and_stop_with_their_job_worker(installed):
    port = _free_port()
    env = _env(installed, DANGVIEN_PRODUCTION="1", DANGVIEN_HTTPS="0",
               DANGVIEN_SECRET_KEY="test-serve-" + "x" * 40)
    server = subprocess.Popen([sys.executable, "-m", "dangvien", "serve", "--workers", "2",
                               "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_answering(port, server)
        # Two web processes forked by the server, and the job worker.
        assert len(_children(server.pid)) == 3
        everyone = _children(server.pid) | {server.pid}

        response, body = _get(port, "/tai-khoan/dang-nhap/", {"Accept-Encoding": "gzip"})
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert "Đăng nhập" in gzip.decompress(body).decode()

        response, body = _get(port, "/static/dv/app.css", {"Accept-Encoding": "gzip"})
        assert response.status == 200, "whitenoise serves the collected files"
        assert response.getheader("Content-Encoding") == "gzip"  # compressed at collectstatic
        assert b"{" in gzip.decompress(body)

        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(p) for p in everyone):
            time.sleep(0.2)
        assert not [p for p in everyone if _alive(p)], "a process outlived the server"
        assert server.returncode == 0
    finally:
        if server.poll() is None:
            server.kill()

def test_a_server_killed_outright_leaves_no_web_process_serving(installed):
    """SIGKILL (an OOM kill, `kill -9`): the server cannot stop its web processes, so they
    notice by themselves (dangvien.wsgi) and end; nothing keeps answering on the port."""
    port = _free_port()
    env = _env(installed, DANGVIEN_PRODUCTION="1", DANGVIEN_HTTPS="0",
               DANGVIEN_SECRET_KEY="test-serve-" + "x" * 40)
    server = subprocess.Popen([sys.executable, "-m", "dangvien", "serve", "--workers", "2",
                               "--job-workers", "0", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_answering(port, server)
        web = _children(server.pid)
        assert len(web) == 2
        server.kill()
        server.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in web):
            time.sleep(0.2)
        assert not [p for p in web if _alive(p)], "a web process outlived its server"
        with pytest.raises(OSError):
            _get(port, "/tai-khoan/dang-nhap/")
    finally:
        if server.poll() is None:
            server.kill()

def test_the_cache_is_shared_between_processes(installed):
    env = _env(installed)
    _dv(env, "shell", "-c", "from django.core.cache import cache; cache.set('dv:test', 'Kim Bôi', 60)")
    out = _dv(env, "shell", "-c", "from django.core.cache import cache; print(cache.get('dv:test'))")
    assert out.strip().splitlines()[-1] == "Kim Bôi"

def test_the_api_rate_limit_counts_across_server_processes(installed):
    env = _env(installed, DANGVIEN_API_RATE="4/hour")
    raw = _dv(env, "shell", "-c", (
        "from django.contrib.auth import get_user_model\n"
        "from dangvien.api.tokens import token_create\n"
        "u, _ = get_user_model().objects.get_or_create(username='may-thong-ke')\n"
        "print(token_create(by=u, user=u, name='Thống kê')[1])")).strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "dangvien", "serve", "--workers", "2",
                               "--threads", "1", "--job-workers", "0", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_answering(port, server)
        statuses = []
        for _ in range(8):  # a new connection each: either process may take it
            response, _body = _get(port, "/api/v1/units", {"Authorization": f"Bearer {raw}"})
            statuses.append(response.status)
        assert statuses == [200] * 4 + [429] * 4
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
