from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Đôn đốc: weekly digests of overdue and coming deadlines to each unit's officers."""

    name = "dangvien.reminders"
    verbose_name = "Đôn đốc"
