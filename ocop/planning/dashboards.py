"""What a dashboard shows for the country, a current province or a current commune, and a year: stars by group,
by place (provinces of the country, communes of a province) and by year, the map coloured by count, progress
to the plan's targets, and the links down (country → province → commune → the records behind a figure).

Where each figure comes from (docs/dashboards.md):
- stars by group and by place: the certificates behind `products_recognised` for that unit and year (the
  planning catalogue's drill-down query, grouped in the database), so their totals equal that indicator;
- stars by year: the stored yearly values of `products_recognised_3/_4/_5` (`indicator_values`);
- progress: `indicator_values` (value, target of the unit's plan, expectation for the time of year);
- the map: the catalogue's map of provinces (`ocop.catalog.selectors.map_points`: its places) coloured by the
  same counts as the bars; a province's map places its communes the same way.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from ocop.catalog.selectors import MapPoint, Provinces, map_points
from ocop.core.text import sort_key
from ocop.cycle.programme import FIRST_YEAR
from ocop.geo.models import AdminUnit, Era, Level
from ocop.planning import catalogue, charts, selectors, summary

RECOGNISED = "products_recognised"
BY_STARS = {3: "products_recognised_3", 4: "products_recognised_4", 5: "products_recognised_5"}
HEADLINES = ("products_recognised", "products_recognised_5", "producers", "certificates_expiring_6m")
YEARS_SHOWN = 8  # the stars-by-year chart: the year asked and the seven before it (not before the programme)


def unit_code(unit: AdminUnit) -> str:
    return selectors.COUNTRY_CODE if unit.level == Level.COUNTRY else unit.code


def dashboard_url(unit: AdminUnit, year: int) -> str:
    return reverse("dashboards:unit", args=[unit_code(unit)]) + f"?year={year}"


def records_url(unit: AdminUnit, year: int, code: str, **extra) -> str:
    """The records behind a figure: planning's drill-down page for that indicator, unit and year."""
    query = {"unit": unit_code(unit), "year": year, **extra}
    return reverse("planning:records", args=[code]) + "?" + urlencode(query)


@dataclass
class PlacedMap:
    width: int
    height: int
    points: list[tuple[MapPoint, int, str]]  # (point, colour class, link)
    thresholds: list[int]
    legend: list[tuple[int, str]]  # (colour class, text)


@dataclass
class Dashboard:
    unit: AdminUnit
    year: int
    years: list[int]
    trail: list[tuple[str, str]]  # (name, link) from the country down to the unit's parent
    headlines: list[tuple[selectors.Figure, str]]  # (figure, link to its records)
    total: int
    by_group: charts.BarChart
    by_place: charts.BarChart | None
    place_rows: list[tuple[AdminUnit, dict[int, int], str]]
    by_year: charts.ColumnChart
    progress: list[tuple[selectors.Figure, charts.ProgressBar | None, str]]
    map: PlacedMap | None
    stars: tuple[int, ...] = charts.STARS


def _recognised(unit: AdminUnit, year: int):
    item = catalogue.indicator(RECOGNISED)
    rows = catalogue.records(item, year=year, **summary.place_of(unit)) if item else None
    return rows.order_by() if rows is not None else None


def stars_by_group(unit: AdminUnit, year: int) -> list[tuple[str, dict[int, int], str]]:
    """Products recognised on the year's reference day, by product group (as the rubric names it) and stars."""
    rows = _recognised(unit, year)
    if rows is None:
        return []
    groups: dict[str, dict[int, int]] = {}
    names: dict[str, str] = {}
    counted = rows.values("product__product_set__group__code", "product__product_set__group__name", "stars")
    for row in counted.annotate(n=Count("product_id", distinct=True)):
        code = row["product__product_set__group__code"] or "?"
        names[code] = row["product__product_set__group__name"] or code
        counts = groups.setdefault(code, {})
        counts[row["stars"]] = counts.get(row["stars"], 0) + row["n"]
    ordered = sorted(groups.items(), key=lambda item: -sum(item[1].values()))
    return [
        (names[code], counts, records_url(unit, year, RECOGNISED, group=code)) for code, counts in ordered
    ]


def stars_by_place(unit: AdminUnit, year: int) -> list[tuple[AdminUnit, dict[int, int], str]]:
    """The country's provinces, or a province's communes, each with its products recognised by stars (the
    places without any are listed too, with nothing); a commune has no places below it."""
    if unit.level == Level.COMMUNE:
        return []
    rows = _recognised(unit, year)
    field = (
        "product__producer__unit__current_province"
        if unit.level == Level.COUNTRY
        else ("product__producer__unit__current_commune")
    )
    counts: dict[int, dict[int, int]] = {}
    if rows is not None:
        for row in rows.values(f"{field}_id", "stars").annotate(n=Count("product_id", distinct=True)):
            place = counts.setdefault(row[f"{field}_id"], {})
            place[row["stars"]] = place.get(row["stars"], 0) + row["n"]
    if unit.level == Level.COUNTRY:
        places = list(Provinces.load().current)
    else:
        places = list(AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, parent=unit))
    places.sort(key=lambda place: (-sum(counts.get(place.pk, {}).values()), sort_key(place.short_name)))
    return [(place, counts.get(place.pk, {}), dashboard_url(place, year)) for place in places]


def stars_by_year(unit: AdminUnit, year: int) -> list[tuple[str, dict[int, int] | None]]:
    """Products recognised at the end of each year (today for this year) by stars: stored indicator values."""
    first = max(FIRST_YEAR, year - YEARS_SHOWN + 1)
    result = []
    for each in range(first, year + 1):
        values = summary.values_for(unit, each)
        counts = {stars: values.get(code) for stars, code in BY_STARS.items()}
        if all(value is None for value in counts.values()):
            result.append((str(each), None))
        else:
            result.append((str(each), {stars: int(value or 0) for stars, value in counts.items()}))
    return result


def _map_of(
    unit: AdminUnit, places: list[tuple[AdminUnit, dict[int, int], str]], year: int
) -> PlacedMap | None:
    """The country: the catalogue's map of provinces; a province: its communes placed the same way; each
    coloured by its count of products recognised. A commune has no map of its own."""
    totals = {place.pk: sum(counts.values()) for place, counts, _ in places}
    links = {place.pk: link for place, _, link in places}
    if unit.level == Level.COUNTRY:
        points = [
            dataclasses.replace(p, count=totals.get(p.province.pk, 0)) for p in map_points(Provinces.load())
        ]
        width, height = 360, 640
    elif unit.level == Level.PROVINCE:
        points, width, height = _commune_points([place for place, _, _ in places], totals)
    else:
        return None
    if not points:
        return None
    limits = charts.thresholds_of([p.count for p in points])
    legend = _legend(limits)
    placed = [(p, charts.colour_class(p.count, limits), links.get(p.province.pk, "")) for p in points]
    return PlacedMap(width, height, placed, limits, legend)


def _legend(limits: list[int]) -> list[tuple[int, str]]:
    legend = [(0, "0")]
    low = 1
    for index, limit in enumerate(limits, start=1):
        legend.append((index, f"{low}–{limit}" if low != limit else str(low)))
        low = limit + 1
    legend.append((len(limits) + 1, f"≥ {low}"))
    return legend


def _commune_points(communes: list[AdminUnit], totals: dict[int, int], width: int = 360, height: int = 360):
    """Communes placed by latitude and longitude (equirectangular, scaled by cos(latitude), as the catalogue's
    map does for provinces), as `MapPoint`s so one template draws both maps."""
    placed = [c for c in communes if c.latitude is not None and c.longitude is not None]
    if not placed:
        return [], width, height
    lat0 = sum(c.latitude for c in placed) / len(placed)
    xs = [c.longitude * math.cos(math.radians(lat0)) for c in placed]
    ys = [c.latitude for c in placed]
    margin = 16
    scale = min(
        (width - 2 * margin) / ((max(xs) - min(xs)) or 1), (height - 2 * margin) / ((max(ys) - min(ys)) or 1)
    )
    points = [
        MapPoint(
            province=commune,
            count=totals.get(commune.pk, 0),
            x=round(margin + (x - min(xs)) * scale, 1),
            y=round(margin + (max(ys) - y) * scale, 1),
            radius=4.0,
        )
        for commune, x, y in zip(placed, xs, ys, strict=True)
    ]
    return points, width, height


def _trail(unit: AdminUnit, year: int, readable: set[int]) -> list[tuple[str, str]]:
    """The units above `unit` the reader may open, from the country down."""
    above = []
    if unit.level != Level.COUNTRY:
        country = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COUNTRY).first()
        if country is not None:
            above.append(country)
    if unit.level == Level.COMMUNE and unit.current_province is not None:
        above.append(unit.current_province)
    return [
        (place.short_name or place.name, dashboard_url(place, year))
        for place in above
        if place.pk in readable
    ]


def dashboard(user, unit: AdminUnit, year: int) -> Dashboard:
    """The dashboard of `unit` (within the user's area: `indicator_values` refuses one outside) for `year`."""
    figures = selectors.indicator_values(user, unit, year)
    by_code = {figure.code: figure for figure in figures}
    groups = stars_by_group(unit, year)
    places = stars_by_place(unit, year)
    readable = (
        set(selectors.units_visible_to(user).values_list("pk", flat=True)) if user is not None else set()
    )
    if user is not None:  # a place the reader may not open is shown without a link
        places = [(place, counts, link if place.pk in readable else "") for place, counts, link in places]
    progress = [
        (
            figure,
            charts.progress_bar(figure.value_number, figure.target_number, _number(figure.expected)),
            records_url(unit, year, figure.code),
        )
        for figure in figures
        if figure.target is not None
    ]
    headlines = [(by_code[code], records_url(unit, year, code)) for code in HEADLINES if code in by_code]
    total = sum(sum(counts.values()) for _, counts, _ in groups)
    this_year = timezone.localdate().year
    return Dashboard(
        unit=unit,
        year=year,
        years=list(range(this_year, FIRST_YEAR - 1, -1)),
        trail=_trail(unit, year, readable),
        headlines=headlines,
        total=total,
        by_group=charts.stacked_bars(groups),
        by_place=charts.stacked_bars(
            [(place.short_name or place.name, counts, link) for place, counts, link in places if counts]
        )
        if places
        else None,
        place_rows=places,
        by_year=charts.stacked_columns(stars_by_year(unit, year)),
        progress=progress,
        map=_map_of(unit, places, year),
    )


def _number(value) -> float | None:
    return None if value is None else float(value)
