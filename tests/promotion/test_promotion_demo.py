"""The demo shows trade promotion the way the issue asks: a Bắc Ninh fair with three products and their sales,
a shop carrying two products, shown on their public pages and on the map."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.demo.seed import seed_demo
from ocop.promotion.demo import FAIR
from ocop.promotion.models import Confirmation, Event, Participation, Shop

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_fair_of_three_products_and_a_shop_of_two(
    client, settings, tmp_path, django_assert_max_num_queries
):
    settings.CATALOG_CACHE_SECONDS = 0  # the page computed, not replayed: its queries are counted below
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    seed_demo()
    fair = Event.objects.get(name=FAIR)
    rows = Participation.objects.filter(event=fair)
    assert rows.count() == 3
    assert all(row.producer.unit.current_province.code == "24" for row in rows)
    assert sum(row.sales_vnd for row in rows.filter(status=Confirmation.CONFIRMED)) == 110_800_000
    assert rows.filter(status=Confirmation.PENDING).count() == 1  # for the commune officer to confirm
    shop = Shop.objects.get()
    carried = [row.product for row in shop.carried.all()]
    assert len(carried) == 2
    for product in carried:
        # The entry, photos, paper note, which promotion reads have anything, then those four (the demo's
        # shop, listing, fair and gift set): the most a product page costs.
        with django_assert_max_num_queries(8):
            page = client.get(reverse("catalog:product", args=[product.pk])).content.decode()
        assert shop.name in page and FAIR in page
    assert client.get(reverse("catalog:map")).content.decode().count(shop.name) == 2
    seed_demo()  # again: nothing added
    assert (Event.objects.count(), Participation.objects.count(), Shop.objects.count()) == (1, 3, 1)
