"""Training figures the planning indicators count (contract: `<name>(*, province_id, commune_id, year)`).

An attendee counts where their own unit lies today (an officer's unit, a producer's commune), whoever held the
course; a course counts in the year it ended. A person is counted once a year however many courses they
attended (the same person key: folded name with the unit or producer). None: no course is recorded at all.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from ocop.accounts.models import Role, RoleKind
from ocop.training.models import Attendee, AttendeeKind, Course

FIGURES = (
    "courses",
    "officers_trained",
    "officers_in_charge_trained",
    "officers_in_charge",
    "producers_trained",
    "producers_trained_marketing",
)
OFFICER_ROLES = (RoleKind.PROVINCE_OFFICER, RoleKind.COMMUNE_OFFICER)


def _area(prefix: str, province_id: int | None, commune_id: int | None) -> Q:
    if commune_id is not None:
        return Q(**{f"{prefix}_id": commune_id}) | Q(**{f"{prefix}__current_commune_id": commune_id})
    if province_id is not None:
        return Q(**{f"{prefix}__current_province_id": province_id})
    return Q()


def _none_yet() -> bool:
    return not Course.objects.exists()


def _attendees(province_id, commune_id, year, **extra) -> QuerySet[Attendee]:
    return Attendee.objects.filter(
        _area("unit", province_id, commune_id), course__ends_on__year=year, **extra
    )


def courses_records(*, province_id: int | None, commune_id: int | None, year: int) -> QuerySet[Course]:
    return Course.objects.filter(_area("unit", province_id, commune_id), ends_on__year=year)


def courses(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    """Courses held by units of the area that ended in the year."""
    if _none_yet():
        return None
    return courses_records(province_id=province_id, commune_id=commune_id, year=year).count()


def officers_trained_records(*, province_id, commune_id, year) -> QuerySet[Attendee]:
    return _attendees(province_id, commune_id, year, kind=AttendeeKind.OFFICER)


def officers_trained(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    """Officers of the area who attended a course that ended in the year (each person once)."""
    if _none_yet():
        return None
    rows = officers_trained_records(province_id=province_id, commune_id=commune_id, year=year)
    return rows.values("person_key").distinct().count()


def officers_in_charge_trained_records(*, province_id, commune_id, year) -> QuerySet[Attendee]:
    return _attendees(province_id, commune_id, year, kind=AttendeeKind.OFFICER, in_charge=True)


def officers_in_charge_trained(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    """Of those, the officers the sheet marks as in charge of OCOP."""
    if _none_yet():
        return None
    rows = officers_in_charge_trained_records(province_id=province_id, commune_id=commune_id, year=year)
    return rows.values("person_key").distinct().count()


def officers_in_charge(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    """Officers in charge of OCOP in the area: people holding a province or commune officer role over one of its
    units on 31 December of the year (today for the current year). The system's own roster, so the share
    "officers in charge trained" has a denominator nobody types twice."""
    today = timezone.localdate()
    day = today if year >= today.year else datetime.date(year, 12, 31)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    roles = Role.objects.filter(
        _area("unit", province_id, commune_id),
        kind__in=OFFICER_ROLES,
        granted_at__lte=moment,
    ).filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=moment))
    return roles.values("user").distinct().count()


def producers_trained_records(*, province_id, commune_id, year) -> QuerySet[Attendee]:
    return _attendees(province_id, commune_id, year, kind=AttendeeKind.PRODUCER)


def producers_trained(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    """Producers (organisations) of the area with someone at a course that ended in the year."""
    if _none_yet():
        return None
    rows = producers_trained_records(province_id=province_id, commune_id=commune_id, year=year)
    return rows.values("producer").distinct().count()


def producers_trained_marketing_records(*, province_id, commune_id, year) -> QuerySet[Attendee]:
    return _attendees(province_id, commune_id, year, kind=AttendeeKind.PRODUCER, course__topic="marketing")


def producers_trained_marketing(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    """Producers of the area trained in marketing (topic `marketing` of data/topics.yaml) in the year."""
    if _none_yet():
        return None
    rows = producers_trained_marketing_records(province_id=province_id, commune_id=commune_id, year=year)
    return rows.values("producer").distinct().count()
