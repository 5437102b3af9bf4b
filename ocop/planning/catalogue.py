"""The indicator catalogue: `data/indicators.yaml` read and checked once per process, and the computation of one
indicator for a place and a year through the function its owning app provides (the contract in
docs/planning.md). A share is computed here from two counts; a missing module or function is "no data".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils.translation import get_language

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "indicators.yaml"
UNITS = ("count", "percent", "money")
DIRECTIONS = ("up", "down")
_FIELDS = {"code", "name_vi", "name_en", "unit", "direction", "source", "compute", "numerator", "denominator"}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    unit: str
    direction: str
    source: str
    compute: str = ""
    numerator: str = ""
    denominator: str = ""

    @property
    def name(self) -> str:
        """The name in the reader's language."""
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    @property
    def is_share(self) -> bool:
        return bool(self.numerator)

    @property
    def unit_label(self) -> str:
        from django.utils.translation import gettext as _

        return {"count": _("số lượng"), "percent": _("%"), "money": _("đồng")}[self.unit]


def _check(rows: list) -> tuple[Indicator, ...]:
    problems: list[str] = []
    seen: dict[str, Indicator] = {}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(f"entry {number}: not a mapping")
            continue
        unknown = set(row) - _FIELDS
        code = str(row.get("code", "")).strip()
        if unknown:
            problems.append(f"{code or number}: unknown fields {sorted(unknown)}")
        if not code or code in seen:
            problems.append(f"entry {number}: missing or repeated code {code!r}")
        for field in ("name_vi", "name_en", "source"):
            if not str(row.get(field, "")).strip():
                problems.append(f"{code}: {field} missing")
        if row.get("unit") not in UNITS:
            problems.append(f"{code}: unit must be one of {UNITS}")
        if row.get("direction") not in DIRECTIONS:
            problems.append(f"{code}: direction must be one of {DIRECTIONS}")
        compute, numerator = row.get("compute", ""), row.get("numerator", "")
        if bool(compute) == bool(numerator):
            problems.append(f"{code}: give either compute or numerator + denominator")
        if compute and (compute.count(":") != 1 or not compute.startswith("ocop.")):
            problems.append(f"{code}: compute must read 'ocop.<app>.indicators:<function>'")
        if numerator and (row.get("unit") != "percent" or not row.get("denominator")):
            problems.append(f"{code}: a share has unit percent, a numerator and a denominator")
        seen[code] = Indicator(**{key: str(value) for key, value in row.items()})
    for indicator in seen.values():
        for part in (indicator.numerator, indicator.denominator):
            if part and (part not in seen or seen[part].is_share):
                problems.append(f"{indicator.code}: {part!r} is not a computed indicator of the catalogue")
    if problems:
        raise ImproperlyConfigured("indicators.yaml: " + "; ".join(problems))
    return tuple(seen.values())


@cache
def indicators() -> tuple[Indicator, ...]:
    """Every indicator, in the catalogue's order."""
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8")) or {}
    return _check(list(data.get("indicators") or []))


@cache
def _by_code() -> dict[str, Indicator]:
    return {indicator.code: indicator for indicator in indicators()}


def indicator(code: str) -> Indicator | None:
    return _by_code().get(code)


def codes() -> list[str]:
    return [indicator.code for indicator in indicators()]


@cache
def _function(path: str) -> Callable | None:
    """The function at `module:name`, or None when that module or function does not exist (yet). An import
    error inside an existing module is a bug and is raised."""
    module_name, _, name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            return None
        raise
    found = getattr(module, name, None)
    return found if callable(found) else None


def records_function(item: Indicator) -> Callable | None:
    """The `<name>_records` companion of a computed indicator, for drill-down; None when there is none."""
    if not item.compute:
        return None
    return _function(f"{item.compute}_records")


def is_available(item: Indicator) -> bool:
    if item.is_share:
        parts = (indicator(item.numerator), indicator(item.denominator))
        return all(part is not None and is_available(part) for part in parts)
    return _function(item.compute) is not None


def compute(item: Indicator, *, province_id: int | None, commune_id: int | None, year: int) -> Decimal | None:
    """The indicator's value from the records: a count (or amount), or a share in percent to one decimal."""
    place = {"province_id": province_id, "commune_id": commune_id, "year": year}
    if item.is_share:
        numerator = compute(_by_code()[item.numerator], **place)
        denominator = compute(_by_code()[item.denominator], **place)
        if numerator is None or denominator is None or denominator == 0:
            return None
        return (numerator * HUNDRED / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    function = _function(item.compute)
    if function is None:
        return None
    value = function(**place)
    return None if value is None else Decimal(value)


def records(
    item: Indicator, *, province_id: int | None, commune_id: int | None, year: int
) -> QuerySet | None:
    """The records behind a computed figure (a share: those behind its numerator), or None."""
    if item.is_share:
        return records(_by_code()[item.numerator], province_id=province_id, commune_id=commune_id, year=year)
    function = records_function(item)
    if function is None:
        return None
    return function(province_id=province_id, commune_id=commune_id, year=year)
