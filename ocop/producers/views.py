"""Pages of producers: self-registration, the producer portal, officers' list, entry, edit and confirmation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.policies import Capability, active_roles, has_capability, scope_unit_ids
from ocop.core import listing
from ocop.core.exports import Column
from ocop.core.paths import path_of
from ocop.core.ratelimit import client_address, spend
from ocop.core.refusals import refusal, shows_refusals
from ocop.geo import eras
from ocop.geo.models import Level
from ocop.producers import services
from ocop.producers.forms import ProducerCreateForm, ProducerEditForm, RegisterForm
from ocop.producers.models import LegalForm, ProducerStatus
from ocop.producers.policies import producer_flags
from ocop.producers.sections import sections_for
from ocop.producers.selectors import (
    pending_change,
    pending_lines,
    producer_get,
    producer_rows,
    producers_listed,
    producers_of,
)
from ocop.producers.services import EDITABLE_FIELDS


def _producer_values(data: dict) -> dict:
    return {key: data[key] for key in EDITABLE_FIELDS if key in data}


def _registrations_exceeded(request) -> bool:
    """Every attempt counts, refused or not: a budget per address slows both mass sign-ups and probing which
    tax codes are registered."""
    budget = spend(f"register:{client_address(request)}", limit=settings.REGISTRATIONS_PER_HOUR, window=3600)
    return budget.exceeded


@require_http_methods(["GET", "POST"])
def register_view(request):
    """A producer registers itself: account and organisation; the commune then confirms it."""
    if request.user.is_authenticated:
        return redirect("producers:portal")
    form = RegisterForm(request.POST or None)
    form.setup_communes(request.POST.get("province") or None)
    if request.method == "POST" and _registrations_exceeded(request):
        form.is_valid()  # draw the form with what was typed, then the reason on top
        form.add_error(None, _("Có quá nhiều lần đăng ký từ địa chỉ này. Vui lòng thử lại sau một giờ."))
        return render(request, "producers/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form):
            user, producer = services.producer_register(
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                unit=data["commune"],
                tax_code=data["tax_code"],
                **_producer_values(data),
            )
            login(request, user, backend="ocop.accounts.backends.AccountsBackend")
            messages.success(
                request,
                _(
                    "Đã đăng ký chủ thể «%(name)s». Cán bộ %(commune)s sẽ xác nhận; trong lúc chờ, bạn có thể thêm sản phẩm."
                )
                % {"name": producer.name, "commune": producer.unit.name},
            )
            return redirect("producers:portal")
    status = 400 if request.method == "POST" else 200
    return render(request, "producers/register.html", {"form": form}, status=status)


@login_required
def portal_view(request):
    """My organisation, my products, my ideas and dossiers, and what each still needs."""
    if not has_capability(request.user, Capability.ACT_AS_PRODUCER):
        raise Http404
    organisations = [
        {
            "producer": producer,
            "flags": producer_flags(request.user, producer),
            "sections": sections_for(request, producer),
        }
        for producer in producers_of(request.user)
    ]
    return render(request, "producers/portal.html", {"organisations": organisations})


@login_required
def list_view(request):
    """Producers of the officer's area, filtered (name, unit of today or of its time, status, legal form,
    year of entry), with the unit of today beside the unit of its time, and the download of what it shows."""
    if not has_capability(request.user, Capability.VIEW_WORK):
        raise Http404
    query = request.GET
    unit = eras.unit_from_param(query.get("unit"))
    statuses = [(code, str(label)) for code, label in ProducerStatus.choices]
    forms = [(code, str(label)) for code, label in LegalForm.choices]
    q = listing.text_param(query)
    year = listing.year_param(query)
    records = producers_listed(
        request.user,
        q=q,
        status=listing.choice_param(query, "status", statuses),
        legal_form=listing.choice_param(query, "legal_form", forms),
        unit_q=eras.unit_q(unit, "unit") if unit else None,
        year=year,
    )
    filters = [
        listing.ListFilter("q", _("Tìm (không dấu cũng được)"), q),
        eras.unit_list_filter(query, unit, scope_unit_ids(request.user, Capability.VIEW_WORK)),
        listing.ListFilter("status", _("Trạng thái"), query.get("status", ""), statuses),
        listing.ListFilter("legal_form", _("Loại hình"), query.get("legal_form", ""), forms),
        listing.ListFilter(
            "year",
            _("Năm đăng ký"),
            query.get("year", ""),
            # From the programme's first year, not the distinct years of every record (a full read at 100k).
            listing.year_choices(listing.YEAR_RANGE[0]),
        ),
    ]
    columns = [
        Column(_("Tên"), lambda p: p.name, lambda p: path_of("producers:detail", p.pk)),
        Column(_("Loại hình"), lambda p: listing.choice_label(LegalForm, p.legal_form)),
        Column(_("Mã số thuế"), lambda p: p.tax_code or ""),
        *eras.place_columns(lambda p: p.unit_id),
        Column(
            _("Trạng thái"),
            lambda p: listing.choice_label(ProducerStatus, p.status),
            badge=lambda p: "badge-ok" if p.status == ProducerStatus.CONFIRMED else "badge-warn",
        ),
    ]
    return listing.list_response(
        request,
        "producers/list.html",
        records=records,
        rows=producer_rows,
        columns=columns,
        filters=filters,
        filename="chu-the-ocop",
        context={"can_create": has_capability(request.user, Capability.MANAGE_PRODUCERS)},
    )


def _default_province(user) -> str | None:
    for role in active_roles(user):
        if role.unit.level == Level.PROVINCE:
            return role.unit.code
        if role.unit.level == Level.COMMUNE and role.unit.parent_id:
            return role.unit.parent.code
    return None


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    if not has_capability(request.user, Capability.MANAGE_PRODUCERS):
        raise Http404
    form = ProducerCreateForm(request.POST or None, initial={"province": _default_province(request.user)})
    form.setup_communes(request.POST.get("province") or _default_province(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form):
            producer = services.producer_create(
                actor=request.user, unit=data["commune"], tax_code=data["tax_code"], **_producer_values(data)
            )
            messages.success(request, _("Đã thêm chủ thể «%(name)s».") % {"name": producer.name})
            return redirect("producers:detail", producer.pk)
    return render(
        request,
        "producers/form.html",
        {"form": form, "title": _("Thêm chủ thể")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@shows_refusals
def detail_view(request, pk: int):
    producer = producer_get(request.user, pk)
    return render(
        request,
        "producers/detail.html",
        {
            "producer": producer,
            "flags": producer_flags(request.user, producer),
            "sections": sections_for(request, producer),
            "pending": pending_lines(pending_change(producer)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def edit_view(request, pk: int):
    producer = producer_get(request.user, pk)
    if not producer_flags(request.user, producer)["may_edit"]:
        raise Http404
    initial = {key: getattr(producer, key) for key in EDITABLE_FIELDS}
    initial.update(tax_code=producer.tax_code or "", version=producer.version)
    form = ProducerEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form) as refused:
            services.producer_update(
                actor=request.user,
                producer=producer,
                expected_version=data["version"],
                tax_code=data["tax_code"],
                **_producer_values(data),
            )
            messages.success(request, _("Đã lưu thông tin chủ thể."))
            if pending_change(producer) is not None:
                messages.info(
                    request,
                    _(
                        "Thay đổi tên, địa chỉ hoặc mã số thuế đang chờ cán bộ xã hoặc tỉnh duyệt; đến khi được duyệt, hồ sơ vẫn giữ thông tin cũ."
                    ),
                )
            return redirect("producers:detail", producer.pk)
        return render(
            request, "producers/form.html", {"form": form, "title": producer.name}, status=refused.status
        )
    return render(
        request,
        "producers/form.html",
        {"form": form, "title": producer.name},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@shows_refusals
def confirm_view(request, pk: int):
    producer = producer_get(request.user, pk)
    with refusal(request):
        services.producer_confirm(
            actor=request.user, producer=producer, expected_version=_int(request.POST.get("version"))
        )
        messages.success(request, _("Đã xác nhận chủ thể «%(name)s».") % {"name": producer.name})
    return redirect("producers:detail", pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
