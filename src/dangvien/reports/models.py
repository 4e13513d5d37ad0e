"""Word templates of the party forms that a province administrator has replaced.

A form without a row here uses the template shipped in the package
(`reports/party_forms/<code>.docx`); going back to the default deletes the row (the audit
trail keeps who replaced what, and when)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PartyFormTemplate(models.Model):
    """Mẫu văn bản (.docx) do quản trị viên tỉnh thay cho mẫu mặc định của một biểu mẫu."""

    form = models.CharField("biểu mẫu", max_length=20, unique=True)
    content = models.BinaryField("nội dung tệp .docx")
    file_name = models.CharField("tên tệp tải lên", max_length=200)
    size = models.PositiveIntegerField("dung lượng (byte)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="người tải lên")
    uploaded_at = models.DateTimeField("lúc tải lên", auto_now=True)

    class Meta:
        verbose_name = "mẫu văn bản đã thay"
        verbose_name_plural = "mẫu văn bản đã thay"

    def __str__(self) -> str:
        return f"{self.form} ({self.file_name})"
