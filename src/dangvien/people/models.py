"""People (quần chúng, đảng viên) and their party membership records."""

from __future__ import annotations

import datetime as dt

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from dangvien.accounts.scope import ScopedQuerySet
from dangvien.core import vn
from dangvien.core.models import BaseModel

from .choices import (
    ETHNIC_GROUPS,
    KINH,
    Education,
    Gender,
    MemberStatus,
    Occupation,
    Religion,
)

cccd_validator = RegexValidator(
    r"^\d{12}$", "Số CCCD phải gồm đúng 12 chữ số (không có chữ, dấu cách hay dấu chấm)."
)


class PersonQuerySet(ScopedQuerySet, models.QuerySet):
    scope_path = "unit__path"

    def search(self, text: str) -> PersonQuerySet:
        """Match every word of `text`, with or without diacritics."""
        qs = self
        for word in vn.fold(text).split():
            qs = qs.filter(search_name__contains=word)
        return qs


class Person(BaseModel):
    """Người: lý lịch dùng chung cho quần chúng ưu tú và đảng viên."""

    full_name = models.CharField("họ và tên", max_length=120)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    gender = models.CharField("giới tính", max_length=3, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh")
    ethnicity = models.CharField(
        "dân tộc", max_length=30, choices=[(e, e) for e in ETHNIC_GROUPS], default=KINH
    )
    religion = models.CharField(
        "tôn giáo", max_length=20, choices=Religion.choices, default=Religion.NONE
    )
    cccd = models.CharField(
        "số CCCD", max_length=12, null=True, blank=True, unique=True,
        validators=[cccd_validator],
    )
    home_address = models.CharField("quê quán, nơi ở", max_length=300, blank=True, default="")
    education = models.CharField(
        "trình độ giáo dục phổ thông", max_length=20, choices=Education.choices,
        default=Education.UPPER_SECONDARY,
    )
    occupation = models.CharField(
        "nghề nghiệp", max_length=30, choices=Occupation.choices, default=Occupation.OTHER
    )
    unit = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="people",
        verbose_name="đơn vị quản lý",
        help_text="Chi bộ đang quản lý hồ sơ của người này; quyết định ai được xem.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "người"
        verbose_name_plural = "người"
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.full_name

    def fill_derived(self) -> None:
        """Fill the search and sort columns from the name (bulk loaders call this too)."""
        self.full_name = vn.normalize_spaces(self.full_name)
        self.search_name = vn.fold(self.full_name)
        self.sort_key = vn.name_sort_key(self.full_name)

    def save(self, *args, **kwargs):
        self.fill_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name", "sort_key"}
        super().save(*args, **kwargs)

    @property
    def is_ethnic_minority(self) -> bool:
        return self.ethnicity != KINH

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class MembershipQuerySet(ScopedQuerySet, models.QuerySet):
    scope_path = "cell__path"

    def active_on(self, day: dt.date) -> MembershipQuerySet:
        """Members on the rolls on `day` (admitted, not yet left)."""
        return self.filter(admitted_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )


class Membership(BaseModel):
    """Hồ sơ đảng viên: sinh hoạt ở một chi bộ, dự bị rồi chính thức."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name="người"
    )
    cell = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="memberships",
        verbose_name="chi bộ",
    )
    status = models.CharField(
        "tình trạng", max_length=20, choices=MemberStatus.choices,
        default=MemberStatus.PROBATIONARY,
    )
    decided_on = models.DateField("ngày quyết định kết nạp", null=True, blank=True)
    admitted_on = models.DateField("ngày vào Đảng")
    recognized_on = models.DateField("ngày chính thức", null=True, blank=True)
    card_number = models.CharField("số thẻ đảng viên", max_length=20, blank=True, default="")
    ended_on = models.DateField(
        "ngày thôi sinh hoạt", null=True, blank=True,
        help_text="Ngày xóa tên, ra khỏi Đảng, khai trừ, từ trần hoặc chuyển đi.",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_on__isnull=True),
                name="membership_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(recognized_on__isnull=True) | Q(recognized_on__gte=models.F("admitted_on")),
                name="membership_recognized_after_admitted",
            ),
        ]
        indexes = [models.Index(fields=["cell", "status"], name="membership_cell_status")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"

    @property
    def party_age_from(self) -> dt.date:
        """Tuổi đảng tính từ ngày quyết định kết nạp."""
        return self.decided_on or self.admitted_on
