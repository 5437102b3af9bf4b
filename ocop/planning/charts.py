"""Charts drawn on the server as SVG geometry (no script, no CDN): the dashboard's templates draw these shapes.

Every chart is a `viewBox` that scales to the screen's width, so it reads on a phone and prints on paper; each
bar carries its number as text and a link to the figures behind it, and each chart is followed by the same
figures as a table (for screen readers and for copying).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

STARS = (3, 4, 5)  # the recognised bands, drawn in this order (the legend reads the same)


@dataclass(frozen=True)
class Segment:
    stars: int
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    """One row of a horizontal stacked bar chart: a label, its segments by stars, the total, a link."""

    label: str
    total: int
    y: float
    segments: list[Segment]
    url: str = ""
    label_y: float = 0
    total_x: float = 0


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    largest: int


ROW = 34  # px per bar in the viewBox: a label line above a 14 px bar, readable when scaled to a phone
BAR = 14
LEFT = 4
RIGHT = 44  # room for the total after the longest bar
# 400 units wide: on a phone (about 370 px) a 12-unit text is 11 px; on a desktop the chart stops at 34rem.


def stacked_bars(rows: Sequence[tuple[str, dict[int, int], str]], *, width: int = 400) -> BarChart:
    """Horizontal bars, one per row `(label, {stars: count}, url)`, stacked by stars, scaled to the largest
    total. The label sits above its bar (not beside it), so long Vietnamese names need no room on a phone."""
    largest = max((sum(counts.get(s, 0) for s in STARS) for _, counts, _ in rows), default=0)
    span = width - LEFT - RIGHT
    bars = []
    for index, (label, counts, url) in enumerate(rows):
        top = index * ROW
        x = float(LEFT)
        segments = []
        for stars in STARS:
            count = counts.get(stars, 0)
            size = round(span * count / largest, 1) if largest else 0.0
            if count:
                segments.append(Segment(stars, count, round(x, 1), size))
            x += size
        total = sum(counts.get(s, 0) for s in STARS)
        bars.append(Bar(label, total, top + 16, segments, url, label_y=top + 12, total_x=round(x + 6, 1)))
    return BarChart(width, max(ROW * len(rows), ROW), bars, largest)


@dataclass(frozen=True)
class Column:
    """One year of a vertical stacked column chart."""

    label: str
    total: int
    x: float
    width: float
    segments: list[tuple[int, int, float, float]]  # (stars, count, y, height)
    total_y: float


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    columns: list[Column]
    axis_y: float
    largest: int
    no_data: list[str] = field(default_factory=list)  # labels of the years without any figure


def stacked_columns(
    rows: Sequence[tuple[str, dict[int, int] | None]], *, width: int = 400, height: int = 200
) -> ColumnChart:
    """Vertical columns, one per row `(label, {stars: count} or None for "no data")`, stacked by stars."""
    top, bottom = 18, 22
    plot = height - top - bottom
    largest = max((sum(c.get(s, 0) for s in STARS) for _, c in rows if c), default=0)
    slot = width / max(len(rows), 1)
    column_width = min(48.0, slot * 0.6)
    columns, no_data = [], []
    for index, (label, counts) in enumerate(rows):
        x = round(index * slot + (slot - column_width) / 2, 1)
        if counts is None:
            no_data.append(label)
        y = float(top + plot)
        segments = []
        for stars in STARS:
            count = (counts or {}).get(stars, 0)
            size = plot * count / largest if largest else 0.0
            y -= size
            if count:
                segments.append((stars, count, round(y, 1), round(size, 1)))
        total = sum((counts or {}).get(s, 0) for s in STARS)
        columns.append(Column(label, total, x, round(column_width, 1), segments, round(y - 4, 1)))
    return ColumnChart(width, height, columns, float(top + plot), largest, no_data)


@dataclass(frozen=True)
class ProgressBar:
    """A target's progress: the value's share of the target (capped at the bar's end) and where the
    expectation for the time of year falls on it."""

    value_share: float  # 0..100, of the bar's length
    expected_share: float | None
    over: bool  # the value passed the target


def progress_bar(value: float | None, target: float | None, expected: float | None) -> ProgressBar | None:
    if value is None or not target:
        return None
    share = min(100.0, 100.0 * value / target)
    expected_share = None if expected is None else min(100.0, 100.0 * expected / target)
    return ProgressBar(
        round(share, 1), None if expected_share is None else round(expected_share, 1), value > target
    )


def colour_class(count: int, thresholds: Sequence[int]) -> int:
    """The class (0 = none, then 1..len(thresholds)+1) of a count on a map coloured by count."""
    if count <= 0:
        return 0
    return 1 + sum(1 for limit in thresholds if count > limit)


def thresholds_of(counts: Sequence[int], classes: int = 4) -> list[int]:
    """Class limits at the quantiles of the non-zero counts, so each colour holds about as many places."""
    values = sorted(c for c in counts if c > 0)
    if not values:
        return []
    limits = []
    for step in range(1, classes):
        limit = values[min(len(values) - 1, math.ceil(len(values) * step / classes) - 1)]
        if not limits or limit > limits[-1]:
            limits.append(limit)
    return limits
