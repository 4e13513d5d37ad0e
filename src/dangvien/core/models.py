"""Shared model pieces."""

from django.db import models

from dangvien.core.vn import format_date


class BaseModel(models.Model):
    """Adds creation and last-change times to every domain row."""

    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        abstract = True


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
