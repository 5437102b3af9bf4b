"""Every write of training: a course is created (`course_create`), its attendance sheet previewed
(`attendance_preview`, writes nothing) and applied whole or not at all (`attendance_import`)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Invalid
from ocop.core.text import nfc
from ocop.geo.models import AdminUnit, Level
from ocop.training import policies
from ocop.training.models import AttendanceImport, Attendee, BudgetSource, Course, CourseLevel
from ocop.training.sheet import SheetPreview, read_sheet
from ocop.training.topics import topics

# The level of a course follows the unit that holds it.
LEVEL_OF_UNIT: dict[str, str] = {
    Level.COUNTRY: CourseLevel.CENTRAL,
    Level.PROVINCE: CourseLevel.PROVINCE,
    Level.COMMUNE: CourseLevel.COMMUNE,
}
MAX_BUDGET = Decimal("999999999999999")


def _text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    value = nfc(value or "").strip()
    if required and not value:
        raise Invalid(_("Cần ghi %(field)s.") % {"field": label}, code="course_invalid")
    if len(value) > limit:
        raise Invalid(
            _("%(field)s dài quá %(max)s ký tự.") % {"field": label, "max": limit}, code="course_invalid"
        )
    return value


def _budget(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(" ", "").replace(".", "").replace(",", ""))
    except InvalidOperation as exc:
        raise Invalid(_("Kinh phí phải là số đồng."), code="course_invalid") from exc
    if amount < 0 or amount > MAX_BUDGET or amount != amount.to_integral_value():
        raise Invalid(_("Kinh phí phải là số đồng không âm."), code="course_invalid")
    return amount


def course_create(
    *,
    actor,
    title: str,
    topic: str,
    unit: AdminUnit | None,
    organiser: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    place: str = "",
    budget=None,
    budget_source: str = "",
) -> Course:
    """Record a course held by `unit`: the country (central), a province or a commune of today's units."""
    if unit is None or unit.era != "current" or unit.level not in LEVEL_OF_UNIT:
        raise Invalid(
            _("Đơn vị tổ chức phải là một tỉnh, một xã hiện hành, hoặc Trung ương."), code="course_invalid"
        )
    policies.require_organise(actor, unit)
    level = LEVEL_OF_UNIT[unit.level]
    if topic not in topics():
        raise Invalid(
            _("Chuyên đề «%(topic)s» không có trong danh mục.") % {"topic": topic}, code="course_invalid"
        )
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        raise Invalid(_("Cần ghi ngày bắt đầu và ngày kết thúc."), code="course_invalid")
    if ends_on < starts_on:
        raise Invalid(
            _("Lớp kết thúc (%(end)s) trước khi bắt đầu (%(start)s).")
            % {"end": ends_on.strftime("%d/%m/%Y"), "start": starts_on.strftime("%d/%m/%Y")},
            code="course_dates",
        )
    amount = _budget(budget)
    if budget_source and budget_source not in BudgetSource.values:
        raise Invalid(_("Nguồn kinh phí không hợp lệ."), code="course_invalid")
    if amount is not None and not budget_source:
        raise Invalid(_("Cần ghi nguồn kinh phí."), code="course_invalid")
    with transaction.atomic():
        course = Course.objects.create(
            title=_text(title, _("tên lớp"), 300),
            topic=topic,
            level=level,
            unit=unit,
            organiser=_text(organiser, _("đơn vị chủ trì"), 300),
            place=_text(place, _("địa điểm"), 300, required=False),
            starts_on=starts_on,
            ends_on=ends_on,
            budget=amount,
            budget_source=budget_source,
            created_by=actor,
        )
        record_event(
            actor=actor,
            action="course.create",
            target=course,
            unit=unit,
            data={"topic": topic, "level": level, "budget": str(amount) if amount is not None else None},
        )
    return course


def attendance_preview(*, actor, course: Course, content: bytes, filename: str = "") -> SheetPreview:
    """Read and check a course's attendance sheet row by row. Writes nothing."""
    policies.require_organise(actor, course.unit)
    taken = set(course.attendees.values_list("person_key", flat=True))
    return read_sheet(content, filename, taken=taken)


def attendance_import(*, actor, course: Course, content: bytes, filename: str = "") -> AttendanceImport:
    """Add every attendee of the sheet, or none: any row with a problem refuses the whole file."""
    with transaction.atomic():
        course = Course.objects.select_for_update().select_related("unit").get(pk=course.pk)
        preview = attendance_preview(actor=actor, course=course, content=content, filename=filename)
        if not preview.ok:
            first = (preview.problems or [p for row in preview.rows for p in row.problems] or [""])[0]
            raise Invalid(
                _("Danh sách có %(count)s lỗi, chưa nhập dòng nào. Lỗi đầu tiên: %(first)s")
                % {"count": len(preview.details()), "first": first},
                code="attendance_invalid",
                details=preview.details(),
            )
        batch = AttendanceImport.objects.create(
            course=course, filename=filename[:200], rows=len(preview.rows), created_by=actor
        )
        start = course.attendees.count()
        try:
            with transaction.atomic():
                Attendee.objects.bulk_create(
                    Attendee(
                        course=course,
                        batch=batch,
                        row_number=row.row_number,
                        kind=row.kind,
                        full_name=row.full_name,
                        person_key=row.person_key,
                        unit=row.unit,
                        position=row.position,
                        in_charge=row.in_charge,
                        producer=row.producer,
                        phone=row.phone,
                        certificate_number=f"TH{course.pk:05d}-{start + offset:04d}",
                    )
                    for offset, row in enumerate(preview.rows, start=1)
                )
        except IntegrityError as exc:  # another import of the same person committed meanwhile
            raise Conflict(
                _("Danh sách học viên của lớp vừa thay đổi; hãy xem lại và nhập lại."),
                code="attendance_invalid",
            ) from exc
        record_event(
            actor=actor,
            action="course.attendance_import",
            target=course,
            unit=course.unit,
            data={"batch": batch.pk, "rows": batch.rows, "file": filename[:200]},
        )
    return batch
