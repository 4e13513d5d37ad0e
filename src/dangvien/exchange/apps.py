from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "dangvien.exchange"
    label = "exchange"
    verbose_name = "Trao đổi dữ liệu Excel"
