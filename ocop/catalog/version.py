"""The catalogue's version: one token that changes whenever what the public sees may have changed.

Read on every cacheable public request (one indexed read of one row), changed by the reindex in the same
transaction as the entries it rewrote, so an answer cached under the old token is never served again once
the change is committed, in any process, with any cache (each process's own memory or a shared Redis).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection
from django.utils import timezone

from ocop.catalog.models import CatalogVersion

_TABLE = CatalogVersion._meta.db_table
_READ = f"SELECT token, bulk_token FROM {_TABLE} ORDER BY id LIMIT 1"  # noqa: S608 (a fixed table name)

Tokens = tuple[str, str]  # the version's token, and the token of its last bulk change
_pinned: ContextVar[Tokens | None] = ContextVar("catalog_version", default=None)


def current() -> str:
    """The token in force ("0" before the first change); inside `pinned()`, the one read when it began."""
    return (_pinned.get() or _read())[0]


def bulk() -> str:
    """The token of the last bulk change (`bump(bulk=True)`), read like `current()`."""
    return (_pinned.get() or _read())[1]


@contextmanager
def pinned() -> Iterator[str]:
    """One read for a whole request: its cached answer and its cached facet counts use the same token."""
    reset = _pinned.set(_read())
    try:
        yield current()
    finally:
        _pinned.reset(reset)


@contextmanager
def pinned_once() -> Iterator[str]:
    """`pinned()` unless a caller (the request) already pinned the version."""
    if _pinned.get() is not None:
        yield current()
        return
    with pinned() as token:
        yield token


def _read() -> Tokens:
    with connection.cursor() as cursor:
        cursor.execute(_READ)
        row = cursor.fetchone()
    return (row[0], row[1]) if row else ("0", "0")


def bump(*, bulk: bool = False) -> str:
    """A new token; call inside the transaction that changes the catalogue (it commits with it). `bulk`: many
    entries changed at once (their facet counts are not worth keeping), a new bulk token too."""
    token = secrets.token_hex(8)
    fields = {"token": token, "changed_at": timezone.now()} | ({"bulk_token": token} if bulk else {})
    if not CatalogVersion.objects.update(**fields):
        CatalogVersion.objects.create(**fields)
    return token
