"""Pages of training: the courses of the officer's area with the coverage figures, a new course, a course with
its attendees, the import of its attendance sheet (preview, then apply) and each attendee's certificate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ocop.accounts.policies import has_capability, roles_with
from ocop.core.refusals import refusal, shows_refusals
from ocop.geo.models import Level
from ocop.training import pdf, policies, selectors, services
from ocop.training.forms import CourseForm, SheetForm
from ocop.training.sheet import HEADERS
from ocop.training.topics import topic_name

_SALT = "training.attendance"


def _reader(request) -> None:
    if not has_capability(request.user, policies.READ):
        raise Http404


def _area(user) -> dict:
    """The area whose coverage the list shows: the widest unit the user reads."""
    roles = sorted(
        roles_with(user, policies.READ),
        key=lambda role: (
            [Level.COUNTRY, Level.PROVINCE, Level.COMMUNE].index(role.unit.level)
            if role.unit.level in (Level.COUNTRY, Level.PROVINCE, Level.COMMUNE)
            else 9
        ),
    )
    unit = roles[0].unit if roles else None
    if unit is None or unit.level == Level.COUNTRY:
        return {"unit": unit, "province_id": None, "commune_id": None}
    if unit.level == Level.PROVINCE:
        return {"unit": unit, "province_id": unit.pk, "commune_id": None}
    return {"unit": unit, "province_id": unit.current_province_id, "commune_id": unit.pk}


@login_required
def course_list(request):
    _reader(request)
    year = timezone.localdate().year
    area = _area(request.user)
    figures = selectors.coverage(province_id=area["province_id"], commune_id=area["commune_id"], year=year)
    page = Paginator(selectors.courses_visible_to(request.user), 50).get_page(request.GET.get("page"))
    for course in page:
        course.topic_label = topic_name(course.topic)
    return render(
        request,
        "training/courses.html",
        {
            "page": page,
            "figures": figures,
            "area": area["unit"],
            "year": year,
            "may_create": policies.may_organise_somewhere(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    if not policies.may_organise_somewhere(request.user):
        raise Http404
    roles = roles_with(request.user, policies.ORGANISE)
    form = CourseForm(request.POST or None, initial={"unit_code": roles[0].unit.code if roles else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form) as refused:
            course = services.course_create(
                actor=request.user,
                title=data["title"],
                topic=data["topic"],
                unit=data["unit_code"],
                organiser=data["organiser"],
                place=data["place"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                budget=data["budget"],
                budget_source=data["budget_source"],
            )
            messages.success(request, _("Đã ghi lớp tập huấn «%(title)s».") % {"title": course.title})
            return redirect("training:course", course.pk)
        return render(request, "training/course_form.html", {"form": form}, status=refused.status)
    status = 400 if request.method == "POST" else 200
    return render(request, "training/course_form.html", {"form": form}, status=status)


@login_required
@shows_refusals
def course_detail(request, pk: int):
    course = selectors.course_get(request.user, pk)
    return render(
        request,
        "training/course.html",
        {
            "course": course,
            "topic": topic_name(course.topic),
            "attendees": selectors.attendees_of(course),
            **policies.flags(request.user, course),
        },
    )


def _signed(content: bytes, filename: str, course_id: int) -> str:
    return signing.dumps(
        {"content": content.hex(), "filename": filename, "course": course_id}, salt=_SALT, compress=True
    )


def _unsigned(token: str, course_id: int) -> dict:
    try:
        data = signing.loads(token, salt=_SALT, max_age=3600)
    except signing.BadSignature as bad:
        raise Http404 from bad
    if data.get("course") != course_id:
        raise Http404
    return data


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def attendance_import(request, pk: int):
    """The attendance sheet: upload, see every row and its problems, then apply the whole sheet."""
    course = selectors.course_get(request.user, pk)
    policies.require_organise(request.user, course.unit)
    form = SheetForm(request.POST or None, request.FILES or None)
    preview = token = None
    status = 200
    if request.method == "POST" and request.POST.get("confirm"):
        data = _unsigned(request.POST["confirm"], course.pk)
        with refusal(request, details=True):
            batch = services.attendance_import(
                actor=request.user,
                course=course,
                content=bytes.fromhex(data["content"]),
                filename=data["filename"],
            )
            messages.success(request, _("Đã nhập %(rows)s học viên.") % {"rows": batch.rows})
            return redirect("training:course", course.pk)
        return redirect("training:attendance_import", course.pk)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        with refusal(form) as refused:
            preview = services.attendance_preview(
                actor=request.user, course=course, content=content, filename=upload.name
            )
            if preview.ok:
                token = _signed(content, upload.name, course.pk)
        if refused:
            status = refused.status
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "training/import.html",
        {"course": course, "form": form, "preview": preview, "token": token, "headers": HEADERS},
        status=status,
    )


@login_required
@shows_refusals
def certificate_pdf(request, pk: int, attendee_id: int):
    course = selectors.course_get(request.user, pk)
    attendee = selectors.attendee_get(request.user, course, attendee_id)
    response = HttpResponse(pdf.render(attendee), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="giay-chung-nhan-{attendee.certificate_number}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
