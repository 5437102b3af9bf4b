"""Figures of trade promotion for the planning indicators (the contract in docs/promotion.md, "Indicators").

Each function takes the ids of CURRENT-era units (both None: the whole country) and a calendar year, and
returns a count, or None while the app holds no record of that kind at all ("no data", never 0). Records at
legacy units count where they belong today, through `current_province` / `current_commune` of their unit.
A `<name>_records` companion returns the records behind the figure (planning's drill-down).
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from ocop.products.models import Product
from ocop.promotion.models import Confirmation, Event, LinkState, Listing, Shop


def _in_unit(path: str, province_id: int | None, commune_id: int | None) -> Q:
    """Records whose unit (at `path`) lies in the commune, else the province, today; always true for None."""
    if commune_id is not None:
        return Q(**{f"{path}_id": commune_id}) | Q(**{f"{path}__current_commune_id": commune_id})
    if province_id is not None:
        return Q(**{f"{path}__current_province_id": province_id})
    return Q()


def _as_of(year: int) -> datetime.date:
    """The day a stock figure is read on: 31 December of `year`, or today in the current year."""
    today = timezone.localdate()
    return today if year == today.year else datetime.date(year, 12, 31)


def _end_of(year: int) -> datetime.datetime:
    return datetime.datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())


# --- fairs: events the unit's producers took part in ----------------------------------------------------------


def fairs_records(*, province_id: int | None, commune_id: int | None, year: int) -> QuerySet[Event]:
    """Fairs, exhibitions and OCOP weeks starting in `year` in which a producer of the unit took part (a
    confirmed participation): "hội chợ, triển lãm đã tham gia", whatever province held them."""
    return (
        Event.objects.filter(
            starts_on__year=year,
            participations__status=Confirmation.CONFIRMED,
        )
        .filter(_in_unit("participations__producer__unit", province_id, commune_id))
        .distinct()
        .order_by("starts_on", "pk")
    )


def fairs(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    if not Event.objects.exists():
        return None
    return fairs_records(province_id=province_id, commune_id=commune_id, year=year).count()


# --- shops: OCOP shops and points of sale open in the unit --------------------------------------------------------


def shops_records(*, province_id: int | None, commune_id: int | None, year: int) -> QuerySet[Shop]:
    """Shops at the unit open on 31 December of `year` (today in the current year)."""
    day = _as_of(year)
    return (
        Shop.objects.filter(opened_on__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .filter(_in_unit("unit", province_id, commune_id))
        .order_by("name", "pk")
    )


def shops(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    if not Shop.objects.exists():
        return None
    return shops_records(province_id=province_id, commune_id=commune_id, year=year).count()


# --- products listed online ---------------------------------------------------------------------------------------


def products_listed_online_records(
    *, province_id: int | None, commune_id: int | None, year: int
) -> QuerySet[Product]:
    """Products of the unit's producers with a confirmed e-commerce listing by the end of `year` whose link was
    not found broken at the last check (the link's state is today's: past years read it too)."""
    listed = Listing.objects.filter(status=Confirmation.CONFIRMED, confirmed_at__lt=_end_of(year)).exclude(
        link_state=LinkState.BROKEN
    )
    return (
        Product.objects.filter(pk__in=listed.values("product_id"))
        .filter(_in_unit("producer__unit", province_id, commune_id))
        .order_by("name", "pk")
    )


def products_listed_online(*, province_id: int | None, commune_id: int | None, year: int) -> int | None:
    if not Listing.objects.exists():
        return None
    return products_listed_online_records(province_id=province_id, commune_id=commune_id, year=year).count()
