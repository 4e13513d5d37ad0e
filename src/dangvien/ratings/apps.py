"""Yearly member quality ratings and screening (đánh giá, xếp loại chất lượng; sàng lọc)."""
from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed(sender, **kwargs) -> None:
    from dangvien.core.seeding import seed_if_empty

    seed_if_empty("ratings.RatingRuleSet", "dangvien.ratings.migrations.0002_seed_rule_sets")


class RatingsConfig(AppConfig):
    name = "dangvien.ratings"
    label = "ratings"
    verbose_name = "Đánh giá, xếp loại, sàng lọc đảng viên"

    def ready(self) -> None:
        post_migrate.connect(_seed, sender=self, dispatch_uid="dangvien.ratings.seed")
