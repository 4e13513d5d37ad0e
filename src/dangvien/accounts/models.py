"""Role assignments: a user's role on an organisation unit covers its whole subtree."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangvien.core.models import BaseModel


class Role(models.TextChoices):
    """Vai trò trên một đơn vị."""

    VIEWER = "xem", "Xem"
    EDITOR = "nhap", "Cập nhật"
    APPROVER = "duyet", "Phê duyệt"
    ADMIN = "quan_tri", "Quản trị"


#: Each role includes the rights of those before it.
ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.APPROVER: 3, Role.ADMIN: 4}


class RoleAssignment(BaseModel):
    """Phân quyền: người dùng giữ vai trò trên một đơn vị và toàn bộ cấp dưới."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles",
        verbose_name="người dùng",
    )
    unit = models.ForeignKey(
        "org.OrgUnit", on_delete=models.CASCADE, related_name="role_assignments",
        verbose_name="đơn vị",
    )
    role = models.CharField("vai trò", max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="role_one_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
