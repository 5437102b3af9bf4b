"""API of producers: the caller's organisations, officers' lists, entry by an officer, edits, confirmation."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from ocop.accounts.api_auth import api_user, require_api_user, signed_in
from ocop.accounts.idempotency import idempotent
from ocop.core.errors import Invalid
from ocop.core.paging import PageQuery, check_page, page_of
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers import services
from ocop.producers.models import Producer
from ocop.producers.policies import producer_flags
from ocop.producers.selectors import pending_change, producer_get, producers_search

router = Router(tags=["producers"])


class ProducerIn(Schema):
    name: str
    legal_form: str
    commune: str
    tax_code: str | None = None
    address: str = ""
    representative: str = ""
    representative_title: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    member_count: int | None = None
    worker_count: int | None = None
    in_craft_village: bool = False
    craft_village: str = ""
    led_by_woman: bool | None = None
    led_by_ethnic_minority: bool | None = None


class ProducerPatch(Schema):
    version: int | None = None
    name: str | None = None
    legal_form: str | None = None
    tax_code: str | None = None
    address: str | None = None
    representative: str | None = None
    representative_title: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    member_count: int | None = None
    worker_count: int | None = None
    in_craft_village: bool | None = None
    craft_village: str | None = None
    led_by_woman: bool | None = None
    led_by_ethnic_minority: bool | None = None


class VersionIn(Schema):
    version: int | None = None


class ProducerListQuery(PageQuery):
    q: str = ""
    status: str = ""
    legal_form: str = ""


def producer_body(user, producer: Producer) -> dict:
    return {
        "id": producer.pk,
        "name": producer.name,
        "legal_form": producer.legal_form,
        "legal_form_label": producer.get_legal_form_display(),
        "tax_code": producer.tax_code,
        "commune": {"code": producer.unit.code, "name": producer.unit.name},
        "address": producer.address,
        "representative": producer.representative,
        "representative_title": producer.representative_title,
        "phone": producer.phone,
        "email": producer.email,
        "website": producer.website,
        "member_count": producer.member_count,
        "worker_count": producer.worker_count,
        "in_craft_village": producer.in_craft_village,
        "craft_village": producer.craft_village,
        "led_by_woman": producer.led_by_woman,
        "led_by_ethnic_minority": producer.led_by_ethnic_minority,
        "status": producer.status,
        "status_label": producer.get_status_display(),
        "version": producer.version,
        # A new name, address or tax code waiting for an officer (see /api/v1/products/changes).
        "pending_change": _pending(producer),
        **producer_flags(user, producer),
    }


def _pending(producer: Producer) -> dict | None:
    request = pending_change(producer)
    if request is None:
        return None
    return {
        "id": request.pk,
        "old_values": request.old_values,
        "new_values": request.new_values,
        "requested_at": request.requested_at.isoformat(timespec="seconds"),
    }


def _commune(code: str) -> AdminUnit:
    unit = AdminUnit.objects.filter(
        era=Era.CURRENT, level=Level.COMMUNE, code=(code or "").strip()[:8]
    ).first()
    if unit is None:
        raise Invalid(
            _("Không có xã, phường, đặc khu hiện hành mã «%(code)s».") % {"code": (code or "")[:10]},
            code="commune_unknown",
        )
    return unit


@router.get("", auth=signed_in, summary="Chủ thể người gọi được xem")
def list_producers(request, filters: Query[ProducerListQuery]):
    user = require_api_user(request)
    check_page(filters)
    producers = producers_search(
        user, q=filters.q[:100], status=filters.status, legal_form=filters.legal_form
    )
    return page_of(producers, filters, lambda p: producer_body(user, p))


@router.post("", response={201: Any}, auth=signed_in, summary="Cán bộ nhập một chủ thể (được xác nhận ngay)")
@idempotent
def create_producer(request, payload: ProducerIn):
    user = require_api_user(request)
    values = payload.dict()
    unit = _commune(values.pop("commune"))
    producer = services.producer_create(actor=user, unit=unit, **values)
    return Status(201, producer_body(user, producer_get(user, producer.pk)))


@router.get("/{producer_id}", summary="Một chủ thể")
def get_producer(request, producer_id: int):
    user = api_user(request)
    return producer_body(user, producer_get(user, producer_id))


@router.patch(
    "/{producer_id}", auth=signed_in, summary="Sửa thông tin chủ thể (gửi kèm version để tránh ghi đè)"
)
def update_producer(request, producer_id: int, payload: ProducerPatch):
    user = require_api_user(request)
    producer = producer_get(user, producer_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    extra = {"tax_code": changes.pop("tax_code")} if "tax_code" in changes else {}
    services.producer_update(actor=user, producer=producer, expected_version=version, **changes, **extra)
    return producer_body(user, producer_get(user, producer_id))


@router.post(
    "/{producer_id}/confirm",
    response={200: Any},
    auth=signed_in,
    summary="Cán bộ xã xác nhận chủ thể tự đăng ký",
)
@idempotent
def confirm_producer(request, producer_id: int, payload: VersionIn | None = None):
    user = require_api_user(request)
    producer = producer_get(user, producer_id)
    services.producer_confirm(
        actor=user, producer=producer, expected_version=(payload or VersionIn()).version
    )
    return Status(200, producer_body(user, producer_get(user, producer_id)))
