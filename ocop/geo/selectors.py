"""Reading administrative units (public data) and the roll-up helpers other apps use."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ocop.core.text import fold
from ocop.geo.models import AdminUnit, Era, Level


def units_search(
    *, era: str, level: str | None = None, parent: str | None = None, q: str = ""
) -> QuerySet[AdminUnit]:
    units = AdminUnit.objects.filter(era=era).exclude(level=Level.COUNTRY).select_related("parent")
    if level:
        units = units.filter(level=level)
    if parent:
        units = units.filter(parent__era=era, parent__code=parent)
    folded = fold(q)
    if folded:
        for word in folded.split(" ")[:8]:
            units = units.filter(search_text__contains=word)
    return units.order_by("level", "code")


def unit_get(era: str, code: str) -> AdminUnit | None:
    return AdminUnit.objects.select_related("parent", "current_province").filter(era=era, code=code).first()


def successors_of(unit: AdminUnit) -> QuerySet[AdminUnit]:
    """Current units a legacy unit became: direct successions, or its communes' successors for a district."""
    if unit.level == Level.DISTRICT:
        direct = Q(predecessions__legacy=unit) | Q(predecessions__legacy__parent=unit)
    else:
        direct = Q(predecessions__legacy=unit)
    return AdminUnit.objects.filter(direct, era=Era.CURRENT).distinct().order_by("code")


def predecessors_of(unit: AdminUnit) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(successions__current=unit, era=Era.LEGACY).distinct().order_by("code")


def current_province_of(unit: AdminUnit) -> AdminUnit | None:
    """Which current province a unit of either generation rolls up into (for reports)."""
    return unit.current_province


def place_q(field: str, *, province_id: int | None, commune_id: int | None) -> Q:
    """Records whose unit (`field`, a path to an AdminUnit) lies today in that current commune or province;
    always true for the whole country (both None). Legacy units count where they belong today."""
    if commune_id is not None:
        return Q(**{f"{field}__current_commune_id": commune_id})
    if province_id is not None:
        return Q(**{f"{field}__current_province_id": province_id})
    return Q(pk__isnull=False)
