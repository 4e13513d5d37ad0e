"""The processes that run queued jobs (tiến trình xử lý nền) and when each was last seen."""

from __future__ import annotations

from django.db import models


class WorkerProcess(models.Model):
    """Một tiến trình `dangvien worker`: máy, số tiến trình, lần cuối còn chạy.

    Each worker writes `seen_at` every few seconds from a thread of its own; a job held by
    a worker that is no longer seen (or whose process is gone from this machine) is shown
    as failed with "Chạy lại".
    """

    worker_id = models.CharField("mã tiến trình", max_length=64, unique=True)
    host = models.CharField("máy", max_length=255)
    pid = models.PositiveIntegerField("số tiến trình")
    started_at = models.DateTimeField("bắt đầu", auto_now_add=True)
    seen_at = models.DateTimeField("lần cuối còn chạy")
    stopped_at = models.DateTimeField("đã dừng lúc", null=True, blank=True)

    class Meta:
        verbose_name = "tiến trình xử lý nền"
        verbose_name_plural = "tiến trình xử lý nền"
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
