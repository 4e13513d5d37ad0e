"""Nhắc việc đã gửi (đôn đốc): one row per recipient per as-of date."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    """Kênh gửi."""

    EMAIL = "email", "Thư điện tử"


class Outcome(models.TextChoices):
    """Kết quả gửi."""

    SENT = "da_gui", "Đã gửi"
    FAILED = "loi", "Gửi lỗi"
    NO_EMAIL = "chua_co_email", "Chưa có email"


class Reminder(models.Model):
    """Một lần đôn đốc: the digest one officer was sent (or could not be sent) for a date.

    One per recipient and as-of date: running the command again the same day sends
    nothing new to whoever already got theirs; a failed or address-less one is retried.
    Holds counts and candidacy ids, never a citizen ID or a biography.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders",
        verbose_name="người nhận")
    units = models.ManyToManyField("org.OrgUnit", related_name="reminders",
                                   verbose_name="đơn vị")
    as_of = models.DateField("tính đến ngày")
    sent_at = models.DateTimeField("gửi lúc")
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices,
                               default=Channel.EMAIL)
    email = models.CharField("địa chỉ email", max_length=254, blank=True)
    outcome = models.CharField("kết quả", max_length=16, choices=Outcome.choices)
    error = models.CharField("lỗi", max_length=300, blank=True)
    overdue = models.PositiveIntegerField("số việc quá hạn", default=0)
    due_soon = models.PositiveIntegerField("số việc sắp đến hạn", default=0)
    #: Candidacy ids the digest listed (hồ sơ), for "who was reminded of what".
    candidacy_ids = models.JSONField("hồ sơ", default=list)
    #: [{"code", "name", "overdue", "due_soon"}] as sent.
    unit_counts = models.JSONField("số việc theo đơn vị", default=list)

    class Meta:
        verbose_name = "lần đôn đốc"
        verbose_name_plural = "các lần đôn đốc"
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "as_of"], name="reminder_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.as_of}"

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon
