from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "dangvien.rules"
    label = "rules"
    verbose_name = "Quy định áp dụng"
