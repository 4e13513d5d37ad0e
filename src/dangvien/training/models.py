"""Training classes (lớp bồi dưỡng), enrolments and certificates."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangvien.accounts.scope import ScopedQuerySet
from dangvien.core.models import BaseModel


class ClassKind(models.TextChoices):
    """Loại lớp bồi dưỡng."""

    AWARENESS = "nhan_thuc", "Bồi dưỡng nhận thức về Đảng"
    NEW_MEMBER = "dang_vien_moi", "Bồi dưỡng đảng viên mới"
    CELL_COMMITTEE = "cap_uy_chi_bo", "Bồi dưỡng nghiệp vụ cấp ủy chi bộ"


class TrainingClassQuerySet(ScopedQuerySet, models.QuerySet):
    scope_path = "organiser__path"


class TrainingClass(BaseModel):
    """Lớp bồi dưỡng do một cấp ủy (thường là trung tâm chính trị huyện) tổ chức."""

    kind = models.CharField("loại lớp", max_length=20, choices=ClassKind.choices)
    name = models.CharField("tên lớp", max_length=200)
    organiser = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="training_classes",
        verbose_name="đơn vị tổ chức",
    )
    starts_on = models.DateField("ngày khai giảng")
    ends_on = models.DateField("ngày bế giảng")

    objects = TrainingClassQuerySet.as_manager()

    class Meta:
        verbose_name = "lớp bồi dưỡng"
        verbose_name_plural = "lớp bồi dưỡng"
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="class_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class Result(models.TextChoices):
    """Kết quả học tập."""

    ENROLLED = "dang_hoc", "Đang học"
    PASSED = "dat", "Đạt yêu cầu, được cấp giấy chứng nhận"
    FAILED = "khong_dat", "Không đạt"
    ABSENT = "vang", "Bỏ học, vắng"


class EnrolmentQuerySet(ScopedQuerySet, models.QuerySet):
    scope_path = "person__unit__path"

    def certified(self) -> EnrolmentQuerySet:
        return self.filter(result=Result.PASSED, certificate_on__isnull=False)


class Enrolment(BaseModel):
    """Học viên của lớp: kết quả và giấy chứng nhận (mẫu CN-NTVĐ cho lớp nhận thức về Đảng)."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="enrolments", verbose_name="lớp"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="enrolments",
        verbose_name="học viên",
    )
    result = models.CharField("kết quả", max_length=12, choices=Result.choices,
                              default=Result.ENROLLED)
    certificate_number = models.CharField("số giấy chứng nhận", max_length=50, blank=True,
                                          default="")
    certificate_on = models.DateField("ngày cấp giấy chứng nhận", null=True, blank=True)
    certificate_expires_on = models.DateField("giấy chứng nhận hết hạn ngày", null=True,
                                              blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name="người ghi")
    #: The level that recorded the result: it (or a level above it) may correct it.
    result_unit = models.ForeignKey(
        "org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="cấp ghi kết quả")

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = "học viên"
        verbose_name_plural = "học viên"
        constraints = [
            models.UniqueConstraint(fields=["training_class", "person"], name="enrol_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.training_class}"

    @property
    def has_result(self) -> bool:
        return self.result != Result.ENROLLED

    def valid_on(self, day: dt.date) -> bool:
        """The certificate exists, was issued by `day` and has not expired on `day`."""
        return (
            self.result == Result.PASSED
            and self.certificate_on is not None
            and self.certificate_on <= day
            and (self.certificate_expires_on is None or day < self.certificate_expires_on)
        )


class ResultCorrection(models.Model):
    """Lần sửa kết quả học: giá trị cũ và mới, lý do, người sửa, lúc sửa (không bao giờ xóa)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="corrections",
                                  verbose_name="học viên")
    old_result = models.CharField("kết quả cũ", max_length=12, choices=Result.choices)
    new_result = models.CharField("kết quả mới", max_length=12, choices=Result.choices)
    old_certificate_number = models.CharField("số giấy cũ", max_length=50, blank=True, default="")
    new_certificate_number = models.CharField("số giấy mới", max_length=50, blank=True, default="")
    old_certificate_on = models.DateField("ngày cấp cũ", null=True, blank=True)
    new_certificate_on = models.DateField("ngày cấp mới", null=True, blank=True)
    reason = models.CharField("lý do sửa", max_length=500)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name="người sửa")
    corrected_by_name = models.CharField("người sửa", max_length=150, blank=True, default="")
    corrected_at = models.DateTimeField("lúc sửa", auto_now_add=True)

    class Meta:
        verbose_name = "lần sửa kết quả học"
        verbose_name_plural = "các lần sửa kết quả học"
        ordering = ["corrected_at", "id"]

    def __str__(self) -> str:
        return self.line

    @property
    def line(self) -> str:
        """"Sửa kết quả Không đạt → Đạt, lý do: …, bởi …, lúc …"."""
        from django.utils import timezone

        def shown(result, number, on):
            text = Result(result).label.split(",")[0]
            if on is not None:
                text += f" (giấy số {number or '—'} ngày {on:%d/%m/%Y})"
            return text

        old = shown(self.old_result, self.old_certificate_number, self.old_certificate_on)
        new = shown(self.new_result, self.new_certificate_number, self.new_certificate_on)
        at = timezone.localtime(self.corrected_at).strftime("%H:%M ngày %d/%m/%Y")
        return (f"Sửa kết quả {old} → {new}, lý do: {self.reason}, bởi "
                f"{self.corrected_by_name or 'hệ thống'}, lúc {at}")
