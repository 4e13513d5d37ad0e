"""The file jobs' task in the job queue (`django.tasks` API): make one file."""

from __future__ import annotations

from django_tasks import task

from . import files


@task(takes_context=True)
def make_file(context, job_id: int) -> None:
    """Tạo tệp (danh sách lớn, báo cáo) cho một việc tạo tệp."""
    ids = context.task_result.worker_ids
    files.file_job_run(job_id, ids[-1] if ids else "")
