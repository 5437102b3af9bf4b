"""Where a buyer finds a product: the channels its producer declared, and places other apps know of.

Trade promotion (`promotion`: OCOP shops, fairs, e-commerce listings) sits above the catalogue, so it
registers a provider here (in its AppConfig.ready) instead of the catalogue importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ocop.catalog.models import CatalogEntry


@dataclass(frozen=True)
class Place:
    kind: str  # "shop", "fair", "ecommerce", ...
    name: str
    detail: str = ""
    url: str = ""  # only http(s) links are shown


Provider = Callable[[CatalogEntry], list[Place]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def places_for(entry: CatalogEntry) -> list[Place]:
    places: list[Place] = []
    for provider in _providers:
        places += [p for p in provider(entry) if not p.url or p.url.startswith(("https://", "http://"))]
    return places
