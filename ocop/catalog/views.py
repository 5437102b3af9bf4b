"""Public pages of the catalogue: home, search, product, producer, province, map, open data. No login."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ocop.catalog import exports, extensions, selectors, version, where_to_buy
from ocop.catalog.ratelimit import throttle
from ocop.catalog.search import count_limit
from ocop.certification.selectors import paper_note_of
from ocop.core.errors import DomainError, NotFound, RateLimited
from ocop.core.paths import path_for_keys
from ocop.core.refusals import refusal, shows_refusals
from ocop.core.storage import download_response
from ocop.core.text import sort_key
from ocop.geo.models import Era
from ocop.products.models import SalesChannel

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}

SHOWN_OPTIONS = 40  # per filter; the list then says how many it left out

# In the order the filters are shown; the first three start open.
FACET_TITLES = {
    "stars": gettext_lazy("Hạng sao"),
    "province": gettext_lazy("Tỉnh, thành phố"),
    "group": gettext_lazy("Nhóm sản phẩm"),
    "year": gettext_lazy("Năm công nhận"),
    "legacy_province": gettext_lazy("Tỉnh cũ (trước 01/7/2025)"),
    "product_set": gettext_lazy("Bộ sản phẩm"),
}


class _Links:
    """Links to the search page with one parameter changed: the path is reversed and the query's parameters
    are encoded once per request, not once per facet option (a broad search shows a hundred and more)."""

    def __init__(self, query: selectors.CatalogQuery, path: str = ""):
        self.path = path or reverse("catalog:search")
        params = {"q": query.q, **query.chosen}
        self.encoded = {name: urlencode({name: value}) for name, value in params.items() if value}

    def __call__(self, **change) -> str:
        encoded = dict(self.encoded)
        for name, value in change.items():
            if value is None or value == "":
                encoded.pop(name, None)
            else:
                encoded[name] = urlencode({name: str(value)})
        return self.path + ("?" + "&".join(encoded.values()) if encoded else "")


def _link(query: selectors.CatalogQuery, **change) -> str:
    return _Links(query)(**change)


def _with_urls(entries) -> None:
    """Each result's product and photo addresses, from one reversed pattern (not a `{% url %}` per card)."""
    product, photo = path_for_keys("catalog:product"), path_for_keys("catalog:photo", keys=2)
    for entry in entries:
        entry.url = product(entry.product_id)
        entry.photo_url = photo(entry.product_id, entry.photo_id) if entry.photo_id else ""


def _facets(result, query, provinces: selectors.Provinces, link: _Links) -> list[dict]:
    facets = result.facets or {}
    if result.count and not result.count_exact and not facets:
        # Too many matches to count by facet: offer the main filters without counts.
        facets = {
            "province": [{"value": str(p.id), "label": "", "count": None} for p in provinces.current],
            "stars": [{"value": str(stars), "label": "", "count": None} for stars in (5, 4, 3)],
        }
    separator = get_format("THOUSAND_SEPARATOR")  # once, not a localised `intcomma` per option
    blocks = []
    for facet in FACET_TITLES:
        items = facets.get(facet, [])
        options = []
        for item in items:
            value, label = item["value"], item["label"]
            if facet in ("province", "legacy_province"):
                unit = provinces.by_id.get(int(value))
                if unit is None:
                    continue
                value, label = unit.code, unit.name
            if len(options) >= SHOWN_OPTIONS:
                options.append(None)  # counted in "… and n more", never drawn: no label, no link
                continue
            elif facet == "stars":
                label = "★" * int(value)
            elif facet == "year":
                label = value
            elif facet in ("group", "product_set"):
                label = f"{value}. {label}"
            selected = query.chosen.get(facet) == value
            count = item["count"]
            options.append(
                {
                    "label": label,
                    "count": count,
                    "count_text": "" if count is None else f"{count:,}".replace(",", separator),
                    "selected": selected,
                    "url": link(**{facet: None if selected else value, "page": None}),
                }
            )
        if options:
            # Forty options at most; the list then says how many it left out.
            blocks.append(
                {
                    "name": facet,
                    "title": FACET_TITLES[facet],
                    "options": options[:SHOWN_OPTIONS],
                    "more": max(len(options) - SHOWN_OPTIONS, 0),
                }
            )
    return blocks


@require_GET
def home(request):
    provinces = selectors.Provinces.load()
    result = selectors.search(selectors.CatalogQuery(page_size=8), facets=False)
    _with_urls(result.entries)
    return render(
        request,
        "catalog/home.html",
        {"result": result, "provinces": provinces.current, "count_limit": count_limit()},
    )


@require_GET
def search(request):
    provinces = selectors.Provinces.load()
    query = selectors.CatalogQuery.parse(request.GET, provinces)
    result = selectors.search(query)
    _with_urls(result.entries)
    link = _Links(query)
    chosen = []
    for name, value in query.chosen.items():
        if name in ("province", "legacy_province"):
            unit = provinces.find(Era.CURRENT if name == "province" else Era.LEGACY, value)
            value = unit.name if unit else value
        elif name == "stars":
            value = "★" * int(value)
        url = link(**{name: None, "page": None})
        chosen.append({"label": FACET_TITLES.get(name, name), "value": value, "url": url})
    context = {
        "query": query,
        "result": result,
        "facets": _facets(result, query, provinces, link),
        "chosen": chosen,
        "provinces": provinces,
        "previous_url": link(page=result.page - 1) if result.has_previous else "",
        "next_url": link(page=result.page + 1) if result.has_next else "",
        "suggestion_url": _Links(selectors.CatalogQuery(q=result.corrected, chosen=query.chosen), link.path)()
        if result.corrected
        else "",
        "count_limit": count_limit(),
    }
    return render(request, "catalog/search.html", context)


def _not_found(request, error: DomainError, *_args, **_kwargs):
    """The public pages name what is missing (a product no longer listed, say) on the 404 page."""
    if not isinstance(error, NotFound):
        raise error
    return render(
        request,
        "core/error.html",
        {"status": 404, "title": _("Không tìm thấy"), "text": str(error.message)},
        status=404,
    )


@require_GET
@shows_refusals(on_refusal=_not_found)
def product(request, product_id: int):
    entry = selectors.entry_get(product_id)
    channels = [
        SalesChannel(code).label for code in entry.product.sales_channels or [] if code in SalesChannel.values
    ]
    context = {
        "entry": entry,
        "product": entry.product,
        "photos": selectors.photos_of(entry.product),
        "channels": channels,
        "places": where_to_buy.places_for(entry),
        "paper_note": paper_note_of(entry.certificate_id),
        "panels": extensions.product_panels(request, entry),
    }
    return render(request, "catalog/product.html", context)


@require_GET
@shows_refusals
def photo(request, product_id: int, photo_id: int):
    """A photo of a certified product: public, but served like every stored file (core.storage)."""
    found = selectors.public_photo(product_id, photo_id)
    content_type = found.content_type if found.content_type in IMAGE_TYPES else "application/octet-stream"
    extension = IMAGE_TYPES.get(found.content_type, "bin")
    response = download_response(
        request,
        found.file.name,
        filename=f"ocop-{product_id}-{photo_id}.{extension}",
        content_type=content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@shows_refusals(on_refusal=_not_found)
def producer(request, producer_id: int):
    found, entries = selectors.producer_get(producer_id)
    _with_urls(entries)
    place = entries[0] if entries else None
    return render(request, "catalog/producer.html", {"producer": found, "entries": entries, "place": place})


@require_GET
def province(request, code: str):
    provinces = selectors.Provinces.load()
    unit = provinces.find(Era.CURRENT, code[:8])
    if unit is None:
        return _not_found(
            request, NotFound(_("Không có tỉnh, thành phố mã «%(code)s».") % {"code": code[:8]})
        )
    query = selectors.CatalogQuery.parse(
        {"province": unit.code, "page": request.GET.get("page", "")}, provinces
    )
    with version.pinned_once():  # the page and the counts of one version, read once
        result = selectors.search(query, facets=False)
        summary = selectors.province_summary(unit)
    _with_urls(result.entries)
    context = {
        "province": unit,
        "summary": summary,
        "result": result,
        "query": query,
        "search_url": _link(query, page=None),
        "previous_url": reverse("catalog:province", args=[unit.code]) + f"?page={result.page - 1}"
        if result.has_previous
        else "",
        "next_url": reverse("catalog:province", args=[unit.code]) + f"?page={result.page + 1}"
        if result.has_next
        else "",
    }
    return render(request, "catalog/province.html", context)


@require_GET
def map_view(request):
    provinces = selectors.Provinces.load()
    points = selectors.map_points(provinces)
    project = selectors.map_projection(provinces)
    layers = [
        {"layer": layer, "markers": markers, "placed": selectors.placed_markers(project, markers)}
        for layer, markers in extensions.map_layers()
    ]
    return render(
        request,
        "catalog/map.html",
        {
            "points": points,
            "ranked": sorted(points, key=lambda p: (-p.count, sort_key(p.province.short_name))),
            "layers": layers,
        },
    )


@require_GET
def open_data(request):
    return render(request, "catalog/open_data.html", {"formats": list(exports.FORMATS)})


@require_GET
def export(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404
    with refusal() as refused:
        throttle(request, scope="export")
    if refused:
        response = render(
            request,
            "core/error.html",
            {"status": refused.status, "title": _("Chưa tải được"), "text": str(refused.error.message)},
            status=refused.status,
        )
        if isinstance(refused.error, RateLimited):
            response["Retry-After"] = "60"
        return response
    response = exports.response(fmt)
    response["X-Content-Type-Options"] = "nosniff"
    return response
