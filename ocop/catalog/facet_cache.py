"""Facet counts of broad searches, kept in Django's cache per query shape (words, filters).

A broad search shows a capped count and reads only one page of matches; its facet counts would need every
match, so they are computed once per shape and reused for `TTL`, the day, and until the next bulk change
(`catalog.version.bulk()`: a full reindex, an import). Not until the next change of any entry: on a working
day every certification or edit starts a new version, and every broad search would count all its matches
again after each. So after a single change these counts may be up to `TTL` old (off by the few entries it
changed); the results, their order and the capped count are always today's. With Redis (`OCOP_CACHE_URL`)
all processes share them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from ocop.catalog import version

TTL = 600


def _key(kind: str, token: str, shape: str) -> str:
    # The day too: a certificate that runs out at midnight leaves the matches without a reindex.
    digest = hashlib.sha256(shape.encode()).hexdigest()[:32]
    return f"catalog:{kind}:{token}:{timezone.localdate().isoformat()}:{digest}"


def get(shape: str) -> dict[str, list[dict[str, Any]]] | None:
    return cache.get(_key("facets", version.bulk(), shape))


def put(shape: str, facets: dict[str, list[dict[str, Any]]]) -> None:
    cache.set(_key("facets", version.bulk(), shape), facets, TTL)


def known_broad(shape: str) -> bool:
    """This shape had more matches than the count limit in this very version of the catalogue (so it still
    has): its count need not be read again. Kept per version, unlike the counts above: a change can make a
    broad search narrow."""
    return cache.get(_key("broad", version.current(), shape)) is not None


def mark_broad(shape: str) -> None:
    cache.set(_key("broad", version.current(), shape), True, TTL)
