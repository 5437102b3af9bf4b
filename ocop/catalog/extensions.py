"""Extension points of the public catalogue for the apps above it: product-page panels and map layers.

The catalogue sits below trade promotion, training and supervision, so it never imports them. Each such app
registers what it adds here, from its `AppConfig.ready()`: a panel drawn on a certified product's public page
(a template and a function giving its context for one entry), or a layer of points on the catalogue's map (a
function giving markers placed by latitude and longitude). Places to buy a product have their own, older,
registry in `where_to_buy` (drawn in the page's "Mua ở đâu" section and listed by the API); a panel is for
anything else.

Every function runs on a public page: it must read only public records (confirmed, in force) and keep to a
fixed, small number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

from ocop.catalog.models import CatalogEntry

# A panel that lists a few lines needs no template of its own: its context gives `title`, `items` (each a
# dict of `label`, `detail`, `url`) and an optional `note`.
LIST_PANEL = "catalog/_panel.html"


@dataclass(frozen=True)
class ProductPanel:
    key: str  # unique per panel: registering the same key again replaces it (a reload in development)
    context: Callable[
        [CatalogEntry], dict | None
    ]  # None or {}: the panel has nothing to show for this product
    template: str = LIST_PANEL
    order: int = 100


@dataclass(frozen=True)
class MapMarker:
    latitude: float
    longitude: float
    label: str
    detail: str = ""
    url: str = ""  # a page of this site (relative), or empty


@dataclass(frozen=True)
class MapLayer:
    key: str
    title: str  # shown above the layer's list and in the legend (a lazily translated string)
    markers: Callable[[], list[MapMarker]]
    order: int = 100


PANELS: dict[str, ProductPanel] = {}
LAYERS: dict[str, MapLayer] = {}


def register_product_panel(panel: ProductPanel) -> None:
    PANELS[panel.key] = panel


def register_map_layer(layer: MapLayer) -> None:
    LAYERS[layer.key] = layer


def product_panels(request, entry: CatalogEntry) -> list[str]:
    """Every registered panel with something to show, rendered for one product page."""
    rendered = []
    for panel in sorted(PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(entry)
        if context:
            rendered.append(
                render_to_string(
                    panel.template, {"entry": entry, "key": panel.key, **context}, request=request
                )
            )
    return rendered


def map_layers() -> list[tuple[MapLayer, list[MapMarker]]]:
    """Every registered layer with its markers (a layer without markers is still listed: "none yet")."""
    return [
        (layer, layer.markers()) for layer in sorted(LAYERS.values(), key=lambda each: (each.order, each.key))
    ]
