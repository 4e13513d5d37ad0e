"""The import's jobs in the job queue (`django.tasks` API): check an upload, save it."""

from __future__ import annotations

from django_tasks import task

from . import jobs


def _worker(context) -> str:
    ids = context.task_result.worker_ids
    return ids[-1] if ids else ""


@task(takes_context=True)
def check_import(context, job_id: int) -> None:
    """Kiểm tra tệp nhập (chạy thử, không ghi gì)."""
    jobs.run_check(job_id, _worker(context))


@task(takes_context=True)
def save_import(context, job_id: int) -> None:
    """Lưu tệp nhập đã kiểm tra (tất cả hoặc không gì cả)."""
    jobs.run_save(job_id, _worker(context))
