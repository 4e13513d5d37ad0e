from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dangvien.reports"
    label = "reports"
    verbose_name = "Báo cáo, văn bản"

    def ready(self) -> None:
        from dangvien.jobs.files import register

        from .job import FILE_KIND

        register(FILE_KIND)  # PDF reports of large units are made by `dangvien worker`
