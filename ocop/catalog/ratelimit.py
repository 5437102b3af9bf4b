"""Who is calling the public catalogue, and how often: partners by `X-API-Key`, everyone else by address.
The counting itself is `ocop.core.ratelimit` (one-minute windows in the shared cache)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from ocop.catalog.models import PartnerKey
from ocop.catalog.services import partner_for_key
from ocop.core.errors import RateLimited, Unauthenticated
from ocop.core.ratelimit import client_address, spend

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
    address = client_address(request)
    per_minute = (
        settings.CATALOG_EXPORTS_PER_MINUTE if scope == "export" else settings.CATALOG_PUBLIC_API_PER_MINUTE
    )
    return Caller(None, f"address:{address}", per_minute)


def throttle(request, *, scope: str = "api") -> Caller:
    """Count this request against its caller's budget; `RateLimited` (429) past it."""
    caller = caller_of(request, scope=scope)
    counted = getattr(request, "catalog_budget", None)
    if counted is not None and counted[0] == scope:
        budget = counted[1]  # already spent for this request (page_cache counts before its lookup)
    else:
        budget = spend(f"catalog:{scope}:{caller.bucket}", limit=caller.per_minute)
        request.catalog_budget = (scope, budget)
    if budget.exceeded:
        raise RateLimited(
            _("Quá nhiều yêu cầu: tối đa %(limit)s mỗi phút. Vui lòng thử lại sau ít phút.")
            % {"limit": caller.per_minute},
            code="rate_limited",
            details={"retry_after": budget.retry_after},
        )
    return caller
