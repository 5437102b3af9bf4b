"""Reads of training for a user, already scoped: courses held in the user's units, and coverage."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from ocop.accounts.policies import scope_q
from ocop.core.errors import NotFound
from ocop.training import indicators
from ocop.training.models import Attendee, Course
from ocop.training.policies import READ


def courses_visible_to(user) -> QuerySet[Course]:
    return (
        Course.objects.filter(scope_q(user, READ, "unit"))
        .select_related("unit")
        .annotate(attendee_count=Count("attendees"))
        .order_by("-starts_on", "-id")
    )


def course_get(user, pk: int) -> Course:
    course = courses_visible_to(user).filter(pk=pk).first()
    if course is None:
        raise NotFound(_("Không tìm thấy lớp tập huấn."), code="course_not_found")
    return course


def attendees_of(course: Course) -> QuerySet[Attendee]:
    return course.attendees.select_related("unit", "producer").order_by("row_number", "id")


def attendee_get(user, course: Course, pk: int) -> Attendee:
    """An attendee of a course the user sees (the course was read through `course_get`)."""
    attendee = attendees_of(course).filter(pk=pk).first()
    if attendee is None:
        raise NotFound(_("Không tìm thấy học viên."), code="attendee_not_found")
    return attendee


def coverage(*, province_id: int | None, commune_id: int | None, year: int) -> dict[str, int | None]:
    """The planning figures of training for an area and year (the same functions planning calls)."""
    area = {"province_id": province_id, "commune_id": commune_id, "year": year}
    return {name: getattr(indicators, name)(**area) for name in indicators.FIGURES}
