from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dangvien.reports"
    label = "reports"
    verbose_name = "Báo cáo, văn bản"
