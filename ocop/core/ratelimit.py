"""Fixed-window budgets: the one place for every rate limit (public catalogue and exports, certificate
verification, failed sign-ins from one address).

Every web process must count against the same budget, or N workers allow N times the limit. So the count is
one atomic operation in a store all processes share: Redis `INCR` when `OCOP_CACHE_URL` is set (production),
otherwise an `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` on the `core.RateCounter` table of the database
(SQLite or PostgreSQL). Call `spend` outside a transaction that may roll back: inside one, a database count
goes back with it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

from ocop.core.models import RateCounter

_GRACE = 30  # seconds a window's counter outlives the window, for the slowest request of it


def client_address(request) -> str:
    # Behind a proxy, the proxy's address is what reaches us unless it is configured to rewrite REMOTE_ADDR
    # (docs/deploy.md); trusting X-Forwarded-For here would let any caller choose its own budget.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@dataclass(frozen=True)
class Budget:
    used: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit


def _window(bucket: str, window: int) -> tuple[str, int, int]:
    now = int(time.time())
    number = now // window
    if len(bucket) > 160:  # a partner key or a long address: the counter's key stays bounded
        bucket = hashlib.sha256(bucket.encode()).hexdigest()
    return f"ocop:rate:{bucket}:{number}", window - now % window, (number + 1) * window + _GRACE


def _in_cache() -> bool:
    return settings.RATE_LIMIT_STORE == "cache"


def _cache_incr(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window + _GRACE):
        return 1
    try:
        return cache.incr(key)  # Redis INCR: atomic across processes
    except ValueError:  # the entry expired between add and incr
        cache.add(key, 0, timeout=window + _GRACE)
        return cache.incr(key)


_UPSERT = (
    "INSERT INTO core_ratecounter (key, count, expires_at) VALUES (%s, 1, %s) "
    "ON CONFLICT (key) DO UPDATE SET count = core_ratecounter.count + 1 RETURNING count"
)


def _database_incr(key: str, expires: int) -> int:
    expires_at = connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(expires, tz=UTC))
    with connection.cursor() as cursor:
        # One statement: two processes can never both read the same count and write it back plus one.
        cursor.execute(_UPSERT, [key, expires_at])
        (used,) = cursor.fetchone()
    if used == 1:  # a new window: the counters of past windows go (once per bucket and window)
        RateCounter.objects.filter(expires_at__lt=datetime.now(tz=UTC)).delete()
    return int(used)


logger = logging.getLogger(__name__)
_local_counts: dict[str, tuple[int, int]] = {}  # key → (count, expires): only while the database cannot write
_local_lock = threading.Lock()


def _local_incr(key: str, expires: int) -> int:
    """This process's own count, used only when the shared counter cannot be written (a read-only database
    during a failover): limits then hold per process rather than the public pages failing."""
    now = int(time.time())
    with _local_lock:
        for stale in [k for k, (_count, until) in _local_counts.items() if until < now]:
            del _local_counts[stale]
        count = _local_counts.get(key, (0, expires))[0] + 1
        _local_counts[key] = (count, expires)
    return count


def _shared_incr(key: str, expires: int) -> int:
    try:
        if not connection.in_atomic_block:  # autocommit: a refused statement leaves nothing to undo
            return _database_incr(key, expires)
        with transaction.atomic():  # a savepoint: a refused write leaves the caller's transaction usable
            return _database_incr(key, expires)
    except DatabaseError:
        logger.warning("rate counter not writable; counting in this process", extra={"key": key})
        return _local_incr(key, expires)


def spend(bucket: str, *, limit: int, window: int = 60) -> Budget:
    """Count one use of `bucket` in the current window and say whether the budget is now exceeded."""
    key, retry_after, expires = _window(bucket, window)
    used = _cache_incr(key, window) if _in_cache() else _shared_incr(key, expires)
    return Budget(used, limit, retry_after)


def peek(bucket: str, *, limit: int, window: int = 60) -> Budget:
    """The budget as it stands, without spending: for limits counted only on failures."""
    key, retry_after, _expires = _window(bucket, window)
    if _in_cache():
        used = int(cache.get(key, 0))
    else:
        used = RateCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0
    return Budget(used, limit, retry_after)
