"""What a certificate records of the product and producer the council certified (*thông tin được chứng nhận*).

Filled once, at issue; a change of stars copies the replaced certificate's record, because the amending
decision changes the stars of the same certified product, not what was certified."""

from __future__ import annotations

from typing import Any

FIELDS = (
    "product_name",
    "product_set_code",
    "product_set_name",
    "producer_name",
    "producer_address",
    "producer_place",
    "producer_unit",
    "producer_tax_code",
)


def of_product(product) -> dict[str, Any]:
    """The record as the live product and producer read now."""
    producer = product.producer
    product_set = product.product_set
    return {
        "product_name": product.name,
        "product_set_code": product_set.code,
        "product_set_name": product_set.name,
        "producer_name": producer.name,
        "producer_address": producer.address,
        "producer_place": producer.unit.full_name,
        "producer_unit": producer.unit,
        "producer_tax_code": producer.tax_code or "",
    }


def of_certificate(certificate) -> dict[str, Any]:
    return {field: getattr(certificate, field) for field in FIELDS}


def address(certificate) -> str:
    """The producer's address as certified (its street address, else the names of its units then)."""
    return certificate.producer_address or certificate.producer_place
