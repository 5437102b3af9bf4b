"""Actions on products. The cycle issue extends these (photos, labels, barcodes, edits with versions)."""

from __future__ import annotations

from django.db import transaction

from ocop.audit.services import record_event
from ocop.core.text import fold, nfc
from ocop.products.models import Product


def product_search_text(product: Product) -> str:
    return fold(f"{product.name} {product.producer.name}")


@transaction.atomic
def product_create(
    *, actor, producer, name: str, product_set, description: str = "", story: str = ""
) -> Product:
    product = Product(
        producer=producer,
        name=nfc(name),
        product_set=product_set,
        description=nfc(description),
        story=nfc(story),
    )
    product.search_text = product_search_text(product)
    product.save()
    record_event(
        actor=actor,
        action="product.create",
        target=product,
        unit=producer.unit,
        data={"product_set": product_set.code},
    )
    return product
