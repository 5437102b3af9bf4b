"""The products section of a producer's pages (see ocop.producers.sections)."""

from __future__ import annotations

from ocop.producers.sections import Section, register_section
from ocop.products.policies import can_add_product
from ocop.products.selectors import products_search


def _context(user, producer) -> dict:
    return {
        "producer": producer,
        "products": list(products_search(user, producer_id=producer.pk)),
        "may_add_product": can_add_product(user, producer),
    }


def register() -> None:
    register_section(Section("products", "products/_section.html", _context, order=10))
