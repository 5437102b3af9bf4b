"""Reads of trade-promotion records for a user, already confined to what that user may see, and the public
reads behind "where to buy" (confirmed records and certified products only)."""

from __future__ import annotations

import math

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, scope_q
from ocop.catalog.search import listed_entries
from ocop.certification.models import Certificate
from ocop.core.errors import NotFound
from ocop.core.text import fold
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.policies import member_producer_ids
from ocop.products.models import Product
from ocop.promotion.models import (
    Confirmation,
    Event,
    GiftSet,
    GiftSetItem,
    LinkState,
    Listing,
    Participation,
    Shop,
    ShopProduct,
)

READ = Capability.VIEW_WORK


def _missing(message: str, code: str) -> NotFound:
    return NotFound(message, code=code)


def _pk(value) -> int:
    number = int(value)
    if not 0 < number < 2**62:
        raise ValueError(value)
    return number


# --- events ---------------------------------------------------------------------------------------------


def events_visible_to(user) -> QuerySet[Event]:
    """Events are announcements: every signed-in person sees them all (a producer looks for the fair it went to).
    Who took part is read through `participations_visible_to`."""
    if not getattr(user, "is_authenticated", False):
        return Event.objects.none()
    return Event.objects.select_related("unit", "unit__parent")


def events_search(user, *, q: str = "", year: int | None = None) -> QuerySet[Event]:
    events = events_visible_to(user)
    if q:
        events = events.filter(search_text__contains=fold(q)[:100])
    if year:
        events = events.filter(starts_on__year=year)
    return events.order_by("-starts_on", "pk")


def event_get(user, event_id) -> Event:
    try:
        return events_visible_to(user).get(pk=_pk(event_id))
    except (Event.DoesNotExist, TypeError, ValueError) as missing:
        raise _missing(_("Không tìm thấy sự kiện."), "event_not_found") from missing


# --- participations -----------------------------------------------------------------------------------------


def participations_visible_to(user) -> QuerySet[Participation]:
    """A producer's people see their own; officers those of the producers of their area and of the events held
    there."""
    visible = (
        Q(producer_id__in=member_producer_ids(user))
        | scope_q(user, READ, "producer__unit")
        | scope_q(user, READ, "event__unit")
    )
    return Participation.objects.filter(visible).select_related(
        "event", "event__unit", "producer", "producer__unit", "product", "recorded_by", "confirmed_by"
    )


def participations_search(user, *, status: str = "", event_id: int | None = None) -> QuerySet[Participation]:
    rows = participations_visible_to(user)
    if status:
        rows = rows.filter(status=status)
    if event_id:
        rows = rows.filter(event_id=event_id)
    return rows.order_by("-event__starts_on", "event_id", "pk")


def participation_get(user, participation_id) -> Participation:
    try:
        return participations_visible_to(user).get(pk=_pk(participation_id))
    except (Participation.DoesNotExist, TypeError, ValueError) as missing:
        raise _missing(_("Không tìm thấy bản ghi tham gia sự kiện."), "participation_not_found") from missing


def event_results(participations) -> dict[str, int]:
    """The totals of confirmed results among `participations` (already read)."""
    confirmed = [p for p in participations if p.status == Confirmation.CONFIRMED]
    return {
        "products": len(confirmed),
        "producers": len({p.producer_id for p in confirmed}),
        "sales_vnd": sum(p.sales_vnd for p in confirmed),
        "contracts": sum(p.contracts for p in confirmed),
        "buyers_met": sum(p.buyers_met for p in confirmed),
    }


# --- shops ------------------------------------------------------------------------------------------------------


def shops_visible_to(user) -> QuerySet[Shop]:
    """Officers see the shops of their area; a producer's people the shops that carry their products."""
    carries_mine = Exists(
        ShopProduct.objects.filter(shop=OuterRef("pk"), product__producer_id__in=member_producer_ids(user))
    )
    return Shop.objects.filter(scope_q(user, READ, "unit") | Q(carries_mine)).select_related(
        "unit", "unit__parent"
    )


def shops_search(user, *, q: str = "") -> QuerySet[Shop]:
    shops = shops_visible_to(user)
    if q:
        shops = shops.filter(search_text__contains=fold(q)[:100])
    return shops.order_by("name", "pk")


def shop_get(user, shop_id) -> Shop:
    try:
        return shops_visible_to(user).get(pk=_pk(shop_id))
    except (Shop.DoesNotExist, TypeError, ValueError) as missing:
        raise _missing(_("Không tìm thấy điểm bán."), "shop_not_found") from missing


def carried_by(shop: Shop) -> list[ShopProduct]:
    return list(shop.carried.select_related("product", "product__producer").order_by("since", "pk"))


# --- listings ---------------------------------------------------------------------------------------------------


def listings_visible_to(user) -> QuerySet[Listing]:
    visible = Q(producer_id__in=member_producer_ids(user)) | scope_q(user, READ, "producer__unit")
    return Listing.objects.filter(visible).select_related(
        "producer", "producer__unit", "product", "recorded_by", "confirmed_by"
    )


def listings_search(user, *, status: str = "", link_state: str = "") -> QuerySet[Listing]:
    rows = listings_visible_to(user)
    if status:
        rows = rows.filter(status=status)
    if link_state:
        rows = rows.filter(link_state=link_state)
    return rows.order_by("product__name", "pk")


def listing_get(user, listing_id) -> Listing:
    try:
        return listings_visible_to(user).get(pk=_pk(listing_id))
    except (Listing.DoesNotExist, TypeError, ValueError) as missing:
        raise _missing(_("Không tìm thấy gian hàng trực tuyến."), "listing_not_found") from missing


# --- gift sets --------------------------------------------------------------------------------------------------


def gift_sets_visible_to(user) -> QuerySet[GiftSet]:
    holds_mine = Exists(
        GiftSetItem.objects.filter(
            gift_set=OuterRef("pk"), product__producer_id__in=member_producer_ids(user)
        )
    )
    return (
        GiftSet.objects.filter(scope_q(user, READ, "unit") | Q(holds_mine))
        .select_related("unit")
        .prefetch_related("products")
    )


# --- products an officer or a producer may name --------------------------------------------------------------


def certified_products(on=None) -> QuerySet[Product]:
    """Products holding a certificate in force (the only ones a shop carries or a gift set holds)."""
    day = on or timezone.localdate()
    return Product.objects.filter(
        Exists(Certificate.objects.in_force(day).filter(product=OuterRef("pk")))
    ).select_related("producer", "producer__unit")


def current_unit(code: str, *, levels: tuple[str, ...]) -> AdminUnit | None:
    return (
        AdminUnit.objects.filter(era=Era.CURRENT, level__in=levels, code=(code or "").strip()[:8])
        .select_related("parent", "current_province")
        .first()
    )


# --- public: where to buy ---------------------------------------------------------------------------------------


def open_on(day, through: str = "") -> Q:
    """Shops open on `day`; `through` reaches them from another model ("shop__")."""
    return Q(**{f"{through}opened_on__lte": day}) & (
        Q(**{f"{through}closed_on__isnull": True}) | Q(**{f"{through}closed_on__gt": day})
    )


def open_shops(on=None) -> QuerySet[Shop]:
    return Shop.objects.filter(open_on(on or timezone.localdate()))


def public_carried(shops: list[Shop]) -> dict[int, list]:
    """The certified products each shop carries (listed in the catalogue), by shop id: one query."""
    rows = (
        ShopProduct.objects.filter(shop__in=shops)
        .filter(Exists(listed_entries().filter(product_id=OuterRef("product_id"))))
        .select_related("product")
        .order_by("product__name", "pk")
    )
    carried: dict[int, list] = {}
    for row in rows:
        carried.setdefault(row.shop_id, []).append(row)
    return carried


# What the product page reads of trade promotion, by kind. Most certified products have none of it, and each
# read costs the ORM a millisecond of compiling; one plain statement says which reads have anything to find.
# Each test is wider than its read below (no open-shop or broken-link test), so a kind never goes unread.
_KINDS = (
    ("shops", ShopProduct, False),
    ("listings", Listing, True),  # True: confirmed records only
    ("participations", Participation, True),
    ("gift_sets", GiftSetItem, False),
)


def _kinds_sql() -> str:
    tests = []
    for _kind, model, confirmed in _KINDS:
        where = "product_id = %s AND status = %s" if confirmed else "product_id = %s"
        tests.append(f"EXISTS (SELECT 1 FROM {model._meta.db_table} WHERE {where})")  # noqa: S608 (our tables)
    return "SELECT " + ", ".join(tests)


_KINDS_SQL = _kinds_sql()


def public_kinds(product_id: int) -> frozenset[str]:
    """Which of the product page's reads of trade promotion may find something ("shops", "listings",
    "participations", "gift_sets"): one query."""
    params = []
    for _kind, _model, confirmed in _KINDS:
        params += [product_id, Confirmation.CONFIRMED.value] if confirmed else [product_id]
    with connection.cursor() as cursor:
        cursor.execute(_KINDS_SQL, params)
        found = cursor.fetchone()
    return frozenset(kind for (kind, _model, _confirmed), exists in zip(_KINDS, found, strict=True) if exists)


# The product page's reads below load only the columns it shows: on a page of one product, compiling and
# reading every column of four or five joined tables cost more than the database's work.
# A shop's line: its name and address, and its commune's name with its parents (AdminUnit.full_name).
_SHOP_SHOWN = (
    *("since", "shop__name", "shop__address", "shop__unit__name", "shop__unit__parent__name"),
    *("shop__unit__parent__level", "shop__unit__parent__parent"),
)


def shops_carrying(product_id: int) -> list[ShopProduct]:
    """The open shops carrying a product, for its public page (one query)."""
    return list(
        ShopProduct.objects.filter(open_on(timezone.localdate(), "shop__"), product_id=product_id)
        .select_related("shop", "shop__unit", "shop__unit__parent")
        .only(*_SHOP_SHOWN)
        .order_by("shop__name", "pk")
    )


def public_listings(product_id: int) -> list[Listing]:
    """Confirmed listings whose link has not been found broken."""
    return list(
        Listing.objects.filter(product_id=product_id, status=Confirmation.CONFIRMED)
        .exclude(link_state=LinkState.BROKEN)
        .only("platform", "url", "checked_on")
        .order_by("platform", "pk")
    )


def public_participations(product_id: int) -> list[Participation]:
    return list(
        Participation.objects.filter(product_id=product_id, status=Confirmation.CONFIRMED)
        .select_related("event", "event__unit")
        .only("event__name", "event__starts_on", "event__ends_on", "event__unit__name")
        .order_by("-event__starts_on", "pk")[:10]
    )


def public_gift_sets(product_id: int) -> list[GiftSet]:
    return list(
        GiftSet.objects.filter(items__product_id=product_id)
        .select_related("unit")
        .only("name", "unit__name")
        .order_by("name")
    )


def _distance_km(a: AdminUnit, b: AdminUnit) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat = math.radians((a.latitude + b.latitude) / 2)
    dx = math.radians(b.longitude - a.longitude) * math.cos(lat)
    dy = math.radians(b.latitude - a.latitude)
    return 6371 * math.hypot(dx, dy)


def shops_near(unit: AdminUnit | None, *, q: str = "") -> list[dict]:
    """Open shops for a buyer near `unit` (a current province or commune): the shops of that commune first, then
    the rest of its province by distance; the whole country when `unit` is None. `q` keeps the shops whose name,
    address or carried certified products match (without diacritics). Each with its certified products."""
    shops = open_shops().select_related("unit", "unit__parent")
    if unit is not None:
        province = unit if unit.level == Level.PROVINCE else unit.current_province
        shops = shops.filter(unit__current_province=province)
    if q:
        folded = fold(q)[:100]
        shops = shops.filter(
            Q(search_text__contains=folded)
            | Exists(
                ShopProduct.objects.filter(
                    shop=OuterRef("pk"),
                    product_id__in=listed_entries().filter(name_text__contains=folded).values("product_id"),
                )
            )
        )
    found = list(shops[:200])
    carried = public_carried(found)
    rows = []
    for shop in found:
        same_commune = unit is not None and unit.level == Level.COMMUNE and shop.unit_id == unit.pk
        distance = _distance_km(unit, shop.unit) if unit is not None else None
        rows.append(
            {
                "shop": shop,
                "products": carried.get(shop.pk, []),
                "same_commune": same_commune,
                "distance_km": round(distance, 1) if distance is not None else None,
            }
        )
    rows.sort(
        key=lambda r: (
            not r["same_commune"],
            r["distance_km"] if r["distance_km"] is not None else math.inf,
            fold(r["shop"].name),
        )
    )
    return rows


def map_shops() -> list[Shop]:
    return list(open_shops().select_related("unit").order_by("name", "pk"))


def certified_products_for(user) -> QuerySet[Product]:
    """Certified products of the officer's area, by name: what a gift set form offers."""
    return certified_products().filter(scope_q(user, READ, "producer__unit")).order_by("name", "pk")


def certified_products_of_province(province: AdminUnit | None) -> QuerySet[Product]:
    """Certified products of a province's producers: what a shop's form offers."""
    return certified_products().filter(producer__unit__current_province=province).order_by("name", "pk")
