"""Mã truy cập API (personal access tokens): a user's key for other programs."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """Mã truy cập API: acts as its user, with the user's roles of the moment.

    Only `prefix` (to find the row) and the SHA-256 of the whole token are stored; the
    token itself is shown once, when it is made.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name="người dùng")
    name = models.CharField("tên gợi nhớ", max_length=100)
    prefix = models.CharField("tiền tố", max_length=16, unique=True)
    secret_hash = models.CharField("mã băm SHA-256", max_length=64)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    expires_on = models.DateField("hết hạn sau ngày", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    last_used_at = models.DateTimeField("dùng lần cuối lúc", null=True, blank=True)

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        # Never the secret: the rate limit and logs key on this text.
        return f"{self.name} ({self.prefix}…)"

    def state_on(self, today) -> str:
        """Tình trạng: còn hiệu lực, đã thu hồi, hết hạn."""
        if self.revoked_at is not None:
            return "đã thu hồi"
        if self.expires_on is not None and self.expires_on < today:
            return "hết hạn"
        return "còn hiệu lực"
