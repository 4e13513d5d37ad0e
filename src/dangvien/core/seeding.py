"""Reference data that must exist: seeded by data migrations, and again after a flush.

`flush` (used by tests that need real transactions, and by administrators resetting a
database) empties every table, then sends `post_migrate`. These handlers put the seeded
reference data back, but only into an empty table, so an administrator's edits and
deletions in a table that has rows are never undone.
"""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps


def seed_if_empty(model_label: str, *migrations: str) -> None:
    """Run the `seed` function of each data migration when `model_label` has no rows."""
    model = django_apps.get_model(model_label)
    if model.objects.exists():
        return
    for module in migrations:
        importlib.import_module(module).seed(django_apps, None)
