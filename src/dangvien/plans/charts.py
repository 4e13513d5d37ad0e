"""Server-rendered SVG for the progress dashboard (biểu đồ tiến độ): no JavaScript, no
library. The chart draws cumulative admissions by month (solid, up to the as-of date)
against the target (a horizontal line) and the expected curve (dashed).

Plain functions of numbers: they read no database and no clock.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dangvien.core import vn

# The drawing area, in viewBox units. The page scales it to its width (width 100%), and
# app.css enlarges the labels on a phone, where the chart is drawn at about half size.
WIDTH, HEIGHT = 600, 300
RIGHT, TOP, BOTTOM = 16, 18, 34
#: Room for the y labels: per character at the phone's label size (24 units), plus a gap.
CHAR, GAP = 13.5, 14


@dataclass
class Scale:
    """Y axis: 0 … top, with ticks every `step`."""

    top: float
    step: float

    @property
    def ticks(self) -> list[float]:
        count = round(self.top / self.step)
        return [i * self.step for i in range(count + 1)]


def nice_scale(highest: float, *, ticks: int = 5) -> Scale:
    """A round step (1, 2, 2,5 or 5 × 10ⁿ) giving at most `ticks` intervals above `highest`."""
    if highest <= 0:
        return Scale(top=ticks, step=1)
    raw = highest / ticks
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        step = mult * power
        if step >= raw:
            break
    step = max(step, 1)  # counts are people: no fractional gridlines
    top = math.ceil(highest / step) * step
    if top < highest * 1.04:  # leave a little room above the highest line
        top += step
    return Scale(top=top, step=step)


@dataclass
class Frame:
    """Where the plot sits in the viewBox: `left` is wide enough for the y labels."""

    scale: Scale
    left: float

    def x(self, month_fraction: float) -> float:
        """Horizontal position of a point `month_fraction` months into the year (0 … 12)."""
        return self.left + (WIDTH - self.left - RIGHT) * month_fraction / 12

    def y(self, value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / self.scale.top)

    def points(self, pairs: Sequence[tuple[float, float]]) -> str:
        return " ".join(f"{_fmt(self.x(m))},{_fmt(self.y(v))}" for m, v in pairs)


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def month_position(day: dt.date) -> float:
    """How far into its year `day` is, in months: 31/05 is 5, 15/06 is 5,5."""
    return day.month - 1 + day.day / pycal.monthrange(day.year, day.month)[1]


def progress_chart(*, points, target: int | None, as_of: dt.date, title: str, desc: str,
                   ident: str = "bd") -> SafeString:
    """The cumulative chart as inline SVG.

    `points` are `progress.ChartPoint`s (month, cumulative admitted or None after
    `as_of`, cumulative expected); `ident` prefixes the ids of <title> and <desc>.
    """
    admitted = [(0.0, 0.0)]
    for p in points:
        if p.admitted is None:
            break
        at = month_position(as_of) if p.month == as_of.month else float(p.month)
        admitted.append((at, float(p.admitted)))
    expected = [(0.0, 0.0)] + [(float(p.month), p.expected) for p in points
                               if p.expected is not None]
    highest = max([target or 0] + [v for _, v in admitted] + [v for _, v in expected])
    scale = nice_scale(highest)
    labels = [vn.format_number(t) for t in scale.ticks]
    f = Frame(scale=scale, left=GAP + CHAR * max(len(t) for t in labels))
    left = _fmt(f.left)

    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
        '<g class="grid" stroke="#ddd6cc" stroke-width="1">',
    ]
    for tick in scale.ticks:
        y = _fmt(f.y(tick))
        out.append(f'<line x1="{left}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
    for month in range(13):
        x = _fmt(f.x(month))
        out.append(f'<line x1="{x}" x2="{x}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
                   f'stroke-dasharray="2 4"/>')
    out.append("</g>")
    # Axes labels: numbers with "." thousands, months T1 … T12 under their column.
    out.append('<g class="ax" font-size="15" fill="#444">')
    for tick, label in zip(scale.ticks, labels, strict=True):
        out.append(f'<text x="{_fmt(f.left - 8)}" y="{_fmt(f.y(tick) + 5)}" '
                   f'text-anchor="end">{label}</text>')
    for month in range(1, 13):
        odd = "" if month % 2 else ' class="ev"'
        out.append(f'<text{odd} x="{_fmt(f.x(month - 0.5))}" y="{HEIGHT - BOTTOM + 22}" '
                   f'text-anchor="middle">T{month}</text>')
    out.append("</g>")
    out.append(f'<line x1="{left}" x2="{left}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
               'stroke="#767676"/>')
    out.append(f'<line x1="{left}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" '
               f'y2="{HEIGHT - BOTTOM}" stroke="#767676"/>')
    if target:
        y = _fmt(f.y(target))
        out.append(f'<line class="tgt" x1="{left}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" '
                   'stroke="#a51d1d" stroke-width="2.5"/>')
        out.append(f'<text class="ax" x="{_fmt(f.left + 6)}" y="{_fmt(f.y(target) - 7)}" '
                   f'font-size="15" fill="#a51d1d">Chỉ tiêu {vn.format_number(target)}</text>')
    if len(expected) > 1:
        out.append(f'<polyline class="exp" points="{f.points(expected)}" fill="none" '
                   'stroke="#555" stroke-width="2.5" stroke-dasharray="8 6"/>')
    if len(admitted) > 1:
        out.append(f'<polyline class="adm" points="{f.points(admitted)}" fill="none" '
                   'stroke="#0b4f8a" stroke-width="3.5" stroke-linejoin="round"/>')
        last_m, last_v = admitted[-1]
        x, y = f.x(last_m), f.y(last_v)
        out.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="5" fill="#0b4f8a"/>')
        anchor = "end" if last_m > 9 else "start"
        dx = -9 if anchor == "end" else 9
        out.append(f'<text class="ax" x="{_fmt(x + dx)}" y="{_fmt(y - 9)}" text-anchor="{anchor}" '
                   f'font-size="15" font-weight="700" fill="#0b4f8a">'
                   f'{vn.format_number(last_v)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - built here from numbers and escaped text


def progress_bar(percent: float | None, expected: float | None) -> SafeString:
    """A small bar: the share of the target admitted, with a tick at the expected share."""
    if percent is None:
        return mark_safe("")
    done = max(0.0, min(percent, 100.0))
    parts = ['<svg class="pbar" viewBox="0 0 100 10" preserveAspectRatio="none" '
             'aria-hidden="true" focusable="false">',
             '<rect width="100" height="10" fill="#e8e3dc"/>',
             f'<rect width="{_fmt(done)}" height="10" fill="#0b4f8a"/>']
    if expected is not None:
        at = _fmt(max(0.0, min(expected, 100.0)))
        parts.append(f'<line x1="{at}" x2="{at}" y1="0" y2="10" stroke="#1a1a1a" '
                     'stroke-width="1.5" vector-effect="non-scaling-stroke"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers only
