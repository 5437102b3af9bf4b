"""A rate limit on public verification (page and API), per client address, in the shared cache."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils.translation import gettext as _

from ocop.core.errors import RateLimited

VERIFY_PER_MINUTE = 60


def client_address(request) -> str:
    # Behind a proxy, the proxy's address is what reaches us unless it is configured to rewrite REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def check_verify_rate(request, limit: int | None = None) -> None:
    limit = limit or VERIFY_PER_MINUTE
    window = int(time.time() // 60)
    key = f"cert-verify:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=90):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        return
    if count > limit:
        raise RateLimited(
            _("Bạn kiểm tra quá nhiều mã trong một phút; vui lòng thử lại sau."), code="verify_rate_limited"
        )
