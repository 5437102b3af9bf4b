"""Error codes of training courses and their attendance sheets (docs/errors.md)."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class TrainingCode(ErrorCode):
    """The codes of training courses, attendees and attendance sheets."""

    COURSE_NOT_FOUND = "course_not_found", "This training course was not found (or is outside your area)."
    COURSE_FORBIDDEN = "course_forbidden", "Your role may not organise training courses in this unit."
    COURSE_INVALID = "course_invalid", "A field of the course is missing or not valid (the message names it)."
    COURSE_DATES = "course_dates", "The course ends before it starts."
    ATTENDANCE_UNREADABLE = "attendance_unreadable", "The attendance sheet cannot be read as XLSX or CSV."
    ATTENDANCE_INVALID = (
        "attendance_invalid",
        "Rows of the attendance sheet are not valid (details list each row); nothing was stored.",
    )
    ATTENDEE_NOT_FOUND = "attendee_not_found", "This attendee was not found."
