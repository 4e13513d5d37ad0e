"""`dangvien export KIND -o FILE.xlsx`: the page's export from the command line, full scope
unless --user, the same refusals (and exit code 1) as `dangvien report`."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from . import test_export as web
from .test_export import MEMBER_HEADERS, body, headers

members = web.members  # the shared fixture

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_members_of_a_unit_with_full_scope(province, members, tmp_path):
    target = tmp_path / "dang-vien-KB.xlsx"
    out, _ = run("members", "--unit", "KB", "--as-of", "31/05/2022", "-o", str(target))
    assert out == f"Đã ghi 63 dòng (danh sách đảng viên của một đơn vị) vào {target}.\n"
    sheet = openpyxl.load_workbook(target).active
    assert headers(sheet) == MEMBER_HEADERS
    assert len(body(sheet)) == 63
    assert sheet["A3"].value.startswith("Người xuất: dòng lệnh, toàn bộ dữ liệu;")
    assert list(tmp_path.iterdir()) == [target]  # no partial file left behind


def test_user_scope_is_the_webs(province, personas, members, tmp_path):
    target = tmp_path / "to-chuc.xlsx"
    run("units", "--user", "kimboi", "--as-of", "2022-05-31", "-o", str(target))
    rows = body(openpyxl.load_workbook(target).active)
    assert [r[0] for r in rows] == ["KB.01", "KB.02"]
    # Lạc Sơn is outside: the same words as a unit that does not exist, and no file.
    refused = tmp_path / "ls.xlsx"
    with pytest.raises(CommandError,
                       match="Không tìm thấy đơn vị LS trong phạm vi của người dùng kimboi."):
        run("members", "--user", "kimboi", "--unit", "LS", "-o", str(refused))
    assert not refused.exists()


def test_search_in_scope(province, personas, members, tmp_path):
    target = tmp_path / "tim.xlsx"
    run("search", "--user", "kimboi", "--q", "lac son", "-o", str(target))
    assert body(openpyxl.load_workbook(target).active) == []
    run("search", "--user", "lacson", "--q", "lac son", "-o", str(target))
    assert len(body(openpyxl.load_workbook(target).active)) == 2


def test_refusals(province, personas, tmp_path):
    with pytest.raises(CommandError, match="đuôi .xlsx"):
        run("units", "-o", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="--unit KB"):
        run("members", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="Không tìm thấy người dùng 'ai-do'"):
        run("units", "--user", "ai-do", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="--plan 77-KH/TU"):
        run("progress", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="không phải ngày hợp lệ"):
        run("units", "--as-of", "31/02/2022", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="Không có thư mục"):
        run("units", "-o", str(tmp_path / "khong-co" / "x.xlsx"))
    assert list(tmp_path.iterdir()) == []


def test_a_long_list_shows_a_progress_bar(province, members, tmp_path, monkeypatch):
    from dangvien.exchange.management.commands import export

    monkeypatch.setattr(export, "BAR_FROM", 10)
    monkeypatch.setattr("dangvien.exchange.export.writer.PROGRESS_EVERY", 20)
    _, err = run("members", "--unit", "TU", "-o", str(tmp_path / "x.xlsx"))
    assert "20/65 dòng" in err and "65/65 dòng" in err and "xong trong" in err


def dangvien(*args, var_dir: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGVIEN_")}
    env["DANGVIEN_VAR_DIR"] = str(var_dir)
    exe = shutil.which("dangvien", path=str(Path(sys.executable).parent))
    cmd = [exe, *args] if exe else [sys.executable, "-m", "dangvien", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_exit_codes(installed_var_dir):
    """A real process on a fresh database: 0 and a file, or 1, a message and no file."""
    tmp_path = installed_var_dir  # migrated
    good = dangvien("export", "units", "-o", str(tmp_path / "to-chuc.xlsx"), var_dir=tmp_path)
    assert good.returncode == 0, good.stderr
    assert "Đã ghi 0 dòng" in good.stdout
    assert headers(openpyxl.load_workbook(tmp_path / "to-chuc.xlsx").active)[0] == "Mã đơn vị"
    bad = dangvien("export", "members", "--unit", "XX", "-o", str(tmp_path / "dv.xlsx"),
                   var_dir=tmp_path)
    assert bad.returncode == 1
    assert "Không tìm thấy đơn vị XX." in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "dv.xlsx").exists()
    helped = dangvien("export", "--help", var_dir=tmp_path)
    assert helped.returncode == 0 and "Xuất một danh sách" in helped.stdout
