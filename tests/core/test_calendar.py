"""The working-day calendar (lịch ngày làm việc) behind every "N working days" deadline."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangvien.core import calendar
from dangvien.core.calendar import (
    add_working_days,
    holidays_in,
    is_working_day,
    working_days_between,
)
from dangvien.core.models import CalendarDay, CalendarDayKind

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Each test's rows are rolled back, which sends no signal: drop the snapshot ourselves.
    calendar.invalidate()
    yield
    calendar.invalidate()


def day_off(day, note="Ngày nghỉ thêm (thử nghiệm)"):
    return CalendarDay.objects.create(day=day, kind=CalendarDayKind.DAY_OFF, note=note)


def make_up(day, note="Ngày làm bù (thử nghiệm)"):
    return CalendarDay.objects.create(day=day, kind=CalendarDayKind.WORKING, note=note)


# --- weekends and public holidays ------------------------------------------------------


def test_saturday_and_sunday_are_not_working_days_monday_to_friday_are():
    assert not is_working_day(D(2022, 3, 5))  # Saturday
    assert not is_working_day(D(2022, 3, 6))  # Sunday
    assert all(is_working_day(D(2022, 3, day)) for day in range(7, 12))  # Monday–Friday


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2021, 1, 1), "Tết Dương lịch"),  # Friday
        (D(2024, 4, 30), "Ngày Chiến thắng"),  # Tuesday
        (D(2024, 5, 1), "Ngày Quốc tế Lao động"),  # Wednesday
        (D(2025, 9, 2), "Quốc khánh"),  # Tuesday
        (D(2025, 9, 1), "Quốc khánh"),  # the day next to 2/9
    ],
)
def test_new_year_30_4_1_5_and_2_9_are_holidays_with_vietnamese_names(day, name):
    assert not is_working_day(day)
    assert (day, name) in holidays_in(day.year)


def test_a_holiday_on_a_weekend_gives_the_next_working_day_off():
    # 1/1/2022 is a Saturday: Monday 3/1/2022 is the compensatory day (nghỉ bù).
    assert not is_working_day(D(2022, 1, 3))
    assert (D(2022, 1, 3), "Tết Dương lịch (nghỉ bù)") in holidays_in(2022)
    assert is_working_day(D(2022, 1, 4))


def test_tet_2022_days_are_not_working_days():
    """Tết Nhâm Dần: giao thừa Monday 31/1/2022 to mùng 4 Friday 4/2/2022 (5 statutory days);
    with the weekends around them, civil servants were off from 29/1 to 6/2/2022."""
    tet = [D(2022, 1, 31), D(2022, 2, 1), D(2022, 2, 2), D(2022, 2, 3), D(2022, 2, 4)]
    assert [is_working_day(day) for day in tet] == [False] * 5
    assert is_working_day(D(2022, 1, 28))  # Friday before
    assert is_working_day(D(2022, 2, 7))  # back to work on Monday
    names = dict(holidays_in(2022))
    assert names[D(2022, 1, 31)] == "Giao thừa Tết Nguyên Đán"
    assert names[D(2022, 2, 1)] == "Tết Nguyên Đán"
    assert names[D(2022, 2, 4)] == "Mùng bốn Tết Nguyên Đán"


def test_tet_falling_on_a_weekend_moves_its_days_to_weekdays():
    # Tết Giáp Thìn: mùng 1 Saturday 10/2/2024, mùng 2 Sunday: off Thursday 8/2 to Wednesday 14/2.
    assert [is_working_day(D(2024, 2, day)) for day in range(7, 16)] == [
        True, False, False, False, False, False, False, False, True,
    ]


def test_hung_kings_day_2022_on_a_sunday_gives_monday_off():
    """Giỗ Tổ Hùng Vương, 10/3 âm lịch = Sunday 10/4/2022; Labour Code art. 112: a holiday on
    the weekly rest day is made up on the next working day, Monday 11/4/2022."""
    names = dict(holidays_in(2022))
    assert names[D(2022, 4, 10)] == "Ngày Giỗ Tổ Hùng Vương"
    assert names[D(2022, 4, 11)] == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert not is_working_day(D(2022, 4, 11))
    assert is_working_day(D(2022, 4, 12))


# --- announced days off and make-up days -----------------------------------------------


def test_a_make_up_saturday_counts_as_a_working_day():
    saturday = D(2022, 3, 12)
    assert not is_working_day(saturday)
    make_up(saturday)
    assert is_working_day(saturday)
    # Friday 11/3 + 1 working day is now that Saturday, not Monday 14/3.
    assert add_working_days(D(2022, 3, 11), 1) == saturday


def test_an_extra_day_off_is_skipped():
    monday = D(2022, 3, 14)
    assert add_working_days(D(2022, 3, 11), 1) == monday
    day_off(monday, "Nghỉ thêm theo thông báo (thử nghiệm)")
    assert not is_working_day(monday)
    assert add_working_days(D(2022, 3, 11), 1) == D(2022, 3, 15)
    assert (monday, "Nghỉ thêm theo thông báo (thử nghiệm)") in holidays_in(2022)


def test_a_make_up_row_overrides_a_package_holiday():
    # The package lists 31/8/2026 as a swapped day off; an administrator can correct it.
    CalendarDay.objects.filter(day=D(2026, 8, 31)).delete()
    assert not is_working_day(D(2026, 8, 31))
    make_up(D(2026, 8, 31))
    assert is_working_day(D(2026, 8, 31))
    assert D(2026, 8, 31) not in dict(holidays_in(2026))


def test_the_seeded_announcements_swap_the_days_the_government_announced():
    seed = importlib.import_module("dangvien.core.migrations.0002_seed_calendar_days").seed
    CalendarDay.objects.all().delete()  # other test modules may have flushed them already
    seed(django_apps, None)
    seed(django_apps, None)  # idempotent
    assert CalendarDay.objects.count() == 8
    # Tết Dương lịch 2026: Friday 2/1 off, worked on Saturday 10/1 (Công văn 12729/VPCP-KGVX).
    assert not is_working_day(D(2026, 1, 2))
    assert is_working_day(D(2026, 1, 10))
    # 30/4 – 1/5/2024: Monday 29/4 off, worked on Saturday 4/5 (Công văn 2450/VPCP-KGVX).
    assert not is_working_day(D(2024, 4, 29))
    assert is_working_day(D(2024, 5, 4))
    assert is_working_day(D(2025, 4, 26)) and not is_working_day(D(2025, 5, 2))
    assert [day for day, _ in calendar.make_up_days_in(2026)] == [D(2026, 1, 10), D(2026, 8, 22)]


# --- counting --------------------------------------------------------------------------


def test_60_working_days_from_10_01_2022_span_tet_and_hung_kings_day():
    """Cell resolution Monday 10/01/2022; decision due within 60 working days.

    Counting the working days after 10/01 (the start is not counted):
      11–14/01 (Tue–Fri)   4  →  4
      17–21/01             5  →  9
      24–28/01             5  → 14
      31/01–04/02          0  → 14   Tết Nhâm Dần: giao thừa 31/01, mùng 1–4 01–04/02
      07/02 … 08/04        9 full weeks × 5 = 45 → 59
      11/04 (Mon)          0  → 59   nghỉ bù Giỗ Tổ Hùng Vương (10/04 is a Sunday)
      12/04 (Tue)          1  → 60
    so the deadline is Tuesday 12/04/2022. With one extra day off added on Monday
    07/02/2022 the count is one short on 12/04 and the deadline is Wednesday 13/04/2022.
    (The 1/1 holiday's compensatory Monday 03/01 lies before the start and does not count.)
    """
    start = D(2022, 1, 10)
    assert add_working_days(start, 60) == D(2022, 4, 12)
    assert working_days_between(start, D(2022, 4, 12)) == 60
    assert working_days_between(start, D(2022, 4, 11)) == 59
    day_off(D(2022, 2, 7))
    assert add_working_days(start, 60) == D(2022, 4, 13)


def test_zero_working_days_is_the_start_itself_even_on_a_holiday():
    assert add_working_days(D(2022, 3, 9), 0) == D(2022, 3, 9)
    assert add_working_days(D(2022, 2, 1), 0) == D(2022, 2, 1)


def test_counting_from_a_day_off_starts_at_the_next_working_day():
    # From Saturday 29/1/2022 (Tết week ahead), the 1st working day is Monday 7/2/2022.
    assert add_working_days(D(2022, 1, 29), 1) == D(2022, 2, 7)


def test_counts_cross_year_ends():
    # Friday 30/12/2022 + 1: Monday 2/1/2023 is nghỉ bù for Sunday 1/1, so Tuesday 3/1.
    assert add_working_days(D(2022, 12, 30), 1) == D(2023, 1, 3)
    assert working_days_between(D(2022, 12, 29), D(2023, 1, 3)) == 2
    days = (D(2024, 1, 1) - D(2021, 1, 1)).days
    assert working_days_between(D(2021, 1, 1), D(2024, 1, 1)) == sum(
        is_working_day(D(2021, 1, 1) + dt.timedelta(days=i)) for i in range(1, days + 1)
    )


def test_between_is_zero_when_end_is_not_after_start():
    assert working_days_between(D(2022, 3, 9), D(2022, 3, 9)) == 0
    assert working_days_between(D(2022, 3, 9), D(2022, 3, 1)) == 0


def test_negative_counts_and_years_outside_the_calendar_are_refused():
    with pytest.raises(ValueError, match="từ 0 trở lên"):
        add_working_days(D(2022, 3, 9), -1)
    with pytest.raises(ValueError, match="năm 2101"):
        add_working_days(D(2100, 12, 1), 60)
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2022, 3, 9, 8, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="năm 1900"):
        is_working_day(D(1900, 12, 31))


_dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2035, 12, 31))
_quick = settings(max_examples=200, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])


@_quick
@given(start=_dates, n=st.integers(min_value=0, max_value=400))
def test_working_days_between_inverts_add_working_days(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:
        assert is_working_day(end)


@_quick
@given(start=_dates, end=_dates)
def test_add_working_days_of_the_count_is_the_last_working_day_up_to_end(start, end):
    k = working_days_between(start, end)
    assert add_working_days(start, k) <= max(start, end)
    assert add_working_days(start, k + 1) > max(start, end)


@_quick
@given(start=_dates, length=st.integers(min_value=0, max_value=60))
def test_working_days_between_matches_counting_day_by_day(start, length):
    end = start + dt.timedelta(days=length)
    naive = sum(is_working_day(start + dt.timedelta(days=i)) for i in range(1, length + 1))
    assert working_days_between(start, end) == naive


# --- caching ---------------------------------------------------------------------------


def test_editing_a_calendar_day_changes_results_immediately_in_the_same_process():
    wednesday = D(2022, 3, 9)
    assert is_working_day(wednesday)
    assert add_working_days(D(2022, 3, 8), 1) == wednesday
    row = day_off(wednesday)
    assert not is_working_day(wednesday)
    assert add_working_days(D(2022, 3, 8), 1) == D(2022, 3, 10)
    row.kind = CalendarDayKind.WORKING
    row.save()
    assert is_working_day(wednesday)
    row.kind = CalendarDayKind.DAY_OFF
    row.save()
    assert not is_working_day(wednesday)
    row.delete()
    assert is_working_day(wednesday)


def test_a_change_without_signals_is_seen_after_the_refresh_interval(monkeypatch):
    """Another process's edit sends no signal here: it is seen within REFRESH_SECONDS."""
    now = [1000.0]
    monkeypatch.setattr(calendar, "_clock", lambda: now[0])
    calendar.invalidate()
    wednesday = D(2022, 3, 9)
    assert is_working_day(wednesday)
    CalendarDay.objects.bulk_create(
        [CalendarDay(day=wednesday, kind=CalendarDayKind.DAY_OFF, note="từ tiến trình khác")]
    )
    assert is_working_day(wednesday)  # still the cached snapshot
    now[0] += calendar.REFRESH_SECONDS
    assert not is_working_day(wednesday)


def test_many_deadlines_run_no_query_per_deadline(django_assert_max_num_queries):
    starts = [D(2021, 1, 1) + dt.timedelta(days=i) for i in range(2000)]
    with django_assert_max_num_queries(1):
        deadlines = [add_working_days(start, 60) for start in starts]
    assert all(working_days_between(s, e) == 60 for s, e in zip(starts, deadlines, strict=True))


def test_the_administrator_adds_a_day_off_in_the_admin_audited_and_effective_at_once(
    client, personas
):
    from dangvien.audit.models import AuditEvent

    admin_user = personas.provincial
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    assert client.get("/quan-tri/core/calendarday/").status_code == 200
    assert is_working_day(D(2022, 3, 9))
    response = client.post(
        "/quan-tri/core/calendarday/add/",
        {"day": "09/03/2022", "kind": CalendarDayKind.DAY_OFF, "note": "Nghỉ thêm (thử nghiệm)"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not is_working_day(D(2022, 3, 9))
    event = AuditEvent.objects.latest("id")
    assert event.action == "admin.add" and event.after["kind"] == "nghi"
    listing = client.get("/quan-tri/core/calendarday/?kind__exact=nghi").content.decode()
    assert "Thứ Tư" in listing and "Nghỉ thêm (thử nghiệm)" in listing


def test_the_calendar_years_are_those_the_holidays_package_supports():
    import holidays

    assert (calendar.FIRST_YEAR, calendar.LAST_YEAR) == (
        holidays.Vietnam.start_year, holidays.Vietnam.end_year,
    )
