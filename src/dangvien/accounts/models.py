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


#: Roles whose holders must sign in with a second factor (as must superusers).
SECOND_FACTOR_ROLES = frozenset({Role.APPROVER, Role.ADMIN})


class AccountProfile(models.Model):
    """Thông tin tài khoản: phải đổi mật khẩu tạm, ai tạo tài khoản.

    One row per account, made by the account services; a user without one (made by
    `createsuperuser` or the demo) is treated as having nothing pending.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="profile", verbose_name="người dùng",
    )
    must_change_password = models.BooleanField("phải đổi mật khẩu khi đăng nhập", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="người tạo",
    )
    password_changed_at = models.DateTimeField("đổi mật khẩu lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông tin tài khoản"
        verbose_name_plural = "thông tin tài khoản"

    def __str__(self) -> str:
        return str(self.user)
