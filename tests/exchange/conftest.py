"""Helpers for the Excel tests: write real xlsx files with XlsxWriter, run the import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from dangvien.exchange.importer import run_import

MEMBER_HEADERS = ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Dân tộc", "Chi bộ",
                  "Ngày vào Đảng", "Ngày chính thức"]


def write_xlsx(path: Path, headers: list, rows: list[list], *, sheet: str = "Đảng viên",
               header_row: int = 0, before=None) -> Path:
    """A real xlsx: dates as Excel dates (dd/mm/yyyy), numbers as numbers, text as text.

    `before(book, sheet)` may add what a test needs (merged cells, formulas…)."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for j, h in enumerate(headers):
        ws.write_string(header_row, j, h)
    for i, row in enumerate(rows, start=header_row + 1):
        for j, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(i, j, value, date)
            elif isinstance(value, int | float):
                ws.write_number(i, j, value)
            else:
                ws.write_string(i, j, str(value))
    if before:
        before(book, ws)
    book.close()
    return path


def member_row(name="Bùi Thị Hoa", cccd="017190000001", cell="KB.01.01", *, gender="Nữ",
               birth=dt.date(1990, 3, 9), ethnicity="Mường", admitted=dt.date(2015, 3, 2),
               recognized=dt.date(2016, 3, 2)) -> list:
    return [name, gender, birth, cccd, ethnicity, cell, admitted, recognized]


@pytest.fixture
def xlsx(tmp_path):
    """xlsx(rows, headers=MEMBER_HEADERS, name="f.xlsx", **kw) -> path."""
    def make(rows, headers=None, name="dang-vien.xlsx", **kw):
        return write_xlsx(tmp_path / name, headers or MEMBER_HEADERS, rows, **kw)
    return make


def imp(path, user, *, kind="members", dry_run=False, **kw):
    return run_import(kind=kind, path=path, user=user, dry_run=dry_run, **kw)


def texts(result) -> list[str]:
    return [p.text() for p in result.problems]


def run_jobs(job=None):
    """Run what waits in the job queue in this thread, as `dangvien worker --batch` does;
    return the job as it then stands. (The worker loop closes its connection between
    jobs, as a request does; inside a test's transaction that connection must stay.)"""
    from unittest import mock

    from django.db import close_old_connections, connection

    from dangvien.jobs.runner import run_pending

    def close_unless_in_test_transaction():
        if not connection.in_atomic_block:
            close_old_connections()

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections",
                    close_unless_in_test_transaction):
        run_pending()
    if job is not None:
        job.refresh_from_db()
    return job
