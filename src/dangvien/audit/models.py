"""Append-only audit trail (nhật ký thay đổi), chained by hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Một dòng nhật ký: ai, lúc nào, làm gì, trước và sau."""

    at = models.DateTimeField("thời điểm")
    actor = models.ForeignKey(
        # PROTECT: the row hash covers the actor, so a user who wrote history cannot be
        # deleted (deactivate them instead); SET_NULL would break the chain.
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="người thực hiện",
    )
    actor_name = models.CharField("tên đăng nhập", max_length=150, blank=True, default="")
    action = models.CharField("hành động", max_length=64)
    object_type = models.CharField("loại đối tượng", max_length=64)
    object_id = models.CharField("mã đối tượng", max_length=64, blank=True, default="")
    unit_path = models.CharField(max_length=255, blank=True, default="")
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Nhật ký thay đổi chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Nhật ký thay đổi chỉ được ghi thêm, không được xóa.")


class AuditHead(models.Model):
    """The chain's newest hash and length: one row, locked while appending.

    Without it, deleting the newest rows would leave a chain that still verifies; since
    it lives in the same database, the head log outside it (chain.py) backs it up.
    `epoch` names this chain in the head log: a database flushed or created anew starts
    a new head row, hence a new epoch, and the log's lines of older chains no longer apply.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    count = models.BigIntegerField(default=0)
    epoch = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"

    def __str__(self) -> str:
        return f"{self.count} dòng, cuối #{self.last_id}"
