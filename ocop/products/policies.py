"""Who may see and change a product: the members of its producer, and officers over the producer's unit."""

from __future__ import annotations

from ocop.accounts.policies import Capability, can, why_not
from ocop.producers.policies import acts_for
from ocop.products.models import Product


def can_view_product(user, product: Product) -> bool:
    return acts_for(user, product.producer_id) or can(user, Capability.VIEW_WORK, product.producer.unit)


def why_not_edit_product(user, product: Product) -> str | None:
    if acts_for(user, product.producer_id):
        return None
    return why_not(user, Capability.MANAGE_PRODUCERS, product.producer.unit)


def can_edit_product(user, product: Product) -> bool:
    return why_not_edit_product(user, product) is None


def can_add_product(user, producer) -> bool:
    return acts_for(user, producer.pk) or can(user, Capability.MANAGE_PRODUCERS, producer.unit)


def product_flags(user, product: Product) -> dict[str, bool]:
    editable = can_edit_product(user, product)
    return {"may_edit": editable, "may_upload": editable}
