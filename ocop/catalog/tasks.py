"""Background upkeep of the catalogue index (ocop.tasks).

`catalog.reindex_products` is how the apps below the catalogue, which may not import it, ask for a
product's entry to be rebuilt after their change: `enqueue("catalog.reindex_products", product_ids=[...])`.
"""

from __future__ import annotations

from datetime import timedelta

from ocop.catalog import services
from ocop.tasks.registry import task


@task(name="catalog.reindex_products", retries=3, backoff=10)
def reindex_products(*, product_ids: list[int]) -> dict:
    return {"reindexed": services.reindex_products(int(pk) for pk in product_ids)}


@task(name="catalog.refresh_index", retries=0, every=timedelta(minutes=1))
def refresh_index() -> dict:
    """Every minute: entries missing, or older than their product, photos or certificates."""
    return {"reindexed": services.refresh_index()}


@task(name="catalog.rebuild_index", retries=1, time_limit=3600, cron="15 3 * * *")
def rebuild_index() -> dict:
    """Nightly: every entry again (producer renames, unit changes, anything the catch-up cannot see)."""
    return {"reindexed": services.reindex_all()}
