"""What the loaded rubric versions say about certificates: how long a certificate is valid, how early the
producer is told of its expiry, and which stars each level recognises on a date.

The numbers are the `certificate:`, `levels:` and `duties:` of the rubric version in force on the decision's
date, as loaded in the database (`manage.py load_rubrics`, a version a central officer loads, a sheet a
province imports), read through `ocop.rubrics.selectors`; the files in ocop/rubrics/data/ count only once
loaded. The selectors parse a version once per content fingerprint, so a reload is followed at the next read.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from ocop.core.errors import Invalid
from ocop.rubrics.engine import duty_period_on
from ocop.rubrics.issues import RubricError
from ocop.rubrics.schema import CertificateRule, RubricVersion
from ocop.rubrics.selectors import engine_version_on, engine_versions


def versions() -> tuple[RubricVersion, ...]:
    """Every loaded rubric version, oldest first."""
    return engine_versions()


def version_on(day: datetime.date) -> RubricVersion:
    version = engine_version_on(day)
    if version is None:
        raise Invalid(
            _("Không có bộ tiêu chí nào có hiệu lực vào ngày %(date)s.") % {"date": day.strftime("%d/%m/%Y")},
            code="no_rubric_in_force",
        )
    return version


def certificate_rule(day: datetime.date) -> CertificateRule:
    return version_on(day).certificate


def level_of(unit, day: datetime.date) -> str | None:
    """The level of the duty table an authority's unit acts at on `day` (the version's `levels` say which kind
    of unit acts at each: the country at `central`), None when no level does."""
    version = engine_version_on(day)
    return version.level_of_unit(unit.level) if version is not None else None


def recognisable_stars(unit, day: datetime.date) -> tuple[int, ...]:
    """The stars an authority of this unit may recognise on `day` (province 3★–4★ since 6/7/2025, centre 5★)."""
    version = engine_version_on(day)
    level = version.level_of_unit(unit.level) if version is not None else None
    if version is None or level is None:
        return ()
    try:
        duty = duty_period_on(version, day).duty(level)
    except RubricError:
        return ()
    return tuple(duty.recognises) if duty is not None else ()


def valid_until(decision_date: datetime.date) -> datetime.date:
    """The last day a certificate is valid: `validity_months` from the decision's date, less a day (36 months: a
    decision of 10/07/2025 gives certificates valid through 09/07/2028). The same rule dates the certificates
    of an imported past decision (`rubrics.history`)."""
    return certificate_rule(decision_date).valid_until(decision_date)


def expiry_notice_days(day: datetime.date) -> int:
    return certificate_rule(day).expiry_notice_days
