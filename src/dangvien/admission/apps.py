from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AdmissionConfig(AppConfig):
    name = "dangvien.admission"
    label = "admission"
    verbose_name = "Kết nạp đảng viên"

    def ready(self) -> None:
        from dangvien.org.hooks import report_with, watch

        from . import counts, reorganise

        watch(counts.recounting)
        report_with(reorganise.what_follows)
        post_migrate.connect(_count_if_missing, sender=self)


def _count_if_missing(sender, using="default", **kwargs) -> None:
    """A database migrated with candidacies but no counters yet (an upgrade, or a
    restore of the candidacies alone) gets them counted once."""
    from .counts import rebuild
    from .models import AdmissionCount, Candidacy

    if not AdmissionCount.objects.using(using).exists() and Candidacy.objects.using(using).exists():
        rebuild()
