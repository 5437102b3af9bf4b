"""Actions on products: create, edit with a version, photos checked by content.

Every function runs in one transaction, checks the actor's right, and records an audit event.
"""

from __future__ import annotations

import re
from typing import cast

from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core import uploads
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.core.maker_checker import reason_required, stamp_check
from ocop.core.storage import store
from ocop.core.text import fold, nfc
from ocop.producers.models import ChangeRequestStatus, Producer, RecordChangeRequest
from ocop.producers.policies import why_not_decide_change
from ocop.producers.selectors import PRODUCT_GUARDED, holds_active_certificate
from ocop.producers.services import change_request_open, producer_fields_save
from ocop.products.models import IpStatus, PhotoKind, Product, ProductPhoto, SalesChannel
from ocop.products.policies import can_add_product, why_not_edit_product
from ocop.products.selectors import current_rubric_version
from ocop.rubrics.models import ProductSet
from ocop.tasks import enqueue

EDITABLE_FIELDS = (
    "name",
    "product_set",
    "description",
    "story",
    "raw_material_origin",
    "packaging",
    "label_info",
    "standards",
    "ip_status",
    "trademark_number",
    "gtin",
    "sales_channels",
)
_TEXT_LIMITS = {
    "name": 255,
    "description": 5000,
    "story": 10000,
    "raw_material_origin": 3000,
    "packaging": 300,
    "label_info": 300,
    "standards": 300,
    "trademark_number": 60,
}
MAX_PHOTOS = 20


def gtin_valid(code: str) -> bool:
    """GTIN-8, -12, -13 or -14 with its GS1 mod-10 check digit."""
    if not re.fullmatch(r"\d{8}|\d{12,14}", code or ""):
        return False
    digits = [int(d) for d in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def product_search_text(product: Product) -> str:
    return fold(f"{product.name} {product.producer.name}")


def _clean(fields: dict, *, for_actor: bool) -> dict:
    clean: dict = {}
    for key, value in fields.items():
        if key not in EDITABLE_FIELDS:
            raise Invalid(
                _("Trường «%(field)s» không sửa được ở đây.") % {"field": key}, code="product_field_unknown"
            )
        if key in _TEXT_LIMITS:
            value = nfc(value or "")
            if len(value) > _TEXT_LIMITS[key]:
                raise Invalid(
                    _("«%(field)s» dài quá %(max)s ký tự.")
                    % {
                        "field": cast(Field, Product._meta.get_field(key)).verbose_name,
                        "max": _TEXT_LIMITS[key],
                    },
                    code="product_field_too_long",
                )
        elif key == "ip_status":
            if value not in IpStatus.values:
                raise Invalid(_("Tình trạng nhãn hiệu không hợp lệ."), code="product_ip_status_invalid")
        elif key == "gtin":
            value = re.sub(r"\s", "", value or "")
            if value and not gtin_valid(value):
                raise Invalid(
                    _("Mã vạch «%(value)s» không hợp lệ: cần 8, 12, 13 hoặc 14 chữ số với số kiểm tra đúng.")
                    % {"value": value[:20]},
                    code="product_gtin_invalid",
                )
        elif key == "sales_channels":
            value = list(dict.fromkeys(value or []))
            if any(channel not in SalesChannel.values for channel in value):
                raise Invalid(_("Nơi bán không hợp lệ."), code="product_sales_channel_invalid")
        elif key == "product_set" and for_actor:
            current = current_rubric_version()
            if value is None or current is None or value.version_id != current.pk:
                raise Invalid(
                    _("Hãy chọn bộ sản phẩm theo bộ tiêu chí đang áp dụng (%(version)s).")
                    % {"version": current.code if current else "?"},
                    code="product_set_not_current",
                )
        clean[key] = value
    if "name" in clean and not clean["name"]:
        raise Invalid(_("Cần nhập tên sản phẩm."), code="product_name_missing")
    return clean


def _save(product: Product) -> None:
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as exc:
        raise Conflict(
            _("Mã vạch %(gtin)s đã được khai báo cho một sản phẩm khác.") % {"gtin": product.gtin},
            code="product_gtin_taken",
        ) from exc


def _refresh_catalog(actor, product: Product) -> None:
    """The public catalogue (an app above this one) rebuilds the product's entry after the commit."""
    enqueue("catalog.reindex_products", unit=product.producer.unit, actor=actor, product_ids=[product.pk])


def _gtin_free(gtin: str, *, exclude: int | None = None) -> None:
    holders = Product.objects.filter(gtin=gtin)
    if exclude is not None:
        holders = holders.exclude(pk=exclude)
    if gtin and holders.exists():
        raise Conflict(
            _("Mã vạch %(gtin)s đã được khai báo cho một sản phẩm khác.") % {"gtin": gtin},
            code="product_gtin_taken",
        )


@transaction.atomic
def product_create(
    *, actor, producer, name: str, product_set, description: str = "", story: str = "", **fields
) -> Product:
    """Add a product to a producer (by one of its members, an officer over its unit, or the system)."""
    if actor is not None and not can_add_product(actor, producer):
        raise Forbidden(_("Bạn không thể thêm sản phẩm cho chủ thể này."), code="product_forbidden")
    values = _clean(
        {"name": name, "product_set": product_set, "description": description, "story": story, **fields},
        for_actor=actor is not None,
    )
    _gtin_free(values.get("gtin", ""))
    product = Product(producer=producer, **values)
    product.search_text = product_search_text(product)
    _save(product)
    record_event(
        actor=actor,
        action="product.create",
        target=product,
        unit=producer.unit,
        data={"product_set": product_set.code, "version": product_set.version.code},
    )
    return product


def _lock(product: Product, expected_version: int | None) -> Product:
    locked = (
        Product.objects.select_for_update().select_related("producer", "producer__unit").get(pk=product.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Người khác vừa thay đổi sản phẩm này; hãy tải lại trang rồi sửa tiếp."), code="stale"
        )
    return locked


@transaction.atomic
def product_update(*, actor, product: Product, expected_version: int | None = None, **fields) -> Product:
    """Edit a product. While it holds a certificate in force, a new name or product set waits for an
    officer's approval (a `RecordChangeRequest`, see `record_change_approve`); other fields save at once."""
    product = _lock(product, expected_version)
    reason = why_not_edit_product(actor, product)
    if reason:
        raise Forbidden(reason, code="product_forbidden")
    values = _clean(fields, for_actor=True)
    changed = {key: value for key, value in values.items() if getattr(product, key) != value}
    if "product_set" in changed and changed["product_set"].pk == product.product_set_id:
        del changed["product_set"]
    held = {key: value for key, value in changed.items() if key in PRODUCT_GUARDED}
    if held and holds_active_certificate(product.producer, product):
        # What the certificate names changes only with an officer's approval; the rest is saved now.
        change_request_open(
            actor=actor, producer=product.producer, product=product, record=product, changes=held
        )
        changed = {key: value for key, value in changed.items() if key not in held}
    if not changed:
        return product
    if "gtin" in changed:
        _gtin_free(changed["gtin"], exclude=product.pk)
    for key, value in changed.items():
        setattr(product, key, value)
    product.search_text = product_search_text(product)
    product.version += 1
    product.updated_at = timezone.now()
    _save(product)
    record_event(
        actor=actor,
        action="product.update",
        target=product,
        unit=product.producer.unit,
        data={"fields": sorted(changed)},
    )
    _refresh_catalog(actor, product)
    return product


@transaction.atomic
def product_photo_add(
    *, actor, product: Product, upload, kind: str = PhotoKind.PHOTO, expected_version: int | None = None
) -> ProductPhoto:
    """Attach a photo (JPEG or PNG, decided by content); a refused file leaves nothing stored."""
    product = _lock(product, expected_version)
    reason = why_not_edit_product(actor, product)
    if reason:
        raise Forbidden(reason, code="product_forbidden")
    if kind not in PhotoKind.values:
        raise Invalid(_("Loại ảnh không hợp lệ."), code="photo_kind_invalid")
    if product.photos.count() >= MAX_PHOTOS:
        raise Invalid(_("Mỗi sản phẩm có tối đa %(max)s ảnh.") % {"max": MAX_PHOTOS}, code="photo_limit")
    checked = uploads.check_upload(upload, allowed=uploads.IMAGE_KINDS)
    stored = store(upload, folder="products", filename=checked.original_name, content_type=checked.kind.mime)
    try:
        photo = ProductPhoto.objects.create(
            product=product,
            kind=kind,
            file=stored.name,
            original_name=checked.original_name,
            content_type=checked.kind.mime,
            size=stored.size,
            file_sha256=stored.sha256,
            width=checked.width,
            height=checked.height,
            uploaded_by=actor,
        )
        product.version += 1
        product.updated_at = timezone.now()
        product.save(update_fields=["version", "updated_at"])
        record_event(
            actor=actor,
            action="product.photo_add",
            target=product,
            unit=product.producer.unit,
            data={"photo": photo.pk, "kind": kind, "sha256": stored.sha256, "size": stored.size},
        )
    except Exception:
        uploads.discard(stored.name)
        raise
    _refresh_catalog(actor, product)
    return photo


@transaction.atomic
def product_photo_remove(*, actor, photo: ProductPhoto) -> None:
    product = _lock(photo.product, None)
    reason = why_not_edit_product(actor, product)
    if reason:
        raise Forbidden(reason, code="product_forbidden")
    stored = photo.file.name
    record_event(
        actor=actor,
        action="product.photo_remove",
        target=product,
        unit=product.producer.unit,
        data={"photo": photo.pk, "sha256": photo.file_sha256},
    )
    photo.delete()
    product.version += 1
    product.save(update_fields=["version"])
    if stored:
        transaction.on_commit(lambda: uploads.discard(stored))
    _refresh_catalog(actor, product)


# ---------------------------------------------------------------------------------------------------------
# Changes of certified details, decided by an officer over the producer's unit


def _locked_request(request: RecordChangeRequest) -> RecordChangeRequest:
    return (
        # Only the request's row: PostgreSQL locks no nullable side of an outer join (the product).
        RecordChangeRequest.objects.select_for_update(of=("self",))
        .select_related("producer__unit", "product")
        .get(pk=request.pk)
    )


def _check_decider(actor, request: RecordChangeRequest) -> None:
    reason = why_not_decide_change(actor, request)
    if reason is None:
        return
    if request.status != ChangeRequestStatus.PENDING:
        raise Conflict(reason, code="change_not_pending")
    raise Forbidden(reason, code="change_request_forbidden")


def _apply_to_product(product: Product, values: dict) -> None:
    for key, value in values.items():
        setattr(product, key, ProductSet.objects.get(pk=value) if key == "product_set" else value)
    product.search_text = product_search_text(product)
    product.version += 1
    product.updated_at = timezone.now()
    _save(product)


@transaction.atomic
def record_change_approve(*, actor, request: RecordChangeRequest, note: str = "") -> RecordChangeRequest:
    """Apply a waiting change of a certified product or its producer. The certificate keeps what the council
    certified; public pages then show the new name with "formerly" the certified one."""
    request = _locked_request(request)
    _check_decider(actor, request)
    if request.product is not None:
        product = _lock(request.product, None)
        _apply_to_product(product, request.new_values)
        product_ids = [product.pk]
    else:
        producer = Producer.objects.select_for_update().get(pk=request.producer_id)
        producer_fields_save(producer, request.new_values)
        product_ids = list(producer.products.values_list("pk", flat=True))
    stamp_check(request, actor=actor, status=ChangeRequestStatus.APPROVED, note=note)
    record_event(
        actor=actor,
        action="record_change.approve",
        target=request,
        unit=request.producer.unit,
        data={"product": request.product_id, "old": request.old_values, "new": request.new_values},
    )
    if product_ids:
        enqueue("catalog.reindex_products", unit=request.producer.unit, actor=actor, product_ids=product_ids)
    return request


@transaction.atomic
def record_change_reject(*, actor, request: RecordChangeRequest, reason: str) -> RecordChangeRequest:
    """Return a waiting change with the reason; the records stay as they were."""
    request = _locked_request(request)
    _check_decider(actor, request)
    reason = reason_required(reason)
    stamp_check(request, actor=actor, status=ChangeRequestStatus.REJECTED, note=reason)
    record_event(
        actor=actor,
        action="record_change.reject",
        target=request,
        unit=request.producer.unit,
        reason=reason,
        data={"product": request.product_id, "fields": sorted(request.new_values)},
    )
    return request
