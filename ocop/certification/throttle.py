"""A rate limit on public verification (page and API), per client address (`ocop.core.ratelimit`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.core.errors import RateLimited
from ocop.core.ratelimit import client_address, spend

VERIFY_PER_MINUTE = 60


def check_verify_rate(request, limit: int | None = None) -> None:
    budget = spend(f"cert-verify:{client_address(request)}", limit=limit or VERIFY_PER_MINUTE)
    if budget.exceeded:
        raise RateLimited(
            _("Bạn kiểm tra quá nhiều mã trong một phút; vui lòng thử lại sau."),
            code="verify_rate_limited",
            details={"retry_after": budget.retry_after},
        )
