from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dangvien.plans"
    label = "plans"
    verbose_name = "Kế hoạch, chỉ tiêu"

    def ready(self) -> None:
        from dangvien.org.hooks import close_with

        from . import reorganise

        close_with(reorganise.carry_allocations)
