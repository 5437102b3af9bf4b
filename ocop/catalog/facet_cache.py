"""Facet counts of broad searches, kept in Django's cache per query shape (words, filters).

A broad search shows a capped count and reads only one page of matches; its facet counts would need every
match, so they are computed once per shape and reused until the catalogue changes (the key holds the
catalogue's version token, which every reindex changes: `catalog.version`) or `TTL` runs out. With Redis
(`OCOP_CACHE_URL`) all processes share them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache

from ocop.catalog import version

TTL = 600


def _key(shape: str) -> str:
    return f"catalog:facets:{version.current()}:{hashlib.sha256(shape.encode()).hexdigest()[:32]}"


def get(shape: str) -> dict[str, list[dict[str, Any]]] | None:
    return cache.get(_key(shape))


def put(shape: str, facets: dict[str, list[dict[str, Any]]]) -> None:
    cache.set(_key(shape), facets, TTL)
