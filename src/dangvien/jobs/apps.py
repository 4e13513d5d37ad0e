from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Việc chạy nền: the processes that run the job queue (`dangvien worker`)."""

    name = "dangvien.jobs"
    verbose_name = "Việc chạy nền"
