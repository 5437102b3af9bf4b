"""API of trade promotion, under /api/v1/promotion: fairs and who took part, shops and what they carry,
e-commerce listings, gift sets, and the public "where to buy" search.

`GET /where-to-buy` is public; everything else needs a signed-in caller and is scoped like the pages.

No `from __future__ import annotations` here: django-ninja reads the payload types of handlers wrapped by
`@idempotent` at run time and would not resolve them from strings.
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from ocop.accounts.api_auth import any_caller, require_api_user, signed_in
from ocop.accounts.idempotency import idempotent
from ocop.core.errors import Invalid, NotFound
from ocop.core.paging import PageQuery, check_page, page_of
from ocop.geo.models import Level
from ocop.products.models import Product
from ocop.products.selectors import product_get
from ocop.promotion import platforms, policies, selectors, services
from ocop.promotion.models import Confirmation, Event, GiftSet, LinkState, Listing, Participation, Shop

router = Router(tags=["promotion"], auth=signed_in)  # the public search says auth=any_caller


# --- schemas ----------------------------------------------------------------------------------------------------


class EventIn(Schema):
    name: str = Field(..., max_length=255)
    unit: str = Field(
        ..., max_length=10, description="Code of the current province or commune where it is held"
    )
    starts_on: datetime.date
    ends_on: datetime.date
    organiser: str = Field(..., max_length=255)
    kind: str = "fair"
    level: str = "province"
    venue: str = Field("", max_length=300)


class EventListQuery(PageQuery):
    q: str = ""
    year: int | None = None


class ParticipationIn(Schema):
    event: int
    product: int
    sales_vnd: int = 0
    contracts: int = 0
    buyers_met: int = 0
    note: str = Field("", max_length=500)


class ConfirmationListQuery(PageQuery):
    status: str = ""
    event: int | None = None


class PromotionReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class ShopIn(Schema):
    name: str = Field(..., max_length=255)
    commune: str = Field(..., max_length=10, description="Code of the current commune, ward or special zone")
    address: str = Field(..., max_length=300)
    operator: str = Field(..., max_length=255)
    opened_on: datetime.date
    phone: str = Field("", max_length=30)


class ShopListQuery(PageQuery):
    q: str = ""


class ShopProductIn(Schema):
    product: int
    since: datetime.date | None = None


class ListingIn(Schema):
    product: int
    url: str = Field(..., max_length=2000)
    platform: str = Field("", max_length=30, description="A platform code; guessed from the link when empty")


class ListingListQuery(PageQuery):
    status: str = ""
    link_state: str = ""


class GiftSetIn(Schema):
    name: str = Field(..., max_length=255)
    unit: str = Field(..., max_length=10, description="Code of the current province or commune offering it")
    products: list[int] = Field(..., max_length=50)
    description: str = Field("", max_length=1000)
    price_vnd: int | None = None


class WhereToBuyQuery(PageQuery):
    unit: str = Field("", description="A current province or commune code; empty for the whole country")
    q: str = Field("", description="Shop or certified product name, diacritics optional")


# --- bodies -----------------------------------------------------------------------------------------------------


def _unit_body(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "level": unit.level}


def event_body(event: Event) -> dict:
    return {
        "id": event.pk,
        "name": event.name,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "level": event.level,
        "level_label": event.get_level_display(),
        "unit": _unit_body(event.unit),
        "venue": event.venue,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "organiser": event.organiser,
    }


def participation_body(user, row: Participation) -> dict:
    return {
        "id": row.pk,
        "event": {"id": row.event_id, "name": row.event.name},
        "producer": {"id": row.producer_id, "name": row.producer.name},
        "product": {"id": row.product_id, "name": row.product.name},
        "sales_vnd": row.sales_vnd,
        "contracts": row.contracts,
        "buyers_met": row.buyers_met,
        "note": row.note,
        "status": row.status,
        "status_label": row.get_status_display(),
        "reason": row.reason,
        **policies.flags(user, row),
    }


def shop_body(user, shop: Shop, *, carried: bool = False) -> dict:
    body = {
        "id": shop.pk,
        "name": shop.name,
        "commune": _unit_body(shop.unit),
        "address": shop.address,
        "operator": shop.operator,
        "phone": shop.phone,
        "opened_on": shop.opened_on.isoformat(),
        "closed_on": shop.closed_on.isoformat() if shop.closed_on else None,
        **policies.flags(user, shop),
    }
    if carried:
        body["products"] = [
            {"id": row.product_id, "name": row.product.name, "since": row.since.isoformat()}
            for row in selectors.carried_by(shop)
        ]
    return body


def listing_body(user, row: Listing) -> dict:
    return {
        "id": row.pk,
        "producer": {"id": row.producer_id, "name": row.producer.name},
        "product": {"id": row.product_id, "name": row.product.name},
        "platform": row.platform,
        "platform_name": platforms.platform_name(row.platform),
        "url": row.url,
        "status": row.status,
        "status_label": row.get_status_display(),
        "reason": row.reason,
        "link_state": row.link_state,
        "link_state_label": row.get_link_state_display(),
        "checked_on": row.checked_on.isoformat() if row.checked_on else None,
        **policies.flags(user, row),
    }


def gift_set_body(gift: GiftSet) -> dict:
    return {
        "id": gift.pk,
        "name": gift.name,
        "unit": _unit_body(gift.unit),
        "description": gift.description,
        "price_vnd": gift.price_vnd,
        "products": [{"id": p.pk, "name": p.name} for p in sorted(gift.products.all(), key=lambda p: p.name)],
    }


# --- lookups ---------------------------------------------------------------------------------------------------


def _unit(code: str, levels: tuple[str, ...]):
    unit = selectors.current_unit(code, levels=levels)
    if unit is None:
        raise Invalid(
            _("Không có đơn vị hành chính hiện hành mã «%(code)s» ở cấp cần cho bản ghi này.")
            % {"code": code[:10]},
            code="promotion_unit_unknown",
        )
    return unit


def _certified_product(product_id: int) -> Product:
    """Any product by id (the service refuses one without a certificate in force, naming it)."""
    product = (
        Product.objects.select_related("producer").filter(pk=product_id).first()
        if 0 < product_id < 2**62
        else None
    )
    if product is None:
        raise NotFound(_("Không tìm thấy sản phẩm."), code="product_not_found")
    return product


def _choice_filter(value: str, choices) -> str:
    return value if value in choices.values else ""


# --- events and participations ---------------------------------------------------------------------------------


@router.get("/events", summary="Hội chợ, triển lãm, tuần hàng OCOP")
def list_events(request, filters: Query[EventListQuery]):
    user = require_api_user(request)
    check_page(filters)
    return page_of(selectors.events_search(user, q=filters.q[:100], year=filters.year), filters, event_body)


@router.post("/events", response={201: Any}, summary="Cán bộ ghi nhận một sự kiện tổ chức trong địa bàn")
@idempotent
def create_event(request, payload: EventIn):
    user = require_api_user(request)
    values = payload.dict()
    unit = _unit(values.pop("unit"), (Level.PROVINCE, Level.COMMUNE))
    event = services.event_create(actor=user, unit=unit, **values)
    return Status(201, event_body(event))


@router.get("/events/{event_id}", summary="Một sự kiện, những sản phẩm tham gia và kết quả")
def get_event(request, event_id: int):
    user = require_api_user(request)
    event = selectors.event_get(user, event_id)
    rows = list(selectors.participations_search(user, event_id=event.pk))
    return {
        **event_body(event),
        "participations": [participation_body(user, row) for row in rows],
        "results": selectors.event_results(rows),
    }


@router.get("/participations", summary="Các lần tham gia sự kiện người gọi được xem")
def list_participations(request, filters: Query[ConfirmationListQuery]):
    user = require_api_user(request)
    check_page(filters)
    rows = selectors.participations_search(
        user, status=_choice_filter(filters.status, Confirmation), event_id=filters.event
    )
    return page_of(rows, filters, lambda row: participation_body(user, row))


@router.post(
    "/participations",
    response={201: Any},
    summary="Ghi nhận một sản phẩm tham gia sự kiện (chủ thể: chờ cán bộ xác nhận)",
)
@idempotent
def create_participation(request, payload: ParticipationIn):
    user = require_api_user(request)
    values = payload.dict()
    event = selectors.event_get(user, values.pop("event"))
    product = product_get(user, values.pop("product"))
    row = services.participation_record(actor=user, event=event, product=product, **values)
    return Status(201, participation_body(user, selectors.participation_get(user, row.pk)))


@router.post("/participations/{participation_id}/confirm", response={200: Any}, summary="Cán bộ xác nhận")
@idempotent
def confirm_participation(request, participation_id: int):
    user = require_api_user(request)
    row = services.participation_confirm(
        actor=user, participation=selectors.participation_get(user, participation_id)
    )
    return Status(200, participation_body(user, selectors.participation_get(user, row.pk)))


@router.post(
    "/participations/{participation_id}/reject", response={200: Any}, summary="Cán bộ không xác nhận"
)
@idempotent
def reject_participation(request, participation_id: int, payload: PromotionReasonIn):
    user = require_api_user(request)
    row = services.participation_reject(
        actor=user, participation=selectors.participation_get(user, participation_id), reason=payload.reason
    )
    return Status(200, participation_body(user, selectors.participation_get(user, row.pk)))


# --- shops ------------------------------------------------------------------------------------------------------


@router.get("/shops", summary="Điểm giới thiệu và bán sản phẩm OCOP người gọi được xem")
def list_shops(request, filters: Query[ShopListQuery]):
    user = require_api_user(request)
    check_page(filters)
    return page_of(
        selectors.shops_search(user, q=filters.q[:100]), filters, lambda shop: shop_body(user, shop)
    )


@router.post("/shops", response={201: Any}, summary="Cán bộ ghi nhận một điểm bán trong địa bàn")
@idempotent
def create_shop(request, payload: ShopIn):
    user = require_api_user(request)
    values = payload.dict()
    unit = _unit(values.pop("commune"), (Level.COMMUNE,))
    shop = services.shop_create(actor=user, unit=unit, **values)
    return Status(201, shop_body(user, shop, carried=True))


@router.get("/shops/{shop_id}", summary="Một điểm bán và các sản phẩm bày bán")
def get_shop(request, shop_id: int):
    user = require_api_user(request)
    return shop_body(user, selectors.shop_get(user, shop_id), carried=True)


@router.post("/shops/{shop_id}/products", response={201: Any}, summary="Điểm bán bày bán một sản phẩm OCOP")
@idempotent
def add_shop_product(request, shop_id: int, payload: ShopProductIn):
    user = require_api_user(request)
    shop = selectors.shop_get(user, shop_id)
    services.shop_product_add(
        actor=user, shop=shop, product=_certified_product(payload.product), since=payload.since
    )
    return Status(201, shop_body(user, selectors.shop_get(user, shop_id), carried=True))


# --- listings -----------------------------------------------------------------------------------------------------


@router.get("/listings", summary="Gian hàng thương mại điện tử người gọi được xem")
def list_listings(request, filters: Query[ListingListQuery]):
    user = require_api_user(request)
    check_page(filters)
    rows = selectors.listings_search(
        user,
        status=_choice_filter(filters.status, Confirmation),
        link_state=_choice_filter(filters.link_state, LinkState),
    )
    return page_of(rows, filters, lambda row: listing_body(user, row))


@router.post(
    "/listings",
    response={201: Any},
    summary="Ghi nhận gian hàng trực tuyến của một sản phẩm (chủ thể: chờ xác nhận)",
)
@idempotent
def create_listing(request, payload: ListingIn):
    user = require_api_user(request)
    product = product_get(user, payload.product)
    row = services.listing_record(actor=user, product=product, url=payload.url, platform=payload.platform)
    return Status(201, listing_body(user, selectors.listing_get(user, row.pk)))


@router.post("/listings/{listing_id}/confirm", response={200: Any}, summary="Cán bộ xác nhận gian hàng")
@idempotent
def confirm_listing(request, listing_id: int):
    user = require_api_user(request)
    row = services.listing_confirm(actor=user, listing=selectors.listing_get(user, listing_id))
    return Status(200, listing_body(user, selectors.listing_get(user, row.pk)))


@router.post("/listings/{listing_id}/reject", response={200: Any}, summary="Cán bộ không xác nhận gian hàng")
@idempotent
def reject_listing(request, listing_id: int, payload: PromotionReasonIn):
    user = require_api_user(request)
    row = services.listing_reject(
        actor=user, listing=selectors.listing_get(user, listing_id), reason=payload.reason
    )
    return Status(200, listing_body(user, selectors.listing_get(user, row.pk)))


# --- gift sets --------------------------------------------------------------------------------------------------


@router.get("/gift-sets", summary="Bộ quà tặng người gọi được xem")
def list_gift_sets(request, filters: Query[PageQuery]):
    user = require_api_user(request)
    check_page(filters)
    return page_of(selectors.gift_sets_visible_to(user).order_by("name", "pk"), filters, gift_set_body)


@router.post("/gift-sets", response={201: Any}, summary="Cán bộ lập bộ quà tặng từ các sản phẩm OCOP")
@idempotent
def create_gift_set(request, payload: GiftSetIn):
    user = require_api_user(request)
    unit = _unit(payload.unit, (Level.PROVINCE, Level.COMMUNE))
    products = [_certified_product(pk) for pk in payload.products]
    gift = services.gift_set_create(
        actor=user,
        name=payload.name,
        unit=unit,
        products=products,
        description=payload.description,
        price_vnd=payload.price_vnd,
    )
    return Status(201, gift_set_body(selectors.gift_sets_visible_to(user).get(pk=gift.pk)))


# --- public -------------------------------------------------------------------------------------------------------


@router.get("/where-to-buy", auth=any_caller, summary="Công khai: điểm bán sản phẩm OCOP gần một đơn vị")
def where_to_buy(request, filters: Query[WhereToBuyQuery]):
    check_page(filters)
    unit = _unit(filters.unit, (Level.PROVINCE, Level.COMMUNE)) if filters.unit.strip() else None
    rows = selectors.shops_near(unit, q=filters.q[:100])

    def render(row: dict) -> dict:
        shop = row["shop"]
        return {
            "id": shop.pk,
            "name": shop.name,
            "commune": _unit_body(shop.unit),
            "address": shop.address,
            "operator": shop.operator,
            "phone": shop.phone,
            "opened_on": shop.opened_on.isoformat(),
            "distance_km": row["distance_km"],
            "products": [
                {"id": carried.product_id, "name": carried.product.name, "since": carried.since.isoformat()}
                for carried in row["products"]
            ],
        }

    return page_of(rows, filters, render)
