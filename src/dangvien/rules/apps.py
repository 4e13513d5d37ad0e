from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed(sender, **kwargs) -> None:
    from dangvien.core.seeding import seed_if_empty

    seed_if_empty("rules.RuleSet", "dangvien.rules.migrations.0002_seed_rule_sets",
                  "dangvien.rules.migrations.0003_seed_qd29_2016")


class RulesConfig(AppConfig):
    name = "dangvien.rules"
    label = "rules"
    verbose_name = "Quy định áp dụng"

    def ready(self) -> None:
        post_migrate.connect(_seed, sender=self, dispatch_uid="dangvien.rules.seed")
