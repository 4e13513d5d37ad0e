from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dangvien.people"
    label = "people"
    verbose_name = "Nhân sự, đảng viên"

    def ready(self) -> None:
        from dangvien.org.hooks import report_with

        from . import reorganise

        report_with(reorganise.what_follows)
