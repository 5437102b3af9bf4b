"""Indicator computations over producers' own records (the contract the planning app reads:
`<name>(*, province_id, commune_id, year) -> int | None`). Producers holding OCOP products (*chủ thể OCOP*)
are counted by the certification app, which knows the certificates."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from ocop.core.figures import reference_day
from ocop.geo.selectors import place_q
from ocop.producers.models import Producer, ProducerStatus


def producers_registered_records(*, province_id, commune_id, year) -> QuerySet[Producer]:
    """Producers confirmed by their commune and registered in the system by the reference day."""
    day = reference_day(year, timezone.localdate())
    return Producer.objects.filter(
        place_q("unit", province_id=province_id, commune_id=commune_id),
        status=ProducerStatus.CONFIRMED,
        created_at__date__lte=day,
    )


def producers_registered(*, province_id, commune_id, year) -> int | None:
    if not Producer.objects.exists():
        return None
    return producers_registered_records(province_id=province_id, commune_id=commune_id, year=year).count()
