"""Reading an address as a province wrote it ("Thị trấn Chũ, huyện Lục Ngạn, tỉnh Bắc Giang") into a unit.

The address is read from the right: the province, then the district (legacy units only), then the commune,
among the units of the era the decision date falls in (legacy before 1 July 2025, current from then on),
falling back to the other era. Each step tries, in order, and accepts one unit only:

1. an alias an officer of the province saved for this address (`AddressAlias`, keyed by `alias_key`);
2. the names of the units under the district written (full name, or the name without its type word);
3. the former names the `vietnamadminunits` package gives for those units (`UnitFormerName`: a commune
   merged into another, a town that became a ward);
4. the same two within the whole province (a commune moved to another district, as Chũ did in 2025).

A province's own decisions often leave the province out ("Thị trấn Chũ, huyện Lục Ngạn", "huyện Tân Yên"):
when the last part names no province but names one legacy district of the whole country (by name or former
name), the address is read as if that district's province followed it (`implied` holds that province; `via`
says how the rest was read, as above). A district name several provinces have ("huyện Châu Thành") is
ambiguous and names them.

What was not found comes back with the part of the address that failed, where it was looked for, and the
closest units by similarity of folded names (district first, then province), for the officer to pick.

Every unit is read once per resolver: a province's districts, communes and former names in three queries the
first time an address names it, and its aliases in one. A file of 20,000 rows costs a few dozen queries.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ocop.core.text import fold, nfc
from ocop.geo import places
from ocop.geo.models import AddressAlias, AdminUnit, Era, Level, UnitFormerName

REFORM_DAY = date(2025, 7, 1)  # two-level local government: communes and provinces only from this day
SUGGESTIONS = 5
MIN_SIMILARITY = 0.5
PREFILTER = 40  # candidates (by shared letter pairs) that difflib then ranks

# Type words that start an address part (folded), longest first so "thi xa" is not read as "xa".
TYPE_WORDS = sorted(
    ["thanh pho", "tinh", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran", "dac khu"],
    key=len,
    reverse=True,
)
# Abbreviations provinces write, as the first word of a part ("TT. Chũ", "TP Bắc Giang", "H. Lục Ngạn").
ABBREVIATIONS = {
    "tp": "thanh pho",
    "tx": "thi xa",
    "tt": "thi tran",
    "h": "huyen",
    "q": "quan",
    "p": "phuong",
    "x": "xa",
}
DISTRICT_WORDS = ("huyen", "quan", "thi xa", "thanh pho")


def split_parts(address: str) -> list[str]:
    """The comma (or semicolon) separated parts of an address, blanks dropped."""
    return [p.strip() for p in re.split(r"[,;]", address or "") if p.strip()]


@functools.lru_cache(maxsize=65536)
def part_key(part: str) -> str:
    """One part folded, punctuation and spaces normalised, a leading abbreviation spelled out."""
    words = re.sub(r"[.\-_/()]+", " ", fold(part)).split()
    if len(words) > 1 and words[0] in ABBREVIATIONS:
        words = [*ABBREVIATIONS[words[0]].split(), *words[1:]]
    return " ".join(words)


def bare(key: str) -> str:
    """A part key without its unit type: "thi tran chu" → "chu"."""
    for word in TYPE_WORDS:
        if key.startswith(word + " "):
            return key[len(word) + 1 :]
    return key


def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset([text])


def compact(key: str) -> str:
    return key.replace(" ", "")


@functools.lru_cache(maxsize=65536)
def text_keys(part: str) -> tuple[str, ...]:
    """The keys a written part may match, spaces dropped: as written first, then without its type word (so
    "Phượng Sơn" is not first read as "phường Sơn")."""
    key = part_key(part)
    keys = [compact(key), compact(bare(key))]
    return tuple(k for i, k in enumerate(keys) if k and k not in keys[:i])


def unit_keys(unit: AdminUnit) -> set[str]:
    return {compact(part_key(unit.name)), compact(part_key(unit.short_name))} - {""}


def toned(text: str, words: int) -> str:
    """The last `words` words, lower case with their tone marks: tells "Phượng Sơn" from "Phương Sơn"."""
    return " ".join(re.sub(r"[.\-_/()]+", " ", nfc(text).lower()).split()[-words:])


def narrow(part: str, found: list[AdminUnit]) -> list[AdminUnit]:
    """Among units whose folded names match, those whose name matches with its tone marks too, if any."""
    if len(found) < 2:
        return found
    words = len(bare(part_key(part)).split())
    written = toned(part, words)
    exact = [u for u in found if toned(u.short_name, words) == written]
    return exact or found


def alias_key(address: str) -> str:
    """What an alias remembers: the (at most two) parts before the province, folded; "" if none."""
    parts = split_parts(address)
    return ", ".join(part_key(p) for p in parts[-3:-1])


def looks_like_district(part: str) -> bool:
    key = part_key(part)
    return any(key.startswith(word + " ") for word in DISTRICT_WORDS)


def could_be_district(part: str) -> bool:
    """A part written as a district ("huyện Tân Yên", "TX Việt Yên") or without a type word ("Lục Ngạn"); not
    "xã ...", "phường ...", "tỉnh ...": those are never read as a district."""
    key = part_key(part)
    return looks_like_district(part) or bare(key) == key


@dataclass
class Resolution:
    """The unit an address means, or why none: `failed` is the part not found, `within` where it was sought."""

    address: str
    unit: AdminUnit | None = None
    via: str = ""  # "alias", "name", "former_name", "moved" (found elsewhere in the province)
    problem: str = ""  # "empty", "unknown_place", "ambiguous_place"
    failed: str = ""
    within: AdminUnit | None = None
    candidates: list[AdminUnit] = field(default_factory=list)
    suggestions: list[tuple[AdminUnit, float]] = field(default_factory=list)
    province: AdminUnit | None = None  # today's province the address names (where an alias is kept)
    near: tuple[_ProvinceIndex, str, AdminUnit | None] | None = field(default=None, repr=False)
    implied: AdminUnit | None = None  # the (legacy) province an address without one was read in

    @property
    def full_address(self) -> str:
        """The address with the province it was read in when it named none (what an alias remembers)."""
        return f"{self.address}, {self.implied.name}" if self.implied is not None else self.address

    @property
    def key(self) -> str:
        return alias_key(self.full_address)

    def choice(self) -> dict:
        """The issue data the preview page hands to `geo/_address_choice.html`."""
        return {
            "address": self.full_address,
            "failed": self.failed,
            "province_id": self.province.pk if self.province else None,
            "province": self.province.name if self.province else "",
            "suggestions": [
                {"id": unit.pk, "name": unit.full_name, "era": unit.era, "score": round(score, 2)}
                for unit, score in self.suggestions
            ],
        }


class _ProvinceIndex:
    """One province's districts and communes (one era) with their former names, read in three queries and
    kept in dictionaries by key, so a lookup costs no scan."""

    def __init__(
        self, province: AdminUnit, provinces_by_pk: dict[int, AdminUnit], current_communes: Callable[[], dict]
    ) -> None:
        self.province = province
        era = province.era
        self.districts: list[AdminUnit] = []
        if era == Era.LEGACY:
            self.districts = list(AdminUnit.objects.filter(era=era, level=Level.DISTRICT, parent=province))
            # By the districts' ids, not `parent__parent`: that join let PostgreSQL, its statistics not yet
            # taken after `load_units`, walk every legacy commune for each province (19 ms, 63 times a file).
            communes_q = AdminUnit.objects.filter(
                era=era, level=Level.COMMUNE, parent_id__in=[district.pk for district in self.districts]
            )
        else:
            communes_q = AdminUnit.objects.filter(era=era, level=Level.COMMUNE, parent=province)
        districts_by_pk = {d.pk: d for d in self.districts}
        self.communes: list[AdminUnit] = list(communes_q)
        today = current_communes() if era == Era.LEGACY else {c.pk: c for c in self.communes}
        for unit in self.communes:
            if unit.current_commune_id in today:
                unit.current_commune = today[unit.current_commune_id]
        for unit in [*self.districts, *self.communes]:
            # Parents and roll-ups from what is already read: `full_name` and `current_province` cost no query.
            parent = districts_by_pk.get(unit.parent_id) if unit.parent_id != province.pk else province
            if parent is not None:
                unit.parent = parent
            if unit.current_province_id in provinces_by_pk:
                unit.current_province = provinces_by_pk[unit.current_province_id]
        units = {u.pk: u for u in [*self.districts, *self.communes]}
        former: dict[int, set[str]] = {}
        for unit_id, key in UnitFormerName.objects.filter(unit_id__in=list(units)).values_list(
            "unit_id", "key"
        ):
            former.setdefault(unit_id, set()).add(key)
        self.district_names = _table((d, unit_keys(d)) for d in self.districts)
        self.district_former = _table((d, former.get(d.pk, set())) for d in self.districts)
        self.names = _table((c, unit_keys(c)) for c in self.communes)
        self.former = _table((c, former.get(c.pk, set())) for c in self.communes)
        self._similar_keys = [
            (
                c,
                [
                    (k, bigrams(k))
                    for k in (compact(part_key(c.short_name)), *sorted(former.get(c.pk, set())))
                ],
            )
            for c in self.communes
        ]
        self._similar: dict[tuple[str, int | None], list[tuple[AdminUnit, float]]] = {}

    def district(self, part: str) -> list[AdminUnit]:
        return _lookup(part, self.district_names) or _lookup(part, self.district_former)

    def communes_named(self, part: str, within: AdminUnit | None, *, former: bool = False) -> list[AdminUnit]:
        return _lookup(part, self.former if former else self.names, within.pk if within else None)

    def similar(self, part: str, near: AdminUnit | None) -> list[tuple[AdminUnit, float]]:
        """Communes whose folded name (or former name) is closest to the part; those of `near` first on ties."""
        key = (part_key(part), near.pk if near else None)
        if key not in self._similar:
            self._similar[key] = self._rank(part, near)
        return self._similar[key]

    def _rank(self, part: str, near: AdminUnit | None) -> list[tuple[AdminUnit, float]]:
        target_words = bare(part_key(part)).split()
        target = "".join(target_words)
        if not target:
            return []
        # Bigrams first (cheap set arithmetic) keep the likeliest few; difflib's ratio ranks those.
        grams = bigrams(target)
        likely: list[tuple[float, AdminUnit, str]] = []
        for unit, keys in self._similar_keys:
            for candidate, candidate_grams in keys:
                shared = len(grams & candidate_grams)
                if shared:
                    likely.append((2 * shared / (len(grams) + len(candidate_grams)), unit, candidate))
        likely.sort(key=lambda item: -item[0])
        best: dict[int, tuple[float, AdminUnit]] = {}
        matcher = difflib.SequenceMatcher(b=target, autojunk=False)  # the second sequence is the one cached
        for _dice, unit, candidate in likely[:PREFILTER]:
            matcher.set_seq1(candidate)
            score = matcher.ratio()
            if score >= MIN_SIMILARITY and score > best.get(unit.pk, (0.0, unit))[0]:
                best[unit.pk] = (score, unit)
        scored: list[tuple[float, AdminUnit]] = []
        for score, unit in best.values():
            inside = near is not None and unit.parent_id == near.pk
            scored.append((score + (0.05 if inside else 0.0), unit))
        # Ties of folded names ("Phương Sơn", "Phượng Sơn") are broken by the names with their tone marks.
        scored.sort(key=lambda item: (-round(item[0], 3), item[1].code))
        scored = scored[: SUGGESTIONS * 3]
        words = max(len(target_words), 1)
        written = toned(part, words)

        def rank(item: tuple[float, AdminUnit]) -> tuple[float, float, str]:
            score, unit = item
            tone = difflib.SequenceMatcher(a=written, b=toned(unit.short_name, words)).ratio()
            return (-round(score, 3), -tone, unit.code)

        scored.sort(key=rank)
        return [(unit, min(score, 1.0)) for score, unit in scored[:SUGGESTIONS]]


def _table(pairs: Iterable[tuple[AdminUnit, Iterable[str]]]) -> dict[str, list[AdminUnit]]:
    table: dict[str, list[AdminUnit]] = {}
    for unit, keys in pairs:
        for key in keys:
            table.setdefault(key, []).append(unit)
    return table


def _lookup(part: str, table: dict[str, list[AdminUnit]], parent_id: int | None = None) -> list[AdminUnit]:
    """The units a part names, as written first, then without its type word; within a parent if given."""
    for wanted in text_keys(part):
        found = table.get(wanted, [])
        if parent_id is not None:
            found = [u for u in found if u.parent_id == parent_id]
        if found:
            return narrow(part, found)
    return []


# The whole country's indexes hold about 50 MB: kept while files are being read (a preview, then its apply a
# few minutes later), dropped after this long without one.
INDEXES_IDLE_SECONDS = 900


class _UnitIndexes:
    """The provinces, and each province's districts and communes by name, read once per process and generation
    of the units (`geo.places.remembered`): a national file reads 63 provinces in some 200 queries, and its
    apply, and every file after it, would read them again. Only units: aliases are per resolver."""

    def __init__(self) -> None:
        provinces = list(AdminUnit.objects.filter(level=Level.PROVINCE))
        self.provinces_by_pk = {p.pk: p for p in provinces}
        for province in provinces:
            if province.current_province_id in self.provinces_by_pk:
                province.current_province = self.provinces_by_pk[province.current_province_id]
        self.provinces = {
            era: _table((p, unit_keys(p)) for p in provinces if p.era == era)
            for era in (Era.LEGACY, Era.CURRENT)
        }
        self.indexes: dict[int, _ProvinceIndex] = {}
        self.today: dict[int, AdminUnit] | None = None
        self.districts: tuple[dict, dict] | None = None

    def index(self, province: AdminUnit) -> _ProvinceIndex:
        found = self.indexes.get(province.pk)
        if found is None:  # two threads may both read it: the same units, the last one kept
            found = _ProvinceIndex(province, self.provinces_by_pk, self.current_communes)
            self.indexes[province.pk] = found
        return found

    def current_communes(self) -> dict[int, AdminUnit]:
        """Every current commune (the successors of legacy ones), read once when a legacy province is first read."""
        if self.today is None:
            today = {}
            for unit in AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE):
                unit.parent = unit.current_province = self.provinces_by_pk.get(unit.parent_id)
                today[unit.pk] = unit
            self.today = today
        return self.today

    def legacy_districts(self) -> tuple[dict, dict]:
        """Legacy districts of the whole country by name and by former name."""
        if self.districts is None:
            districts = list(AdminUnit.objects.filter(era=Era.LEGACY, level=Level.DISTRICT))
            former: dict[int, set[str]] = {}
            for unit_id, key in UnitFormerName.objects.filter(
                unit__era=Era.LEGACY, unit__level=Level.DISTRICT
            ).values_list("unit_id", "key"):
                former.setdefault(unit_id, set()).add(key)
            for district in districts:
                if district.parent_id in self.provinces_by_pk:
                    district.parent = self.provinces_by_pk[district.parent_id]
            self.districts = (
                _table((d, unit_keys(d)) for d in districts),
                _table((d, former.get(d.pk, set())) for d in districts),
            )
        return self.districts


class AddressResolver:
    """Resolves written addresses to units; the units' indexes are the process's (`_UnitIndexes`), the saved
    aliases and the answers are this resolver's (one resolver serves a whole file)."""

    def __init__(self, *, use_aliases: bool = True) -> None:
        self.use_aliases = use_aliases
        self._units: _UnitIndexes = places.remembered(
            ("address-indexes",), _UnitIndexes, idle_seconds=INDEXES_IDLE_SECONDS
        )
        self._aliases: dict[int, dict[str, AdminUnit]] = {}
        self._done: dict[tuple[str, bool], Resolution] = {}

    # -- reading once ------------------------------------------------------------------------------------

    def _index(self, province: AdminUnit) -> _ProvinceIndex:
        return self._units.index(province)

    def aliases_of(self, province: AdminUnit) -> dict[str, AdminUnit]:
        if province.pk not in self._aliases:
            rows = AddressAlias.objects.filter(province=province).select_related(
                "unit__parent__parent", "unit__current_province", "unit__current_commune"
            )
            self._aliases[province.pk] = {alias.key: alias.unit for alias in rows}
        return self._aliases[province.pk]

    def remember(self, province: AdminUnit, key: str, unit: AdminUnit) -> None:
        """An alias saved while this resolver is in use (the rest of the file) counts from now on."""
        self.aliases_of(province)[key] = unit
        self._done.clear()

    def districts_named(self, part: str) -> list[AdminUnit]:
        """Legacy districts of the whole country the part names (by name, then by former name)."""
        names, former = self._units.legacy_districts()
        return _lookup(part, names) or _lookup(part, former)

    def province_of(self, part: str) -> list[AdminUnit]:
        """Provinces of either era the part names (legacy first)."""
        return [p for era in (Era.LEGACY, Era.CURRENT) for p in _lookup(part, self._units.provinces[era])]

    # -- resolving ---------------------------------------------------------------------------------------

    def resolve(self, address: str, on: date | None = None) -> Resolution:
        legacy_first = on is None or on < REFORM_DAY
        cache_key = (" | ".join(part_key(p) for p in split_parts(address)), legacy_first)
        if cache_key not in self._done:
            self._done[cache_key] = self._resolve(address, legacy_first)
        return self._done[cache_key]

    def _resolve(self, address: str, legacy_first: bool) -> Resolution:
        parts = split_parts(address)
        if not parts:
            return Resolution(address, problem="empty")
        named = self.province_of(parts[-1])
        implied: AdminUnit | None = None
        if not named and could_be_district(parts[-1]):
            districts = self.districts_named(parts[-1])
            provinces = {d.parent_id: d.parent for d in districts if d.parent is not None}
            if len(provinces) > 1:
                return Resolution(
                    address,
                    problem="ambiguous_place",
                    failed=parts[-1],
                    candidates=sorted(districts, key=lambda d: d.code),
                )
            if len(provinces) == 1:
                implied = next(iter(provinces.values()))
                named, parts = [implied], [*parts, implied.name]
        today = {p.current_province or p for p in named}
        if len(today) == 1 and self.use_aliases:
            current_province = next(iter(today))
            key = alias_key(", ".join(parts))
            alias = self.aliases_of(current_province).get(key) if len(parts) > 1 else None
            if alias is not None:
                return Resolution(
                    address, unit=alias, via="alias", province=current_province, implied=implied
                )
        eras = [Era.LEGACY, Era.CURRENT] if legacy_first else [Era.CURRENT, Era.LEGACY]
        first: Resolution | None = None
        for era in eras:
            result = self._resolve_in(address, era, parts, [p for p in named if p.era == era])
            result.implied = implied
            if result.unit is not None:
                return result
            first = first or result
        assert first is not None
        if first.near is not None:  # the closest units, for the era the decision date falls in only
            index, part, district = first.near
            first.suggestions = index.similar(part, district)
        return first

    def _resolve_in(
        self, address: str, era: str, parts: Sequence[str], provinces: list[AdminUnit]
    ) -> Resolution:
        if len(provinces) != 1:
            return Resolution(address, problem="unknown_place", failed=parts[-1])
        province = provinces[0]
        result = Resolution(address, province=province.current_province or province)
        rest = list(parts[:-1])
        if not rest:
            result.unit, result.via = province, "name"
            return result
        index = self._index(province)
        district: AdminUnit | None = None
        commune_part = rest[-1]
        if era == Era.LEGACY:
            found = index.district(rest[-1])
            if len(found) == 1:
                district = found[0]
                if len(rest) < 2:
                    result.unit, result.via = district, "name"
                    return result
                commune_part = rest[-2]
            elif len(rest) >= 2 or looks_like_district(rest[-1]):
                # An unknown district: the commune may still be found in the province; if not, say which failed.
                commune_part = rest[-2] if len(rest) >= 2 else rest[-1]
                found_commune = self._commune(index, commune_part, None, result)
                if found_commune:
                    return result
                result.problem, result.failed, result.within = "unknown_place", rest[-1], province
                result.candidates = []
                if len(found) > 1:
                    result.problem, result.candidates = "ambiguous_place", found
                result.near = (index, commune_part, None)
                return result
        if self._commune(index, commune_part, district, result):
            return result
        result.near = (index, commune_part, district)
        return result

    def _commune(
        self, index: _ProvinceIndex, part: str, district: AdminUnit | None, result: Resolution
    ) -> bool:
        """Find the commune the part names: in the district, then in the whole province; fills `result`."""
        steps: list[tuple[AdminUnit | None, str]] = []
        if district is not None:
            steps += [(district, "name"), (district, "former_name")]
        steps += [(None, "moved" if district is not None else "name"), (None, "former_name")]
        for within, via in steps:
            found = index.communes_named(part, within, former=via == "former_name")
            if len(found) == 1:
                result.unit, result.via = found[0], via
                return True
            if len(found) > 1:
                result.problem, result.failed, result.candidates = "ambiguous_place", part, found
                result.within = district or index.province
                return False
        result.problem, result.failed = "unknown_place", part
        result.within = district or index.province
        return False
