"""Benchmarks: demo build time and page times at province scale. Prints figures.

    make bench                       # SQLite in bench/out/
    .venv/bin/python bench/run.py --reuse    # page times only, on the demo already built
    DANGVIEN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangvien_bench make bench

Not a test: it never fails on a figure, it reports it.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("DANGVIEN_VAR_DIR", str(HERE / "out"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dangvien.demo.builder import build_demo, has_data, reset_demo  # noqa: E402


def _one(fn) -> tuple[float, float, int]:
    """(wall ms, CPU ms of this process, queries) of one call."""
    with CaptureQueriesContext(connection) as ctx:
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall * 1000, cpu * 1000, len(ctx.captured_queries)


def timed(label: str, fn, repeat: int = 5) -> None:
    """Cold (fragment cache emptied before each run) and warm (cache filled) medians.

    Wall time is what a user waits on a quiet machine; CPU time (this process only) is the
    steadier figure on a busy one (other work on the same cores inflates wall time).
    """
    fn()  # warm-up: the session, the calendar, Python's imports
    cold = []
    for _ in range(repeat):
        cache.clear()
        cold.append(_one(fn))
    warm = [_one(fn) for _ in range(repeat)]

    def med(runs, i):
        return statistics.median(r[i] for r in runs)

    print(f"  {label:<50} cold {med(cold, 0):6.1f} ms (cpu {med(cold, 1):6.1f}) {cold[-1][2]:3}q"
          f"   warm {med(warm, 0):6.1f} ms (cpu {med(warm, 1):6.1f}) {warm[-1][2]:3}q")


def _second_factor(client: Client, user) -> None:
    """Mark the session as past the second step (an administrator must have it)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True,
                                                 defaults={"name": "bench"})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def page(client: Client, url: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return get


def first_candidate(code: str) -> str:
    """The candidate page of the first candidacy on probation in a unit (built lazily)."""
    return f"@candidate:{code}"


def resolve(url: str) -> str:
    if url.startswith("@candidate:"):
        from dangvien.admission.models import Candidacy, Stage

        code = url.split(":", 1)[1]
        c = (Candidacy.objects.filter(cell__code__startswith=code + ".", stage=Stage.ON_PROBATION)
             .order_by("pk").first())
        return f"/ket-nap/ho-so/{c.pk}/"
    return url


def main() -> int:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"dangvien benchmarks on {engine}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    call_command("migrate", verbosity=0)
    if "--reuse" in sys.argv and has_data():
        print("  demo: reused (--reuse)")
    else:
        if has_data():  # keep the seeded rule sets and calendar: reset only the demo's rows
            reset_demo(stdout=open(os.devnull, "w"))  # noqa: SIM115
        start = time.perf_counter()
        summary = build_demo(stdout=open(os.devnull, "w"))  # noqa: SIM115
        elapsed = time.perf_counter() - start
        print(f"  demo build (Hòa Bình 2022, scale 1.0)               {elapsed:7.1f} s   {summary}")
    print("  page times: median of 5, cold = fragment cache emptied before each run; "
          f"load average {os.getloadavg()[0]:.1f}")

    settings.ALLOWED_HOSTS = ["*"]
    for username, urls in [
        ("tinhuy", ["/to-chuc/", "/to-chuc/TU/", "/to-chuc/KB/", "/dang-vien/tim-kiem/?q=nguyen+van+an",
                    "/to-chuc/?ngay=31/05/2022", "/ket-nap/thoi-han/?ngay=31/05/2022",
                    "/ket-nap/", "/ket-nap/?qua-han=1", "/?ngay=31/05/2022",
                    "/ke-hoach/tien-do/?ngay=31/05/2022"]),
        ("kimboi", ["/to-chuc/", "/to-chuc/KB/", "/dang-vien/tim-kiem/?q=bui+thi",
                    "/ket-nap/thoi-han/?ngay=31/05/2022", "/ket-nap/", "/ket-nap/?qua-han=1",
                    first_candidate("KB"),
                    "/?ngay=31/05/2022", "/ke-hoach/tien-do/?ngay=31/05/2022"]),
        ("chibo", ["/to-chuc/", "/?ngay=31/05/2022"]),
    ]:
        client = Client()
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        _second_factor(client, user)
        for url in map(resolve, urls):
            timed(f"{username} GET {url}", page(client, url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
