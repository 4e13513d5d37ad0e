"""The expected share of the year and the status rules of the progress table."""

import datetime as dt

import pytest

from dangvien.plans.progress import (
    ForecastBasis,
    Progress,
    ProgressStatus,
    linear_fraction,
    monthly_curve,
    seasonal_fraction,
    status_of,
)


def test_straight_line_is_counted_month_by_month():
    """31/05 is five twelfths of the year: 41,7% (the figure the Standing Board reads)."""
    assert round(linear_fraction(dt.date(2022, 5, 31)) * 100, 1) == 41.7
    assert round(linear_fraction(dt.date(2022, 12, 31)) * 100, 1) == 100.0
    assert round(linear_fraction(dt.date(2022, 2, 14)) * 100, 1) == round((1 + 14 / 28) / 12 * 100, 1)


def test_seasonal_curve_needs_two_earlier_years_with_admissions():
    one_year = {2021: [10] * 12}
    assert monthly_curve(one_year) is None
    assert monthly_curve({2020: [0] * 12, 2021: [10] * 12}) is None


def test_seasonal_curve_follows_the_units_own_months():
    # Half of each year's admissions in May: by 31/05 the expected share is over half.
    history = {2020: [0, 0, 0, 0, 50, 10, 10, 10, 0, 0, 10, 10],
               2021: [0, 0, 0, 0, 100, 20, 20, 20, 0, 0, 20, 20]}
    curve = monthly_curve(history)
    assert sum(curve) == pytest.approx(1.0)
    assert seasonal_fraction(dt.date(2022, 5, 31), curve) == pytest.approx(0.5)
    assert seasonal_fraction(dt.date(2022, 4, 30), curve) == pytest.approx(0.0)


def row(**kw):
    base = dict(unit=None, name="x", target=150, admitted=46, percent=30.7, expected_percent=41.7,
                forecast=120.0, forecast_basis=ForecastBasis.OWN)
    base.update(kw)
    return Progress(**base)


@pytest.mark.parametrize(
    ("kw", "status"),
    [
        ({}, ProgressStatus.BEHIND),  # 30,7 vs 41,7: more than 5 points behind
        ({"percent": 38.0}, ProgressStatus.ON_TRACK),
        ({"percent": 47.0}, ProgressStatus.AHEAD),
        ({"admitted": 150, "percent": 100.0}, ProgressStatus.DONE),
        ({"forecast": 100.0}, ProgressStatus.AT_RISK),  # below 70% of 150 even with the pipeline
        ({"forecast": 100.0, "forecast_basis": ForecastBasis.WIDER}, ProgressStatus.AT_RISK),
        # No earlier years anywhere: no forecast, so the pace decides.
        ({"forecast": 46.0, "forecast_basis": ForecastBasis.NONE}, ProgressStatus.BEHIND),
        # Ahead of the pace is never "at risk", whatever the forecast.
        ({"percent": 49.3, "admitted": 74, "forecast": 74.0}, ProgressStatus.AHEAD),
        ({"target": None}, ProgressStatus.NO_TARGET),
        ({"target": 0, "admitted": 0, "percent": None}, ProgressStatus.ZERO),  # not "done"
    ],
)
def test_status_thresholds(kw, status):
    assert status_of(row(**kw)) == status
