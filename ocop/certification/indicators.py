"""Indicator computations over certificates and recognition decisions (the contract the planning app reads:
`<name>(*, province_id, commune_id, year) -> int | None`, with `<name>_records` giving the rows behind it).

Places: a record counts where its producer's commune lies today (`current_province` / `current_commune`),
so legacy records count in today's units. Stock figures ("in force") read the state on 31 December of a past
year, today for the current year; flow figures ("recognised in the year") read decisions dated in the year.
The catalogue lists exactly the products `products_recognised_records` gives for the current year.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ocop.certification.models import (
    ApplicationKind,
    Certificate,
    CertificateStatus,
    DecisionItem,
    DecisionStatus,
)
from ocop.core.dates import add_months
from ocop.core.figures import reference_day, year_span
from ocop.geo.selectors import place_q
from ocop.producers.models import LegalForm, Producer
from ocop.products.models import SalesChannel

# Channels the programme counts as modern (QĐ 919: supermarkets, convenience stores, e-commerce).
MODERN_CHANNELS = (SalesChannel.SUPERMARKET, SalesChannel.ECOMMERCE)
# Product groups of community tourism (rubric 2019 group "Dịch vụ du lịch nông thôn, bán hàng", rubric
# 2023 group "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"): both names hold these words.
TOURISM_GROUP_WORDS = "du lịch"


def _today() -> datetime.date:
    return timezone.localdate()


def _in_force_on(day: datetime.date) -> Q:
    """Certificates in force on `day`: issued by then, valid through it, not ended (revoked, replaced) by it."""
    not_ended = Q(status=CertificateStatus.ACTIVE) | Q(ended_at__date__gt=day)
    return Q(issued_on__lte=day, valid_until__gte=day) & not_ended


def _certificates(province_id, commune_id) -> QuerySet[Certificate]:
    return Certificate.objects.filter(
        place_q("product__producer__unit", province_id=province_id, commune_id=commune_id)
    )


def _count_or_none(rows: QuerySet, model=Certificate) -> int | None:
    """None when the system holds no record of this kind at all (no data), else the count."""
    count = rows.count()
    if count == 0 and not model.objects.exists():
        return None
    return count


# --- certificates in force: products recognised -------------------------------------------------------------


def certificates_active_records(*, province_id, commune_id, year) -> QuerySet[Certificate]:
    day = reference_day(year, _today())
    return _certificates(province_id, commune_id).filter(_in_force_on(day))


def certificates_active(*, province_id, commune_id, year) -> int | None:
    return _count_or_none(
        certificates_active_records(province_id=province_id, commune_id=commune_id, year=year)
    )


def products_recognised_records(*, province_id, commune_id, year) -> QuerySet[Certificate]:
    """One certificate in force per product (the database allows one active certificate per product)."""
    return certificates_active_records(province_id=province_id, commune_id=commune_id, year=year)


def products_recognised(*, province_id, commune_id, year) -> int | None:
    rows = products_recognised_records(province_id=province_id, commune_id=commune_id, year=year)
    count = rows.values("product_id").distinct().count()
    return count if count or Certificate.objects.exists() else None


def _with_stars(stars: int):
    def records(*, province_id, commune_id, year) -> QuerySet[Certificate]:
        return products_recognised_records(province_id=province_id, commune_id=commune_id, year=year).filter(
            stars=stars
        )

    def count(*, province_id, commune_id, year) -> int | None:
        return _count_or_none(records(province_id=province_id, commune_id=commune_id, year=year))

    return count, records


products_recognised_3, products_recognised_3_records = _with_stars(3)
products_recognised_4, products_recognised_4_records = _with_stars(4)
products_recognised_5, products_recognised_5_records = _with_stars(5)


def products_recognised_tourism_records(*, province_id, commune_id, year) -> QuerySet[Certificate]:
    return products_recognised_records(province_id=province_id, commune_id=commune_id, year=year).filter(
        product__product_set__group__name__icontains=TOURISM_GROUP_WORDS
    )


def products_recognised_tourism(*, province_id, commune_id, year) -> int | None:
    return _count_or_none(
        products_recognised_tourism_records(province_id=province_id, commune_id=commune_id, year=year)
    )


def products_modern_channels_records(*, province_id, commune_id, year) -> QuerySet[Certificate]:
    """Recognised products whose producer sells them in a supermarket chain or online (`sales_channels`)."""
    channels = Q(pk__in=[])
    for channel in MODERN_CHANNELS:
        channels |= Q(product__sales_channels__icontains=f'"{channel.value}"')
    return products_recognised_records(province_id=province_id, commune_id=commune_id, year=year).filter(
        channels
    )


def products_modern_channels(*, province_id, commune_id, year) -> int | None:
    return _count_or_none(
        products_modern_channels_records(province_id=province_id, commune_id=commune_id, year=year)
    )


# --- expiry -----------------------------------------------------------------------------------------------------


def certificates_expiring_6m_records(*, province_id, commune_id, year) -> QuerySet[Certificate]:
    """In force on the reference day and running out within six months of it."""
    day = reference_day(year, _today())
    return certificates_active_records(province_id=province_id, commune_id=commune_id, year=year).filter(
        valid_until__lte=add_months(day, 6)
    )


def certificates_expiring_6m(*, province_id, commune_id, year) -> int | None:
    return _count_or_none(
        certificates_expiring_6m_records(province_id=province_id, commune_id=commune_id, year=year)
    )


def certificates_expired_records(*, province_id, commune_id, year) -> QuerySet[Certificate]:
    """Ran out in the year (by the reference day) and the product holds no later certificate by then: never
    replaced, revoked, or re-evaluated."""
    first, day = year_span(year, _today())
    later = Certificate.objects.filter(
        product_id=OuterRef("product_id"), issued_on__gt=OuterRef("issued_on"), issued_on__lte=day
    ).exclude(pk=OuterRef("pk"))
    return (
        _certificates(province_id, commune_id)
        .filter(status=CertificateStatus.ACTIVE, valid_until__gte=first, valid_until__lt=day)
        .filter(~Exists(later))
    )


def certificates_expired(*, province_id, commune_id, year) -> int | None:
    return _count_or_none(
        certificates_expired_records(province_id=province_id, commune_id=commune_id, year=year)
    )


def certificates_revoked_records(*, province_id, commune_id, year) -> QuerySet[Certificate]:
    first, day = year_span(year, _today())
    return _certificates(province_id, commune_id).filter(
        status=CertificateStatus.REVOKED, ended_at__date__gte=first, ended_at__date__lte=day
    )


def certificates_revoked(*, province_id, commune_id, year) -> int | None:
    return _count_or_none(
        certificates_revoked_records(province_id=province_id, commune_id=commune_id, year=year)
    )


# --- recognitions decided in the year ---------------------------------------------------------------------------


def _items(province_id, commune_id, year) -> QuerySet[DecisionItem]:
    first, day = year_span(year, _today())
    return DecisionItem.objects.filter(
        place_q("product__producer__unit", province_id=province_id, commune_id=commune_id),
        decision__status=DecisionStatus.APPROVED,
        decision__date__gte=first,
        decision__date__lte=day,
    )


def _items_count(rows: QuerySet[DecisionItem]) -> int | None:
    return _count_or_none(rows, model=DecisionItem)


def products_new_records(*, province_id, commune_id, year) -> QuerySet[DecisionItem]:
    return _items(province_id, commune_id, year).filter(kind=ApplicationKind.FIRST)


def products_new(*, province_id, commune_id, year) -> int | None:
    return _items_count(products_new_records(province_id=province_id, commune_id=commune_id, year=year))


def products_recertified_records(*, province_id, commune_id, year) -> QuerySet[DecisionItem]:
    return _items(province_id, commune_id, year).filter(kind=ApplicationKind.REEVALUATION)


def products_recertified(*, province_id, commune_id, year) -> int | None:
    return _items_count(
        products_recertified_records(province_id=province_id, commune_id=commune_id, year=year)
    )


def products_upgraded_records(*, province_id, commune_id, year) -> QuerySet[DecisionItem]:
    return _items(province_id, commune_id, year).filter(kind=ApplicationKind.UPGRADE)


def products_upgraded(*, province_id, commune_id, year) -> int | None:
    return _items_count(products_upgraded_records(province_id=province_id, commune_id=commune_id, year=year))


def products_5_star_recognised_records(*, province_id, commune_id, year) -> QuerySet[DecisionItem]:
    return _items(province_id, commune_id, year).filter(stars=5)


def products_5_star_recognised(*, province_id, commune_id, year) -> int | None:
    return _items_count(
        products_5_star_recognised_records(province_id=province_id, commune_id=commune_id, year=year)
    )


# --- producers holding OCOP products (*chủ thể OCOP*) -------------------------------------------------------


def producers_records(*, province_id, commune_id, year) -> QuerySet[Producer]:
    """Producers with at least one product recognised (a certificate in force on the reference day)."""
    day = reference_day(year, _today())
    holding = Certificate.objects.filter(_in_force_on(day), product__producer_id=OuterRef("pk"))
    return Producer.objects.filter(
        place_q("unit", province_id=province_id, commune_id=commune_id), Exists(holding)
    )


def _producers_count(rows: QuerySet[Producer]) -> int | None:
    return _count_or_none(rows)


def producers(*, province_id, commune_id, year) -> int | None:
    return _producers_count(producers_records(province_id=province_id, commune_id=commune_id, year=year))


def _of_form(form: str):
    def records(*, province_id, commune_id, year) -> QuerySet[Producer]:
        return producers_records(province_id=province_id, commune_id=commune_id, year=year).filter(
            legal_form=form
        )

    def count(*, province_id, commune_id, year) -> int | None:
        return _producers_count(records(province_id=province_id, commune_id=commune_id, year=year))

    return count, records


producers_cooperative, producers_cooperative_records = _of_form(LegalForm.COOPERATIVE)
producers_enterprise, producers_enterprise_records = _of_form(LegalForm.ENTERPRISE)
producers_household, producers_household_records = _of_form(LegalForm.HOUSEHOLD)
producers_cooperative_group, producers_cooperative_group_records = _of_form(LegalForm.COOPERATIVE_GROUP)


def _led_by(field: str):
    """Producers whose record says they are led by a woman / an ethnic-minority person. No data (None) while no
    producer in the system has the answer recorded."""

    def records(*, province_id, commune_id, year) -> QuerySet[Producer]:
        return producers_records(province_id=province_id, commune_id=commune_id, year=year).filter(
            **{field: True}
        )

    def count(*, province_id, commune_id, year) -> int | None:
        if not Producer.objects.filter(**{f"{field}__isnull": False}).exists():
            return None
        return records(province_id=province_id, commune_id=commune_id, year=year).count()

    return count, records


producers_led_by_women, producers_led_by_women_records = _led_by("led_by_woman")
producers_led_by_ethnic_minority, producers_led_by_ethnic_minority_records = _led_by("led_by_ethnic_minority")


def craft_villages_with_product_records(*, province_id, commune_id, year) -> QuerySet[Producer]:
    return (
        producers_records(province_id=province_id, commune_id=commune_id, year=year)
        .filter(in_craft_village=True)
        .exclude(craft_village="")
    )


def craft_villages_with_product(*, province_id, commune_id, year) -> int | None:
    """Distinct craft villages (by the name on the producer's record, case folded) with a recognised product."""
    rows = craft_villages_with_product_records(province_id=province_id, commune_id=commune_id, year=year)
    if not Producer.objects.filter(in_craft_village=True).exists():
        return None
    return len({name.strip().casefold() for name in rows.values_list("craft_village", flat=True)})
