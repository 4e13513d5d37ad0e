from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dangvien.training"
    label = "training"
    verbose_name = "Bồi dưỡng, đào tạo"

    def ready(self) -> None:
        from dangvien.org.hooks import report_with

        from . import reorganise

        report_with(reorganise.what_follows)
