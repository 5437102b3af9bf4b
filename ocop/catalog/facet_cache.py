"""Facet counts of broad searches, kept in Django's cache per query shape (words, filters).

A broad search shows a capped count and reads only one page of matches; its facet counts would need every
match, so they are computed once per shape and reused until the index changes (every reindex starts a new
generation) or `TTL` runs out. With Redis (`OCOP_CACHE_URL`) all processes share them.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.core.cache import cache

TTL = 600
_GENERATION = "catalog:facets:generation"


def _key(shape: str) -> str:
    generation = cache.get(_GENERATION)
    if generation is None:
        generation = time.time_ns()
        cache.add(_GENERATION, generation, None)
    return f"catalog:facets:{generation}:{hashlib.sha256(shape.encode()).hexdigest()[:32]}"


def get(shape: str) -> dict[str, list[dict[str, Any]]] | None:
    return cache.get(_key(shape))


def put(shape: str, facets: dict[str, list[dict[str, Any]]]) -> None:
    cache.set(_key(shape), facets, TTL)


def forget_all() -> None:
    """After a reindex: every cached count may be stale."""
    cache.set(_GENERATION, time.time_ns(), None)
