"""The job queue's rows: the processes that run it (tiến trình xử lý nền) and the file
jobs they run (việc tạo tệp)."""

from __future__ import annotations

from django.conf import settings
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


class FileJobStatus(models.TextChoices):
    """Tình trạng việc tạo tệp."""

    WAITING = "cho_chay", "Đang chờ"
    RUNNING = "dang_chay", "Đang tạo tệp"
    DONE = "xong", "Đã xong"
    FAILED = "that_bai", "Không tạo được"


#: A file job in these states waits for a worker or is being run by one.
FILE_ACTIVE = (FileJobStatus.WAITING, FileJobStatus.RUNNING)


class FileJob(models.Model):
    """Một việc tạo tệp (việc tạo tệp): a large Excel list or a report made by `dangvien
    worker` instead of in the web request, then downloaded from its page.

    `kind` names the producer (`jobs.files.FileKind`), `params` what the user asked for
    (the page's query string); the file lives in the files folder (`jobs.files.files_dir`)
    until `expires_at`, then is deleted (the row stays, saying so).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name="người yêu cầu")
    kind = models.CharField("loại tệp", max_length=40)
    label = models.CharField("tên việc", max_length=255)
    #: A line under the title: the unit and the day the file is about.
    note = models.TextField("ghi chú", blank=True, default="")
    params = models.JSONField("tham số", default=dict, blank=True)
    #: The address that asked for it (to make the file again once it has expired).
    source_url = models.CharField("địa chỉ yêu cầu", max_length=2000, blank=True, default="")
    status = models.CharField("tình trạng", max_length=20, choices=FileJobStatus.choices,
                              default=FileJobStatus.WAITING)
    message = models.TextField("thông báo", blank=True, default="")
    #: Refused (out of scope, account locked): running it again cannot help.
    refused = models.BooleanField("bị từ chối", default=False)
    done = models.PositiveIntegerField("đã xử lý", default=0)
    total = models.PositiveIntegerField("tổng số", default=0)
    worker = models.CharField("tiến trình", max_length=100, blank=True, default="",
                              help_text="tiến trình xử lý nền đang chạy (máy:pid:mã)")
    task_id = models.CharField("mã việc trong hàng đợi", max_length=64, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    stored_as = models.CharField("tệp lưu", max_length=255, blank=True, default="")
    file_name = models.CharField("tên tệp", max_length=255, blank=True, default="")
    content_type = models.CharField("kiểu tệp", max_length=120, blank=True, default="")
    size = models.PositiveBigIntegerField("dung lượng (byte)", default=0)
    #: What the download's audit row says (title, scope, rows…), written by the producer.
    result = models.JSONField("kết quả", default=dict, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)
    expires_at = models.DateTimeField("xóa tệp lúc", null=True, blank=True)

    class Meta:
        verbose_name = "việc tạo tệp"
        verbose_name_plural = "việc tạo tệp"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="filejob_user"),
                   models.Index(fields=["status", "expires_at"], name="filejob_expiry")]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def can_retry(self) -> bool:
        """Stopped by a dead worker or a system error: "Chạy lại"."""
        return self.status == FileJobStatus.FAILED and not self.refused

    @property
    def ready(self) -> bool:
        """Made and not yet deleted: the download link is shown."""
        return self.status == FileJobStatus.DONE and bool(self.stored_as)

    @property
    def percent(self) -> int:
        if self.status == FileJobStatus.DONE:
            return 100
        return min(99, int(self.done * 100 / self.total)) if self.total else 0
