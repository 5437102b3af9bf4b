"""API of products: a producer adds and edits its products (product set by code in the rubric version in force),
and uploads photos checked by content."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ocop.accounts.api_auth import api_user, require_api_user, signed_in
from ocop.accounts.idempotency import idempotent
from ocop.core.errors import Invalid
from ocop.core.paging import PageQuery, check_page, page_of
from ocop.core.storage import download_response
from ocop.core.uploads import refused_upload
from ocop.producers.models import ChangeRequestStatus, RecordChangeRequest
from ocop.producers.policies import change_request_flags
from ocop.producers.selectors import (
    change_request_get,
    change_requests_visible_to,
    pending_change,
    pending_changes_of,
    producer_get,
    producers_of,
)
from ocop.products import services
from ocop.products.models import Product, ProductPhoto
from ocop.products.policies import product_flags
from ocop.products.selectors import (
    photo_get,
    product_get,
    product_set_by_code,
    products_search,
    sheet_status,
)

router = Router(tags=["products"])


class ProductIn(Schema):
    name: str
    product_set: str
    description: str = ""
    version: str | None = None  # the rubric version's code; the one in force when absent
    producer: int | None = None  # needed only by people who act for several producers
    story: str = ""
    raw_material_origin: str = ""
    packaging: str = ""
    label_info: str = ""
    standards: str = ""
    ip_status: str = "none"
    trademark_number: str = ""
    gtin: str = ""
    sales_channels: list[str] = []


class ProductPatch(Schema):
    version: int | None = None  # the product's edit version (409 "stale" when it moved on)
    name: str | None = None
    product_set: str | None = None
    description: str | None = None
    story: str | None = None
    raw_material_origin: str | None = None
    packaging: str | None = None
    label_info: str | None = None
    standards: str | None = None
    ip_status: str | None = None
    trademark_number: str | None = None
    gtin: str | None = None
    sales_channels: list[str] | None = None


class ProductListQuery(PageQuery):
    q: str = ""
    producer: int | None = None


def photo_body(photo: ProductPhoto) -> dict:
    return {
        "id": photo.pk,
        "kind": photo.kind,
        "name": photo.original_name,
        "content_type": photo.content_type,
        "size": photo.size,
        "width": photo.width,
        "height": photo.height,
        "download": f"/api/v1/products/{photo.product_id}/photos/{photo.pk}/file",
    }


def product_body(user, product: Product, pending: dict | None = None) -> dict:
    """`pending`: the page's waiting changes by product id, read at once (a list); else read for this one."""
    product_set = product.product_set
    return {
        "id": product.pk,
        "name": product.name,
        "producer": {"id": product.producer_id, "name": product.producer.name},
        "product_set": product_set.code,
        "product_set_name": product_set.name,
        "group": product_set.group.code,
        "group_name": product_set.group.name,
        "rubric_version": product_set.version.code,
        **sheet_status(product_set),
        "description": product.description,
        "story": product.story,
        "raw_material_origin": product.raw_material_origin,
        "packaging": product.packaging,
        "label_info": product.label_info,
        "standards": product.standards,
        "ip_status": product.ip_status,
        "trademark_number": product.trademark_number,
        "gtin": product.gtin,
        "sales_channels": product.sales_channels,
        "photos": [photo_body(p) for p in product.photos.all()],
        "version": product.version,
        # A new name or product set asked for while the product holds a certificate, waiting for an officer.
        "pending_change": change_body(
            user,
            pending.get(product.pk) if pending is not None else pending_change(product.producer, product),
            brief=True,
        ),
        **product_flags(user, product),
    }


def change_body(user, request: RecordChangeRequest | None, *, brief: bool = False) -> dict | None:
    if request is None:
        return None
    body = {
        "id": request.pk,
        "status": request.status,
        "status_label": request.get_status_display(),
        "old_values": request.old_values,
        "new_values": request.new_values,
        "requested_at": request.requested_at.isoformat(timespec="seconds"),
    }
    if brief:
        return body
    return {
        **body,
        "producer": {"id": request.producer_id, "name": request.producer.name},
        "product": {"id": request.product_id, "name": request.product.name} if request.product_id else None,
        "requested_by": request.requested_by.get_username(),
        "checked_by": request.checked_by.get_username() if request.checked_by else None,
        "check_note": request.check_note,
        **change_request_flags(user, request),
    }


def _producer_for(user, producer_id: int | None):
    if producer_id is not None:
        return producer_get(user, producer_id)
    mine = list(producers_of(user)[:2])
    if not mine:
        raise Invalid(
            _("Tài khoản này chưa thuộc chủ thể nào; hãy đăng ký chủ thể trước."), code="no_producer"
        )
    if len(mine) > 1:
        raise Invalid(_("Bạn thuộc nhiều chủ thể; hãy ghi rõ «producer»."), code="producer_required")
    return mine[0]


@router.get("", auth=signed_in, summary="Sản phẩm người gọi được xem")
def list_products(request, filters: Query[ProductListQuery]):
    user = require_api_user(request)
    check_page(filters)
    products = products_search(user, q=filters.q[:100], producer_id=filters.producer).prefetch_related(
        "photos"
    )

    def bodies(page: list) -> list:
        pending = pending_changes_of(page)
        return [product_body(user, p, pending) for p in page]

    return page_of(products, filters, render_all=bodies)


@router.post("", response={201: Any}, auth=signed_in, summary="Chủ thể thêm một sản phẩm")
@idempotent
def create_product(request, payload: ProductIn):
    user = require_api_user(request)
    values = payload.dict()
    producer = _producer_for(user, values.pop("producer"))
    product_set = product_set_by_code(values.pop("product_set"), values.pop("version"))
    product = services.product_create(actor=user, producer=producer, product_set=product_set, **values)
    return Status(201, product_body(user, product_get(user, product.pk)))


class ChangeListQuery(PageQuery):
    status: str = ChangeRequestStatus.PENDING.value  # pending, approved, rejected, or "" for all


class ChangeNoteIn(Schema):
    note: str = ""


class RejectIn(Schema):
    reason: str


@router.get("/changes", auth=signed_in, summary="Đề nghị thay đổi tên, bộ sản phẩm, địa chỉ, mã số thuế")
def list_changes(request, filters: Query[ChangeListQuery]):
    user = require_api_user(request)
    requests = change_requests_visible_to(user)
    if filters.status:
        requests = requests.filter(status=filters.status[:10])
    return page_of(requests, filters, lambda item: change_body(user, item))


@router.get("/changes/{change_id}", auth=signed_in, summary="Một đề nghị thay đổi")
def get_change(request, change_id: int):
    user = require_api_user(request)
    return change_body(user, change_request_get(user, change_id))


@router.post(
    "/changes/{change_id}/approve",
    response={200: Any},
    auth=signed_in,
    summary="Cán bộ duyệt đề nghị thay đổi (không phải người đề nghị)",
)
@idempotent
def approve_change(request, change_id: int, payload: ChangeNoteIn | None = None):
    user = require_api_user(request)
    change = change_request_get(user, change_id)
    services.record_change_approve(actor=user, request=change, note=(payload or ChangeNoteIn()).note)
    return Status(200, change_body(user, change_request_get(user, change_id)))


@router.post(
    "/changes/{change_id}/reject", response={200: Any}, auth=signed_in, summary="Cán bộ trả lại đề nghị"
)
@idempotent
def reject_change(request, change_id: int, payload: RejectIn):
    user = require_api_user(request)
    change = change_request_get(user, change_id)
    services.record_change_reject(actor=user, request=change, reason=payload.reason)
    return Status(200, change_body(user, change_request_get(user, change_id)))


@router.get("/{product_id}", summary="Một sản phẩm")
def get_product(request, product_id: int):
    user = api_user(request)
    return product_body(user, product_get(user, product_id))


@router.patch("/{product_id}", auth=signed_in, summary="Sửa sản phẩm (gửi kèm version để tránh ghi đè)")
def update_product(request, product_id: int, payload: ProductPatch):
    user = require_api_user(request)
    product = product_get(user, product_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    if "product_set" in changes:
        changes["product_set"] = product_set_by_code(changes["product_set"])
    services.product_update(actor=user, product=product, expected_version=version, **changes)
    return product_body(user, product_get(user, product_id))


@router.post(
    "/{product_id}/photos",
    response={201: Any},
    auth=signed_in,
    summary="Tải lên ảnh sản phẩm, bao bì hoặc nhãn (JPEG, PNG)",
)
@idempotent
def upload_photo(request, product_id: int, file: File[UploadedFile | None] = None, kind: Form[str] = "photo"):
    user = require_api_user(request)
    product = product_get(user, product_id)
    refused_upload(request, "file")
    photo = services.product_photo_add(actor=user, product=product, upload=file, kind=kind)
    return Status(201, photo_body(photo))


@router.get("/{product_id}/photos/{photo_id}/file", summary="Tải ảnh về (sau khi kiểm tra quyền)")
def download_photo(request, product_id: int, photo_id: int):
    user = api_user(request)
    photo = photo_get(user, product_id, photo_id)
    return download_response(
        request, photo.file.name, filename=photo.original_name, content_type=photo.content_type
    )
