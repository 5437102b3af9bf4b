"""API of training, under /api/v1/training: courses of the caller's area, a new course, its attendees, the
import of its attendance sheet (a preview unless `apply` is true) and the coverage figures of an area.

No `from __future__ import annotations` here: django-ninja reads the payload types of handlers wrapped by
`@idempotent` at run time.
"""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ocop.accounts.api_auth import require_api_user, signed_in
from ocop.accounts.idempotency import idempotent
from ocop.accounts.policies import Capability, can, has_capability
from ocop.core.errors import Invalid, NotFound
from ocop.core.paging import PageQuery, page_of
from ocop.core.uploads import refused_upload
from ocop.geo.models import AdminUnit, Era, Level
from ocop.training import policies, selectors, services
from ocop.training.models import Attendee, Course
from ocop.training.topics import topic_name

router = Router(tags=["training"], auth=signed_in)


class TrainingCourseIn(Schema):
    title: str = Field(..., max_length=300)
    topic: str = Field(..., max_length=40, description="A topic code (GET /training/topics)")
    unit: str = Field(
        ..., max_length=8, description="Code of the current unit holding it: VN, a province or a commune"
    )
    organiser: str = Field(..., max_length=300)
    place: str = Field("", max_length=300)
    starts_on: datetime.date
    ends_on: datetime.date
    budget: Decimal | None = Field(None, description="VND")
    budget_source: str = Field("", max_length=10, description="central, local, social or other")


class TrainingCoverageQuery(Schema):
    unit: str = Field("VN", max_length=8, description="A current unit code, or VN for the country")
    year: int | None = None


def course_dict(course: Course, user) -> dict:
    return {
        "id": course.pk,
        "title": course.title,
        "topic": {"code": course.topic, "name": topic_name(course.topic)},
        "level": course.level,
        "unit": {"code": course.unit.code, "name": course.unit.name},
        "organiser": course.organiser,
        "place": course.place,
        "starts_on": course.starts_on.isoformat(),
        "ends_on": course.ends_on.isoformat(),
        "budget": str(course.budget) if course.budget is not None else None,
        "budget_source": course.budget_source or None,
        "attendees": getattr(course, "attendee_count", None),
        **policies.flags(user, course),
    }


def attendee_dict(attendee: Attendee) -> dict:
    return {
        "id": attendee.pk,
        "row": attendee.row_number,
        "full_name": attendee.full_name,
        "kind": attendee.kind,
        "unit": {"code": attendee.unit.code, "name": attendee.unit.name},
        "producer": {"id": attendee.producer_id, "name": attendee.producer.name}
        if attendee.producer
        else None,
        "position": attendee.position,
        "in_charge": attendee.in_charge,
        "certificate_number": attendee.certificate_number,
        "certificate_url": reverse("training:certificate", args=[attendee.course_id, attendee.pk]),
    }


@router.get("/topics", summary="Danh mục chuyên đề tập huấn")
def topics(request):
    from ocop.training.topics import topics as all_topics

    return {
        "items": [{"code": t.code, "name_vi": t.name_vi, "name_en": t.name_en} for t in all_topics().values()]
    }


@router.get("/courses", summary="Lớp tập huấn trong phạm vi của bạn")
def list_courses(request, query: Query[PageQuery]):
    user = require_api_user(request)
    return page_of(selectors.courses_visible_to(user), query, lambda c: course_dict(c, user))


@router.post("/courses", response={201: dict}, summary="Ghi một lớp tập huấn")
@idempotent
def create_course(request, payload: TrainingCourseIn):
    user = require_api_user(request)
    unit = AdminUnit.objects.filter(era=Era.CURRENT, code=payload.unit).first()
    if unit is None:
        raise Invalid(
            _("Không có đơn vị hành chính hiện hành mã «%(code)s».") % {"code": payload.unit},
            code="course_invalid",
        )
    course = services.course_create(
        actor=user,
        title=payload.title,
        topic=payload.topic,
        unit=unit,
        organiser=payload.organiser,
        place=payload.place,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        budget=payload.budget,
        budget_source=payload.budget_source,
    )
    return Status(201, course_dict(selectors.course_get(user, course.pk), user))


@router.get("/courses/{course_id}", summary="Một lớp tập huấn")
def get_course(request, course_id: int):
    user = require_api_user(request)
    return course_dict(selectors.course_get(user, course_id), user)


@router.get("/courses/{course_id}/attendees", summary="Học viên của lớp")
def list_attendees(request, course_id: int, query: Query[PageQuery]):
    user = require_api_user(request)
    course = selectors.course_get(user, course_id)
    return page_of(selectors.attendees_of(course), query, attendee_dict)


@router.post(
    "/courses/{course_id}/attendees/import",
    response={200: dict, 201: dict},
    summary="Nhập danh sách học viên (xem trước; apply=true để nhập cả tệp)",
)
@idempotent
def import_attendees(
    request, course_id: int, file: File[UploadedFile | None] = None, apply: Form[bool] = False
):
    user = require_api_user(request)
    course = selectors.course_get(user, course_id)
    refused_upload(request, "file")
    if file is None:
        raise Invalid(_("Chưa chọn tệp để tải lên."), code="attendance_unreadable")
    content, name = file.read(), file.name or ""
    if apply:
        batch = services.attendance_import(actor=user, course=course, content=content, filename=name)
        return Status(201, {"applied": True, "rows": batch.rows, "course": course.pk})
    preview = services.attendance_preview(actor=user, course=course, content=content, filename=name)
    return {
        "applied": False,
        "ok": preview.ok,
        "problems": preview.problems,
        "rows": [row.as_dict() for row in preview.rows],
    }


@router.get("/coverage", summary="Độ bao phủ tập huấn của một đơn vị trong năm")
def coverage(request, query: Query[TrainingCoverageQuery]):
    user = require_api_user(request)
    year = query.year or timezone.localdate().year
    if not 1900 < year < 3000:
        raise Invalid(_("Năm không hợp lệ."), code="course_invalid")
    unit = AdminUnit.objects.filter(era=Era.CURRENT, code=query.unit).first()
    if unit is None or not (can(user, policies.READ, unit) and has_capability(user, Capability.VIEW_WORK)):
        raise NotFound(_("Không tìm thấy đơn vị trong phạm vi của bạn."), code="course_not_found")
    area = {
        Level.COUNTRY: (None, None),
        Level.PROVINCE: (unit.pk, None),
        Level.COMMUNE: (unit.current_province_id, unit.pk),
    }.get(unit.level)
    if area is None:
        raise NotFound(_("Không tìm thấy đơn vị trong phạm vi của bạn."), code="course_not_found")
    figures = selectors.coverage(province_id=area[0], commune_id=area[1], year=year)
    return {"unit": unit.code, "year": year, "items": [{"code": k, "value": v} for k, v in figures.items()]}
