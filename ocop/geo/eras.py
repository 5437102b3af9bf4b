"""Both directions of the 2025 merger in lists: a record counts under the unit it belongs to today, and can
also be shown and filtered by the unit of its time ("Bắc Giang (cũ)").

A list's unit filter takes the id of a unit of either generation: a current province or commune keeps the
records that roll up into it today (legacy records included, through `current_province` / `current_commune`);
a legacy province, district or commune keeps the records whose unit lay inside it then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from ocop.core.exports import Column
from ocop.core.expressions import IdIn
from ocop.core.listing import ListFilter
from ocop.core.text import sort_key
from ocop.geo.models import AdminUnit, Era, Level

# The relations a list selects so the two place columns cost no query per row.
PLACE_RELATED = ("current_commune", "current_province", "parent__parent")


def related(field: str) -> list[str]:
    """`select_related` paths for the place columns of records whose unit is at `field`."""
    return [field] + [f"{field}__{path}" for path in PLACE_RELATED]


def _short(unit: AdminUnit) -> str:
    """Provinces by their short name ("Bắc Giang"), as people say them; other units by their full name."""
    return (unit.short_name or unit.name) if unit.level == Level.PROVINCE else unit.name


def unit_label(unit: AdminUnit) -> str:
    """A unit's name as a filter shows it: a legacy unit carries "(cũ)" ("Bắc Giang (cũ)")."""
    if unit.era == Era.LEGACY:
        return _("%(name)s (cũ)") % {"name": _short(unit)}
    return _short(unit)


def unit_from_param(value: str | None) -> AdminUnit | None:
    """The unit a list is filtered by (`?unit=<id>`), or None for a missing or unknown id."""
    try:
        unit_id = int(value or "")
    except ValueError:
        return None
    return AdminUnit.objects.select_related("parent", "current_province").filter(pk=unit_id).first()


def unit_q(unit: AdminUnit | None, field: str) -> Q:
    """Records whose unit (at `field`) lies under `unit`: today's roll-up for a current unit, the unit of its
    time for a legacy one."""
    if unit is None or unit.level == Level.COUNTRY:
        return Q()
    if unit.era == Era.CURRENT:
        if unit.level == Level.PROVINCE:
            return Q(**{f"{field}__current_province": unit})
        return Q(**{field: unit}) | Q(**{f"{field}__current_commune": unit})
    if unit.level == Level.PROVINCE:
        return Q(**{f"{field}__parent__parent": unit}) | Q(**{f"{field}__parent": unit}) | Q(**{field: unit})
    if unit.level == Level.DISTRICT:
        return Q(**{f"{field}__parent": unit}) | Q(**{field: unit})
    return Q(**{field: unit})


def place_today(unit: AdminUnit | None) -> str:
    """Where a record belongs today: its current commune (when known) and current province; the country's
    own records (a ministry's decisions) name the country."""
    if unit is None:
        return ""
    if unit.level == Level.COUNTRY:
        return _short(unit)
    commune = unit if unit.era == Era.CURRENT and unit.level == Level.COMMUNE else unit.current_commune
    province = unit.current_province
    names = [_short(u) for u in (commune, province) if u is not None]
    return ", ".join(names)


def place_of_its_time(unit: AdminUnit | None) -> str:
    """Where a record was when it was made: a legacy unit with its old province marked "(cũ)"; a record made
    in today's units shows today's place."""
    if unit is None:
        return ""
    if unit.era == Era.CURRENT:
        return place_today(unit)
    province = unit
    while province is not None and province.level not in (Level.PROVINCE, Level.COUNTRY):
        province = province.parent
    if province is None or province == unit:
        return unit_label(unit)
    return _("%(unit)s, %(province)s (cũ)") % {"unit": unit.name, "province": _short(province)}


def place_columns(
    today_of: Callable[[Any], int | None], then_of: Callable[[Any], int | None] | None = None
) -> list[Column]:
    """A list's two place columns ("Địa bàn hiện nay", "Địa bàn thời đó") from the ids of its records' units
    (`then_of`: the unit of its time, when another): the names come from `geo.places`, kept per process and
    read for a page's units at once, so the list neither joins five unit rows per record nor builds them."""
    from ocop.geo.places import place_names

    then_of = then_of or today_of
    names: dict[int, tuple[str, str]] = {}

    def prepare(records: list) -> None:
        wanted = {today_of(r) for r in records} | {then_of(r) for r in records}
        names.update(place_names(wanted - {None}))

    def name(unit_id: int | None, which: int) -> str:
        return names[unit_id][which] if unit_id in names else ""

    return [
        Column(_("Địa bàn hiện nay"), lambda record: name(today_of(record), 0), prepare=prepare),
        Column(_("Địa bàn thời đó"), lambda record: name(then_of(record), 1), prepare=prepare),
    ]


def unit_filter_choices(
    scope_ids: list[int] | None, chosen: AdminUnit | None = None
) -> list[tuple[str, str]]:
    """The units a list offers in its filter, within the reader's reach (`scope_ids`, None = the country):
    today's provinces and the legacy provinces "(cũ)"; within a province's reach also its communes of today,
    and within a commune's reach the legacy communes it absorbed. A unit reached by a link (a dashboard's
    commune) is offered too, so the form shows what the list is filtered by."""
    from ocop.geo.places import remembered_choices  # names once per process and generation of the units

    def compute() -> list[tuple[str, str]]:
        if scope_ids is None:
            units = AdminUnit.objects.filter(level=Level.PROVINCE)
        else:
            shown = Q(level=Level.PROVINCE) | Q(level=Level.COMMUNE, era=Era.CURRENT)
            if len(scope_ids) < 50:
                shown |= Q(level=Level.COMMUNE)
            units = AdminUnit.objects.filter(shown, IdIn("pk", scope_ids))
        rows = list(units.only("id", "era", "level", "name", "short_name"))
        order = {Level.PROVINCE: 0, Level.COMMUNE: 1}
        rows.sort(
            key=lambda u: (order.get(u.level, 2), u.era != Era.CURRENT, sort_key(u.short_name or u.name))
        )
        return [(str(unit.pk), unit_label(unit)) for unit in rows]

    choices = list(
        remembered_choices(("unit-choices", None if scope_ids is None else tuple(scope_ids)), compute)
    )
    if chosen is not None and str(chosen.pk) not in {code for code, _ in choices}:
        choices.insert(0, (str(chosen.pk), unit_label(chosen)))
    return choices


def unit_list_filter(query, unit: AdminUnit | None, scope_ids: list[int] | None) -> ListFilter:
    """A list's unit filter: the unit chosen (`unit_from_param` of the query's `unit`), offered among the units
    within the reader's reach."""
    chosen = query.get("unit", "") if unit else ""
    return ListFilter("unit", _("Địa bàn (hiện nay hoặc cũ)"), chosen, unit_filter_choices(scope_ids, unit))
