"""What the rubric data says about certificates, read through the rubric engine: how long a certificate is
valid, how early the producer is told of its expiry, and which stars each level recognises on a date.

Nothing is hard-coded here: the numbers are in the rubric version files (`certificate:` and `duties:` in
ocop/rubrics/data/*.yaml), and the version in force on the decision's date decides.
"""

from __future__ import annotations

import calendar
import datetime
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

import ocop.rubrics
from ocop.core.errors import Invalid
from ocop.geo.models import Level
from ocop.rubrics.engine import duty_period_on
from ocop.rubrics.issues import RubricError
from ocop.rubrics.loader import load_version_file
from ocop.rubrics.schema import CertificateRule, RubricVersion

RUBRIC_DATA = Path(ocop.rubrics.__file__).resolve().parent / "data"


@lru_cache(maxsize=4)
def _versions(stamp: tuple[tuple[str, int], ...]) -> tuple[RubricVersion, ...]:
    return tuple(
        sorted(
            (load_version_file(RUBRIC_DATA / name) for name, _mtime in stamp), key=lambda v: v.effective_from
        )
    )


def versions() -> tuple[RubricVersion, ...]:
    """Every rubric version file, parsed once per process (again when a file changes)."""
    files = sorted(RUBRIC_DATA.glob("*.yaml"))
    return _versions(tuple((f.name, f.stat().st_mtime_ns) for f in files))


def version_on(day: datetime.date) -> RubricVersion:
    in_force = [
        v
        for v in versions()
        if v.effective_from <= day and (v.effective_until is None or day <= v.effective_until)
    ]
    if not in_force:
        raise Invalid(
            _("Không có bộ tiêu chí nào có hiệu lực vào ngày %(date)s.") % {"date": day.strftime("%d/%m/%Y")},
            code="no_rubric_in_force",
        )
    return max(in_force, key=lambda v: v.effective_from)


def certificate_rule(day: datetime.date) -> CertificateRule:
    return version_on(day).certificate


def level_of(unit) -> str:
    """The level of the duty table an authority's unit acts at."""
    return "central" if unit.level == Level.COUNTRY else unit.level


def recognisable_stars(unit, day: datetime.date) -> tuple[int, ...]:
    """The stars an authority of this unit may recognise on `day` (province 3★–4★ since 6/7/2025, centre 5★)."""
    try:
        duty = duty_period_on(version_on(day), day).duty(level_of(unit))
    except RubricError:
        return ()
    return tuple(duty.recognises) if duty is not None else ()


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(decision_date: datetime.date) -> datetime.date:
    """The last day a certificate is valid: `validity_months` from the decision's date (36 months: a decision of
    10/07/2025 gives certificates valid through 09/07/2028)."""
    months = certificate_rule(decision_date).validity_months
    return add_months(decision_date, months) - datetime.timedelta(days=1)


def expiry_notice_days(day: datetime.date) -> int:
    return certificate_rule(day).expiry_notice_days
