from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "dangvien.exchange"
    label = "exchange"
    verbose_name = "Trao đổi dữ liệu Excel"

    def ready(self) -> None:
        from dangvien.jobs.files import register

        from .export.job import FILE_KIND

        register(FILE_KIND)  # large lists are made by `dangvien worker`
