"""Days off and make-up working days the government announced for the public sector, 2022–2026.

Only the swaps of working days (hoán đổi ngày làm việc) are here: the statutory holidays
and their compensatory days (nghỉ bù when a holiday falls on a weekend) come from the
`holidays` package by rule. 2022 and 2023 had no swaps for civil servants (Tết 2022:
Công văn 245/VPCP-KGVX ngày 11/01/2022; Tết and Quốc khánh 2023: Công văn
8056/VPCP-KGVX ngày 01/12/2022 only confirm the statutory days), so nothing is seeded
for them. `holidays` 0.109 already knows the 2024, 2025 and 31/8/2026 swaps; they are
seeded anyway so the administrator sees every announced day in one list. It does not
know the Tết Dương lịch 2026 swap (2/1 ↔ 10/1/2026).
"""

import datetime as dt

from django.db import migrations

DAY_OFF = "nghi"
WORKING = "lam_bu"

DAYS = [
    # 30/4 – 1/5/2024: off Saturday 27/4 to Wednesday 1/5, Monday 29/4 worked on Saturday 4/5.
    (dt.date(2024, 4, 29), DAY_OFF,
     "Nghỉ hoán đổi dịp 30/4 – 1/5/2024 (làm bù thứ Bảy 04/5/2024) theo Công văn "
     "2450/VPCP-KGVX ngày 12/4/2024"),
    (dt.date(2024, 5, 4), WORKING,
     "Làm bù cho thứ Hai 29/4/2024 theo Công văn 2450/VPCP-KGVX ngày 12/4/2024"),
    # 30/4 – 1/5/2025: off Wednesday 30/4 to Sunday 4/5, Friday 2/5 worked on Saturday 26/4.
    (dt.date(2025, 5, 2), DAY_OFF,
     "Nghỉ hoán đổi dịp 30/4 – 1/5/2025 (làm bù thứ Bảy 26/4/2025) theo Thông báo "
     "6150/TB-BLĐTBXH năm 2024"),
    (dt.date(2025, 4, 26), WORKING,
     "Làm bù cho thứ Sáu 02/5/2025 theo Thông báo 6150/TB-BLĐTBXH năm 2024"),
    # Tết Dương lịch 2026: off Thursday 1/1 to Sunday 4/1, Friday 2/1 worked on Saturday 10/1.
    (dt.date(2026, 1, 2), DAY_OFF,
     "Nghỉ hoán đổi dịp Tết Dương lịch 2026 (làm bù thứ Bảy 10/01/2026) theo Công văn "
     "12729/VPCP-KGVX ngày 25/12/2025"),
    (dt.date(2026, 1, 10), WORKING,
     "Làm bù cho thứ Sáu 02/01/2026 theo Công văn 12729/VPCP-KGVX ngày 25/12/2025"),
    # Quốc khánh 2026: off Saturday 29/8 to Wednesday 2/9, Monday 31/8 worked on Saturday 22/8.
    (dt.date(2026, 8, 31), DAY_OFF,
     "Nghỉ hoán đổi dịp Quốc khánh 2026 (làm bù thứ Bảy 22/8/2026) theo phương án nghỉ "
     "lễ, Tết năm 2026 Thủ tướng Chính phủ đã đồng ý"),
    (dt.date(2026, 8, 22), WORKING,
     "Làm bù cho thứ Hai 31/8/2026 theo phương án nghỉ lễ, Tết năm 2026 Thủ tướng Chính "
     "phủ đã đồng ý"),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, note in DAYS:
        CalendarDay.objects.get_or_create(day=day, defaults={"kind": kind, "note": note})


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, note in DAYS:
        CalendarDay.objects.filter(day=day, kind=kind, note=note).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
