"""Period reports (báo cáo định kỳ theo kỳ báo cáo) that go up the tree with approval."""

from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    name = "dangvien.periods"
    label = "periods"
    verbose_name = "Kỳ báo cáo, báo cáo định kỳ"
