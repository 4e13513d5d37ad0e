"""Shared model pieces."""

from django.db import models

from dangvien.core.vn import format_date


class BaseModel(models.Model):
    """Adds creation and last-change times and a version to every domain row.

    `row_version` (phiên bản) counts the row's saves: each `save()` of an existing row adds
    one. An edit form carries the version it was loaded from, and its service refuses a
    save over a newer one (`dangvien.core.versions`). A bulk write that changes rows
    users edit (the importer) bumps it too.
    """

    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    row_version = models.PositiveIntegerField("phiên bản", default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            self.row_version = (self.row_version or 0) + 1
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "row_version", "updated_at"}
        super().save(*args, **kwargs)


class CalendarDayKind(models.TextChoices):
    """Loại ngày điều chỉnh trong lịch ngày làm việc."""

    DAY_OFF = "nghi", "Ngày nghỉ bù / nghỉ thêm"
    WORKING = "lam_bu", "Ngày làm bù"


class CalendarDay(BaseModel):
    """A day the government announced as off (bridge day) or as worked (make-up Saturday).

    The working-day calendar (`dangvien.core.calendar`) takes weekends and public
    holidays from the law (the `holidays` package); a row here overrides that for its
    day: DAY_OFF makes it a day off, WORKING makes it a working day.
    """

    day = models.DateField("ngày", unique=True)
    kind = models.CharField("loại ngày", max_length=10, choices=CalendarDayKind.choices)
    note = models.CharField(
        "ghi chú", max_length=255, blank=True,
        help_text="Căn cứ, ví dụ: Nghỉ bù Tết Nguyên đán theo Thông báo số …/TB-…",
    )

    class Meta:
        verbose_name = "ngày nghỉ / làm bù"
        verbose_name_plural = "ngày nghỉ bù, nghỉ thêm, làm bù"
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CalendarDayKind.values),
                name="calendarday_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_date(self.day)}: {self.get_kind_display()}"


class BatchState(models.TextChoices):
    """Tình trạng của một lô ghi."""

    PENDING = "dang_ghi", "Đang ghi"
    DONE = "xong", "Đã ghi xong"
    DISCARDED = "da_huy", "Đã hủy"


class WriteBatch(models.Model):
    """Lô ghi: rows written in several short transactions that become visible together.

    A large import on SQLite writes its rows in chunks of about a second each (so other
    users' saves never wait longer) and marks them with its batch. While the batch is
    pending, the default managers of the tables it writes hide its rows; the last chunk's
    transaction marks it done, so every row appears at once. A batch whose writer failed
    or died is discarded: its rows are deleted (`core.batches`).
    """

    state = models.CharField("tình trạng", max_length=10, choices=BatchState.choices,
                             default=BatchState.PENDING)
    label = models.CharField("việc", max_length=100)
    owner = models.CharField("tiến trình ghi", max_length=100,
                             help_text="máy:pid của tiến trình đang ghi")
    #: The largest id of each table written when the batch began: its rows lie above.
    after_ids = models.JSONField("mã lớn nhất trước lô", default=dict)
    created_at = models.DateTimeField("bắt đầu", auto_now_add=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)

    class Meta:
        verbose_name = "lô ghi"
        verbose_name_plural = "lô ghi"
        indexes = [models.Index(fields=["state"], name="writebatch_state")]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_state_display()})"


class BatchedManager(models.Manager):
    """A default manager that hides the rows of pending write batches."""

    def get_queryset(self):
        pending = WriteBatch.objects.filter(state=BatchState.PENDING).values("id")
        return super().get_queryset().exclude(batch_id__in=pending)


def batch_field():
    """The `batch` column of a table that large imports write in chunks."""
    return models.ForeignKey(WriteBatch, null=True, blank=True, on_delete=models.PROTECT,
                             db_index=False, related_name="+", editable=False,
                             verbose_name="lô ghi")


class DataVersion(models.Model):
    """Phiên bản dữ liệu: a token that changes with every recorded write of an area.

    Cached page fragments carry the tokens of the areas they read in their cache key
    (`dangvien.core.fragments`), so a write makes every older fragment unreachable. The
    token is random, not a counter: a write that rolls back, or a database restored from
    a backup, can never bring back a token that names other data.
    """

    area = models.CharField("vùng dữ liệu", max_length=16, primary_key=True)
    token = models.CharField("mã phiên bản", max_length=16)

    class Meta:
        verbose_name = "phiên bản dữ liệu"
        verbose_name_plural = "phiên bản dữ liệu"

    def __str__(self) -> str:
        return f"{self.area}: {self.token}"
