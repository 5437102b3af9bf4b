"""Load both generations of administrative units from the `vietnamadminunits` package.

The package ships an SQLite file with the official codes of both trees and a JSON table of how legacy
communes became current ones. Nothing of it is copied into this repository; loading is idempotent.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from ocop.core.text import fold
from ocop.geo import places
from ocop.geo.models import AdminUnit, Era, Level, UnitFormerName, UnitSuccession

COUNTRY_CODE = "VN"
_UPDATE_FIELDS = [
    "level",
    "name",
    "short_name",
    "unit_type",
    "parent",
    "current_province",
    "current_commune",
    "latitude",
    "longitude",
    "search_text",
]


@dataclass
class LoadReport:
    current_provinces: int
    current_communes: int
    legacy_provinces: int
    legacy_districts: int
    legacy_communes: int
    successions: int
    former_names: int = 0


def _package_file(name: str):
    return resources.files("vietnamadminunits") / "data" / name


def _rows(sql: str) -> list[sqlite3.Row]:
    with resources.as_file(_package_file("dataset.db")) as path:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        connection.row_factory = sqlite3.Row
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()


def _type_of(full_name: str, short_name: str) -> str:
    """`Thành phố Hà Nội` with short name `Hà Nội` is of type `Thành phố`."""
    if full_name.endswith(short_name):
        return full_name[: len(full_name) - len(short_name)].strip() or full_name
    return full_name.split(" ")[0]


def _unit(
    era: str, level: str, code: str, name: str, short: str, unit_type: str, lat, lon, **links
) -> AdminUnit:
    return AdminUnit(
        era=era,
        level=level,
        code=code,
        name=name,
        short_name=short,
        unit_type=unit_type,
        latitude=lat,
        longitude=lon,
        search_text=fold(f"{name} {short}"),
        **links,
    )


def _upsert(units: Iterable[AdminUnit]) -> dict[str, AdminUnit]:
    units = list(units)
    if not units:
        return {}
    AdminUnit.objects.bulk_create(
        units,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["era", "code"],
        update_fields=_UPDATE_FIELDS,
    )
    era = units[0].era
    codes = [u.code for u in units]
    found: dict[str, AdminUnit] = {}
    for start in range(0, len(codes), 900):
        for unit in AdminUnit.objects.filter(era=era, code__in=codes[start : start + 900]):
            found[unit.code] = unit
    return found


@transaction.atomic
def load_units() -> LoadReport:
    converter = json.loads(_package_file("converter_2025.json").read_text(encoding="utf-8"))
    _upsert(
        [_unit(Era.CURRENT, Level.COUNTRY, COUNTRY_CODE, "Việt Nam", "Việt Nam", "Quốc gia", None, None)]
    )[COUNTRY_CODE]

    # Current tree: provinces and communes, no districts.
    current = _rows("SELECT * FROM admin_units ORDER BY provinceCode, wardCode")
    provinces: dict[str, AdminUnit] = {}
    province_by_key: dict[str, str] = {}
    for row in current:
        code = row["provinceCode"]
        if code not in provinces:
            provinces[code] = _unit(
                Era.CURRENT,
                Level.PROVINCE,
                code,
                row["province"],
                row["provinceShort"],
                _type_of(row["province"], row["provinceShort"]),
                row["provinceLat"],
                row["provinceLon"],
            )
            province_by_key[row["provinceKey"]] = code
    saved_provinces = _upsert(provinces.values())
    for unit in saved_provinces.values():
        unit.current_province = unit
    AdminUnit.objects.bulk_update(saved_provinces.values(), ["current_province"])

    communes = []
    commune_by_key: dict[tuple[str, str], str] = {}
    for row in current:
        province = saved_provinces[row["provinceCode"]]
        communes.append(
            _unit(
                Era.CURRENT,
                Level.COMMUNE,
                row["wardCode"],
                row["ward"],
                row["wardShort"],
                row["wardType"],
                row["wardLat"],
                row["wardLon"],
                parent=province,
                current_province=province,
            )
        )
        commune_by_key[(row["provinceKey"], row["wardKey"])] = row["wardCode"]
    saved_communes = _upsert(communes)
    for unit in saved_communes.values():
        unit.current_commune = unit
    AdminUnit.objects.bulk_update(saved_communes.values(), ["current_commune"], batch_size=500)

    # Legacy tree: 63 provinces, their districts and communes, each linked to where it rolls up today.
    new_province_of_old = {old: new for new, olds in converter["DICT_PROVINCE"].items() for old in olds}
    legacy = _rows("SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode")
    legacy_provinces: dict[str, AdminUnit] = {}
    for row in legacy:
        code = row["provinceCode"]
        if code not in legacy_provinces:
            target = saved_provinces[province_by_key[new_province_of_old[row["provinceKey"]]]]
            legacy_provinces[code] = _unit(
                Era.LEGACY,
                Level.PROVINCE,
                code,
                row["province"],
                row["provinceShort"],
                _type_of(row["province"], row["provinceShort"]),
                row["provinceLat"],
                row["provinceLon"],
                current_province=target,
            )
    saved_legacy_provinces = _upsert(legacy_provinces.values())

    districts: dict[str, AdminUnit] = {}
    for row in legacy:
        code = row["districtCode"]
        if code not in districts:
            province = saved_legacy_provinces[row["provinceCode"]]
            districts[code] = _unit(
                Era.LEGACY,
                Level.DISTRICT,
                code,
                row["district"],
                row["districtShort"],
                row["districtType"],
                row["districtLat"],
                row["districtLon"],
                parent=province,
                current_province=province.current_province,
            )
    saved_districts = _upsert(districts.values())

    # Successions, keyed the way the package keys them: "<province>_<district>_<ward>".
    successors: dict[str, list[tuple[str, bool]]] = {}
    for new_province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward_key, old_keys in wards.items():
            for old_key in old_keys:
                successors.setdefault(old_key, []).append(
                    (commune_by_key[(new_province_key, new_ward_key)], True)
                )
    for new_province_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, news in olds.items():
            for new in news:
                successors.setdefault(old_key, []).append(
                    (commune_by_key[(new_province_key, new["newWardKey"])], bool(new["isDefaultNewWard"]))
                )

    legacy_communes = []
    legacy_key_of: dict[str, str] = {}
    for row in legacy:
        if not row["wardCode"]:
            continue
        district = saved_districts[row["districtCode"]]
        old_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"
        legacy_key_of[row["wardCode"]] = old_key
        default = next((code for code, is_default in successors.get(old_key, []) if is_default), None)
        legacy_communes.append(
            _unit(
                Era.LEGACY,
                Level.COMMUNE,
                row["wardCode"],
                row["ward"],
                row["wardShort"],
                row["wardType"],
                row["wardLat"],
                row["wardLon"],
                parent=district,
                current_province=district.current_province,
                current_commune=saved_communes[default] if default else None,
            )
        )
    saved_legacy_communes = _upsert(legacy_communes)

    links: list[UnitSuccession] = []
    for code, unit in saved_legacy_communes.items():
        for new_code, is_default in successors.get(legacy_key_of[code], []):
            links.append(UnitSuccession(legacy=unit, current=saved_communes[new_code], is_default=is_default))
    # Island districts had no communes: the district itself became a special zone (đặc khu).
    for row in legacy:
        if row["wardCode"]:
            continue
        district = saved_districts[row["districtCode"]]
        for new_code, is_default in successors.get(f"{row['provinceKey']}_{row['districtKey']}_", []):
            links.append(
                UnitSuccession(legacy=district, current=saved_communes[new_code], is_default=is_default)
            )
    for unit in saved_legacy_provinces.values():
        links.append(UnitSuccession(legacy=unit, current=unit.current_province, is_default=True))
    UnitSuccession.objects.bulk_create(
        links,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["legacy", "current"],
        update_fields=["is_default"],
    )
    former_names = _load_former_names(legacy, saved_districts, saved_legacy_communes)
    # Bulk writes send no signals: the places lists have named are named again once the load is committed.
    transaction.on_commit(places.units_changed)
    return LoadReport(
        current_provinces=len(saved_provinces),
        current_communes=len(saved_communes),
        legacy_provinces=len(saved_legacy_provinces),
        legacy_districts=len(saved_districts),
        legacy_communes=len(saved_legacy_communes),
        successions=len(links),
        former_names=former_names,
    )


def _keys(value: str | None) -> list[str]:
    """The package's alias column: a JSON list of folded keys ("thitranchu"), or nothing."""
    if not value:
        return []
    keys = json.loads(value)
    return [k for k in keys if isinstance(k, str) and k] if isinstance(keys, list) else []


def _load_former_names(
    legacy: list[sqlite3.Row], districts: dict[str, AdminUnit], communes: dict[str, AdminUnit]
) -> int:
    """Former names of legacy districts and communes (`districtAlias`, `wardAlias`): replaced whole each load."""
    pairs: set[tuple[int, str]] = set()
    for row in legacy:
        district = districts.get(row["districtCode"])
        if district is not None:
            pairs.update((district.pk, key[:120]) for key in _keys(row["districtAlias"]))
        commune = communes.get(row["wardCode"]) if row["wardCode"] else None
        if commune is not None:
            pairs.update((commune.pk, key[:120]) for key in _keys(row["wardAlias"]))
    UnitFormerName.objects.all().delete()
    UnitFormerName.objects.bulk_create(
        [UnitFormerName(unit_id=unit_id, key=key) for unit_id, key in sorted(pairs)], batch_size=1000
    )
    return len(pairs)
