"""The dashboard's SVG chart and the words around the figures: plain functions, no database."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dangvien.plans.charts import month_position, nice_scale, progress_bar, progress_chart
from dangvien.plans.progress import ChartPoint
from dangvien.plans.reports import early_text


def points(monthly: list[int], last_month: int, target: int) -> list[ChartPoint]:
    out, running = [], 0
    for m in range(1, 13):
        running += monthly[m - 1]
        out.append(ChartPoint(month=m, admitted=running if m <= last_month else None,
                              expected=target * m / 12))
    return out


def chart(**kw) -> str:
    args = dict(points=points([8, 10, 9, 9, 10] + [0] * 7, 5, 1600), target=1600,
                as_of=dt.date(2022, 5, 31), title="Kết nạp lũy kế <năm 2022>",
                desc="Đến ngày 31/05/2022 đã kết nạp 46 đảng viên.")
    args.update(kw)
    return str(progress_chart(**args))


def test_accessible_and_fits_any_width():
    svg = chart()
    assert svg.startswith('<svg class="chart" viewBox="0 0 600 300" width="100%" role="img" '
                          'aria-labelledby="bd-t bd-d"')
    assert '<title id="bd-t">Kết nạp lũy kế &lt;năm 2022&gt;</title>' in svg
    assert '<desc id="bd-d">Đến ngày 31/05/2022 đã kết nạp 46 đảng viên.</desc>' in svg
    assert "http" not in svg and "<script" not in svg  # inline, no namespace fetch, no JS


def test_vietnamese_axis_labels():
    svg = chart()
    months = re.findall(r">(T\d+)</text>", svg)
    assert months == [f"T{m}" for m in range(1, 13)]
    assert [t for t in re.findall(r'text-anchor="end">([\d.]+)</text>', svg)] == [
        "0", "500", "1.000", "1.500", "2.000"]
    assert "Chỉ tiêu 1.600" in svg
    assert ">46</text>" in svg  # the last admitted figure is labelled


def test_lines_admitted_solid_to_the_day_expected_dashed_target_flat():
    svg = chart()
    (admitted,) = re.findall(r'<polyline class="adm" points="([^"]+)"', svg)
    assert len(admitted.split()) == 6  # 1/1 and the end of each month to May
    (expected,) = re.findall(r'<polyline class="exp" points="([^"]+)"[^>]*stroke-dasharray', svg)
    assert len(expected.split()) == 13
    (tgt,) = re.findall(r'<line class="tgt" x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)" y2="([\d.]+)"',
                        svg)
    assert tgt[0] == tgt[1]


def test_a_day_inside_a_month_is_placed_inside_it():
    assert month_position(dt.date(2022, 5, 31)) == 5
    assert month_position(dt.date(2022, 6, 15)) == pytest.approx(5.5)
    svg = chart(points=points([8, 10, 9, 9, 10, 4] + [0] * 6, 6, 150), target=150,
                as_of=dt.date(2022, 6, 15))
    (admitted,) = re.findall(r'<polyline class="adm" points="([^"]+)"', svg)
    xs = [float(p.split(",")[0]) for p in admitted.split()]
    assert xs[-2] < xs[-1] < xs[-2] + (xs[-2] - xs[-3])  # mid-June: half a month on


def test_without_a_target_there_is_no_target_line():
    pts = [ChartPoint(month=m, admitted=0 if m < 3 else None, expected=None) for m in range(1, 13)]
    svg = chart(points=pts, target=None, as_of=dt.date(2022, 2, 10))
    assert 'class="tgt"' not in svg and 'class="exp"' not in svg
    assert 'class="adm"' in svg


@pytest.mark.parametrize(("highest", "top", "step"), [
    (0, 5, 1), (3, 4, 1), (150, 200, 50), (160, 200, 50), (1600, 2000, 500),
    (68300, 80000, 20000), (200_000, 250_000, 50_000),
])
def test_round_scales(highest, top, step):
    scale = nice_scale(highest)
    assert (scale.top, scale.step) == (top, step)


def test_progress_bar_marks_the_expected_share():
    bar = str(progress_bar(30.7, 41.7))
    assert '<rect width="30.7" height="10" fill="#0b4f8a"/>' in bar
    assert 'x1="41.7" x2="41.7"' in bar
    assert 'aria-hidden="true"' in bar
    assert '<rect width="100" height="10" fill="#0b4f8a"/>' in str(progress_bar(130, 100))
    assert str(progress_bar(None, 41.7)) == ""


@pytest.mark.parametrize(("reached", "text"), [
    (dt.date(2021, 10, 27), "sớm 2 tháng"),
    (dt.date(2021, 10, 31), "sớm 2 tháng"),
    (dt.date(2021, 12, 15), "sớm 16 ngày"),
    (dt.date(2021, 12, 31), ""),
    (None, ""),
])
def test_how_early_the_target_was_reached(reached, text):
    assert early_text(reached, 2021) == text
