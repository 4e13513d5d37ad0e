"""Seed the rating rule sets: QĐ 132 (2018), QĐ 124 (2023), QĐ 366 (2025).

QĐ 132 and QĐ 124 rate in four levels, "xuất sắc" at most 20% of "tốt" in a group;
QĐ 366 scores 0–100 (≥90 xuất sắc, 70–<90 tốt, 50–<70 hoàn thành, <50 không hoàn
thành). The screening figures (Hướng dẫn 02-HD/BTCTW) are the same in all three; the
administrator edits them in the admin.
"""

from django.db import migrations

SCREENING = "Chỉ thị 28-CT/TW ngày 21/01/2019; Hướng dẫn 02-HD/BTCTW ngày 12/4/2021"
RULE_SETS = [
    ("qd-132-2018", "QĐ 132-QĐ/TW",
     "Quy định số 132-QĐ/TW ngày 08/3/2018 của Bộ Chính trị về kiểm điểm và đánh giá, xếp loại "
     "chất lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị", 2018, False),
    ("qd-124-2023", "QĐ 124-QĐ/TW",
     "Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị về kiểm điểm và đánh giá, xếp loại "
     "chất lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị", 2023, False),
    ("qd-366-2025", "QĐ 366-QĐ/TW",
     "Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị về kiểm điểm, đánh giá, xếp loại "
     "chất lượng đối với tập thể, cá nhân trong hệ thống chính trị (thang 100 điểm)", 2025, True),
]


def seed(apps, schema_editor):
    RatingRuleSet = apps.get_model("ratings", "RatingRuleSet")
    for code, short_name, name, from_year, uses_score in RULE_SETS:
        RatingRuleSet.objects.update_or_create(
            code=code,
            defaults={"short_name": short_name, "name": name, "from_year": from_year,
                      "uses_score": uses_score, "references": f"{short_name}; {SCREENING}"},
        )


def unseed(apps, schema_editor):
    apps.get_model("ratings", "RatingRuleSet").objects.filter(
        code__in=[r[0] for r in RULE_SETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
