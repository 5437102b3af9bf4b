"""Who is calling the public catalogue, and how often: partners by `X-API-Key`, everyone else by address.

A fixed one-minute window counted in Django's cache (Redis when configured, so every web process shares it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from ocop.catalog.models import PartnerKey
from ocop.catalog.services import partner_for_key
from ocop.core.errors import RateLimited, Unauthenticated

HEADER = "X-API-Key"


@dataclass(frozen=True)
class Caller:
    partner: PartnerKey | None
    bucket: str
    per_minute: int


def caller_of(request, *, scope: str) -> Caller:
    key = request.headers.get(HEADER, "")
    if key:
        partner = partner_for_key(key)
        if partner is None:
            raise Unauthenticated(_("Khóa API không hợp lệ hoặc đã bị thu hồi."), code="bad_api_key")
        per_minute = partner.requests_per_minute
        if scope == "export":
            per_minute = max(settings.CATALOG_EXPORTS_PER_MINUTE, per_minute // 100)
        return Caller(partner, f"partner:{partner.pk}", per_minute)
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    per_minute = (
        settings.CATALOG_EXPORTS_PER_MINUTE if scope == "export" else settings.CATALOG_PUBLIC_API_PER_MINUTE
    )
    return Caller(None, f"address:{address}", per_minute)


def throttle(request, *, scope: str = "api") -> Caller:
    """Count this request against its caller's budget; `RateLimited` (429) past it."""
    caller = caller_of(request, scope=scope)
    window = int(time.time() // 60)
    key = f"catalog:rate:{scope}:{caller.bucket}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=120)
        used = 1
    if used > caller.per_minute:
        raise RateLimited(
            _("Quá nhiều yêu cầu: tối đa %(limit)s mỗi phút. Vui lòng thử lại sau ít phút.")
            % {"limit": caller.per_minute},
            code="rate_limited",
            details={"retry_after": 60 - int(time.time()) % 60},
        )
    return caller
