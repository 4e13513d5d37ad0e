from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _seed(sender, **kwargs) -> None:
    from dangvien.core.seeding import seed_if_empty

    seed_if_empty("core.CalendarDay", "dangvien.core.migrations.0002_seed_calendar_days")


class CoreConfig(AppConfig):
    name = "dangvien.core"
    label = "core"
    verbose_name = "Dùng chung"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from dangvien.core import fragments
        from dangvien.core.db import register_sqlite_functions

        request_started.connect(fragments.request_started, dispatch_uid="dangvien.fragments.start")
        request_finished.connect(fragments.request_finished, dispatch_uid="dangvien.fragments.end")

        post_migrate.connect(_seed, sender=self, dispatch_uid="dangvien.core.seed")
        connection_created.connect(register_sqlite_functions,
                                   dispatch_uid="dangvien.core.sqlite_functions")
