"""The `dangvien` command runs Django's commands and the project's own."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def dangvien(*args, var_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGVIEN_")}
    env["DANGVIEN_VAR_DIR"] = str(var_dir)
    exe = shutil.which("dangvien", path=str(Path(sys.executable).parent))
    cmd = [exe, *args] if exe else [sys.executable, "-m", "dangvien", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_python_dash_m_lists_django_and_project_commands(tmp_path):
    result = subprocess.run([sys.executable, "-m", "dangvien", "help"], capture_output=True,
                            text=True, timeout=60, check=False,
                            env={**os.environ, "DANGVIEN_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    for name in ("serve", "demo", "audit", "migrate"):
        assert name in result.stdout


@pytest.mark.parametrize(
    ("command", "words"),
    [("serve", "máy chủ web"), ("audit", "Nhật ký"), ("demo", "Hòa Bình")],
)
def test_project_commands_explain_themselves_in_vietnamese(tmp_path, command, words):
    result = dangvien(command, "--help", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert words in result.stdout


def test_audit_verify_on_a_fresh_database(installed_var_dir):
    result = dangvien("audit", "verify", var_dir=installed_var_dir)
    assert result.returncode == 0, result.stderr
    assert "0 dòng" in result.stdout


def test_serve_without_static_files_says_what_to_run(tmp_path):
    result = dangvien("serve", "--port", "0", var_dir=tmp_path)
    assert result.returncode != 0
    assert "collectstatic" in result.stderr
