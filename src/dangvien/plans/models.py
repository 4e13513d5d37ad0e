"""Plans (kế hoạch phát triển đảng viên), their versions and allocations (giao chỉ tiêu).

A `Plan` is one document series of an issuing unit for a year ("77-KH/TU", 2022), which
may implement its parent unit's plan. Each issue or revision is a `PlanVersion` with
its own date and target; a mid-year revision adds a version and never erases the
original. A version allocates its target to the issuing unit's direct subordinates
(`Allocation`). The version in force on a date is the newest issued on or before it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangvien.accounts.scope import ScopedQuerySet
from dangvien.core.models import BaseModel


class PlanQuerySet(ScopedQuerySet, models.QuerySet):
    scope_path = "unit__path"


class Plan(BaseModel):
    """Kế hoạch phát triển đảng viên của một cấp ủy trong một năm."""

    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="plans",
                             verbose_name="cấp ủy ban hành")
    year = models.PositiveIntegerField("năm")
    number = models.CharField("số, ký hiệu", max_length=50,
                              help_text="Ví dụ: 77-KH/TU. Số đánh lại theo mỗi nhiệm kỳ.")
    title = models.CharField("trích yếu", max_length=300)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name="thực hiện kế hoạch của cấp trên")

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"], name="plan_number_once"),
        ]

    def __str__(self) -> str:
        return f"Kế hoạch số {self.number} ({self.year})"

    def version_on(self, day: dt.date) -> PlanVersion | None:
        """The issued version in force on `day` (None before the first issue)."""
        return (self.versions.filter(status__in=IN_FORCE, issued_on__lte=day)
                .order_by("-issued_on", "-revision").first())


class PlanStatus(models.TextChoices):
    """Tình trạng của một lần ban hành kế hoạch."""

    DRAFT = "du_thao", "Dự thảo"
    ISSUED = "ban_hanh", "Đã ban hành"
    REVISED = "da_dieu_chinh", "Đã được điều chỉnh (còn lưu)"


#: Versions that have been in force at some time (an issued one, or one later revised).
IN_FORCE = (PlanStatus.ISSUED, PlanStatus.REVISED)


class PlanVersion(BaseModel):
    """Một lần ban hành (hoặc điều chỉnh) kế hoạch: ngày, chỉ tiêu "trở lên", phân bổ."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    revision = models.PositiveIntegerField("lần", default=1,
                                           help_text="1 là bản ban hành đầu tiên.")
    status = models.CharField("tình trạng", max_length=20, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    target = models.PositiveIntegerField("chỉ tiêu kết nạp (trở lên)")
    note = models.TextField("nội dung điều chỉnh", blank=True, default="")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "lần ban hành kế hoạch"
        verbose_name_plural = "các lần ban hành kế hoạch"
        ordering = ["plan", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "revision"], name="planversion_revision_once"),
            models.CheckConstraint(condition=Q(status="du_thao") | Q(issued_on__isnull=False),
                                   name="planversion_issued_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — lần {self.revision}"


class Allocation(models.Model):
    """Chỉ tiêu giao cho một đơn vị trực thuộc trong một lần ban hành kế hoạch."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="allocations",
                             verbose_name="đơn vị được giao")
    target = models.PositiveIntegerField("chỉ tiêu")

    class Meta:
        verbose_name = "chỉ tiêu giao"
        verbose_name_plural = "chỉ tiêu giao"
        constraints = [
            models.UniqueConstraint(fields=["version", "unit"], name="allocation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.target}"
