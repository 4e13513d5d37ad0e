"""Helpers of the file job tests (việc tạo tệp), shared with the export and report tests."""

from __future__ import annotations

import re
import socket

import pytest


@pytest.fixture(autouse=True)
def file_dir(settings, tmp_path):
    """Each test's files folder (never the project's var/files)."""
    settings.DANGVIEN_FILE_JOB_DIR = tmp_path / "tep"
    return settings.DANGVIEN_FILE_JOB_DIR


def job_pk(response) -> int:
    """The job a response sent the user to (a redirect to /tep/<pk>/)."""
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/tep/(\d+)/", response["Location"])
    assert match, response["Location"]
    return int(match.group(1))


def run_jobs() -> None:
    """Run what waits in the job queue in this thread, as `dangvien worker --batch` does
    (keeping a test's connection on PostgreSQL)."""
    from tests.exchange.conftest import run_jobs as run

    run()


def dead_worker() -> str:
    """The id of a worker of this machine whose process no longer exists."""
    return f"{socket.gethostname()[:40]}:{2**22 + 12345}:dead"


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)
