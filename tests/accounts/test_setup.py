"""The first day of a real installation: `dangvien setup`, and no demo in production."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from dangvien.accounts.models import Role, RoleAssignment
from dangvien.audit.models import AuditEvent
from dangvien.org.models import OrgUnit

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "Cay-Me-Ngoi-2025"
ARGS = ["--code", "TU", "--name", "Tỉnh ủy Hòa Bình", "--kind", "tinh_uy",
        "--username", "tinhuy", "--full-name", "Bùi Văn Hùng", "--no-input"]


def setup(monkeypatch, password=GOOD, *args):
    monkeypatch.setenv("DANGVIEN_SETUP_PASSWORD", password)
    call_command("setup", *(args or ARGS))


def test_setup_creates_the_top_unit_and_the_first_superuser(monkeypatch, capsys):
    setup(monkeypatch)
    unit = OrgUnit.objects.get()
    user = User.objects.get()
    assert (unit.code, unit.name, unit.kind, unit.depth) == ("TU", "Tỉnh ủy Hòa Bình",
                                                             "tinh_uy", 1)
    # Early enough for any history entered later under it.
    assert unit.valid_from == dt.date(1930, 2, 3)
    assert user.is_superuser and user.check_password(GOOD)
    assert (user.last_name, user.first_name) == ("Bùi Văn", "Hùng")
    assert RoleAssignment.objects.get(user=user, unit=unit).role == Role.ADMIN
    assert AuditEvent.objects.filter(action="install.setup").count() == 1
    out = capsys.readouterr().out
    assert "Đã tạo Tỉnh ủy Hòa Bình (TU)" in out and "/tai-khoan/dang-nhap/" in out
    assert GOOD not in out


@pytest.mark.parametrize(("password", "message"), [
    ("hoabinh", "quá ngắn"), ("1234567890123", "hoàn toàn là số"),
    ("password1234", "quá phổ biến"), ("tinhuy12345", "quá giống"),
])
def test_a_weak_password_is_refused_and_nothing_is_written(monkeypatch, password, message):
    with pytest.raises(CommandError, match=message):
        setup(monkeypatch, password)
    assert not OrgUnit.objects.exists() and not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_setup_a_second_time_is_refused(monkeypatch):
    setup(monkeypatch)
    with pytest.raises(CommandError, match="đã có tổ chức đảng"):
        setup(monkeypatch, GOOD, *[a if a != "tinhuy" else "khac" for a in ARGS])
    assert OrgUnit.objects.count() == 1 and User.objects.count() == 1


def test_setup_refuses_a_database_with_accounts(monkeypatch):
    User.objects.create_user(username="ai-do", password=GOOD)
    with pytest.raises(CommandError, match="đã có tài khoản"):
        setup(monkeypatch)
    assert not OrgUnit.objects.exists()


def test_setup_without_a_password_says_where_to_give_it(monkeypatch):
    monkeypatch.delenv("DANGVIEN_SETUP_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DANGVIEN_SETUP_PASSWORD"):
        call_command("setup", *ARGS)
    with pytest.raises(CommandError, match="--name"):
        monkeypatch.setenv("DANGVIEN_SETUP_PASSWORD", GOOD)
        call_command("setup", "--code", "TU", "--no-input")


def test_setup_refuses_a_cell_as_top_unit(monkeypatch):
    with pytest.raises(CommandError, match="không dùng cho đơn vị cao nhất"):
        setup(monkeypatch, GOOD, *ARGS[:4], "--kind", "chi_bo", *ARGS[6:])
    assert not OrgUnit.objects.exists()


def test_demo_is_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="chế độ vận hành thật"):
        call_command("demo", "--scale", "0.01")
    call_command("demo", "--if-empty")  # what `make run` calls: a message, no demo
    assert not User.objects.exists() and not OrgUnit.objects.exists()


def test_createsuperuser_is_audited(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD)
    call_command("createsuperuser", "--username", "vanhanh", "--email", "", "--no-input")
    event = AuditEvent.objects.get(action="account.createsuperuser")
    assert event.after["username"] == "vanhanh" and event.after["is_superuser"] is True


def _run(args, tmp_path, **env):
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("DANGVIEN_") and k != "DATABASE_URL"}
    base.update({"DANGVIEN_VAR_DIR": str(tmp_path), "DANGVIEN_PRODUCTION": "1",
                 "DANGVIEN_SECRET_KEY": "k" * 60, **env})
    return subprocess.run([sys.executable, "-m", "dangvien", *args], env=base,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.django_db(transaction=True)
def test_first_day_from_the_command_line_in_production(tmp_path):
    """As the README says: migrate, `demo --if-empty` (make run) creates nobody, setup."""
    assert _run(["migrate", "-v", "0"], tmp_path).returncode == 0
    demo = _run(["demo", "--if-empty"], tmp_path)
    assert demo.returncode == 0 and "dangvien setup" in demo.stdout
    refused = _run(["demo"], tmp_path)
    assert refused.returncode != 0 and "chế độ vận hành thật" in refused.stderr
    done = _run(["setup", *ARGS], tmp_path, DANGVIEN_SETUP_PASSWORD=GOOD)
    assert done.returncode == 0, done.stderr
    again = _run(["setup", *ARGS], tmp_path, DANGVIEN_SETUP_PASSWORD=GOOD)
    assert again.returncode != 0 and "đã có tổ chức đảng" in again.stderr
    check = _run(["shell", "-c", "from django.contrib.auth.models import User; "
                  "print(sorted(User.objects.values_list('username', flat=True)))"], tmp_path)
    assert check.stdout.strip().splitlines()[-1] == "['tinhuy']"
