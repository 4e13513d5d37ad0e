"""Reporting periods (kỳ báo cáo) and the period reports units submit for them.

A `ReportingPeriod` is set by the province: a quarter, six months or a year, with a due
date for each level. Each unit holding an allocation of the year's plans submits one
`PeriodReport` per period: a frozen snapshot of its figures as of the period's end and a
narrative. The level above returns or approves it; an approved report locks the records
dated inside the period in the unit's subtree (`periods.locks`) until it is reopened.
Every action is a `ReportAction` row (the history shown on the report page) and an audit
row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from dangvien.accounts.scope import ScopedQuerySet
from dangvien.core.models import BaseModel


class PeriodKind(models.TextChoices):
    """Loại kỳ báo cáo."""

    QUARTER = "quy", "Quý"
    HALF = "sau_thang", "6 tháng"
    YEAR = "nam", "Năm"


class Level(models.TextChoices):
    """Cấp báo cáo: which due date applies to a unit."""

    CELL = "chi_bo", "Chi bộ"
    GRASSROOTS = "co_so", "Đảng bộ cơ sở, chi bộ cơ sở"
    DISTRICT = "huyen", "Huyện ủy và tương đương"
    PROVINCE = "tinh", "Tỉnh ủy"


class ReportingPeriod(BaseModel):
    """Kỳ báo cáo: quý, 6 tháng hoặc năm, với hạn nộp của từng cấp."""

    kind = models.CharField("loại kỳ", max_length=12, choices=PeriodKind.choices)
    label = models.CharField("tên kỳ", max_length=80,
                             help_text="Ví dụ: Quý II/2022, 6 tháng đầu năm 2022, Năm 2022.")
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    due_cell = models.DateField("hạn nộp của chi bộ")
    due_grassroots = models.DateField("hạn nộp của đảng bộ cơ sở")
    due_district = models.DateField("hạn nộp của huyện ủy và tương đương")
    due_province = models.DateField("hạn nộp của tỉnh ủy")

    class Meta:
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        ordering = ["-ends_on", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="period_ends_after_start"),
            models.UniqueConstraint(fields=["kind", "starts_on"], name="period_kind_start_once"),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="period_dates")]

    def __str__(self) -> str:
        return self.label

    def due_for(self, level: str):
        return {Level.CELL: self.due_cell, Level.GRASSROOTS: self.due_grassroots,
                Level.DISTRICT: self.due_district, Level.PROVINCE: self.due_province}[level]

    @property
    def year(self) -> int:
        return self.ends_on.year


class ReportStatus(models.TextChoices):
    """Tình trạng của báo cáo định kỳ."""

    DRAFT = "chua_nop", "Chưa nộp"
    SUBMITTED = "da_nop", "Đã nộp"
    RETURNED = "bi_tra_lai", "Bị trả lại"
    APPROVED = "da_duyet", "Đã duyệt"
    REOPENED = "mo_lai", "Mở lại"


#: States in which the unit may edit and (re)submit.
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.REOPENED)


class PeriodReportQuerySet(ScopedQuerySet, models.QuerySet):
    scope_path = "unit__path"


class PeriodReport(BaseModel):
    """Báo cáo định kỳ của một đơn vị trong một kỳ báo cáo."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports",
                               verbose_name="kỳ báo cáo")
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT,
                             related_name="period_reports", verbose_name="đơn vị báo cáo")
    above = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+",
                              verbose_name="cấp duyệt",
                              help_text="Cấp ủy giao chỉ tiêu cho đơn vị (chính đơn vị, nếu "
                                        "là cấp cao nhất).")
    status = models.CharField("tình trạng", max_length=12, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    narrative = models.TextField("nội dung báo cáo", blank=True, default="")
    snapshot = models.JSONField("số liệu chốt khi nộp", null=True, blank=True)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = PeriodReportQuerySet.as_manager()

    class Meta:
        verbose_name = "báo cáo định kỳ"
        verbose_name_plural = "báo cáo định kỳ"
        ordering = ["period", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="period_report_once"),
        ]
        indexes = [models.Index(fields=["status", "unit"], name="period_report_status")]

    def __str__(self) -> str:
        return f"{self.period.label} — {self.unit.name}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class ActionKind(models.TextChoices):
    """Việc đã làm trên một báo cáo định kỳ."""

    SAVE = "luu", "Lưu nội dung"
    SUBMIT = "nop", "Nộp báo cáo"
    RETURN = "tra_lai", "Trả lại"
    APPROVE = "duyet", "Duyệt"
    REOPEN = "mo_lai", "Mở lại kỳ báo cáo"


class ReportAction(models.Model):
    """Một việc trong lịch sử của báo cáo: ai, lúc nào, làm gì, ý kiến."""

    report = models.ForeignKey(PeriodReport, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField("việc", max_length=10, choices=ActionKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField("người làm", max_length=150, blank=True, default="")
    at = models.DateTimeField("lúc")
    comment = models.TextField("ý kiến", blank=True, default="")

    class Meta:
        verbose_name = "lịch sử báo cáo định kỳ"
        verbose_name_plural = "lịch sử báo cáo định kỳ"
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.by_name}"
