"""Decisions need a council: concluded council results for the products a test certifies, without replaying
every score sheet (the evaluation tests do that). See `ocop.certification.past_councils`."""

from __future__ import annotations

import datetime

from ocop.certification.past_councils import record_past_results


def _rows(items):
    for raw in items:
        if isinstance(raw, dict):
            yield raw["product"], int(raw["stars"]), raw.get("score")
        else:
            values = (*tuple(raw), None)
            yield values[0], int(values[1]), values[2]


def council_backs(items, *, authority, actor, day: datetime.date | None = None):
    """A closed past round of the authority's unit whose council recognised each `(product, stars[, score])`;
    returns the round dossiers."""
    from ocop.products.models import Product

    rows = [
        (product if isinstance(product, Product) else Product.objects.get(pk=product), stars, score)
        for product, stars, score in _rows(items)
    ]
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return record_past_results(unit=authority.unit, items=rows, held_on=day, created_by=actor)
