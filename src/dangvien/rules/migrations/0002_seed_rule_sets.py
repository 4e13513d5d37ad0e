"""Seed the three rule sets of the Charter's implementing regulation (2021, 2025, 2025).

The admission parameters did not change between them; what changes is the regulation
cited and the date each took effect. The administrator edits them in the admin.
"""

import datetime as dt

from django.db import migrations

RULE_SETS = [
    ("qd-24-2021", "QĐ 24-QĐ/TW",
     "Quy định số 24-QĐ/TW ngày 30/7/2021 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng",
     dt.date(2021, 7, 30)),
    ("qd-232-2025", "QĐ 232-QĐ/TW",
     "Quy định số 232-QĐ/TW ngày 20/01/2025 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng",
     dt.date(2025, 1, 20)),
    ("qd-294-2025", "QĐ 294-QĐ/TW",
     "Quy định số 294-QĐ/TW của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng "
     "(có hiệu lực từ 01/7/2025)",
     dt.date(2025, 7, 1)),
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for code, short_name, name, effective_from in RULE_SETS:
        RuleSet.objects.update_or_create(
            code=code,
            defaults={"short_name": short_name, "name": name, "effective_from": effective_from},
        )


def unseed(apps, schema_editor):
    apps.get_model("rules", "RuleSet").objects.filter(code__in=[r[0] for r in RULE_SETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
