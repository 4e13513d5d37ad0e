"""The party organisation tree (hệ thống tổ chức đảng), with its history.

`OrgUnit` is the tree as it stands today (a treebeard materialized path, so a subtree
is one indexed prefix query). `OrgUnitVersion` keeps every earlier shape: each row is
a unit's name, parent and path over a half-open date range [valid_from, valid_to).
Asking "the tree as of 31/05/2022" filters versions to that date and uses their paths
exactly as the live tree uses its own.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from dangvien.accounts.scope import ScopedQuerySet
from dangvien.core.models import BaseModel


class UnitKind(models.TextChoices):
    """Loại tổ chức đảng."""

    PROVINCE = "tinh_uy", "Tỉnh ủy"
    DISTRICT = "huyen_uy", "Đảng bộ huyện, thành phố"
    BLOC = "khoi", "Đảng bộ khối"
    DIRECT = "truc_thuoc", "Đảng bộ trực thuộc (quân sự, công an)"
    GRASSROOTS_COMMITTEE = "dang_bo_co_so", "Đảng bộ cơ sở"
    GRASSROOTS_CELL = "chi_bo_co_so", "Chi bộ cơ sở"
    CELL = "chi_bo", "Chi bộ trực thuộc đảng ủy cơ sở"


#: Kinds that hold members directly (a member belongs to a cell).
CELL_KINDS = frozenset({UnitKind.GRASSROOTS_CELL, UnitKind.CELL})
#: Grassroots organisations (tổ chức cơ sở đảng).
GRASSROOTS_KINDS = frozenset({UnitKind.GRASSROOTS_COMMITTEE, UnitKind.GRASSROOTS_CELL})


class PlaceKind(models.TextChoices):
    """Loại hình nơi tổ chức đảng hoạt động."""

    COMMUNE = "xa", "Xã, phường, thị trấn"
    VILLAGE = "thon", "Thôn, bản, tổ dân phố"
    SCHOOL = "truong", "Trường học"
    AGENCY = "co_quan", "Cơ quan, đơn vị sự nghiệp"
    ENTERPRISE = "doanh_nghiep", "Doanh nghiệp"
    ARMED_FORCES = "quan_doi", "Quân đội"
    POLICE = "cong_an", "Công an"
    OTHER = "khac", "Khác"


class OrgUnitQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    scope_path = "path"

    def active_on(self, day: dt.date) -> OrgUnitQuerySet:
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class OrgUnitManager(MP_NodeManager):
    def get_queryset(self) -> OrgUnitQuerySet:
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")

    def for_user(self, user, role: str | None = None) -> OrgUnitQuerySet:
        return self.get_queryset().for_user(user, role)

    def active_on(self, day: dt.date) -> OrgUnitQuerySet:
        return self.get_queryset().active_on(day)


class OrgUnit(MP_Node, BaseModel):
    """Tổ chức đảng: Tỉnh ủy, đảng bộ trực thuộc, tổ chức cơ sở đảng, chi bộ."""

    code = models.CharField("mã đơn vị", max_length=32, unique=True)
    name = models.CharField("tên đơn vị", max_length=200)
    kind = models.CharField("loại tổ chức", max_length=20, choices=UnitKind.choices)
    place_kind = models.CharField(
        "loại hình", max_length=20, choices=PlaceKind.choices, blank=True, default=""
    )
    is_mountainous = models.BooleanField(
        "vùng cao, miền núi, dân tộc thiểu số", default=False,
        help_text="Được áp dụng ngoại lệ về trình độ học vấn khi kết nạp.",
    )
    valid_from = models.DateField("hiệu lực từ ngày")
    valid_to = models.DateField(
        "hết hiệu lực từ ngày", null=True, blank=True,
        help_text="Ngày đơn vị thôi tồn tại (sáp nhập, chia tách, giải thể); để trống nếu còn hoạt động.",
    )
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors",
        verbose_name="đơn vị kế thừa",
    )
    village_count = models.PositiveIntegerField(
        "số thôn, bản, tổ dân phố trên địa bàn", null=True, blank=True,
        help_text="Chỉ cho đảng bộ xã, phường, thị trấn: số thôn, bản, tổ dân phố hiện có "
        "trên địa bàn, để biết bao nhiêu nơi chưa có chi bộ. Để trống nếu chưa khai báo.",
    )

    steplen = 4
    objects = OrgUnitManager()

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="orgunit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def holds_members(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    def active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class OrgUnitVersionQuerySet(models.QuerySet):
    def on(self, day: dt.date) -> OrgUnitVersionQuerySet:
        """Versions in force on `day`."""
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class OrgUnitVersion(models.Model):
    """Một giai đoạn của tổ chức đảng: tên, cấp trên và vị trí trong cây trong một khoảng thời gian."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="versions")
    parent = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    # db_index (not Meta.indexes) so PostgreSQL also gets the pattern-ops index that
    # prefix queries (LIKE 'path%') need.
    path = models.CharField(max_length=255, db_index=True)
    depth = models.PositiveIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    objects = OrgUnitVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "lịch sử tổ chức đảng"
        verbose_name_plural = "lịch sử tổ chức đảng"
        indexes = [
            models.Index(fields=["unit", "valid_from"], name="orgversion_unit_from"),
            # What changed in a period (the progress dashboard asks whether anything moved).
            models.Index(fields=["valid_from"], name="orgversion_from"),
            models.Index(fields=["valid_to"], name="orgversion_to"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(valid_to__isnull=True), name="orgversion_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from}–{self.valid_to or '…'})"


class OrgChangeKind(models.TextChoices):
    """Loại thay đổi tổ chức."""

    CREATE = "thanh_lap", "Thành lập"
    RENAME = "doi_ten", "Đổi tên"
    MOVE = "dieu_chuyen", "Điều chuyển trực thuộc"
    MERGE = "sap_nhap", "Sáp nhập"
    SPLIT = "chia_tach", "Chia tách"
    DISSOLVE = "giai_the", "Giải thể"


class OrgChange(models.Model):
    """Quyết định thay đổi tổ chức (thành lập, đổi tên, điều chuyển, sáp nhập, chia tách, giải thể)."""

    kind = models.CharField(max_length=20, choices=OrgChangeKind.choices)
    effective = models.DateField("ngày hiệu lực")
    decision = models.CharField("số quyết định", max_length=100, blank=True, default="")
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    units = models.ManyToManyField(OrgUnit, related_name="changes")
    summary = models.CharField(max_length=500)
    #: What the change did, as the preview showed it: {"sections": [{title, items, count, note}]}.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thay đổi tổ chức"
        verbose_name_plural = "thay đổi tổ chức"
        ordering = ["effective", "id"]

    def __str__(self) -> str:
        return self.summary
