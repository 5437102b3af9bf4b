"""The date a yearly figure is read on, shared by the apps that compute indicators (no Django models).

A stock figure ("certificates in force") of a past year is the state on 31 December of that year; of the
current (or a later) year, the state today.
"""

from __future__ import annotations

import datetime


def reference_day(year: int, today: datetime.date) -> datetime.date:
    return today if year >= today.year else datetime.date(year, 12, 31)


def year_span(year: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first day of `year` and the reference day: the part of the year a flow figure counts."""
    return datetime.date(year, 1, 1), reference_day(year, today)
