"""Read a rubric version file and check every rule before anything is used.

`parse_version` walks the whole document and collects every problem with its place (file › sheet › criterion
› option), then raises `RubricFileInvalid` listing all of them; only a clean file becomes a `RubricVersion`.
The format is described in docs/rubrics.md.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .issues import Issue, Place, RubricFileInvalid, errors_only
from .schema import (
    DISQUALIFY,
    GATE_KINDS,
    Aggregation,
    Alternative,
    Band,
    CertificateRule,
    Condition,
    Criterion,
    CriterionGroup,
    Decision,
    Doubt,
    DutyPeriod,
    Gate,
    Level,
    LevelDuty,
    Named,
    Option,
    Part,
    ProductSet,
    Requirement,
    RubricVersion,
    Sheet,
    TaxonNode,
)

SUPPORTED_FORMATS = (1,)
AGGREGATION_METHODS = ("mean_of_member_totals",)
ROUNDINGS = ("half_up", "half_even")
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")

_VERSION_FIELDS = {
    "required": {
        "format",
        "code",
        "title",
        "decision",
        "effective_from",
        "scale_max",
        "parts",
        "bands",
        "aggregation",
        "certificate",
        "legal_forms",
        "levels",
        "duties",
        "taxonomy",
        "sheets",
    },
    "optional": {"amended_by", "effective_until", "sources", "note"},
}


def nfc_tree(value: Any) -> Any:
    """Every string in NFC, so text typed on any keyboard compares and hashes the same."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        return {nfc_tree(k): nfc_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [nfc_tree(v) for v in value]
    return value


def fingerprint(data: Mapping[str, Any]) -> str:
    """A stable hash of a version's content: a frozen version whose file changed is refused by it."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_version_file(path: str | Path) -> dict[str, Any]:
    """The YAML document of a version file, or `RubricFileInvalid` if it is not readable YAML mapping."""
    path = Path(path)
    place: Place = (("file", path.name),)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RubricFileInvalid(
            [Issue("unreadable_file", place, {"reason": str(exc).splitlines()[0]})]
        ) from exc
    if not isinstance(data, dict):
        raise RubricFileInvalid([Issue("not_a_mapping", place)])
    return data


def load_version_file(path: str | Path) -> RubricVersion:
    path = Path(path)
    return parse_version(read_version_file(path), source=path.name)


def validate_version_file(path: str | Path) -> list[Issue]:
    """Every issue of a file (errors and warnings); empty when the file is good."""
    path = Path(path)
    try:
        data = read_version_file(path)
    except RubricFileInvalid as exc:
        return exc.issues
    return _Parser(source=path.name).version(data)[1]


def parse_version(data: Mapping[str, Any], *, source: str = "") -> RubricVersion:
    version, issues = _Parser(source=source).version(data)
    if errors_only(issues) or version is None:
        raise RubricFileInvalid(errors_only(issues))
    return version


def parse_sheet(
    data: Mapping[str, Any], version: RubricVersion, *, source: str = ""
) -> tuple[Sheet | None, list[Issue]]:
    """A sheet checked against an already loaded version (used by the spreadsheet import)."""
    parser = _Parser(source=source)
    parser.context_from(version)
    base: Place = (("file", source),) if source else ()
    sheet = parser.sheet(nfc_tree(data), base)
    return (None if errors_only(parser.issues) else sheet), parser.issues


class _Parser:
    """Walks the document; on a bad value it records an issue and carries on with a neutral default."""

    def __init__(self, *, source: str) -> None:
        self.source = source
        self.issues: list[Issue] = []
        self.part_max: dict[str, Decimal] = {}
        self.legal_forms: set[str] = set()
        self.stars: set[int] = set()
        self.product_sets: set[str] = set()
        self.version_code = ""

    # -- primitives -------------------------------------------------------------------------------------
    def err(self, code: str, place: Place, **params: Any) -> None:
        self.issues.append(Issue(code, place, params))

    def mapping(
        self, value: Any, place: Place, required: set[str], optional: Iterable[str] = ()
    ) -> dict | None:
        if not isinstance(value, Mapping):
            self.err("not_a_mapping", place)
            return None
        for key in sorted(required - set(value)):
            self.err("missing_field", place, field=key)
        for key in sorted(set(value) - required - set(optional)):
            self.err("unknown_field", (*place, ("field", str(key))), field=key)
        return dict(value)

    def items(self, m: Mapping, key: str, place: Place) -> Iterator[tuple[Any, Place]]:
        value = m.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.err("not_a_list", (*place, ("field", key)))
            return
        yield from ((item, place) for item in value)

    def text(self, m: Mapping, key: str, place: Place, *, required: bool = True) -> str:
        value = m.get(key)
        if value is None and not required:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
            if key in m or required:
                self.err("not_text", (*place, ("field", key)))
            return ""
        return str(value).strip()

    def code(self, m: Mapping, key: str, place: Place) -> str:
        value = self.text(m, key, place)
        if value and not _CODE.match(value):
            self.err("bad_code", (*place, ("field", key)), value=value)
        return value

    def number(self, m: Mapping, key: str, place: Place, *, required: bool = True) -> Decimal | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            self.err("not_number", (*place, ("field", key)), value=value)
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            self.err("not_number", (*place, ("field", key)), value=value)
            return None
        if not number.is_finite():
            self.err("not_number", (*place, ("field", key)), value=value)
            return None
        if number < 0:
            self.err("negative", (*place, ("field", key)), value=value)
        return number

    def integer(self, m: Mapping, key: str, place: Place) -> int | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.err("not_integer", (*place, ("field", key)), value=value)
            return None
        if value < 0:
            self.err("negative", (*place, ("field", key)), value=value)
        return value

    def boolean(self, m: Mapping, key: str, place: Place, default: bool = False) -> bool:
        value = m.get(key, default)
        if not isinstance(value, bool):
            self.err("not_bool", (*place, ("field", key)))
            return default
        return value

    def day(self, m: Mapping, key: str, place: Place) -> date | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.err("not_date", (*place, ("field", key)), value=value)
            return None

    def unique(self, seen: dict[str, Place], code: str, place: Place) -> None:
        if not code:
            return
        if code in seen:
            first = " › ".join(f"{k} {v}" for k, v in seen[code])
            self.err("duplicate_code", place, value=code, first=first)
        else:
            seen[code] = place

    # -- version ----------------------------------------------------------------------------------------
    def version(self, raw: Mapping[str, Any]) -> tuple[RubricVersion | None, list[Issue]]:
        data = nfc_tree(raw)
        top: Place = (("file", self.source),) if self.source else ()
        m = self.mapping(data, top, _VERSION_FIELDS["required"], _VERSION_FIELDS["optional"])
        if m is None:
            return None, self.issues
        fmt = m.get("format")
        if fmt is not None and fmt not in SUPPORTED_FORMATS:
            self.err(
                "unsupported_format",
                (*top, ("field", "format")),
                value=fmt,
                supported=list(SUPPORTED_FORMATS),
            )
        code = self.code(m, "code", top)
        self.version_code = code
        title = self.text(m, "title", top)
        decision = self.decision(m.get("decision"), (*top, ("field", "decision")))
        amended = tuple(
            d
            for item, _ in self.items(m, "amended_by", top)
            if (d := self.decision(item, (*top, ("field", "amended_by")))) is not None
        )
        start = self.day(m, "effective_from", top)
        until = self.day(m, "effective_until", top)
        if start and until and until < start:
            self.err("dates_reversed", (*top, ("field", "effective_until")), start=start, until=until)
        sources = tuple(str(s) for s, _ in self.items(m, "sources", top))
        scale_max = self.number(m, "scale_max", top) or Decimal(100)
        parts = self.parts(m, top, scale_max)
        bands = self.bands(m, top, scale_max)
        aggregation = self.aggregation(m.get("aggregation"), (*top, ("field", "aggregation")))
        certificate = self.certificate(m.get("certificate"), (*top, ("field", "certificate")))
        legal_forms = self.named_list(m, "legal_forms", top, "legal_form")
        self.legal_forms = {n.code for n in legal_forms}
        levels = self.levels(m, top)
        duties = self.duties(m, top, levels, start, until, scale_max)
        taxonomy_levels, nodes, product_sets = self.taxonomy(m.get("taxonomy"), (*top, ("field", "taxonomy")))
        self.product_sets = {p.code for p in product_sets}
        sheets: dict[str, Sheet] = {}
        seen: dict[str, Place] = {}
        for item, _ in self.items(m, "sheets", top):
            label = str(item.get("product_set", "?")) if isinstance(item, Mapping) else "?"
            place = (*top, ("sheet", label))
            sheet = self.sheet(item, place)
            if sheet is not None:
                self.unique(seen, sheet.product_set, place)
                sheets[sheet.product_set] = sheet
        if errors_only(self.issues) or start is None or decision is None:
            return None, self.issues
        version = RubricVersion(
            code=code,
            title=title,
            decision=decision,
            amended_by=amended,
            effective_from=start,
            effective_until=until,
            sources=sources,
            scale_max=scale_max,
            parts=parts,
            bands=bands,
            aggregation=aggregation,
            certificate=certificate,
            legal_forms=legal_forms,
            levels=levels,
            duties=duties,
            taxonomy_levels=taxonomy_levels,
            nodes=nodes,
            product_sets=product_sets,
            sheets=MappingProxyType(sheets),
            fingerprint=fingerprint(data),
            data=MappingProxyType(data),
        )
        return version, self.issues

    def context_from(self, version: RubricVersion) -> None:
        self.version_code = version.code
        self.part_max = {p.code: p.max_points for p in version.parts}
        self.legal_forms = {f.code for f in version.legal_forms}
        self.stars = {b.stars for b in version.bands}
        self.product_sets = {p.code for p in version.product_sets}

    def decision(self, raw: Any, place: Place) -> Decision | None:
        m = self.mapping(raw, place, {"number", "date"}, {"title"})
        if m is None:
            return None
        number, day = self.text(m, "number", place), self.day(m, "date", place)
        return Decision(number, day, self.text(m, "title", place, required=False)) if number and day else None

    def parts(self, m: Mapping, top: Place, scale_max: Decimal) -> tuple[Part, ...]:
        parts: list[Part] = []
        seen: dict[str, Place] = {}
        for item, _ in self.items(m, "parts", top):
            place = (*top, ("part", str(item.get("code", "?")) if isinstance(item, Mapping) else "?"))
            p = self.mapping(item, place, {"code", "name", "max"})
            if p is None:
                continue
            code = self.code(p, "code", place)
            self.unique(seen, code, place)
            maximum = self.number(p, "max", place) or Decimal(0)
            parts.append(Part(code, self.text(p, "name", place), maximum))
        total = sum((p.max_points for p in parts), Decimal(0))
        if parts and total != scale_max:
            self.err("parts_do_not_add_up", (*top, ("field", "parts")), total=total, expected=scale_max)
        self.part_max = {p.code: p.max_points for p in parts}
        return tuple(parts)

    def bands(self, m: Mapping, top: Place, scale_max: Decimal) -> tuple[Band, ...]:
        raw: list[tuple[int, Decimal, Decimal, bool, str, Place]] = []
        seen: dict[str, Place] = {}
        for item, _ in self.items(m, "bands", top):
            place = (*top, ("band", str(item.get("stars", "?")) if isinstance(item, Mapping) else "?"))
            b = self.mapping(item, place, {"stars", "from", "to", "recognised"}, {"label"})
            if b is None:
                continue
            stars = self.integer(b, "stars", place)
            lower, upper = self.number(b, "from", place), self.number(b, "to", place)
            if stars is None or lower is None or upper is None:
                continue
            self.unique(seen, str(stars), place)
            if upper <= lower:
                self.err("band_empty_range", place, stars=stars, lower=lower, upper=upper)
            raw.append(
                (
                    stars,
                    lower,
                    upper,
                    self.boolean(b, "recognised", place),
                    self.text(b, "label", place, required=False),
                    place,
                )
            )
        if not raw:
            self.err("bands_empty", (*top, ("field", "bands")))
            return ()
        raw.sort(key=lambda r: (r[1], r[2]))
        if raw[0][1] != 0:
            self.err("band_not_from_zero", raw[0][5], lower=raw[0][1])
        for previous, current in zip(raw, raw[1:], strict=False):
            if previous[2] < current[1]:
                self.err("band_gap", current[5], upper=previous[2], lower=current[1])
            elif previous[2] > current[1]:
                self.err("band_overlap", current[5], lower=current[1], upper=previous[2])
            if current[0] <= previous[0]:
                self.err("band_stars_order", current[5], stars=current[0], previous=previous[0])
        if raw[-1][2] != scale_max:
            self.err("band_not_to_max", raw[-1][5], upper=raw[-1][2], expected=scale_max)
        self.stars = {r[0] for r in raw}
        return tuple(
            Band(stars, lower, upper, recognised, label, is_top=(i == len(raw) - 1))
            for i, (stars, lower, upper, recognised, label, _) in enumerate(raw)
        )

    def aggregation(self, raw: Any, place: Place) -> Aggregation:
        m = self.mapping(raw, place, {"method", "decimals", "rounding"}) or {}
        method = self.text(m, "method", place) if m else AGGREGATION_METHODS[0]
        if m and method and method not in AGGREGATION_METHODS:
            self.err(
                "unknown_choice", (*place, ("field", "method")), value=method, allowed=AGGREGATION_METHODS
            )
        rounding = self.text(m, "rounding", place) if m else ROUNDINGS[0]
        if m and rounding and rounding not in ROUNDINGS:
            self.err("unknown_choice", (*place, ("field", "rounding")), value=rounding, allowed=ROUNDINGS)
        decimals = self.integer(m, "decimals", place) if m else 2
        return Aggregation(method, 2 if decimals is None else decimals, rounding)

    def certificate(self, raw: Any, place: Place) -> CertificateRule:
        m = self.mapping(raw, place, {"validity_months", "expiry_notice_days"}) or {}
        return CertificateRule(
            self.integer(m, "validity_months", place) or 0, self.integer(m, "expiry_notice_days", place) or 0
        )

    def named_list(self, m: Mapping, key: str, top: Place, kind: str) -> tuple[Named, ...]:
        out: list[Named] = []
        seen: dict[str, Place] = {}
        for item, _ in self.items(m, key, top):
            place = (*top, (kind, str(item.get("code", "?")) if isinstance(item, Mapping) else "?"))
            n = self.mapping(item, place, {"code", "name"})
            if n is None:
                continue
            code = self.code(n, "code", place)
            self.unique(seen, code, place)
            out.append(Named(code, self.text(n, "name", place)))
        return tuple(out)

    def levels(self, m: Mapping, top: Place) -> tuple[Level, ...]:
        """The duty levels in routing order, each with the kind of unit that acts at it (`unit_level`)."""
        out: list[Level] = []
        seen: dict[str, Place] = {}
        for item, _ in self.items(m, "levels", top):
            place = (*top, ("level", str(item.get("code", "?")) if isinstance(item, Mapping) else "?"))
            n = self.mapping(item, place, {"code", "name"}, {"unit_level"})
            if n is None:
                continue
            code = self.code(n, "code", place)
            self.unique(seen, code, place)
            unit_level = self.code(n, "unit_level", place) if "unit_level" in n else ""
            out.append(Level(code, self.text(n, "name", place), unit_level))
        units: dict[str, Place] = {}
        for level in out:
            self.unique(units, level.unit, (*top, ("level", level.code), ("field", "unit_level")))
        return tuple(out)

    # -- duties -----------------------------------------------------------------------------------------
    def duties(
        self,
        m: Mapping,
        top: Place,
        levels: tuple[Level, ...],
        start: date | None,
        until: date | None,
        scale_max: Decimal,
    ) -> tuple[DutyPeriod, ...]:
        order = {lv.code: i for i, lv in enumerate(levels)}
        periods: list[tuple[DutyPeriod, Place]] = []
        for item, _ in self.items(m, "duties", top):
            place = (*top, ("period", str(item.get("from", "?")) if isinstance(item, Mapping) else "?"))
            p = self.mapping(item, place, {"from", "decision", "levels"}, {"until", "note"})
            if p is None:
                continue
            p_start, p_end = self.day(p, "from", place), self.day(p, "until", place)
            if p_start and p_end and p_end < p_start:
                self.err("dates_reversed", place, start=p_start, until=p_end)
            duties: list[LevelDuty] = []
            seen: dict[str, Place] = {}
            for raw_duty, _ in self.items(p, "levels", place):
                label = str(raw_duty.get("level", "?")) if isinstance(raw_duty, Mapping) else "?"
                duty = self.level_duty(raw_duty, (*place, ("level", label)), order, scale_max, seen)
                if duty:
                    duties.append(duty)
            present = {d.level for d in duties}
            for duty in duties:
                target = duty.forwards_to
                if target and (target not in present or order.get(target, -1) <= order.get(duty.level, -1)):
                    self.err(
                        "forward_not_upward", (*place, ("level", duty.level)), level=duty.level, value=target
                    )
            if p_start:
                period = DutyPeriod(
                    p_start,
                    p_end,
                    self.text(p, "decision", place),
                    tuple(duties),
                    self.text(p, "note", place, required=False),
                )
                periods.append((period, place))
        periods.sort(key=lambda pp: pp[0].start)
        if periods and start and periods[0][0].start != start:
            self.err("first_period_start", periods[0][1], expected=start, start=periods[0][0].start)
        for (previous, _), (current, place) in zip(periods, periods[1:], strict=False):
            if previous.end is None or previous.end >= current.start:
                self.err("periods_overlap", place, start=current.start, until=previous.end or "…")
            elif previous.end + timedelta(days=1) < current.start:
                self.err("periods_gap", place, after=previous.end, before=current.start)
        for period, place in periods:
            ends_late = until is not None and (period.end is None or period.end > until)
            if (start and period.start < start) or ends_late:
                self.err(
                    "period_outside_version",
                    place,
                    start=period.start,
                    until=period.end or "…",
                    from_=start,
                    to=until or "…",
                )
        return tuple(p for p, _ in periods)

    def level_duty(
        self, raw: Any, place: Place, order: dict[str, int], scale_max: Decimal, seen: dict[str, Place]
    ) -> LevelDuty | None:
        d = self.mapping(
            raw,
            place,
            {"level", "tasks", "scores"},
            {"recognises", "caps_higher_stars", "forwards_to", "forwards_min_total", "assesses"},
        )
        if d is None:
            return None
        level = self.text(d, "level", place)
        if level and level not in order:
            self.err("unknown_level", (*place, ("field", "level")), value=level)
        self.unique(seen, level, place)
        scores = self.boolean(d, "scores", place)
        recognises: list[int] = []
        for stars, _ in self.items(d, "recognises", place):
            if isinstance(stars, bool) or not isinstance(stars, int) or stars not in self.stars:
                self.err("unknown_stars", (*place, ("field", "recognises")), stars=stars)
            else:
                recognises.append(stars)
        threshold = self.number(d, "forwards_min_total", place)
        if threshold is not None and threshold > scale_max:
            self.err(
                "threshold_out_of_range",
                (*place, ("field", "forwards_min_total")),
                value=threshold,
                maximum=scale_max,
            )
        if not scores and (recognises or threshold is not None):
            self.err("scores_without_score", place)
        forwards_to = self.text(d, "forwards_to", place, required=False) or None
        if forwards_to and forwards_to not in order:
            self.err("unknown_level", (*place, ("field", "forwards_to")), value=forwards_to)
        assesses = tuple(str(a) for a, _ in self.items(d, "assesses", place))
        return LevelDuty(
            level=level,
            tasks=self.text(d, "tasks", place),
            scores=scores,
            recognises=tuple(sorted(recognises)),
            caps_higher_stars=self.boolean(d, "caps_higher_stars", place),
            forwards_to=forwards_to,
            forwards_min_total=threshold,
            assesses=assesses,
        )

    # -- taxonomy ---------------------------------------------------------------------------------------
    def taxonomy(
        self, raw: Any, place: Place
    ) -> tuple[tuple[str, ...], tuple[TaxonNode, ...], tuple[ProductSet, ...]]:
        m = self.mapping(raw, place, {"levels", "nodes"})
        if m is None:
            return (), (), ()
        levels = tuple(str(x) for x, _ in self.items(m, "levels", place))
        nodes: list[TaxonNode] = []
        sets: list[ProductSet] = []
        node_seen: dict[str, Place] = {}
        set_seen: dict[str, Place] = {}

        def walk(items: Any, depth: int, parent: str | None, where: Place) -> None:
            if not isinstance(items, list):
                self.err("not_a_list", where)
                return
            for item in items:
                label = str(item.get("code", "?")) if isinstance(item, Mapping) else "?"
                node_place = (*place, ("node", label))
                last = depth == len(levels) - 1
                n = self.mapping(
                    item, node_place, {"code", "name"}, {"note", "product_sets" if last else "children"}
                )
                if n is None:
                    continue
                code = self.code(n, "code", node_place)
                self.unique(node_seen, code, node_place)
                nodes.append(
                    TaxonNode(
                        code,
                        self.text(n, "name", node_place),
                        depth,
                        parent,
                        self.text(n, "note", node_place, required=False),
                    )
                )
                if not last:
                    if "children" not in n:
                        self.err("taxonomy_depth", node_place, depth=depth + 1, levels=len(levels))
                    else:
                        walk(n["children"], depth + 1, code, (*node_place, ("field", "children")))
                    continue
                for raw_set, _ in self.items(n, "product_sets", node_place):
                    set_label = str(raw_set.get("code", "?")) if isinstance(raw_set, Mapping) else "?"
                    set_place = (*node_place, ("product_set", set_label))
                    s = self.mapping(raw_set, set_place, {"code", "name"}, {"ministry", "note"})
                    if s is None:
                        continue
                    set_code = self.code(s, "code", set_place)
                    self.unique(set_seen, set_code, set_place)
                    sets.append(
                        ProductSet(
                            set_code,
                            self.text(s, "name", set_place),
                            code,
                            self.text(s, "ministry", set_place, required=False),
                            self.text(s, "note", set_place, required=False),
                        )
                    )

        if not levels:
            self.err("missing_field", place, field="levels")
        else:
            walk(m.get("nodes"), 0, None, (*place, ("field", "nodes")))
        return levels, tuple(nodes), tuple(sets)

    # -- sheets -----------------------------------------------------------------------------------------
    def sheet(self, raw: Any, place: Place) -> Sheet | None:
        m = self.mapping(
            raw,
            place,
            {"product_set", "groups"},
            {"source", "sources", "doubts", "note", "gates", "requirements"},
        )
        if m is None:
            return None
        product_set = self.text(m, "product_set", place)
        if product_set and product_set not in self.product_sets:
            self.err(
                "unknown_product_set",
                (*place, ("field", "product_set")),
                value=product_set,
                version=self.version_code,
            )
        groups: list[CriterionGroup] = []
        criteria: list[Criterion] = []
        group_seen: dict[str, Place] = {}
        criterion_seen: dict[str, Place] = {}
        gate_seen: dict[str, Place] = {}
        for raw_group, _ in self.items(m, "groups", place):
            label = str(raw_group.get("code", "?")) if isinstance(raw_group, Mapping) else "?"
            g_place = (*place, ("group", label))
            g = self.mapping(raw_group, g_place, {"code", "name", "part", "criteria"})
            if g is None:
                continue
            g_code = self.code(g, "code", g_place)
            self.unique(group_seen, g_code, g_place)
            part = self.text(g, "part", g_place)
            if part and part not in self.part_max:
                self.err("unknown_part", (*g_place, ("field", "part")), value=part)
            members: list[str] = []
            for raw_criterion, _ in self.items(g, "criteria", g_place):
                c_label = str(raw_criterion.get("code", "?")) if isinstance(raw_criterion, Mapping) else "?"
                c_place = (*place, ("criterion", c_label))
                criterion = self.criterion(raw_criterion, c_place, part, g_code, gate_seen)
                if criterion is not None:
                    self.unique(criterion_seen, criterion.code, c_place)
                    criteria.append(criterion)
                    members.append(criterion.code)
            groups.append(CriterionGroup(g_code, self.text(g, "name", g_place), part, tuple(members)))
        if not criteria:
            self.err("sheet_empty", place)
        self.conditions(criteria, place)
        self.part_totals(criteria, place)
        requirements = self.requirements(m, place, criteria)
        general_gates = self.gates(m, place, "", gate_seen, kinds=(DISQUALIFY,))
        return Sheet(
            product_set=product_set,
            groups=tuple(groups),
            criteria=tuple(criteria),
            requirements=requirements,
            source=self.text(m, "source", place, required=False),
            note=self.text(m, "note", place, required=False),
            general_gates=tuple(general_gates),
            sources=tuple(str(s) for s, _ in self.items(m, "sources", place)),
            doubts=self.doubts(m, place, {c.code for c in criteria}),
        )

    def doubts(self, m: Mapping, place: Place, criteria: set[str]) -> tuple[Doubt, ...]:
        out: list[Doubt] = []
        for index, (raw, _) in enumerate(self.items(m, "doubts", place), start=1):
            d_place = (*place, ("field", f"doubts {index}"))
            if isinstance(raw, str):
                out.append(Doubt(raw.strip()))
                continue
            d = self.mapping(raw, d_place, {"text"}, {"criterion"})
            if d is None:
                continue
            criterion = self.text(d, "criterion", d_place, required=False) or None
            if criterion is not None and criterion not in criteria:
                self.err("unknown_criterion", (*d_place, ("field", "criterion")), value=criterion)
            out.append(Doubt(self.text(d, "text", d_place), criterion))
        return tuple(out)

    def gates(
        self,
        m: Mapping,
        place: Place,
        criterion: str,
        seen: dict[str, Place],
        kinds: tuple[str, ...] = GATE_KINDS,
    ) -> list[Gate]:
        """A criterion's gates, or (criterion "") the sheet's own: those can only disqualify."""
        gates: list[Gate] = []
        for raw_gate, _ in self.items(m, "gates", place):
            label = str(raw_gate.get("code", "?")) if isinstance(raw_gate, Mapping) else "?"
            gate_place = (*place, ("gate", label))
            g = self.mapping(raw_gate, gate_place, {"code", "kind", "text"})
            if g is None:
                continue
            g_code = self.code(g, "code", gate_place)
            self.unique(seen, g_code, gate_place)
            kind = self.text(g, "kind", gate_place)
            if kind and kind not in kinds:
                self.err("unknown_choice", (*gate_place, ("field", "kind")), value=kind, allowed=kinds)
            gates.append(Gate(g_code, kind, criterion, self.text(g, "text", gate_place)))
        return gates

    def criterion(
        self, raw: Any, place: Place, part: str, group: str, gate_seen: dict[str, Place]
    ) -> Criterion | None:
        c = self.mapping(
            raw,
            place,
            {"code", "name", "max"},
            {"note", "options", "alternatives", "applies_when", "bonus", "gates"},
        )
        if c is None:
            return None
        code = self.code(c, "code", place)
        maximum = self.number(c, "max", place) or Decimal(0)
        alternatives: list[Alternative] = []
        option_seen: dict[str, Place] = {}
        if "options" in c and "alternatives" in c:
            self.err("both_options_and_alternatives", place)
        if "options" in c:
            alternatives.append(Alternative("1", "", "", (), self.options(c, place, maximum, option_seen)))
        else:
            alt_seen: dict[str, Place] = {}
            for raw_alt, _ in self.items(c, "alternatives", place):
                label = str(raw_alt.get("code", "?")) if isinstance(raw_alt, Mapping) else "?"
                a_place = (*place, ("alternative", label))
                a = self.mapping(
                    raw_alt, a_place, {"code", "options"}, {"label", "applies_to", "legal_forms"}
                )
                if a is None:
                    continue
                a_code = self.code(a, "code", a_place)
                self.unique(alt_seen, a_code, a_place)
                forms = []
                for form, _ in self.items(a, "legal_forms", a_place):
                    if form not in self.legal_forms:
                        self.err("unknown_legal_form", (*a_place, ("field", "legal_forms")), value=form)
                    forms.append(str(form))
                alternatives.append(
                    Alternative(
                        a_code,
                        self.text(a, "label", a_place, required=False),
                        self.text(a, "applies_to", a_place, required=False),
                        tuple(forms),
                        self.options(a, a_place, maximum, option_seen),
                    )
                )
        options = [o for alt in alternatives for o in alt.options]
        if not options:
            self.err("criterion_no_options", place)
        elif maximum and max(o.points for o in options) < maximum:
            self.err("max_not_reached", place, maximum=maximum, best=max(o.points for o in options))
        condition = None
        if "applies_when" in c:
            w_place = (*place, ("field", "applies_when"))
            w = self.mapping(c["applies_when"], w_place, {"criterion", "min_points"})
            if w is not None:
                condition = Condition(
                    self.text(w, "criterion", w_place), self.number(w, "min_points", w_place) or Decimal(0)
                )
        gates = self.gates(c, place, code, gate_seen)
        return Criterion(
            code=code,
            name=self.text(c, "name", place),
            part=part,
            group=group,
            max_points=maximum,
            note=self.text(c, "note", place, required=False),
            alternatives=tuple(alternatives),
            applies_when=condition,
            bonus=self.boolean(c, "bonus", place),
            gates=tuple(gates),
        )

    def options(
        self, m: Mapping, place: Place, maximum: Decimal, seen: dict[str, Place]
    ) -> tuple[Option, ...]:
        out: list[Option] = []
        for raw, _ in self.items(m, "options", place):
            label = str(raw.get("code", "?")) if isinstance(raw, Mapping) else "?"
            o_place = (*place, ("option", label))
            o = self.mapping(raw, o_place, {"code", "text", "points"})
            if o is None:
                continue
            code = self.code(o, "code", o_place)
            self.unique(seen, code, o_place)
            points = self.number(o, "points", o_place)
            if points is None:
                continue
            if points > maximum:
                self.err("option_above_max", o_place, points=points, maximum=maximum)
            out.append(Option(code, self.text(o, "text", o_place), points))
        if "options" not in m:
            self.err("missing_field", place, field="options")
        return tuple(out)

    def conditions(self, criteria: list[Criterion], place: Place) -> None:
        position = {c.code: i for i, c in enumerate(criteria)}
        for i, criterion in enumerate(criteria):
            cond = criterion.applies_when
            if cond is None:
                continue
            c_place = (*place, ("criterion", criterion.code), ("field", "applies_when"))
            if cond.criterion == criterion.code:
                self.err("condition_on_itself", c_place)
            elif cond.criterion not in position:
                self.err("unknown_criterion", c_place, value=cond.criterion)
            elif position[cond.criterion] > i:
                self.err("condition_not_before", c_place, value=cond.criterion)
            else:
                target = criteria[position[cond.criterion]]
                if cond.min_points > target.max_points:
                    self.err(
                        "condition_unreachable",
                        c_place,
                        value=cond.criterion,
                        min_points=cond.min_points,
                        maximum=target.max_points,
                    )

    def part_totals(self, criteria: list[Criterion], place: Place) -> None:
        if not criteria:
            return
        for part, expected in self.part_max.items():
            total = sum((c.max_points for c in criteria if c.part == part and not c.bonus), Decimal(0))
            if total != expected:
                self.err(
                    "sheet_part_total", (*place, ("part", part)), part=part, total=total, expected=expected
                )

    def requirements(self, m: Mapping, place: Place, criteria: list[Criterion]) -> tuple[Requirement, ...]:
        """Mandatory criteria per star. `option` names the least option that satisfies the requirement (the
        sheet's star mark); its points become `min_points`. One requirement per star and target: of several
        options marked with the same star, the file keeps the lowest (docs/rubrics.md, the reading applied)."""
        by_code = {c.code: c for c in criteria}
        out: list[Requirement] = []
        seen: dict[tuple[int, str, str], Place] = {}
        for index, (raw, _) in enumerate(self.items(m, "requirements", place), start=1):
            r_place = (*place, ("requirement", str(index)))
            r = self.mapping(raw, r_place, {"stars"}, {"min_points", "criterion", "part", "option", "text"})
            if r is None:
                continue
            stars = self.integer(r, "stars", r_place)
            if stars is not None and stars not in self.stars:
                self.err("unknown_stars", (*r_place, ("field", "stars")), stars=stars)
            minimum = self.number(r, "min_points", r_place)
            criterion = self.text(r, "criterion", r_place, required=False) or None
            part = self.text(r, "part", r_place, required=False) or None
            option_code = self.text(r, "option", r_place, required=False) or None
            text = self.text(r, "text", r_place, required=False)
            if (criterion is None) == (part is None):
                self.err("requirement_target", r_place)
                continue
            if option_code is None and minimum is None:
                self.err("requirement_no_minimum", r_place)
                continue
            if criterion is not None:
                if criterion not in by_code:
                    self.err("unknown_criterion", (*r_place, ("field", "criterion")), value=criterion)
                    continue
                target = by_code[criterion]
                ceiling = target.max_points
                if option_code is not None:
                    option = target.option(option_code)
                    if option is None:
                        self.err(
                            "unknown_option",
                            (*r_place, ("field", "option")),
                            criterion=criterion,
                            value=option_code,
                        )
                        continue
                    if minimum is not None and minimum != option.points:
                        self.err(
                            "requirement_option_points",
                            r_place,
                            min_points=minimum,
                            option=option_code,
                            points=option.points,
                        )
                    minimum = option.points
                    text = text or f"{target.code} {target.name}: «{option.text}»"
                text = text or f"{target.code} {target.name}"
            else:
                if option_code is not None:
                    self.err("requirement_option_on_part", (*r_place, ("field", "option")))
                    continue
                if part not in self.part_max:
                    self.err("unknown_part", (*r_place, ("field", "part")), value=part)
                    continue
                ceiling = self.part_max[part]
            assert minimum is not None
            if minimum > ceiling:
                self.err("requirement_unreachable", r_place, min_points=minimum, maximum=ceiling)
            key = (stars or 0, "criterion" if criterion else "part", criterion or part or "")
            if key in seen:
                first = " › ".join(f"{k} {v}" for k, v in seen[key])
                self.err("requirement_duplicate", r_place, stars=stars, value=key[2], first=first)
                continue
            seen[key] = r_place
            out.append(Requirement(stars or 0, minimum, criterion, part, text, option_code))
        self.requirement_order(out, place)
        return tuple(out)

    def requirement_order(self, requirements: list[Requirement], place: Place) -> None:
        """A higher star asking less than a lower one on the same target adds nothing (a higher star also needs
        what a lower one needs): most likely a typing slip, so it is shown, but the file still loads."""
        for higher in requirements:
            for lower in requirements:
                same_target = (higher.criterion, higher.part) == (lower.criterion, lower.part)
                if same_target and lower.stars < higher.stars and higher.min_points < lower.min_points:
                    self.issues.append(
                        Issue(
                            "requirement_below_lower_star",
                            (*place, ("requirement", f"{higher.stars}★ {higher.criterion or higher.part}")),
                            {
                                "stars": higher.stars,
                                "min_points": higher.min_points,
                                "lower_stars": lower.stars,
                                "lower_min": lower.min_points,
                            },
                            severity="warning",
                        )
                    )
