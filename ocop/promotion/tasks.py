"""Background work of trade promotion (ocop.tasks): the daily check of e-commerce links."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from ocop.promotion import links, services
from ocop.promotion.models import Confirmation, Listing
from ocop.tasks.registry import task

BATCH = 500  # links visited per run; the least recently checked first, so every link comes round


@task(name="promotion.check_listing_links", retries=0, time_limit=3600, every=timedelta(hours=24))
def check_listing_links() -> dict:
    """Daily: visit the links of listings not refused, and flag those that stopped answering."""
    today = timezone.localdate()
    due = (
        Listing.objects.exclude(status=Confirmation.REJECTED)
        .exclude(checked_on=today)
        .order_by(F("checked_on").asc(nulls_first=True), "pk")
        .values_list("pk", "url")[:BATCH]
    )
    answered = broken = 0
    for pk, url in list(due):
        finding = links.check(url)
        services.listing_link_checked(
            listing_id=pk, answered=finding.answered, detail=finding.detail, day=today
        )
        answered += finding.answered
        broken += not finding.answered
    return {"answered": answered, "broken": broken}
