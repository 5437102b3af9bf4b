"""Reference data each process keeps in memory, followed across processes by a "generation" token.

The token lives in the shared cache (Redis in production): whoever changes the data deletes it, and a process
that finds another token (or none) than the one its memory was read under reads the data again. Without a
shared cache (the in-process default), other processes follow when the token expires after `seconds`.
Used by the loaded rubric versions (`rubrics.selectors`) and the names of places (`geo.places`).
"""

from __future__ import annotations

import uuid

from django.core.cache import cache


def current(key: str, seconds: int) -> str | None:
    """The token in force, a new one when there is none (None only when the cache keeps nothing). Take it
    before reading the data: a change committed meanwhile deletes it, so that read is not kept under it."""
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, timeout=seconds)  # add: a token another process set first wins
        token = cache.get(key)
    return token


def changed(key: str) -> None:
    """The data behind `key` changed: every process reads it again at its next use."""
    cache.delete(key)
