"""Fixed-window budgets counted in Django's cache: the one place for every rate limit (public catalogue and
exports, certificate verification, failed sign-ins from one address).

The cache is Redis in production, so every web process counts against the same budget; the local default
counts per process, which is what a single-process installation needs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache


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


def _window(bucket: str, window: int) -> tuple[str, int]:
    now = int(time.time())
    return f"ocop:rate:{bucket}:{now // window}", window - now % window


def spend(bucket: str, *, limit: int, window: int = 60) -> Budget:
    """Count one use of `bucket` in the current window and say whether the budget is now exceeded."""
    key, retry_after = _window(bucket, window)
    if cache.add(key, 1, timeout=window + 30):
        return Budget(1, limit, retry_after)
    try:
        used = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=window + 30)
        used = 1
    return Budget(used, limit, retry_after)


def peek(bucket: str, *, limit: int, window: int = 60) -> Budget:
    """The budget as it stands, without spending: for limits counted only on failures."""
    key, retry_after = _window(bucket, window)
    return Budget(int(cache.get(key, 0)), limit, retry_after)
