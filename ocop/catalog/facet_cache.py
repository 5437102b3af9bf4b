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
from django.utils import timezone

from ocop.catalog import version

TTL = 600


def _key(shape: str) -> str:
    # The day too: a certificate that runs out at midnight leaves the matches without a reindex.
    digest = hashlib.sha256(shape.encode()).hexdigest()[:32]
    return f"catalog:facets:{version.current()}:{timezone.localdate().isoformat()}:{digest}"


def get(shape: str) -> dict[str, list[dict[str, Any]]] | None:
    return cache.get(_key(shape))


def put(shape: str, facets: dict[str, list[dict[str, Any]]]) -> None:
    cache.set(_key(shape), facets, TTL)
