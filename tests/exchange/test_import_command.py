"""`dangvien import KIND FILE [--dry-run] [--user U]`: the report, the exit code, the scope."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvien.people.models import Person

from .conftest import member_row


def test_dry_run_prints_counts_and_writes_nothing(province, personas, xlsx, capsys):
    path = xlsx([member_row(), member_row("Đinh Văn Nam", "017185000002")])
    call_command("import", "members", str(path), "--dry-run", "--user", "kimboi")
    out = capsys.readouterr()
    assert "Mới: 2 · Thay đổi: 0 · Không đổi: 0 · Có lỗi: 0 dòng" in out.out
    assert "chạy thử: chưa ghi gì" in out.out
    assert "100.0%" in out.err  # the progress bar, on stderr
    assert Person.objects.count() == 0
    call_command("import", "members", str(path), "--user", "kimboi", "--no-progress")
    assert Person.objects.count() == 2
    call_command("import", "members", str(path), "--no-progress")  # full scope without --user
    assert "Mới: 0 · Thay đổi: 0 · Không đổi: 2" in capsys.readouterr().out


def test_errors_are_listed_and_the_command_fails(province, personas, xlsx, capsys):
    path = xlsx([member_row(birth="31/02/1990"), member_row("Đinh Văn Nam", "017185000002",
                                                            cell="LS.01.01")])
    with pytest.raises(CommandError, match="Có 2 lỗi ở 2 dòng: chưa ghi gì"):
        call_command("import", "members", str(path), "--user", "kimboi", "--no-progress")
    out = capsys.readouterr().out
    assert "Dòng 2, cột 'Ngày sinh': '31/02/1990' không phải ngày hợp lệ" in out
    assert "Dòng 3, cột 'Chi bộ': không có đơn vị mã 'LS.01.01'" in out
    assert Person.objects.count() == 0


def test_a_bad_file_fails_with_one_message(province, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="không phải tệp Excel"):
        call_command("import", "members", str(path))
    with pytest.raises(CommandError, match="Không tìm thấy người dùng 'ai'"):
        call_command("import", "members", str(path), "--user", "ai")


def test_exit_code_of_the_real_command(tmp_path):
    """The installed `dangvien` command exits non-zero on a bad file (no database needed)."""
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not an excel file")
    done = subprocess.run([sys.executable, "-m", "dangvien", "import", "members", str(path)],
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin",
                                                               "DANGVIEN_VAR_DIR": str(tmp_path)},
                          check=False)
    assert done.returncode == 1
    assert "không phải tệp Excel (.xlsx)" in done.stderr


def test_dry_run_json_lists_every_change_old_to_new(province, personas, xlsx, capsys):
    """A changed row says which fields change, old → new; a blank cell keeps the stored
    value; every error of a row is listed at once."""
    import json

    from django.core.management import call_command

    from .conftest import member_row

    call_command("import", "members", str(xlsx([member_row()], name="a.xlsx")), "--user",
                 "kimboi", "--no-progress")
    capsys.readouterr()
    fixed = member_row("Bùi Thị Hoà", recognized=None)  # recognition left blank: kept
    broken = member_row("Đinh Văn Nam", "017185000002", birth="31/02/1990", cell="LS.01.01")
    path = xlsx([fixed], name="b.xlsx")  # (a blank cell never demotes an official member)
    call_command("import", "members", str(path), "--dry-run", "--format", "json",
                 "--user", "kimboi", "--no-progress")
    out = json.loads(capsys.readouterr().out)
    assert (out["new"], out["changed"], out["unchanged"], out["errors"]) == (0, 1, 0, [])
    assert out["changes"] == [{"row": 2, "key": "017*******01", "fields": {
        "full_name": {"old": "Bùi Thị Hoa", "new": "Bùi Thị Hoà"}}}]
    with pytest.raises(CommandError):
        call_command("import", "members", str(xlsx([broken], name="c.xlsx")), "--dry-run",
                     "--format", "json", "--user", "kimboi", "--no-progress")
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(2, "Ngày sinh"), (2, "Chi bộ")}
