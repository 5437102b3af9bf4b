"""Public catalogue API and open data: certified products, one product, one producer, bulk exports.

Public (no login). Partners send `X-API-Key` for a higher rate limit; everyone else is limited per address.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from ocop.catalog import exports, selectors, where_to_buy
from ocop.catalog.models import CatalogEntry
from ocop.catalog.ratelimit import throttle
from ocop.core.errors import Invalid, NotFound

router = Router(tags=["catalog"])


class ProductsQuery(Schema):
    """Every parameter is read as text and checked by the catalogue, so a bad value gets a clear message."""

    q: str = ""
    province: str = ""
    legacy_province: str = ""
    group: str = ""
    product_set: str = ""
    stars: str = ""
    year: str = ""
    page: str = ""
    page_size: str = ""


def _certificate(entry: CatalogEntry) -> dict:
    return {
        "number": entry.certificate_number,
        "stars": entry.stars,
        "valid_until": entry.certificate_valid_until.isoformat() if entry.certificate_valid_until else None,
        "status": entry.certificate_state,
        "qr": entry.certificate_qr,
    }


def _item(entry: CatalogEntry) -> dict:
    return {
        "id": entry.product_id,
        "name": entry.name,
        # The name on the certificate when an officer approved a rename since; null otherwise.
        "former_name": entry.former_name or None,
        "producer": entry.producer_name,
        "producer_id": entry.producer_id,
        "province": entry.province.name if entry.province else None,
        "province_code": entry.province.code if entry.province else None,
        "group": entry.group_code,
        "group_name": entry.group_name,
        "product_set": entry.product_set_code,
        "stars": entry.stars,
        "certificate": _certificate(entry),
        "url": reverse("catalog:product", args=[entry.product_id]),
    }


@router.get("/products", url_name="catalog_products", summary="Sản phẩm OCOP đạt chứng nhận (tìm kiếm, lọc)")
def list_products(request, filters: Query[ProductsQuery]):
    throttle(request)
    provinces = selectors.Provinces.load()
    query = selectors.CatalogQuery.parse(filters.dict(), provinces)
    if query.notices:
        raise Invalid(" ".join(query.notices), code="bad_catalog_query")
    result = selectors.search(query, facets=False)
    if result.page_clamped:
        raise NotFound(
            _("Trang %(page)s không có: kết quả có %(pages)s trang.")
            % {"page": query.page, "pages": result.pages},
            code="page_out_of_range",
        )
    return {
        "count": result.count,
        "count_exact": result.count_exact,
        "count_capped": result.count_capped,
        "page": result.page,
        "page_size": result.page_size,
        "pages": result.pages,
        "corrected_query": result.corrected or None,
        "items": [_item(entry) for entry in result.entries],
    }


@router.get("/products/{product_id}", url_name="catalog_product", summary="Một sản phẩm OCOP")
def get_product(request, product_id: int):
    throttle(request)
    entry = selectors.entry_get(product_id)
    product = entry.product
    body = _item(entry)
    body.update(
        {
            "commune": entry.commune.name,
            "legacy_province": entry.legacy_province.name if entry.legacy_province else None,
            "product_set_name": entry.product_set_name,
            "description": product.description,
            "story": product.story,
            "sales_channels": list(product.sales_channels or []),
            "photos": [
                reverse("catalog:photo", args=[entry.product_id, photo.id])
                for photo in selectors.photos_of(product)
            ],
            "where_to_buy": [place.__dict__ for place in where_to_buy.places_for(entry)],
        }
    )
    return body


@router.get("/producers/{producer_id}", url_name="catalog_producer", summary="Một chủ thể OCOP và sản phẩm")
def get_producer(request, producer_id: int):
    throttle(request)
    producer, entries = selectors.producer_get(producer_id)
    return {
        "id": producer.id,
        "name": producer.name,
        "legal_form": producer.legal_form,
        "address": producer.address,
        "province": entries[0].province.name if entries[0].province else None,
        "products": [_item(entry) for entry in entries],
        "url": reverse("catalog:producer", args=[producer.id]),
    }


@router.get("/export.{fmt}", url_name="catalog_export", summary="Dữ liệu mở: mọi sản phẩm đạt chứng nhận")
def export(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise NotFound(
            _("Định dạng «%(fmt)s» không có; dùng csv, xlsx hoặc json.") % {"fmt": fmt[:10]},
            code="unknown_format",
        )
    throttle(request, scope="export")
    return exports.response(fmt)
