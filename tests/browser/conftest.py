"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API.

No browser is downloaded: Playwright launches the system Chromium. The machine has no
internet, so every background service of the browser is switched off.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses database work
# from a thread with a running loop unless told it is safe (the test client and the
# live server thread never share it with async code here).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("DANGVIEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: Where screenshots go, to be looked at by a person.
SHOTS = Path(os.environ.get("DANGVIEN_SHOTS", "/tmp/dv-shots"))  # noqa: S108 - a fixed place to look

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium không có ở {CHROMIUM} (cài gói Debian 'chromium').")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport=DESKTOP, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def totp_now(base32_key: str, ahead: int = 0) -> str:
    """The code an authenticator app shows for this key now (RFC 6238, 30 s, 6 digits), or
    `ahead` periods later (a code is accepted once; the server allows one period of drift)."""
    import base64
    import time

    from django_otp.oath import TOTP

    key = base64.b32decode(base32_key.replace(" ", "").upper())
    totp = TOTP(key)
    totp.time = time.time() + 30 * ahead
    return f"{totp.token():06d}"


def second_step(page, username: str) -> None:
    """After "Đăng nhập": type the code, enrolling the authenticator first if asked, as the
    user would with the app on her phone (the test reads the key as the app would)."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_load_state()
    if "/tai-khoan/xac-thuc-hai-buoc/" in page.url:
        key = page.locator("#otp-key").inner_text()
        page.get_by_label("Mã xác thực").fill(totp_now(key))
        page.get_by_role("button", name="Xác nhận").click()
        page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    elif "/tai-khoan/xac-thuc/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        key = base64.b32encode(device.bin_key).decode()
        page.get_by_label("Mã xác thực").fill(totp_now(key, 1 if device.last_t >= 0 else 0))
        page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state()


@pytest.fixture
def job_worker(live_server):
    """A worker of the job queue beside the live server, as `dangvien serve` runs one (a
    thread here: the test database lives in this process). SQLite's in-memory test
    database is shared by the threads with table locks that do not wait, so a start that
    meets one tries again."""
    import threading
    import time

    from django.db import OperationalError, connections

    from dangvien.jobs.runner import make_worker

    worker = make_worker(interval=0.2)

    def run():
        try:
            while worker.running:
                try:
                    worker.run()
                except OperationalError:
                    connections.close_all()
                    time.sleep(0.2)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="job-worker", daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=30)


def sign_in(page, url: str, username: str) -> None:
    """Open `url` (a page that asks to sign in) and sign in with the demo password."""
    from tests.conftest import PASSWORD

    page.goto(url)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
