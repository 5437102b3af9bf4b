"""The world of trade promotion: the honey cooperative of Phường Vân Hà (Bắc Ninh) with three certified products
(through the certification app's own services, maker and checker) and one not certified; Hà Nội's tea."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from certification.conftest import _isolated_files, issue, story  # noqa: F401  (fixtures)
from django.utils import timezone

from ocop.catalog.services import refresh_index
from ocop.products.models import Product
from ocop.products.services import product_create

TODAY = timezone.localdate()


@dataclass
class Shelf:
    story: object
    honey: Product
    lychee: Product
    longan: Product  # the third certified product of the cooperative
    draft: Product  # never certified
    tea: Product  # Hà Nội's tea company's, not certified


@pytest.fixture
def shelf(story, issue) -> Shelf:  # noqa: F811  (the fixtures imported above)
    longan = product_create(
        actor=None,
        producer=story.honey.producer,
        name="Mật ong hoa nhãn Vân Hà",
        product_set=story.honey.product_set,
    )
    draft = product_create(
        actor=None,
        producer=story.honey.producer,
        name="Mật ong bạc hà chưa chứng nhận",
        product_set=story.honey.product_set,
    )
    issue([(story.honey, 4, "78.50", None), (story.lychee, 3, "62.00", None), (longan, 3, "58.00", None)])
    refresh_index()
    return Shelf(
        story=story, honey=story.honey, lychee=story.lychee, longan=longan, draft=draft, tea=story.tea
    )
