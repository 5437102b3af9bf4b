"""The records behind a figure, described the same way whatever their kind (certificate, decision item,
producer, evaluated dossier...): a name, the producer, the place, stars, a number and date, and a link.
A kind not described here (an upper app's record) shows its own text."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from ocop.certification.models import Certificate, DecisionItem
from ocop.evaluation.models import RoundDossier
from ocop.producers.models import Producer


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _certificate(row: Certificate) -> dict[str, Any]:
    producer = row.product.producer
    return {
        "kind": "certificate",
        "id": row.pk,
        "name": row.product.name,
        "producer": producer.name,
        "place": producer.unit.name,
        "stars": row.stars,
        "number": row.number,
        "date": row.issued_on.isoformat(),
        "until": row.valid_until.isoformat(),
        "url": _url("certification:detail", row.pk),
    }


def _item(row: DecisionItem) -> dict[str, Any]:
    producer = row.product.producer
    return {
        "kind": "decision_item",
        "id": row.pk,
        "name": row.product.name,
        "producer": producer.name,
        "place": producer.unit.name,
        "stars": row.stars,
        "number": row.decision.number,
        "date": row.decision.date.isoformat(),
        "until": None,
        "url": _url("certification:decision_detail", row.decision_id),
    }


def _producer(row: Producer) -> dict[str, Any]:
    return {
        "kind": "producer",
        "id": row.pk,
        "name": row.name,
        "producer": row.name,
        "place": row.unit.name,
        "stars": None,
        "number": row.tax_code or "",
        "date": None,
        "until": None,
        "url": _url("producers:detail", row.pk),
    }


def _dossier(row: RoundDossier) -> dict[str, Any]:
    product = row.dossier.product
    return {
        "kind": "evaluated_dossier",
        "id": row.pk,
        "name": product.name,
        "producer": product.producer.name,
        "place": product.producer.unit.name,
        "stars": row.proposed_stars or row.band_stars,
        "number": "",
        "date": row.result_at.date().isoformat() if row.result_at else None,
        "until": None,
        "url": "",
    }


DESCRIBERS = {
    Certificate: (_certificate, ("product__producer__unit",)),
    DecisionItem: (_item, ("product__producer__unit", "decision")),
    Producer: (_producer, ("unit",)),
    RoundDossier: (_dossier, ("dossier__product__producer__unit",)),
}


def with_related(rows):
    """The queryset with what its rows' descriptions read, in one query."""
    found = DESCRIBERS.get(rows.model)
    return rows.select_related(*found[1]) if found else rows


def record_row(row) -> dict[str, Any]:
    found = DESCRIBERS.get(type(row))
    if found is not None:
        return found[0](row)
    return {
        "kind": row._meta.model_name,
        "id": row.pk,
        "name": str(row),
        "producer": "",
        "place": "",
        "stars": None,
        "number": "",
        "date": None,
        "until": None,
        "url": "",
    }
