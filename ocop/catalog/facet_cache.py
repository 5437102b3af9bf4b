"""Facet counts of broad searches, kept in Django's cache per query shape (words, filters).

A broad search shows a capped count and reads only one page of matches; its facet counts would need every
match, so they are computed once per shape and reused for `TTL`, the day, and until the next bulk change
(`catalog.version.bulk()`: a full reindex, an import). Not until the next change of any entry: on a working
day every certification or edit starts a new version, and every broad search would count all its matches
again after each. So after a single change these counts may be up to `TTL` old (off by the few entries it
changed); the results, their order and the capped count are always today's. With Redis (`OCOP_CACHE_URL`)
all processes share them.

The map's and a province's counts are kept here too, per version (`counted`). So is what searches learnt of
a shape: its count when it was broad or nothing (`known_count`, per version) and how each of its relevance
tiers is read (`tier_plan`); neither changes an answer, only what it costs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils import timezone

from ocop.catalog import version

TTL = 600
T = TypeVar("T")


def _key(kind: str, token: str, shape: str) -> str:
    # The day too: a certificate that runs out at midnight leaves the matches without a reindex.
    digest = hashlib.sha256(shape.encode()).hexdigest()[:32]
    return f"catalog:{kind}:{token}:{timezone.localdate().isoformat()}:{digest}"


def get(shape: str) -> dict[str, list[dict[str, Any]]] | None:
    return cache.get(_key("facets", version.bulk(), shape))


def put(shape: str, facets: dict[str, list[dict[str, Any]]]) -> None:
    cache.set(_key("facets", version.bulk(), shape), facets, TTL)


def grouped(shape: str, read: Callable[[], list[tuple]]) -> list[tuple]:
    """The facet columns of every match of a shape, grouped (`search._Query.grouped_facts`), kept like the
    facet counts above: the counts of any narrowing of the shape by facet columns are sums over these rows."""
    return _kept(_key("grouped", version.bulk(), shape), read)


def tier_plan(shape: str) -> tuple[dict[int, str], frozenset[int]]:
    """How each relevance tier of this shape is read (`search._Query.page_ids`), learnt from earlier searches:
    per bulk change, whether a tier fills its page from the first entries in display order; per version, the
    tiers that had no match at all (as with `known_count`, in this very version they still have none). Either
    only decides the cost: the page is the same."""
    keys = _key("tiers", version.bulk(), shape), _key("empty", version.current(), shape)
    found = cache.get_many(keys)
    return found.get(keys[0]) or {}, found.get(keys[1]) or frozenset()


def put_tier_plan(shape: str, plan: dict[int, str] | None, empty: frozenset[int] | None) -> None:
    """Keep what changed (None: unchanged)."""
    if plan is not None:
        cache.set(_key("tiers", version.bulk(), shape), plan, TTL)
    if empty is not None:
        cache.set(_key("empty", version.current(), shape), empty, TTL)


BROAD, NONE = "broad", "none"  # what a shape's count was (`known_count`)


def known_count(shape: str) -> str | None:
    """What this shape's count was in this very version of the catalogue, and so still is: `BROAD` (more
    matches than the count limit: the count is not read again) or `NONE` (no match: the search goes straight
    to its correction). Kept per version, unlike the counts above: a change can make a broad search narrow,
    or give a search its first match."""
    return cache.get(_key("count", version.current(), shape))


def remember_count(shape: str, what: str) -> None:
    cache.set(_key("count", version.current(), shape), what, TTL)


def counted(kind: str, shape: str, count: Callable[[], T]) -> T:
    """Counts over every listed entry that a page shows whole (the map's per province, a province's by stars
    and group), kept per version of the catalogue and day: exact, and counted once per change instead of
    once per visit (the map's count reads a million entries at 1M: 220 ms)."""
    return _kept(_key(kind, version.current(), shape), count)


def _kept(key: str, compute: Callable[[], T]) -> T:
    """The cached value of `key`, computed and kept for `TTL` when missing."""
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TTL)
    return found
