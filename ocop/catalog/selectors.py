"""Public reads of the catalogue: parsing what a visitor asked for, and the pages' data.

Everything here is public (no user, no scope): only products that hold, or have held, an OCOP certificate
are ever shown, and only through their `CatalogEntry`. Bad input never raises: it is dropped or clamped and
a notice says so, so a page always renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from ocop.catalog import facet_cache, reference
from ocop.catalog.extensions import MapMarker
from ocop.catalog.models import CatalogEntry
from ocop.catalog.search import MAX_QUERY_CHARS, Filters, SearchResult, listed_entries, search_catalog
from ocop.core.errors import NotFound
from ocop.core.text import shorten, sort_key
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.models import Producer
from ocop.products.models import PhotoKind, Product, ProductPhoto

KNOWN_PARAMS = {
    "q",
    "province",
    "legacy_province",
    "group",
    "product_set",
    "stars",
    "year",
    "page",
    "page_size",
}
MAX_PAGE_SIZE = 100
_CODE = re.compile(r"^[A-Za-z0-9.]{1,20}$")  # taxonomy codes: "I", "IV", "2.2", "13.1"


@dataclass
class Provinces:
    """Every province of both generations (34 + 63 rows), read once per process (`reference`)."""

    by_id: dict[int, AdminUnit]
    current: list[AdminUnit]
    legacy: list[AdminUnit]

    @classmethod
    def load(cls) -> Provinces:
        return reference.cached("provinces", cls._read)

    @classmethod
    def _read(cls) -> Provinces:
        units = list(
            AdminUnit.objects.filter(level=Level.PROVINCE).only(
                "id", "era", "code", "name", "short_name", "latitude", "longitude"
            )
        )
        units.sort(key=lambda unit: sort_key(unit.short_name))
        return cls(
            by_id={u.id: u for u in units},
            current=[u for u in units if u.era == Era.CURRENT],
            legacy=[u for u in units if u.era == Era.LEGACY],
        )

    def find(self, era: str, code: str) -> AdminUnit | None:
        units = self.current if era == Era.CURRENT else self.legacy
        return next((u for u in units if u.code == code), None)


@dataclass
class CatalogQuery:
    """What a visitor asked for, cleaned: the query text, filters, page, and notices about what was dropped."""

    q: str = ""
    filters: Filters = field(default_factory=Filters)
    page: int = 1
    page_size: int = 20
    notices: list[str] = field(default_factory=list)
    chosen: dict[str, str] = field(default_factory=dict)  # the accepted filters, as they appear in URLs

    @classmethod
    def parse(cls, params: Mapping[str, Any], provinces: Provinces, *, page_size: int = 20) -> CatalogQuery:
        query = cls(page_size=page_size)
        for name in sorted(set(params) - KNOWN_PARAMS)[:5]:
            query.notices.append(
                _("Bộ lọc «%(name)s» không được hỗ trợ, đã bỏ qua.") % {"name": shorten(str(name), 30)}
            )
        q = str(params.get("q") or "")
        if len(q) > MAX_QUERY_CHARS:
            query.notices.append(_("Từ khóa quá dài: chỉ dùng %(max)s ký tự đầu.") % {"max": MAX_QUERY_CHARS})
            q = q[:MAX_QUERY_CHARS]
        query.q = q.strip()
        for name, era in (("province", Era.CURRENT), ("legacy_province", Era.LEGACY)):
            code = str(params.get(name) or "").strip()[:8]
            if not code:
                continue
            unit = provinces.find(era, code)
            if unit is None:
                query.notices.append(
                    _("Không có tỉnh mã «%(code)s»; bộ lọc tỉnh đã bỏ qua.") % {"code": code}
                )
                continue
            setattr(query.filters, name, unit.id)
            query.chosen[name] = code
        for name in ("group", "product_set"):
            value = str(params.get(name) or "").strip()
            if not value:
                continue
            if not _CODE.match(value):
                query.notices.append(
                    _("Mã «%(value)s» không hợp lệ; bộ lọc đã bỏ qua.") % {"value": shorten(value, 20)}
                )
                continue
            setattr(query.filters, name, value)
            query.chosen[name] = value
        stars = query._number(params, "stars", _("hạng sao"), 1, 5)
        if stars is not None:
            query.filters.stars = stars
        year = query._number(params, "year", _("năm"), 2000, 2100)
        if year is not None:
            query.filters.year = year
        page = query._number(params, "page", _("trang"), 1, 10**9, clamp=True)
        query.page = page or 1
        size = query._number(params, "page_size", _("số mục mỗi trang"), 1, MAX_PAGE_SIZE, clamp=True)
        query.page_size = size or page_size
        return query

    def _number(
        self, params, name: str, label: str, low: int, high: int, *, clamp: bool = False
    ) -> int | None:
        raw = str(params.get(name) or "").strip()
        if not raw:
            return None
        try:
            value = int(raw[:12])
        except ValueError:
            self.notices.append(
                _("Giá trị «%(value)s» của %(label)s không hợp lệ, đã bỏ qua.")
                % {"value": shorten(raw, 20), "label": label}
            )
            return None
        if clamp and not low <= value <= high:
            used = min(max(value, low), high)
            self.notices.append(
                _("Giá trị «%(value)s» của %(label)s phải từ %(low)s đến %(high)s; đã dùng %(used)s.")
                % {"value": shorten(raw, 20), "label": label, "low": low, "high": high, "used": used}
            )
            value = used
        elif not low <= value <= high:
            self.notices.append(
                _("Giá trị «%(value)s» của %(label)s không hợp lệ, đã bỏ qua.")
                % {"value": shorten(raw, 20), "label": label}
            )
            return None
        if name not in ("page", "page_size"):
            self.chosen[name] = str(value)
        return value


def search(query: CatalogQuery, *, facets: bool = True) -> SearchResult:
    result = search_catalog(
        q=query.q, filters=query.filters, page=query.page, page_size=query.page_size, facets=facets
    )
    if result.page_clamped:
        query.notices.append(
            _("Trang %(asked)s không có; đang hiển thị trang %(page)s.")
            % {"asked": query.page, "page": result.page}
        )
    return result


# --- one product, one producer, one province ---------------------------------------------------------


# What a product's page and the API show of it (selectors below, catalog.api); nothing else is read.
_SHOWN_OF_ONE = (
    *("producer_id", "name", "former_name", "producer_name", "stars", "certified_year"),
    *("group_code", "group_name", "product_set_code", "product_set_name"),
    *(
        "certificate_id",
        "certificate_number",
        "certificate_status",
        "certificate_valid_until",
        "certificate_qr",
    ),
    *("product__description", "product__story", "product__sales_channels"),
    *("commune__name", "province__name", "province__code", "legacy_province__name"),
)


def entry_get(product_id: int) -> CatalogEntry:
    """A product the public may see: one that holds or has held a certificate. Otherwise NotFound."""
    # Only what the product page and the API show: the ORM spends longer compiling and reading a column
    # than the database does finding it (six tables in full were some 270 columns, a third of the page).
    # get(), not first(): one row by its key needs no ORDER BY compiled.
    try:
        return (
            CatalogEntry.objects.select_related("province", "legacy_province", "commune", "product")
            .only(*_SHOWN_OF_ONE)
            .get(product_id=product_id, certificate_id__isnull=False)
        )
    except CatalogEntry.DoesNotExist:
        raise NotFound(_("Không tìm thấy sản phẩm OCOP này."), code="catalog_product_not_found") from None


def photos_of(product: Product) -> list[ProductPhoto]:
    return list(product.photos.order_by("kind", "uploaded_at", "pk").only("id", "kind", "width", "height"))


def public_photo(product_id: int, photo_id: int) -> ProductPhoto:
    """A photo of a certified product, which the public may see; NotFound for anything else."""
    photo = (
        ProductPhoto.objects.filter(
            pk=photo_id,
            product_id=product_id,
            product__catalog_entry__certificate_id__isnull=False,
            kind__in=PhotoKind.values,
        )
        .only("id", "file", "content_type")
        .first()
    )
    if photo is None:
        raise NotFound(_("Không tìm thấy ảnh."), code="catalog_photo_not_found")
    return photo


def producer_get(producer_id: int) -> tuple[Producer, list[CatalogEntry]]:
    """A producer with at least one product shown in the catalogue, and those products."""
    entries = list(
        CatalogEntry.objects.filter(producer_id=producer_id, certificate_id__isnull=False)
        .select_related("province", "commune")
        .order_by("-listed", "-stars", "name")[:200]
    )
    if not entries:
        raise NotFound(_("Không tìm thấy chủ thể OCOP này."), code="catalog_producer_not_found")
    producer = Producer.objects.only("id", "name", "legal_form", "address", "unit_id").get(pk=producer_id)
    return producer, entries


def province_summary(province: AdminUnit) -> dict[str, Any]:
    """Counts of a current province's listed products by stars and by group (two grouped queries, once per
    version of the catalogue)."""
    return facet_cache.counted("province", str(province.pk), lambda: _province_counts(province))


def _province_counts(province: AdminUnit) -> dict[str, Any]:
    entries = listed_entries().filter(province=province)
    by_stars = {row["stars"]: row["n"] for row in entries.values("stars").annotate(n=Count("pk")).order_by()}
    by_group = list(
        entries.values("group_code", "group_name")
        .annotate(n=Count("pk"))
        .order_by("group_code", "group_name")
    )
    return {
        "total": sum(by_stars.values()),
        "stars": [(stars, by_stars.get(stars, 0)) for stars in (5, 4, 3)],
        "groups": by_group,
    }


# --- the map --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapPoint:
    province: AdminUnit
    count: int
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class MapProjection:
    """Latitude and longitude to the map's x and y: an equirectangular projection scaled by cos(latitude),
    faithful enough at Vietnam's size, fitted to the current provinces so every layer shares one frame."""

    lat0: float
    min_x: float
    max_y: float
    scale: float
    margin: float

    def __call__(self, latitude: float, longitude: float) -> tuple[float, float]:
        import math

        x = longitude * math.cos(math.radians(self.lat0))
        return (
            round(self.margin + (x - self.min_x) * self.scale, 1),
            round(self.margin + (self.max_y - latitude) * self.scale, 1),
        )


def map_projection(provinces: Provinces, *, width: int = 360, height: int = 640) -> MapProjection | None:
    import math

    placed = [p for p in provinces.current if p.latitude is not None and p.longitude is not None]
    if not placed:
        return None
    lat0 = sum(p.latitude for p in placed) / len(placed)
    xs = [p.longitude * math.cos(math.radians(lat0)) for p in placed]
    ys = [p.latitude for p in placed]
    margin = 24
    scale = min(
        (width - 2 * margin) / ((max(xs) - min(xs)) or 1), (height - 2 * margin) / ((max(ys) - min(ys)) or 1)
    )
    return MapProjection(lat0=lat0, min_x=min(xs), max_y=max(ys), scale=scale, margin=margin)


def map_points(provinces: Provinces, *, width: int = 360, height: int = 640) -> list[MapPoint]:
    """Current provinces placed by their latitude and longitude, sized by their certified products."""
    import math

    counts = facet_cache.counted(
        "map",
        "",
        lambda: dict(
            listed_entries()
            .values("province_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("province_id", "n")
        ),
    )
    project = map_projection(provinces, width=width, height=height)
    if project is None:
        return []
    placed = [p for p in provinces.current if p.latitude is not None and p.longitude is not None]
    largest = max(counts.values(), default=0) or 1
    points = []
    for province in placed:
        count = counts.get(province.id, 0)
        x, y = project(province.latitude, province.longitude)
        points.append(
            MapPoint(
                province=province,
                count=count,
                x=x,
                y=y,
                radius=round(3 + 15 * math.sqrt(count / largest), 1) if count else 2.5,
            )
        )
    return points


@dataclass(frozen=True)
class PlacedMarker:
    marker: MapMarker
    x: float
    y: float


def placed_markers(project: MapProjection | None, markers: list[MapMarker]) -> list[PlacedMarker]:
    """An extension layer's markers in the map's frame (markers without coordinates are left off the drawing,
    still listed beside it by the page)."""
    if project is None:
        return []
    return [PlacedMarker(m, *project(m.latitude, m.longitude)) for m in markers if m.latitude is not None]


# --- open data ------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    ("id", "Mã"),
    ("name", "Tên sản phẩm"),
    ("producer", "Chủ thể"),
    ("province", "Tỉnh, thành phố"),
    ("commune", "Xã, phường"),
    ("group", "Nhóm"),
    ("product_set", "Bộ sản phẩm"),
    ("stars", "Hạng sao"),
    ("certificate_number", "Số giấy chứng nhận"),
    ("certificate_status", "Tình trạng"),
    ("valid_until", "Có giá trị đến"),
    ("qr", "Nội dung mã QR"),
]


def export_rows(*, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    """Every listed product, as open data rows, read in keyset-paginated chunks (memory stays flat)."""
    provinces = {u.id: u.name for u in AdminUnit.objects.filter(level=Level.PROVINCE).only("id", "name")}
    last = 0
    while True:
        rows = list(
            listed_entries()
            .filter(product_id__gt=last)
            .order_by("product_id")
            .select_related("commune")
            .only(
                "product_id",
                "name",
                "producer_name",
                "province_id",
                "commune__name",
                "group_name",
                "product_set_name",
                "stars",
                "certificate_number",
                "certificate_status",
                "certificate_valid_until",
                "certificate_qr",
            )[:chunk]
        )
        if not rows:
            return
        for entry in rows:
            yield {
                "id": entry.product_id,
                "name": entry.name,
                "producer": entry.producer_name,
                "province": provinces.get(entry.province_id, ""),
                "commune": entry.commune.name,
                "group": entry.group_name,
                "product_set": entry.product_set_name,
                "stars": entry.stars,
                "certificate_number": entry.certificate_number,
                "certificate_status": entry.certificate_state,
                "valid_until": entry.certificate_valid_until.isoformat()
                if entry.certificate_valid_until
                else "",
                "qr": entry.certificate_qr,
            }
        last = rows[-1].product_id
