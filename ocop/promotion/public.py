"""What trade promotion adds to the public catalogue, through the catalogue's extension points:

- "Mua ở đâu" (`catalog.where_to_buy`): the open shops carrying the product, its confirmed e-commerce listings;
- a panel on the product page (`catalog.extensions`): the fairs it took part in (confirmed) and the gift sets
  holding it;
- a layer of the catalogue map: every open OCOP shop, at its commune.

Only confirmed records and open shops are shown; nothing here fetches a link.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.catalog import extensions, version, where_to_buy
from ocop.catalog.models import CatalogEntry
from ocop.promotion import models, platforms, selectors

# What the public pages above show; a change to any of them is a change of what the public sees.
SHOWN = (
    models.Event,
    models.Participation,
    models.Shop,
    models.ShopProduct,
    models.Listing,
    models.GiftSet,
    models.GiftSetItem,
)


def where_to_buy_url(unit=None, shop=None) -> str:
    url = reverse("promotion:where_to_buy")
    if unit is not None:
        url += "?" + urlencode({"unit": unit.code})
    return url + (f"#shop-{shop.pk}" if shop is not None else "")


def _kinds(entry: CatalogEntry) -> frozenset[str]:
    """What the page may show of trade promotion, asked once per entry (places and the panel both need it)."""
    found = getattr(entry, "_promotion_kinds", None)
    if found is None:
        found = entry._promotion_kinds = selectors.public_kinds(entry.product_id)  # type: ignore[attr-defined]
    return found


def places(entry: CatalogEntry) -> list[where_to_buy.Place]:
    found = []
    kinds = _kinds(entry)
    for carried in selectors.shops_carrying(entry.product_id) if "shops" in kinds else ():
        shop = carried.shop
        found.append(
            where_to_buy.Place(
                kind="shop",
                name=shop.name,
                detail=_("%(address)s, %(unit)s (bày bán từ %(since)s)")
                % {
                    "address": shop.address,
                    "unit": shop.unit.full_name,
                    "since": carried.since.strftime("%d/%m/%Y"),
                },
            )
        )
    for listing in selectors.public_listings(entry.product_id) if "listings" in kinds else ():
        checked = listing.checked_on.strftime("%d/%m/%Y") if listing.checked_on else ""
        found.append(
            where_to_buy.Place(
                kind="ecommerce",
                name=platforms.platform_name(listing.platform),
                detail=_("liên kết kiểm tra ngày %(day)s") % {"day": checked} if checked else "",
                url=listing.url,
            )
        )
    return found


def panel(entry: CatalogEntry) -> dict | None:
    kinds = _kinds(entry)
    items = [
        {
            "label": p.event.name,
            "detail": _("%(place)s, %(start)s – %(end)s")
            % {
                "place": p.event.unit.name,
                "start": p.event.starts_on.strftime("%d/%m/%Y"),
                "end": p.event.ends_on.strftime("%d/%m/%Y"),
            },
        }
        for p in (selectors.public_participations(entry.product_id) if "participations" in kinds else ())
    ]
    items += [
        {"label": _("Bộ quà tặng «%(name)s»") % {"name": gift.name}, "detail": gift.unit.name}
        for gift in (selectors.public_gift_sets(entry.product_id) if "gift_sets" in kinds else ())
    ]
    if not items:
        return None
    return {"title": _("Hội chợ, triển lãm và bộ quà tặng"), "items": items}


def shop_markers() -> list[extensions.MapMarker]:
    return [
        extensions.MapMarker(
            latitude=shop.unit.latitude,
            longitude=shop.unit.longitude,
            label=shop.name,
            detail=f"{shop.address}, {shop.unit.name}",
            url=where_to_buy_url(shop.unit, shop),
        )
        for shop in selectors.map_shops()
        if shop.unit.latitude is not None
    ]


def _public_changed(**_kwargs) -> None:
    """The catalogue's cached answers (catalog.page_cache) show these records: a new version, in the same
    transaction, so the next visitor sees the change."""
    version.bump()


def register() -> None:
    where_to_buy.register(places)
    for model in SHOWN:
        post_save.connect(_public_changed, sender=model, dispatch_uid=f"catalog-version-{model.__name__}")
        post_delete.connect(
            _public_changed, sender=model, dispatch_uid=f"catalog-version-del-{model.__name__}"
        )
    extensions.register_product_panel(extensions.ProductPanel(key="promotion", context=panel, order=50))
    extensions.register_map_layer(
        extensions.MapLayer(
            key="ocop-shops", title=gettext_lazy("Điểm giới thiệu và bán sản phẩm OCOP"), markers=shop_markers
        )
    )
