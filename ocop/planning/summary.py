"""The stored indicator values (`IndicatorValue`): read for a unit and year, filled on first read, rebuilt for the
units a change touched (`StaleUnit` marks, set by `planning.signals`, cleared by the `planning.refresh_values`
task). The national dashboard reads one row per indicator instead of counting 18,000 certificates.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ocop.geo.models import AdminUnit, Era, Level
from ocop.planning import catalogue
from ocop.planning.models import IndicatorValue, StaleUnit


def place_of(unit: AdminUnit) -> dict[str, int | None]:
    """The contract's place arguments for a current unit: the country, a province, or a commune."""
    if unit.level == Level.COUNTRY:
        return {"province_id": None, "commune_id": None}
    if unit.level == Level.PROVINCE:
        return {"province_id": unit.pk, "commune_id": None}
    return {"province_id": unit.current_province_id, "commune_id": unit.pk}


def compute_all(unit: AdminUnit, year: int, codes: list[str] | None = None) -> dict[str, Decimal | None]:
    """Every indicator (or those of `codes`) computed from the records now, counts before shares."""
    place = place_of(unit)
    wanted = set(codes) if codes is not None else {item.code for item in catalogue.indicators()}
    counts: dict[str, Decimal | None] = {}

    def count(code: str) -> Decimal | None:  # each count once, even when two shares divide by it
        if code not in counts:
            counts[code] = catalogue.compute(catalogue.indicator(code), year=year, **place)
        return counts[code]

    values: dict[str, Decimal | None] = {}
    for item in catalogue.indicators():
        if item.code not in wanted:
            continue
        values[item.code] = (
            catalogue.share(count(item.numerator), count(item.denominator))
            if item.is_share
            else count(item.code)
        )
    return values


def _store(unit: AdminUnit, year: int, values: dict[str, Decimal | None]) -> None:
    now = timezone.now()
    rows = [
        IndicatorValue(unit=unit, year=year, code=code, value=value, computed_at=now)
        for code, value in values.items()
    ]
    try:
        with transaction.atomic():
            IndicatorValue.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:  # a parallel reader stored the same rows: theirs are as fresh as ours
        pass


def values_for(unit: AdminUnit, year: int) -> dict[str, Decimal | None]:
    """The stored values of `unit` for `year` (one query when they are all there); the missing ones are
    computed and stored first."""
    stored = dict(IndicatorValue.objects.filter(unit=unit, year=year).values_list("code", "value"))
    missing = [code for code in catalogue.codes() if code not in stored]
    if missing:
        fresh = compute_all(unit, year, missing)
        _store(unit, year, fresh)
        stored.update(fresh)
    return {code: stored[code] for code in catalogue.codes()}


def units_touched(unit_ids: set[int]) -> set[int]:
    """The current units whose figures a record at these units feeds: its commune, its province, the country."""
    touched: set[int] = set()
    rows = AdminUnit.objects.filter(pk__in=unit_ids).values_list("current_commune_id", "current_province_id")
    for commune_id, province_id in rows:
        touched.update(pk for pk in (commune_id, province_id) if pk is not None)
    country = (
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COUNTRY).values_list("pk", flat=True).first()
    )
    if country is not None and touched:
        touched.add(country)
    return touched


def mark_stale(unit_ids: set[int]) -> None:
    for unit_id in sorted(units_touched(unit_ids)):
        StaleUnit.objects.update_or_create(unit_id=unit_id, defaults={"marked_at": timezone.now()})


def refresh_stale(*, limit: int = 500) -> int:
    """Recompute this year's values of the units marked stale (their other years are dropped and computed again
    when next read). Returns how many units were refreshed."""
    year = timezone.localdate().year
    done = 0
    while done < limit:
        marks = list(StaleUnit.objects.select_related("unit").order_by("marked_at", "pk")[:50])
        if not marks:
            break
        for mark in marks:
            values = compute_all(mark.unit, year)
            with transaction.atomic():
                # A mark set again while we computed stays for the next pass.
                if not StaleUnit.objects.filter(pk=mark.pk, marked_at=mark.marked_at).delete()[0]:
                    continue
                IndicatorValue.objects.filter(unit=mark.unit).delete()
                _store(mark.unit, year, values)
            done += 1
    return done


def forget_all() -> None:
    """Drop every stored value (they are computed again when read): after a change too wide to follow."""
    IndicatorValue.objects.all().delete()
