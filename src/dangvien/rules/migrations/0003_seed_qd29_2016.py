"""Seed QĐ 29-QĐ/TW (25/7/2016), in force until QĐ 24 (30/7/2021), so that admissions of
2016–2021 are judged by the rules of their day. Same parameters; its points are numbered
one level shallower than QĐ 24's."""

import datetime as dt

from django.db import migrations

REFERENCES = {
    "tuoi_toi_thieu": "QĐ 29-QĐ/TW, điểm 1.1",
    "tuoi_toi_da": "QĐ 29-QĐ/TW, điểm 1.1",
    "hoc_van": "QĐ 29-QĐ/TW, điểm 1.2; Hướng dẫn 01-HD/TW (2016), điểm 1.2",
    "so_nguoi_gioi_thieu": "Điều lệ Đảng, Điều 4 khoản 2; QĐ 29-QĐ/TW, điểm 3.1, 3.2",
    "gioi_thieu_chinh_thuc": "QĐ 29-QĐ/TW, điểm 3.2",
    "gioi_thieu_thoi_gian": "QĐ 29-QĐ/TW, điểm 3.2",
    "nghi_quyet_doan_the": "QĐ 29-QĐ/TW, điểm 3.1",
    "le_ket_nap_dung_han": "QĐ 29-QĐ/TW, điểm 4.1",
    "het_du_bi": "Điều lệ Đảng, Điều 5; QĐ 29-QĐ/TW, điểm 4.2",
    "thoi_han_quyet_dinh": "QĐ 29-QĐ/TW, điểm 4.3.1",
}


def seed(apps, schema_editor):
    apps.get_model("rules", "RuleSet").objects.update_or_create(
        code="qd-29-2016",
        defaults={
            "short_name": "QĐ 29-QĐ/TW",
            "name": "Quy định số 29-QĐ/TW ngày 25/7/2016 của Ban Chấp hành Trung ương về thi "
                    "hành Điều lệ Đảng",
            "effective_from": dt.date(2016, 7, 25),
            "references": REFERENCES,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("rules", "RuleSet").objects.filter(code="qd-29-2016").delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_seed_rule_sets")]
    operations = [migrations.RunPython(seed, unseed)]
