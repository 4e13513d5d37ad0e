"""Load benchmark: the product served as `dangvien serve` runs it in production, under C
concurrent keep-alive connections of signed-in officers. Prints figures; never fails on one.

    make bench-load                                     # SQLite, a short run
    .venv/bin/python bench/load.py --seconds 30 --connections 50 [--mix readwrite]
        [--workers W] [--threads T] [--database-url postgres://…]

It prepares the demo province once in its own var dir (bench/out/load, or --var-dir) or in
the given database, collects static files, starts `dangvien serve` (DANGVIEN_PRODUCTION=1,
DANGVIEN_HTTPS=0, a secret key) as a subprocess and waits until it answers. Then it signs in
through the real pages, as browsers do: `kimboi` (Kim Bôi's officer) and `tinhuy` (the
province's administrator, with the second step: the bench gives tinhuy an authenticator
with a key it knows, in the bench's own database, and types the current code).

Connections: three in four are Kim Bôi's, one in four the province's. Each loops over the
pages of the mix (dashboard of the 2022 plan on 31/05/2022, candidate list, tree, unit page,
deadlines, member search). `--mix readwrite` makes about one request in ten a write: a
rating sheet saved (one member's level changed) or a dossier item recorded on a candidate,
each with the CSRF token of the form just loaded. Each write connection owns its own cells
and candidates, so no save is expected to meet another's change: a 409 (stale refusal)
counts as an error like any other status outside 2xx/3xx.

The last line is exactly `requests/s R p99 P ms errors E`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PASSWORD = "demo1234"  # noqa: S105 (the demo's published password)
AS_OF = "31/05/2022"
PAGES = {
    "kimboi": [("dashboard", f"/ke-hoach/tien-do/?ngay={AS_OF}"), ("candidates", "/ket-nap/"),
               ("tree", "/to-chuc/"), ("unit", "/to-chuc/KB/"),
               ("deadlines", f"/ket-nap/thoi-han/?ngay={AS_OF}"),
               ("search", "/dang-vien/tim-kiem/?q=bui+thi")],
    "tinhuy": [("dashboard", f"/ke-hoach/tien-do/?ngay={AS_OF}"), ("candidates", "/ket-nap/"),
               ("tree", "/to-chuc/"), ("unit", "/to-chuc/TU/"),
               ("deadlines", f"/ket-nap/thoi-han/?ngay={AS_OF}"),
               ("search", "/dang-vien/tim-kiem/?q=nguyen+van+an")],
}
WRITE_SHARE = 0.10

# Run inside the bench's database (`dangvien shell -c`): tinhuy's authenticator with a key
# the bench knows, and what the writers may touch.
PREPARE = r"""
import json
from django_otp.plugins.otp_totp.models import TOTPDevice
from dangvien.accounts.models import *  # noqa
from django.contrib.auth import get_user_model
from dangvien.admission import dossier
from dangvien.admission.models import Candidacy
from dangvien.org.models import OrgUnit
from dangvien.org.models import CELL_KINDS
from django.db.models import Count
user = get_user_model().objects.get(username="tinhuy")
TOTPDevice.objects.filter(user=user).delete()
TOTPDevice.objects.create(user=user, name="bench-load", confirmed=True, key="%(key)s")
cells = list(OrgUnit.objects.filter(path__startswith=OrgUnit.objects.get(code="KB").path,
                                    kind__in=CELL_KINDS).order_by("path").values_list("code", flat=True)[:200])
cands = [c.pk for c in Candidacy.objects.filter(cell__code__startswith="KB.").order_by("pk")[:2000]
         if not c.is_closed][:200]
forms = [f.code for f in dossier.HAND_FORMS if not f.by_step]
print("BENCH-JSON" + json.dumps({"cells": cells, "candidacies": cands, "forms": forms}))
"""


# --- the product ----------------------------------------------------------------------------

def product_env(args) -> dict:
    env = dict(os.environ)
    env["DANGVIEN_VAR_DIR"] = str(args.var_dir)
    env.pop("DANGVIEN_DATABASE_URL", None)
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DANGVIEN_DATABASE_URL"] = args.database_url
    return env


def dv(env, *argv, capture=False) -> str:
    result = subprocess.run([sys.executable, "-m", "dangvien", *argv], env=env, check=True,  # noqa: S603
                            text=True, capture_output=capture)
    return result.stdout if capture else ""


def prepare(args, key_hex: str) -> dict:
    env = product_env(args)
    args.var_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.database_url.startswith(("postgres://", "postgresql://")):
        create_database(args.database_url)
    dv(env, "migrate", "--noinput", "-v", "0")
    dv(env, "demo", "--if-empty", capture=True)
    # collectstatic compresses every file again (half a minute): only when a static file
    # of the project changed since the last run, or none was collected yet.
    stamp = args.var_dir / "static" / ".bench-load-stamp"
    newest = max(p.stat().st_mtime for p in (ROOT / "src" / "dangvien").rglob("static/**/*")
                 if p.is_file())
    if not stamp.exists() or stamp.stat().st_mtime < newest:
        dv(env, "collectstatic", "--noinput", "-v", "0")
        stamp.touch()
    out = dv(env, "shell", "-c", PREPARE % {"key": key_hex}, capture=True)
    data = json.loads(out.split("BENCH-JSON", 1)[1])
    print(f"Prepared {args.database_url or args.var_dir / 'dangvien.sqlite3'} "
          f"in {time.perf_counter() - started:.1f} s")
    return data


def create_database(url: str) -> None:
    """The PostgreSQL database named in the URL, created on the first run."""
    from urllib.parse import urlparse

    import psycopg
    from psycopg import sql

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def free_port() -> int:
    for port in range(8810, 8820):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 8810-8819")


def start_server(args, port: int) -> subprocess.Popen:
    env = product_env(args)
    env.update({"DANGVIEN_PRODUCTION": "1", "DANGVIEN_HTTPS": "0",
                "DANGVIEN_SECRET_KEY": "bench-load-" + "k" * 50,
                "DANGVIEN_LOG_LEVEL": "WARNING"})
    argv = [sys.executable, "-m", "dangvien", "serve", "--port", str(port)]
    if args.workers:
        argv += ["--workers", str(args.workers)]
    if args.threads:
        argv += ["--threads", str(args.threads)]
    log = open(args.var_dir / "serve.log", "w")  # noqa: SIM115 (lives with the server)
    proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,  # noqa: S603
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"dangvien serve stopped: see {args.var_dir / 'serve.log'}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/tai-khoan/dang-nhap/")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("dangvien serve did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# --- a browser, roughly ---------------------------------------------------------------------

class Form(HTMLParser):
    """The fields of the first form whose action ends with `action` (or the first form)."""

    def __init__(self, action: str | None = None, page: str = ""):
        super().__init__()
        self.action, self.page, self.inside, self.done = action, page, False, False
        self.fields: list[tuple[str, str]] = []
        self.selects: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and not self.inside:
            # A form without an action posts to its own page (`page`).
            target = a.get("action") or self.page
            self.inside = self.action is None or (target or "").endswith(self.action)
        elif self.inside and tag == "input" and a.get("name"):
            if a.get("type") == "radio":
                self.selects.setdefault(a["name"], []).append(a.get("value") or "")
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            if a.get("type") in {"submit", "button"}:
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif self.inside and tag == "select" and a.get("name"):
            self._select = a["name"]
            self.selects[self._select] = []
            self.fields.append((self._select, ""))
        elif self.inside and tag == "option" and self._select:
            value = a.get("value") or ""
            self.selects[self._select].append(value)
            if "selected" in a:
                self.set(self._select, value)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True

    def set(self, name: str, value: str) -> None:
        if self.get(name) is None:
            self.fields.append((name, value))
        self.fields = [(n, value if n == name else v) for n, v in self.fields]

    def get(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)


def parse_form(html: str, action: str | None = None, page: str = "") -> Form:
    form = Form(action, page)
    form.feed(html)
    return form


class Browser:
    """One keep-alive connection with its cookies."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port, self.cookies = port, dict(cookies or {})
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, url: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Accept-Encoding": "gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{url}"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        for attempt in (1, 2):
            try:
                self.conn.request(method, url, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: open a new one, once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        self.location = response.getheader("Location") or ""
        return response.status, raw.decode("utf-8", "replace")


def totp(key_hex: str, at: float | None = None) -> str:
    counter = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


def sign_in(port: int, username: str, key_hex: str) -> dict:
    b = Browser(port)
    status, html = b.request("GET", "/tai-khoan/dang-nhap/")
    form = parse_form(html, "/tai-khoan/dang-nhap/", page="/tai-khoan/dang-nhap/")
    form.set("username", username)
    form.set("password", PASSWORD)
    fields = dict(form.fields) | {"username": username, "password": PASSWORD}
    status, html = b.request("POST", "/tai-khoan/dang-nhap/", fields)
    if status != 302:
        raise SystemExit(f"sign-in of {username} refused ({status})")
    status, html = b.request("GET", "/")
    if status == 302 and "/xac-thuc/" in b.location:  # the second step: the app's code
        status, html = b.request("GET", "/tai-khoan/xac-thuc/")
        fields = dict(parse_form(html, "/tai-khoan/xac-thuc/", page="/tai-khoan/xac-thuc/").fields) | {"code": totp(key_hex)}
        status, html = b.request("POST", "/tai-khoan/xac-thuc/", fields)
        if status != 302:
            raise SystemExit(f"second step of {username} refused ({status} {_message(html)})")
        status, html = b.request("GET", "/")
    if status != 200:
        raise SystemExit(f"{username}: home page {status} after sign-in ({b.location})")
    return b.cookies


# --- the load -------------------------------------------------------------------------------

class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.samples: dict[str, str] = {}

    def add(self, label: str, ms: float, ok: bool, why: str = "") -> None:
        with self.lock:
            self.times[label].append(ms)
            if not ok:
                self.errors[label] += 1
                self.samples.setdefault(label, why)


def rating_save(b: Browser, rec: Recorder, cell: str, year: int) -> None:
    url = f"/danh-gia/nhap/{cell}/{year}/"
    ok, status, html = timed_get(b, rec, "rating form", url)
    if not ok:
        return
    form = parse_form(html, url, page=url)
    choices = [(n, opts) for n, opts in form.selects.items() if n.startswith("lv-") and len(opts) > 1]
    if not choices:
        rec.add("rating save", 0.0, False, "no editable row")
        return
    name, options = random.choice(choices)
    current = form.get(name)
    form.set(name, random.choice([o for o in options if o and o != current]))
    t = time.perf_counter()
    status, html = b.request("POST", url, dict(form.fields))
    rec.add("rating save", (time.perf_counter() - t) * 1000, 200 <= status < 400,
            f"{status} {url} {_message(html)}")


def dossier_record(b: Browser, rec: Recorder, pk: int, forms: list[str]) -> None:
    url = f"/ket-nap/ho-so/{pk}/"
    ok, status, html = timed_get(b, rec, "candidate page", url)
    if not ok:
        return
    form = parse_form(html, f"/ket-nap/ho-so/{pk}/mau/")
    fields = dict(form.fields) | {"form": random.choice(forms),
                                  "on": time.strftime("%d/%m/%Y"),
                                  "reference": f"Bench {random.randint(1, 999)}"}
    t = time.perf_counter()
    status, html = b.request("POST", f"/ket-nap/ho-so/{pk}/mau/", fields)
    rec.add("dossier record", (time.perf_counter() - t) * 1000, 200 <= status < 400,
            f"{status} {url} {_message(html)}")


def _message(html: str) -> str:
    found = re.search(r'class="[^"]*(?:errorlist|error|alert)[^"]*"[^>]*>(.{0,160})', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""


def timed_get(b: Browser, rec: Recorder, label: str, url: str) -> tuple[bool, int, str]:
    t = time.perf_counter()
    try:
        status, html = b.request("GET", url)
    except OSError as err:
        rec.add(label, (time.perf_counter() - t) * 1000, False, repr(err))
        return False, 0, ""
    ok = 200 <= status < 400
    rec.add(label, (time.perf_counter() - t) * 1000, ok, f"{status} {url}")
    return ok, status, html


def connection_loop(i: int, port: int, cookies: dict, user: str, stop: threading.Event,
                    rec: Recorder, args, own: dict) -> None:
    b = Browser(port, cookies[user])
    rng = random.Random(i)
    pages = PAGES[user][:]
    rng.shuffle(pages)
    n = 0
    while not stop.is_set():
        try:
            if args.mix == "readwrite" and user == "kimboi" and rng.random() < WRITE_SHARE / 2:
                # A write is two requests (the form, then the save): half the share of
                # loops gives about one request in ten that writes.
                if rng.random() < 0.5 and own["cells"]:
                    rating_save(b, rec, rng.choice(own["cells"]), args.rating_year)
                elif own["candidacies"]:
                    dossier_record(b, rec, rng.choice(own["candidacies"]), own["forms"])
                continue
            label, url = pages[n % len(pages)]
            n += 1
            timed_get(b, rec, label, url)
        except Exception as err:  # noqa: BLE001 (a benchmark counts, it does not stop)
            rec.add("client", 0.0, False, repr(err))
            b = Browser(port, b.cookies)


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--mix", choices=["read", "readwrite"], default="read")
    parser.add_argument("--workers", type=int, default=0, help="dangvien serve --workers (default: its own)")
    parser.add_argument("--threads", type=int, default=0, help="dangvien serve --threads")
    parser.add_argument("--var-dir", type=Path, default=HERE / "out" / "load")
    parser.add_argument("--rating-year", type=int, default=2022)
    parser.add_argument("--warmup", type=float, default=3)
    args = parser.parse_args()
    args.var_dir = args.var_dir.resolve()

    key_hex = os.urandom(20).hex()
    data = prepare(args, key_hex)
    port = free_port()
    proc = start_server(args, port)
    try:
        cookies = {"kimboi": sign_in(port, "kimboi", key_hex),
                   "tinhuy": sign_in(port, "tinhuy", key_hex)}
        users = ["tinhuy" if i % 4 == 3 else "kimboi" for i in range(args.connections)]
        writers = [i for i, u in enumerate(users) if u == "kimboi"]
        owned = {}
        for k, i in enumerate(writers):  # each writer its own cells and candidates
            owned[i] = {"cells": data["cells"][k::len(writers)],
                        "candidacies": data["candidacies"][k::len(writers)],
                        "forms": data["forms"]}
        for _phase, seconds in (("warm-up", args.warmup), ("run", args.seconds)):
            rec, stop = Recorder(), threading.Event()
            threads = [threading.Thread(target=connection_loop, daemon=True,
                                        args=(i, port, cookies, users[i], stop, rec, args,
                                              owned.get(i, {"cells": [], "candidacies": [],
                                                            "forms": []})))
                       for i in range(args.connections)]
            load_before = os.getloadavg()[0]
            started = time.perf_counter()
            for t in threads:
                t.start()
            time.sleep(seconds)
            stop.set()
            for t in threads:
                t.join(timeout=120)
            elapsed = time.perf_counter() - started
    finally:
        stop_server(proc)

    every = [ms for values in rec.times.values() for ms in values]
    errors = sum(rec.errors.values())
    rate = len(every) / elapsed
    print(f"{args.connections} connections, {args.seconds:g} s, mix {args.mix}, "
          f"workers {args.workers or 'default'}, "
          f"{args.database_url.split('@')[-1] if args.database_url else 'SQLite'}; "
          f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(f"{'page':<16} {'requests':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label in sorted(rec.times):
        values = rec.times[label]
        print(f"{label:<16} {len(values):>8} {statistics.median(values):>8.0f} "
              f"{pct(values, 90):>8.0f} {pct(values, 99):>8.0f} {rec.errors[label]:>7}")
    for label, why in rec.samples.items():
        print(f"  first error on {label}: {why}")
    print(f"{'all':<16} {len(every):>8} {pct(every, 50):>8.0f} {pct(every, 90):>8.0f} "
          f"{pct(every, 99):>8.0f} {errors:>7}")
    print(f"requests/s {rate:.1f} p99 {pct(every, 99):.0f} ms errors {errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
