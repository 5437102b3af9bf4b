"""Pages of products: add, read, edit with a version, photos checked by content and served with rights."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.policies import Capability, has_capability, scope_unit_ids
from ocop.core import listing
from ocop.core.exports import Column
from ocop.core.paths import path_of
from ocop.core.refusals import refusal, shows_refusals
from ocop.core.storage import download_response
from ocop.core.uploads import refused_upload
from ocop.geo import eras
from ocop.producers.models import ChangeRequestStatus
from ocop.producers.policies import change_request_flags
from ocop.producers.selectors import (
    change_request_get,
    change_requests_visible_to,
    pending_change,
    producer_get,
    producers_of,
)
from ocop.products import services
from ocop.products.forms import (
    ChangeNoteForm,
    ChangeRejectForm,
    PhotoForm,
    ProductEditForm,
    ProductForm,
)
from ocop.products.policies import can_add_product, product_flags
from ocop.products.selectors import (
    change_lines,
    photo_get,
    product_get,
    product_rows,
    products_listed,
    sheet_status,
)
from ocop.products.services import EDITABLE_FIELDS
from ocop.rubrics.selectors import product_group_choices


def _values(data: dict) -> dict:
    return {key: data[key] for key in EDITABLE_FIELDS if key in data}


def _pending(producer, product=None) -> dict | None:
    """The change of certified details that waits for an officer, as its lines."""
    change = pending_change(producer, product)
    return {"change": change, "lines": change_lines(change)} if change else None


def _say_pending(request, change) -> None:
    if change is not None:
        messages.info(
            request,
            _(
                "Thay đổi tên, bộ sản phẩm, địa chỉ hoặc mã số thuế đang chờ cán bộ duyệt; giấy chứng nhận và trang tra cứu vẫn ghi thông tin đã được chứng nhận."
            ),
        )


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def create_view(request):
    producer_id = request.GET.get("producer") or request.POST.get("producer")
    producer = producer_get(request.user, producer_id) if producer_id else producers_of(request.user).first()
    if producer is None or not can_add_product(request.user, producer):
        raise Http404
    form = ProductForm(request.POST or None, initial={"ip_status": "none"})
    if request.method == "POST" and form.is_valid():
        with refusal(form):
            product = services.product_create(
                actor=request.user, producer=producer, **_values(form.cleaned_data)
            )
            messages.success(request, _("Đã thêm sản phẩm «%(name)s».") % {"name": product.name})
            return redirect("products:detail", product.pk)
    return render(
        request,
        "products/form.html",
        {"form": form, "producer": producer, "title": _("Thêm sản phẩm")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@shows_refusals
def detail_view(request, pk: int, *, photo_form=None, status: int = 200):
    product = product_get(request.user, pk)
    return render(
        request,
        "products/detail.html",
        {
            "product": product,
            "flags": product_flags(request.user, product),
            "photos": product.photos.all(),
            "photo_form": photo_form or PhotoForm(),
            "pending": _pending(product.producer, product),
            "sheet": sheet_status(product.product_set),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def edit_view(request, pk: int):
    product = product_get(request.user, pk)
    if not product_flags(request.user, product)["may_edit"]:
        raise Http404
    initial = {key: getattr(product, key) for key in EDITABLE_FIELDS}
    initial["version"] = product.version
    form = ProductEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form) as refused:
            services.product_update(
                actor=request.user, product=product, expected_version=data["version"], **_values(data)
            )
            messages.success(request, _("Đã lưu sản phẩm."))
            _say_pending(request, pending_change(product.producer, product))
            return redirect("products:detail", product.pk)
        return render(
            request,
            "products/form.html",
            {"form": form, "producer": product.producer, "title": product.name},
            status=refused.status,
        )
    return render(
        request,
        "products/form.html",
        {"form": form, "producer": product.producer, "title": product.name},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@shows_refusals
def photo_add_view(request, pk: int):
    product = product_get(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        with refusal(form) as refused:
            refused_upload(request, "file")
            services.product_photo_add(
                actor=request.user,
                product=product,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
            messages.success(request, _("Đã tải ảnh lên."))
            return redirect("products:detail", pk)
        return detail_view(request, pk, photo_form=form, status=refused.status)
    return detail_view(request, pk, photo_form=form, status=400)


@login_required
@shows_refusals
def photo_view(request, pk: int, photo_id: int):
    photo = photo_get(request.user, pk, photo_id)
    return download_response(
        request, photo.file.name, filename=photo.original_name, content_type=photo.content_type
    )


# ---------------------------------------------------------------------------------------------------------
# Changes of certified details: the officer's queue and decision


@login_required
def changes_view(request):
    status = request.GET.get("status", ChangeRequestStatus.PENDING)[:10]
    changes = change_requests_visible_to(request.user)
    if status:
        changes = changes.filter(status=status)
    rows = [(change, change_lines(change)) for change in changes[:200]]
    return render(request, "products/changes.html", {"rows": rows, "status": status})


@login_required
@shows_refusals
def change_view(request, pk: int):
    change = change_request_get(request.user, pk)
    return render(
        request,
        "products/change.html",
        {
            "change": change,
            "lines": change_lines(change),
            "flags": change_request_flags(request.user, change),
            "note_form": ChangeNoteForm(),
            "reject_form": ChangeRejectForm(),
        },
    )


@login_required
@require_POST
@shows_refusals
def change_approve_view(request, pk: int):
    change = change_request_get(request.user, pk)
    form = ChangeNoteForm(request.POST)
    with refusal(request):
        services.record_change_approve(
            actor=request.user, request=change, note=form.cleaned_data["note"] if form.is_valid() else ""
        )
        messages.success(request, _("Đã duyệt đề nghị thay đổi."))
    return redirect("products:change", pk=pk)


@login_required
@require_POST
@shows_refusals
def change_reject_view(request, pk: int):
    change = change_request_get(request.user, pk)
    form = ChangeRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do trả lại."))
        return redirect("products:change", pk=pk)
    with refusal(request):
        services.record_change_reject(actor=request.user, request=change, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã trả lại đề nghị thay đổi."))
    return redirect("products:change", pk=pk)


@login_required
def list_view(request):
    """Products of the officer's area, filtered (name, unit of today or of its time, group, stars in force,
    year of entry), with the download of what it shows."""
    if not has_capability(request.user, Capability.VIEW_WORK):
        raise Http404
    query = request.GET
    unit = eras.unit_from_param(query.get("unit"))
    groups = product_group_choices()
    q = listing.text_param(query)
    records = products_listed(
        request.user,
        q=q,
        unit_q=eras.unit_q(unit, "producer__unit") if unit else None,
        group=listing.choice_param(query, "group", groups),
        star=listing.star_param(query),
        year=listing.year_param(query),
    )
    filters = [
        listing.ListFilter("q", _("Tìm (không dấu cũng được)"), q),
        eras.unit_list_filter(query, unit, scope_unit_ids(request.user, Capability.VIEW_WORK)),
        listing.ListFilter("group", _("Nhóm sản phẩm"), query.get("group", ""), groups),
        listing.ListFilter("star", _("Hạng sao đang có"), query.get("star", ""), listing.STAR_CHOICES),
        listing.ListFilter(
            # From the programme's first year, not the distinct years of every record (a full read at 100k).
            "year",
            _("Năm đăng ký"),
            query.get("year", ""),
            listing.year_choices(listing.YEAR_RANGE[0]),
        ),
    ]
    columns = [
        Column(_("Sản phẩm"), lambda p: p.name, lambda p: path_of("products:detail", p.pk)),
        Column(_("Bộ sản phẩm"), lambda p: f"{p.set_code} – {p.set_name}"),
        Column(_("Nhóm sản phẩm"), lambda p: p.group_name),
        Column(
            _("Chủ thể"),
            lambda p: p.producer_name,
            lambda p: path_of("producers:detail", p.producer_id),
        ),
        Column(_("Hạng sao đang có"), lambda p: p.stars_in_force),
        *eras.place_columns(lambda p: p.unit_id),
    ]
    return listing.list_response(
        request,
        "products/list.html",
        records=records,
        rows=product_rows,
        columns=columns,
        filters=filters,
        filename="san-pham-ocop",
    )
