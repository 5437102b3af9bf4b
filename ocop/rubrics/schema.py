"""The rubric version as frozen objects: what the loader builds and the engine reads.

Nothing here knows about files, Django or a particular decision: every number and rule comes from the data.
Points are `Decimal` so that council means and band edges (89.99 vs 90) compare exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ocop.core.dates import add_months

DISQUALIFY = "disqualify"  # bị loại nếu…: the product is out, whatever its points
STOP = (
    "stop"  # không đánh giá các bước tiếp theo nếu…: later criteria are not scored, the product does not pass
)
GATE_KINDS = (DISQUALIFY, STOP)


@dataclass(frozen=True)
class Option:
    code: str
    text: str
    points: Decimal


@dataclass(frozen=True)
class Alternative:
    """One option set of a criterion (*trường hợp*); `legal_forms` empty means anyone may use it."""

    code: str
    label: str
    applies_to: str
    legal_forms: tuple[str, ...]
    options: tuple[Option, ...]

    @property
    def max_points(self) -> Decimal:
        return max((o.points for o in self.options), default=Decimal(0))

    def allows(self, legal_form: str | None) -> bool:
        return legal_form is None or not self.legal_forms or legal_form in self.legal_forms


@dataclass(frozen=True)
class Condition:
    """The criterion counts only when `criterion` scored at least `min_points` (*chỉ áp dụng khi…*)."""

    criterion: str
    min_points: Decimal


@dataclass(frozen=True)
class Gate:
    code: str
    kind: str
    criterion: str
    text: str


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    part: str
    group: str
    max_points: Decimal
    note: str
    alternatives: tuple[Alternative, ...]
    applies_when: Condition | None = None
    bonus: bool = False
    gates: tuple[Gate, ...] = ()

    @property
    def options(self) -> tuple[Option, ...]:
        return tuple(o for alt in self.alternatives for o in alt.options)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    def alternative_of(self, option_code: str) -> Alternative | None:
        return next((a for a in self.alternatives if any(o.code == option_code for o in a.options)), None)


@dataclass(frozen=True)
class CriterionGroup:
    code: str
    name: str
    part: str
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class Requirement:
    """Mandatory for `stars` and above (*tiêu chí bắt buộc*): a criterion's or a part's minimum points.

    `option` is the least option of the criterion that satisfies it (the sheet's star mark); its points are
    `min_points`, so a better option of the criterion satisfies it too.
    """

    stars: int
    min_points: Decimal
    criterion: str | None = None
    part: str | None = None
    text: str = ""
    option: str | None = None


@dataclass(frozen=True)
class Doubt:
    """Where the sheet's source is uncertain (a truncated text, a missing option…), kept as found and shown."""

    text: str
    criterion: str | None = None


@dataclass(frozen=True)
class Sheet:
    """The scoring sheet (*phiếu đánh giá*) of one product set; criteria in the order they are scored."""

    product_set: str
    groups: tuple[CriterionGroup, ...]
    criteria: tuple[Criterion, ...]
    requirements: tuple[Requirement, ...] = ()
    source: str = ""
    note: str = ""
    # Gates of the whole sheet (*Bị loại khi…*), not written under one criterion; their `criterion` is "".
    general_gates: tuple[Gate, ...] = ()
    sources: tuple[str, ...] = ()
    doubts: tuple[Doubt, ...] = ()
    _by_code: MappingProxyType[str, Criterion] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", MappingProxyType({c.code: c for c in self.criteria}))

    def criterion(self, code: str) -> Criterion | None:
        return self._by_code.get(code)

    @property
    def gates(self) -> tuple[Gate, ...]:
        return (*self.general_gates, *(g for c in self.criteria for g in c.gates))

    def requirements_of(self, criterion_code: str) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.criterion == criterion_code)

    def doubts_of(self, criterion_code: str) -> tuple[Doubt, ...]:
        return tuple(d for d in self.doubts if d.criterion == criterion_code)

    def gate(self, code: str) -> Gate | None:
        return next((g for g in self.gates if g.code == code), None)

    def position(self, criterion_code: str) -> int:
        return next(i for i, c in enumerate(self.criteria) if c.code == criterion_code)


@dataclass(frozen=True)
class Part:
    code: str
    name: str
    max_points: Decimal


@dataclass(frozen=True)
class Band:
    """Half-open [lower, upper); the top band also holds `upper` itself (a perfect 100)."""

    stars: int
    lower: Decimal
    upper: Decimal
    recognised: bool
    label: str
    is_top: bool = False

    def contains(self, total: Decimal) -> bool:
        return self.lower <= total < self.upper or (self.is_top and total == self.upper)


@dataclass(frozen=True)
class LevelDuty:
    """What one level does in one period: score, recognise which stars, forward where from which total."""

    level: str
    tasks: str
    scores: bool
    recognises: tuple[int, ...] = ()
    caps_higher_stars: bool = False
    forwards_to: str | None = None
    forwards_min_total: Decimal | None = None
    assesses: tuple[str, ...] = ()


@dataclass(frozen=True)
class DutyPeriod:
    start: date
    end: date | None
    decision: str
    levels: tuple[LevelDuty, ...]
    note: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def duty(self, level: str) -> LevelDuty | None:
        return next((d for d in self.levels if d.level == level), None)


@dataclass(frozen=True)
class Named:
    code: str
    name: str


@dataclass(frozen=True)
class Level:
    """A level of the duty table (*cấp*) and the kind of administrative unit that acts at it (`unit_level`,
    a `geo` level: `central` is the country). Absent from the file, the unit level is the level's own code."""

    code: str
    name: str
    unit_level: str = ""

    @property
    def unit(self) -> str:
        return self.unit_level or self.code


@dataclass(frozen=True)
class Decision:
    number: str
    date: date
    title: str = ""


@dataclass(frozen=True)
class TaxonNode:
    """A group or sub-group of the product taxonomy (*ngành/nhóm/phân nhóm*)."""

    code: str
    name: str
    depth: int
    parent: str | None
    note: str = ""


@dataclass(frozen=True)
class ProductSet:
    """A product set (*bộ sản phẩm*): the unit that has its own scoring sheet."""

    code: str
    name: str
    node: str
    ministry: str = ""
    note: str = ""


@dataclass(frozen=True)
class Aggregation:
    method: str
    decimals: int
    rounding: str


@dataclass(frozen=True)
class CertificateRule:
    validity_months: int
    expiry_notice_days: int

    def valid_until(self, decision_date: date) -> date:
        """The last day a certificate of a decision of `decision_date` is valid: `validity_months` later, less
        a day (36 months: a decision of 10/07/2025 gives certificates valid through 09/07/2028)."""
        return add_months(decision_date, self.validity_months) - timedelta(days=1)


@dataclass(frozen=True)
class RubricVersion:
    code: str
    title: str
    decision: Decision
    amended_by: tuple[Decision, ...]
    effective_from: date
    effective_until: date | None
    sources: tuple[str, ...]
    scale_max: Decimal
    parts: tuple[Part, ...]
    bands: tuple[Band, ...]
    aggregation: Aggregation
    certificate: CertificateRule
    legal_forms: tuple[Named, ...]
    levels: tuple[Level, ...]
    duties: tuple[DutyPeriod, ...]
    taxonomy_levels: tuple[str, ...]
    nodes: tuple[TaxonNode, ...]
    product_sets: tuple[ProductSet, ...]
    sheets: MappingProxyType[str, Sheet]
    fingerprint: str
    data: MappingProxyType[str, Any] = field(
        repr=False, compare=False, default_factory=lambda: MappingProxyType({})
    )

    def __repr__(self) -> str:
        return f"RubricVersion(code={self.code!r}, fingerprint={self.fingerprint[:12]!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis and IPython print it short too
        printer.text(repr(self))

    def product_set(self, code: str) -> ProductSet | None:
        return next((p for p in self.product_sets if p.code == code), None)

    def sheet(self, product_set: str) -> Sheet | None:
        return self.sheets.get(product_set)

    def part(self, code: str) -> Part | None:
        return next((p for p in self.parts if p.code == code), None)

    def band_by_stars(self, stars: int) -> Band | None:
        return next((b for b in self.bands if b.stars == stars), None)

    @property
    def lowest_recognised_stars(self) -> int | None:
        return min((b.stars for b in self.bands if b.recognised), default=None)

    @property
    def recognised_stars(self) -> frozenset[int]:
        """The stars a certificate may carry under this version (the bands marked `recognised`)."""
        return frozenset(b.stars for b in self.bands if b.recognised)

    def level(self, code: str) -> Level | None:
        return next((lv for lv in self.levels if lv.code == code), None)

    def unit_level(self, level: str) -> str | None:
        """The kind of administrative unit that acts at duty level `level` (`central` → `country`)."""
        found = self.level(level)
        return found.unit if found is not None else None

    def level_of_unit(self, unit_level: str) -> str | None:
        """The duty level a unit of this kind acts at (`country` → `central`), None when none does."""
        return next((lv.code for lv in self.levels if lv.unit == unit_level), None)

    def level_order(self, level: str) -> int:
        return next((i for i, lv in enumerate(self.levels) if lv.code == level), -1)
