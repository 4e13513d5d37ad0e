"""People (quần chúng, đảng viên) and their party membership records."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from dangvien.accounts.scope import ScopedQuerySet, scope_filter
from dangvien.core import vn
from dangvien.core.models import BaseModel, BatchedManager, batch_field

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

    batch = batch_field()

    objects = BatchedManager.from_queryset(PersonQuerySet)()

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
        """Members on the rolls of their cell on `day`: started there by then, not yet left.

        A member is on exactly one cell's rolls on any day: a transfer ends the sending
        cell's row on the day the receiving cell starts its own (docs/decisions.md).
        """
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )

    def bulk_create(self, objs, *args, **kwargs):
        # Bulk loaders (demo, import) skip save(): a row without its own start began
        # in its cell on the day of admission.
        objs = list(objs)
        for obj in objs:
            if obj.started_on is None:
                obj.started_on = obj.admitted_on
        return super().bulk_create(objs, *args, **kwargs)


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
    started_on = models.DateField(
        "ngày bắt đầu sinh hoạt tại chi bộ",
        help_text="Ngày vào Đảng, hoặc ngày chi bộ tiếp nhận đảng viên chuyển đến.",
    )
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next",
        verbose_name="hồ sơ ở chi bộ trước",
        help_text="Hồ sơ ở chi bộ cũ khi đảng viên chuyển sinh hoạt đến chi bộ này.",
    )

    batch = batch_field()

    objects = BatchedManager.from_queryset(MembershipQuerySet)()

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
            models.CheckConstraint(
                condition=Q(started_on__gte=models.F("admitted_on")),
                name="membership_started_after_admitted",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ended_after_started",
            ),
        ]
        indexes = [models.Index(fields=["cell", "status"], name="membership_cell_status")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.started_on is None:
            self.started_on = self.admitted_on
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def party_age_from(self) -> dt.date:
        """Tuổi đảng tính từ ngày quyết định kết nạp."""
        return self.decided_on or self.admitted_on


class EventKind(models.TextChoices):
    """Loại biến động đảng viên (values of the endings are those of `MemberStatus`)."""

    ADMITTED = "ket_nap", "Kết nạp (đảng viên dự bị)"
    RECOGNISED = "chinh_thuc", "Công nhận đảng viên chính thức"
    REMOVED = "xoa_ten", "Xóa tên"
    LEFT = "ra_khoi_dang", "Cho ra khỏi Đảng"
    EXPELLED = "khai_tru", "Khai trừ"
    DECEASED = "tu_tran", "Từ trần"
    TRANSFERRED_OUT = "chuyen_di", "Chuyển sinh hoạt đi"
    TRANSFERRED_IN = "chuyen_den", "Chuyển sinh hoạt đến"


#: Events that take a member off a cell's rolls.
ENDING_KINDS = frozenset({
    EventKind.REMOVED, EventKind.LEFT, EventKind.EXPELLED, EventKind.DECEASED,
    EventKind.TRANSFERRED_OUT,
})


class MembershipEventQuerySet(ScopedQuerySet, models.QuerySet):
    scope_path = "cell__path"


class MembershipEvent(models.Model):
    """Biến động đảng viên: một sự kiện có ngày trên hồ sơ đảng viên.

    Append-only history. The membership's columns (status, recognized_on, ended_on,
    started_on) are the current state the counts read; the service that writes an
    event writes those columns in the same transaction (docs/decisions.md).
    """

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="events", verbose_name="hồ sơ đảng viên"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="membership_events", verbose_name="người"
    )
    kind = models.CharField("loại biến động", max_length=20, choices=EventKind.choices)
    on = models.DateField("ngày hiệu lực")
    cell = models.ForeignKey(
        "org.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name="chi bộ"
    )
    decision_no = models.CharField("số quyết định, số giấy", max_length=60, blank=True, default="")
    decision_on = models.DateField("ngày quyết định", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True, default="")
    transfer = models.ForeignKey(
        "people.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="events",
        verbose_name="chuyển sinh hoạt",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="người ghi",
    )
    created_at = models.DateTimeField("ghi lúc", auto_now_add=True)
    #: A status event recorded by mistake is cancelled, never deleted: it stays in the
    #: history, marked, and no longer counts (people.services.membership_end_cancel).
    cancelled_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="người hủy",
    )
    # A database default too: bulk loaders and imports insert events with plain SQL.
    cancel_reason = models.CharField("lý do hủy", max_length=500, blank=True, default="",
                                     db_default="")

    batch = batch_field()

    objects = BatchedManager.from_queryset(MembershipEventQuerySet)()

    class Meta:
        verbose_name = "biến động đảng viên"
        verbose_name_plural = "biến động đảng viên"
        ordering = ["on", "id"]
        indexes = [
            models.Index(fields=["person", "on"], name="memberevent_person_on"),
            models.Index(fields=["membership", "on"], name="memberevent_membership_on"),
            models.Index(fields=["kind", "on"], name="memberevent_kind_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {vn.format_date(self.on)}"


class TransferKind(models.TextChoices):
    """Phạm vi chuyển sinh hoạt đảng chính thức."""

    WITHIN = "trong_tinh", "Trong tỉnh (chi bộ nơi đến xác nhận)"
    OUT = "ra_ngoai_tinh", "Ra ngoài tỉnh"
    IN = "tu_ngoai_tinh", "Từ ngoài tỉnh đến"


class TransferStatus(models.TextChoices):
    """Tình trạng chuyển sinh hoạt."""

    PENDING = "cho_tiep_nhan", "Chờ nơi đến tiếp nhận"
    DONE = "hoan_tat", "Đã hoàn tất"
    REFUSED = "khong_tiep_nhan", "Nơi đến không tiếp nhận"
    WITHDRAWN = "rut_lai", "Nơi đi đã rút lại"


class TransferQuerySet(models.QuerySet):
    def incoming_for(self, user, role: str | None = None) -> TransferQuerySet:
        return scope_filter(self, user, "to_cell__path", role=role)

    def outgoing_for(self, user, role: str | None = None) -> TransferQuerySet:
        return scope_filter(self, user, "from_cell__path", role=role)


class Transfer(BaseModel):
    """Chuyển sinh hoạt đảng chính thức: giấy giới thiệu, nơi đi, nơi đến, xác nhận tiếp nhận."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="transfers", verbose_name="đảng viên"
    )
    kind = models.CharField("phạm vi", max_length=20, choices=TransferKind.choices)
    status = models.CharField(
        "tình trạng", max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_out",
        verbose_name="hồ sơ ở nơi đi",
    )
    new_membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="transfer_in",
        verbose_name="hồ sơ ở nơi đến",
    )
    from_cell = models.ForeignKey(
        "org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="chi bộ nơi đi",
    )
    to_cell = models.ForeignKey(
        "org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="chi bộ nơi đến",
    )
    outside_unit = models.CharField(
        "tổ chức đảng ngoài tỉnh", max_length=300, blank=True, default="",
        help_text="Nơi đến (chuyển ra ngoài tỉnh) hoặc nơi đi (chuyển từ ngoài tỉnh đến).",
    )
    letter_no = models.CharField("số giấy giới thiệu sinh hoạt đảng", max_length=60)
    letter_on = models.DateField("ngày giới thiệu chuyển đi")
    reason = models.CharField("lý do chuyển", max_length=300, blank=True, default="")
    received_on = models.DateField("ngày tiếp nhận", null=True, blank=True)
    refusal_reason = models.CharField("lý do không tiếp nhận", max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="người lập",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="người tiếp nhận hoặc từ chối",
    )

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = "chuyển sinh hoạt đảng"
        verbose_name_plural = "chuyển sinh hoạt đảng"
        ordering = ["-letter_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="cho_tiep_nhan"),
                name="transfer_one_pending_per_person",
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=models.F("letter_on")),
                name="transfer_received_after_letter",
            ),
        ]
        indexes = [
            models.Index(fields=["to_cell", "status"], name="transfer_to_status"),
            models.Index(fields=["from_cell", "status"], name="transfer_from_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_kind_display()}, {self.get_status_display()})"
