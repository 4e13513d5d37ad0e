"""Shared model pieces."""

from django.db import models


class BaseModel(models.Model):
    """Adds creation and last-change times to every domain row."""

    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        abstract = True
