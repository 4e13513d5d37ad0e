"""Import jobs (lượt nhập dữ liệu từ Excel): the uploaded file, its check, its save."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangvien.core.models import BaseModel


class JobStatus(models.TextChoices):
    """Tình trạng lượt nhập."""

    CHECKING = "dang_kiem_tra", "Đang kiểm tra"
    CHECKED = "da_kiem_tra", "Đã kiểm tra, chờ lưu"
    INVALID = "co_loi", "Có lỗi, chưa lưu"
    QUEUED = "cho_chay", "Đang chờ lưu"
    RUNNING = "dang_luu", "Đang lưu"
    DONE = "xong", "Đã lưu xong"
    FAILED = "that_bai", "Không lưu được"
    UNDONE = "da_hoan_tac", "Đã hoàn tác"


#: A job in these states waits for a worker of the job queue or is being run by one.
ACTIVE = (JobStatus.CHECKING, JobStatus.QUEUED, JobStatus.RUNNING)


class ImportJob(BaseModel):
    """Một lượt nhập: tệp đã tải lên (giữ trong thư mục var), kết quả kiểm tra, tiến độ lưu."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+", verbose_name="người nhập")
    kind = models.CharField("loại dữ liệu", max_length=30)
    file_name = models.CharField("tên tệp", max_length=255)
    stored_as = models.CharField("tệp lưu", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng (byte)", default=0)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField("tình trạng", max_length=20, choices=JobStatus.choices,
                              default=JobStatus.CHECKED)
    message = models.TextField("thông báo", blank=True, default="")
    rows = models.PositiveIntegerField("số dòng", default=0)
    done_rows = models.PositiveIntegerField("số dòng đã xử lý", default=0)
    new = models.PositiveIntegerField("mới", default=0)
    changed = models.PositiveIntegerField("thay đổi", default=0)
    unchanged = models.PositiveIntegerField("không đổi", default=0)
    error_rows = models.PositiveIntegerField("số dòng có lỗi", default=0)
    problem_count = models.PositiveIntegerField("số lỗi", default=0)
    problems = models.JSONField("lỗi", default=list, blank=True)
    warnings = models.JSONField("lưu ý", default=list, blank=True)
    changes = models.JSONField("thay đổi (cũ → mới)", default=list, blank=True)
    started_at = models.DateTimeField("bắt đầu lưu", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField("tiến trình", max_length=100, blank=True, default="",
                              help_text="tiến trình xử lý nền đang chạy (máy:pid:mã)")
    task_id = models.CharField("mã việc trong hàng đợi", max_length=64, blank=True, default="")
    #: The save's write batch: the rows it created carry it, `ImportChange` rows keep what
    #: it changed; an undo reads both (`exchange.undo`).
    batch = models.ForeignKey("core.WriteBatch", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="lô ghi")
    undone_at = models.DateTimeField("hoàn tác lúc", null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name="người hoàn tác")

    class Meta:
        verbose_name = "lượt nhập Excel"
        verbose_name_plural = "lượt nhập Excel"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="importjob_user")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def kind_label(self) -> str:
        from . import kinds

        try:
            return kinds.get(self.kind).label
        except KeyError:
            return self.kind

    @property
    def can_retry(self) -> bool:
        """Stopped by a dead worker or a system error with its file kept: "Chạy lại"."""
        return self.status == JobStatus.FAILED and bool(self.stored_as)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done_rows * 100 / self.rows) if self.rows else 0


class ChangeOp(models.TextChoices):
    """Việc lần nhập đã làm với một bản ghi."""

    CREATED = "tao", "Tạo mới"
    CHANGED = "sua", "Sửa"


class ImportChange(models.Model):
    """Dấu vết của lần nhập: một bản ghi lần nhập đã tạo hoặc đã sửa (với giá trị cũ), để
    hoàn tác lần nhập.

    The many rows a members import creates are not listed here: they carry the save's write
    batch (`batch_id`). Listed are the existing rows it changed (with the values before and
    the `row_version` it left: a higher version means someone saved the row again) and,
    for the kinds written through the pages' services, the rows those created.
    """

    batch = models.ForeignKey("core.WriteBatch", on_delete=models.CASCADE, related_name="+",
                              verbose_name="lô ghi")
    model = models.CharField("bảng", max_length=60)  # "people.person"
    object_id = models.BigIntegerField("mã bản ghi")
    op = models.CharField("việc", max_length=4, choices=ChangeOp.choices)
    before = models.JSONField("giá trị cũ", default=dict, blank=True)
    version = models.PositiveIntegerField("phiên bản lần nhập để lại", null=True, blank=True)

    class Meta:
        verbose_name = "dấu vết lần nhập"
        verbose_name_plural = "dấu vết lần nhập"
        indexes = [models.Index(fields=["batch", "model"], name="importchange_batch")]

    def __str__(self) -> str:
        return f"{self.get_op_display()} {self.model} #{self.object_id}"
