"""Settings come from the environment with safe local defaults."""

import os
import subprocess
import sys

import pytest


def run(code: str, tmp_path, **env):
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith("DANGVIEN_") and k != "DATABASE_URL"}
    full_env.update({"DANGVIEN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "dangvien.settings"})
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        env=full_env, capture_output=True, text=True, timeout=60, check=False,
    )


def test_production_mode_without_secret_key_refuses_to_start(tmp_path):
    result = run("", tmp_path, DANGVIEN_PRODUCTION="1")
    assert result.returncode != 0
    assert "DANGVIEN_SECRET_KEY" in result.stderr


def test_local_secret_key_is_generated_once_and_kept(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run(code, tmp_path)
    second = run(code, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_defaults_are_vietnamese_debug_off_and_sqlite_in_var(tmp_path):
    code = (
        "from django.conf import settings as s\n"
        "print(s.LANGUAGE_CODE, s.TIME_ZONE, s.DEBUG, s.DATABASES['default']['NAME'])"
    )
    result = run(code, tmp_path)
    assert result.stdout.split() == ["vi", "Asia/Ho_Chi_Minh", "False", str(tmp_path / "dangvien.sqlite3")]


@pytest.mark.parametrize(("pragma", "value"), [("journal_mode", "wal"), ("busy_timeout", "10000")])
def test_every_sqlite_connection_uses_wal_and_a_busy_timeout(tmp_path, pragma, value):
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        f"    c.execute('PRAGMA {pragma}')\n"
        "    print(c.fetchone()[0])"
    )
    result = run(code, tmp_path)
    assert result.stdout.strip() == value, result.stderr


def test_database_url_selects_postgresql(tmp_path):
    code = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'])"
    result = run(code, tmp_path, DANGVIEN_DATABASE_URL="postgres://u@db.example:5432/tinh")
    assert result.stdout.split() == ["django.db.backends.postgresql", "tinh"]
