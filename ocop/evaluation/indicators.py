"""Indicator computations over evaluation rounds (the contract the planning app reads:
`<name>(*, province_id, commune_id, year) -> int | None`, `<name>_records` for the rows behind it).

A dossier counts where its product's producer lies today. "Evaluated in the year" is a council result given
in the year; a 5★ candidate is a dossier proposed in the year up to the level whose unit is the country
(the level is read from the loaded rubric versions, never named in code).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from ocop.core.figures import year_span
from ocop.evaluation.models import RoundDossier
from ocop.geo.models import Level
from ocop.geo.selectors import place_q
from ocop.rubrics.selectors import engine_versions


def _dossiers(province_id, commune_id) -> QuerySet[RoundDossier]:
    return RoundDossier.objects.filter(
        place_q("dossier__product__producer__unit", province_id=province_id, commune_id=commune_id)
    )


def _count_or_none(rows: QuerySet[RoundDossier]) -> int | None:
    count = rows.values("dossier__product_id").distinct().count()
    return count if count or RoundDossier.objects.exists() else None


def products_evaluated_records(*, province_id, commune_id, year) -> QuerySet[RoundDossier]:
    first, day = year_span(year, timezone.localdate())
    return _dossiers(province_id, commune_id).filter(result_at__date__gte=first, result_at__date__lte=day)


def products_evaluated(*, province_id, commune_id, year) -> int | None:
    return _count_or_none(
        products_evaluated_records(province_id=province_id, commune_id=commune_id, year=year)
    )


def _national_levels() -> set[str]:
    return {
        level.code for version in engine_versions() for level in version.levels if level.unit == Level.COUNTRY
    }


def five_star_candidates_records(*, province_id, commune_id, year) -> QuerySet[RoundDossier]:
    first, day = year_span(year, timezone.localdate())
    return _dossiers(province_id, commune_id).filter(
        forward_to__in=_national_levels(), forwarded_at__date__gte=first, forwarded_at__date__lte=day
    )


def five_star_candidates(*, province_id, commune_id, year) -> int | None:
    return _count_or_none(
        five_star_candidates_records(province_id=province_id, commune_id=commune_id, year=year)
    )
