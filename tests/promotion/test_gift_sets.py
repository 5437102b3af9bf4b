"""Gift sets of several certified products, shown on the products' public pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.audit.models import AuditEvent
from ocop.core.errors import Forbidden, Invalid
from ocop.promotion import services
from ocop.promotion.models import GiftSet

pytestmark = pytest.mark.django_db


def test_a_gift_set_needs_two_certified_products_and_nothing_is_stored_otherwise(cast, shelf):
    before = (GiftSet.objects.count(), AuditEvent.objects.count())
    for products, code in (
        ([shelf.honey], "gift_set_too_small"),
        ([shelf.honey, shelf.honey], "gift_set_too_small"),
        ([shelf.honey, shelf.draft], "product_not_certified"),
    ):
        with pytest.raises(Invalid) as refused:
            services.gift_set_create(
                actor=cast.province_officer, name="Quà Kinh Bắc", unit=cast.province, products=products
            )
        assert refused.value.code == code
    with pytest.raises(Forbidden):
        services.gift_set_create(
            actor=cast.other_province_officer,
            name="Quà",
            unit=cast.province,
            products=[shelf.honey, shelf.lychee],
        )
    assert (GiftSet.objects.count(), AuditEvent.objects.count()) == before


def test_a_gift_set_is_shown_on_the_pages_of_its_products(client, cast, shelf):
    services.gift_set_create(
        actor=cast.province_officer,
        name="Quà tặng Kinh Bắc",
        unit=cast.province,
        products=[shelf.honey, shelf.lychee],
        price_vnd=450_000,
    )
    page = client.get(reverse("catalog:product", args=[shelf.lychee.pk])).content.decode()
    assert "Bộ quà tặng «Quà tặng Kinh Bắc»" in page
    assert (
        "Quà tặng Kinh Bắc"
        not in client.get(reverse("catalog:product", args=[shelf.longan.pk])).content.decode()
    )
