from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dangvien.plans"
    label = "plans"
    verbose_name = "Kế hoạch, chỉ tiêu"
