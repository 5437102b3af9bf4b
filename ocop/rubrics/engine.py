"""The scoring engine: plain Python over a loaded `RubricVersion`, no web or database code.

- `score_sheet`: one council member's choices → part scores, total, band, gates fired, unmet mandatory
  criteria and the highest star the sheet allows (`eligible_stars`).
- `aggregate`: several members' sheets → the council's score (mean of totals, rounded as the version says)
  and the spread of points per criterion.
- `band_for_total` / `classify_total`: a total alone (legacy records kept only the score) → its band.
- `recognise`: what a level may recognise on a date, read from the version's duty table, and where the
  product goes next.

Every rule comes from the version's data; no version code or level name is tested here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from .issues import Issue, ScoringError
from .schema import STOP, Band, Criterion, DutyPeriod, Gate, Requirement, RubricVersion, Sheet

SCORED = "scored"
NOT_APPLICABLE = (
    "not_applicable"  # its condition does not hold (e.g. no product story): 0 points, no answer needed
)
SKIPPED = "skipped"  # after a "stop scoring" gate fired: not scored
UNANSWERED = "unanswered"  # only in drafts scored with complete=False


@dataclass(frozen=True)
class CriterionResult:
    code: str
    part: str
    status: str
    points: Decimal
    option: str | None = None
    alternative: str | None = None


@dataclass(frozen=True)
class UnmetRequirement:
    """A mandatory criterion of the band's star or a lower one that the product misses: what held it back.

    `gain` is what the total gains when the criterion (or part) reaches the requirement, and `stars_if_met`
    the star the product could then be recognised at, everything else unchanged (None: still none).
    """

    requirement: Requirement
    actual: Decimal
    gain: Decimal = Decimal(0)
    stars_if_met: int | None = None


@dataclass(frozen=True)
class NextStar:
    stars: int
    points_needed: Decimal


@dataclass(frozen=True)
class SheetScore:
    """One member's sheet, scored."""

    version: str
    product_set: str
    legal_form: str | None
    criteria: tuple[CriterionResult, ...]
    parts: Mapping[str, Decimal]
    total: Decimal
    band: Band
    gates_fired: tuple[Gate, ...]
    unmet: tuple[UnmetRequirement, ...]
    eligible_stars: int | None
    next_star: NextStar | None

    @property
    def stars(self) -> int:
        return self.band.stars

    @property
    def recognisable(self) -> bool:
        return self.eligible_stars is not None

    @property
    def choices(self) -> dict[str, str]:
        return {r.code: r.option for r in self.criteria if r.option is not None}

    def result(self, code: str) -> CriterionResult | None:
        return next((r for r in self.criteria if r.code == code), None)


@dataclass(frozen=True)
class CriterionSpread:
    code: str
    points: tuple[Decimal, ...]
    low: Decimal
    high: Decimal
    mean: Decimal

    @property
    def spread(self) -> Decimal:
        return self.high - self.low


@dataclass(frozen=True)
class CouncilScore:
    """The council's result (*điểm trung bình của hội đồng*): the rounded mean of the members' totals."""

    version: str
    product_set: str
    member_totals: tuple[Decimal, ...]
    total: Decimal
    parts: Mapping[str, Decimal]
    band: Band
    gates_fired: tuple[tuple[Gate, int], ...]
    unmet: tuple[UnmetRequirement, ...]
    eligible_stars: int | None
    next_star: NextStar | None
    spread: tuple[CriterionSpread, ...]

    @property
    def stars(self) -> int:
        return self.band.stars

    @property
    def recognisable(self) -> bool:
        return self.eligible_stars is not None


@dataclass(frozen=True)
class TotalClassification:
    total: Decimal
    band: Band
    next_star: NextStar | None

    @property
    def stars(self) -> int:
        return self.band.stars

    @property
    def recognisable(self) -> bool:
        return self.band.recognised


@dataclass(frozen=True)
class Recognition:
    """What `level` may do with the product on `on`, under the duty period in force then."""

    level: str
    on: date
    period: DutyPeriod
    recognised_stars: int | None
    forward_to: str | None
    # The star the next level is asked to consider (e.g. 5 for a province's "tiềm năng 5 sao"), or None.
    proposed_stars: int | None


def to_decimal(value: object, *, place: str = "total") -> Decimal:
    """Numbers from JSON or forms as exact decimals; floats go through their shortest text (89.99 stays 89.99)."""
    if isinstance(value, bool):
        raise ScoringError([Issue("not_number", (("field", place),), {"value": value})])
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ScoringError([Issue("not_number", (("field", place),), {"value": value})]) from exc
    if not number.is_finite():
        raise ScoringError([Issue("not_number", (("field", place),), {"value": value})])
    return number


def band_for_total(version: RubricVersion, total: object) -> Band:
    """The star band of a total; totals outside 0–scale_max are refused."""
    number = to_decimal(total)
    if number < 0 or number > version.scale_max:
        raise ScoringError(
            [
                Issue(
                    "total_out_of_range",
                    (("field", "total"),),
                    {"value": number, "maximum": version.scale_max},
                )
            ]
        )
    return next(b for b in version.bands if b.contains(number))


def next_star_for(version: RubricVersion, total: Decimal, band: Band) -> NextStar | None:
    higher = [b for b in version.bands if b.stars > band.stars]
    if not higher:
        return None
    target = min(higher, key=lambda b: b.stars)
    return NextStar(target.stars, target.lower - total)


def classify_total(version: RubricVersion, total: object) -> TotalClassification:
    number = to_decimal(total)
    band = band_for_total(version, number)
    return TotalClassification(number, band, next_star_for(version, number, band))


def sheet_for(version: RubricVersion, product_set: str) -> Sheet:
    if version.product_set(product_set) is None:
        raise ScoringError(
            [
                Issue(
                    "unknown_product_set",
                    (("field", "product_set"),),
                    {"value": product_set, "version": version.code},
                )
            ]
        )
    sheet = version.sheet(product_set)
    if sheet is None:
        raise ScoringError(
            [
                Issue(
                    "sheet_not_loaded",
                    (("field", "product_set"),),
                    {"value": product_set, "version": version.code},
                )
            ]
        )
    return sheet


def score_sheet(
    version: RubricVersion,
    product_set: str,
    answers: Mapping[str, str],
    *,
    gates: Iterable[str] = (),
    legal_form: str | None = None,
    complete: bool = True,
) -> SheetScore:
    """Score one member's sheet.

    `answers` maps criterion code → option code. `gates` lists the codes of the gates the member found to hold
    ("bị loại nếu…", "không đánh giá tiếp nếu…"). `legal_form` restricts alternative option sets that depend on
    it. With `complete=False` (a draft) a missing answer scores 0 instead of being an error.
    Raises `ScoringError` listing every problem (unknown criterion, option or gate, missing answers…).
    """
    sheet = sheet_for(version, product_set)
    answers = {str(k): str(v) for k, v in answers.items()}
    fired_codes = [str(g) for g in gates]
    issues: list[Issue] = []
    for code in answers:
        if sheet.criterion(code) is None:
            issues.append(Issue("unknown_criterion", (("criterion", code),), {"value": code}))
    for code in fired_codes:
        if sheet.gate(code) is None:
            issues.append(Issue("unknown_gate", (("gate", code),), {"value": code}))
    if legal_form is not None and legal_form not in {f.code for f in version.legal_forms}:
        issues.append(Issue("unknown_legal_form", (("field", "legal_form"),), {"value": legal_form}))
        legal_form = None

    results: list[CriterionResult] = []
    points_by_code: dict[str, Decimal] = {}
    fired: list[Gate] = [g for g in sheet.general_gates if g.code in fired_codes]
    stopped = False
    for criterion in sheet.criteria:
        result = _score_criterion(criterion, answers, points_by_code, legal_form, stopped, complete, issues)
        results.append(result)
        points_by_code[criterion.code] = result.points
        if result.status == SKIPPED:
            continue
        for gate in criterion.gates:
            if gate.code in fired_codes:
                fired.append(gate)
                stopped = stopped or gate.kind == STOP
    if issues:
        raise ScoringError(issues)

    parts = _part_scores(version, sheet, results)
    total = sum(parts.values(), Decimal(0))
    band = band_for_total(version, total)
    eligible, unmet = _requirements_check(version, sheet, points_by_code, parts, total, gated=bool(fired))
    return SheetScore(
        version=version.code,
        product_set=product_set,
        legal_form=legal_form,
        criteria=tuple(results),
        parts=parts,
        total=total,
        band=band,
        gates_fired=tuple(fired),
        unmet=unmet,
        eligible_stars=eligible,
        next_star=None if fired else next_star_for(version, total, band),
    )


def _score_criterion(
    criterion: Criterion,
    answers: Mapping[str, str],
    points_so_far: Mapping[str, Decimal],
    legal_form: str | None,
    stopped: bool,
    complete: bool,
    issues: list[Issue],
) -> CriterionResult:
    zero = Decimal(0)
    if stopped:
        return CriterionResult(criterion.code, criterion.part, SKIPPED, zero)
    condition = criterion.applies_when
    if condition is not None and points_so_far.get(condition.criterion, zero) < condition.min_points:
        return CriterionResult(criterion.code, criterion.part, NOT_APPLICABLE, zero)
    chosen = answers.get(criterion.code)
    place = (("criterion", criterion.code),)
    if chosen is None:
        if complete:
            issues.append(Issue("missing_answer", place, {"value": criterion.code}))
        return CriterionResult(criterion.code, criterion.part, UNANSWERED, zero)
    option = criterion.option(chosen)
    alternative = criterion.alternative_of(chosen)
    if option is None or alternative is None:
        issues.append(
            Issue(
                "unknown_option", (*place, ("option", chosen)), {"criterion": criterion.code, "value": chosen}
            )
        )
        return CriterionResult(criterion.code, criterion.part, UNANSWERED, zero)
    if not alternative.allows(legal_form):
        issues.append(
            Issue(
                "option_not_for_legal_form",
                (*place, ("option", chosen)),
                {"criterion": criterion.code, "value": chosen, "legal_form": legal_form},
            )
        )
    return CriterionResult(
        criterion.code, criterion.part, SCORED, option.points, option.code, alternative.code
    )


def _part_scores(
    version: RubricVersion, sheet: Sheet, results: Sequence[CriterionResult]
) -> dict[str, Decimal]:
    """Sum per part; bonus points count but a part never exceeds its maximum, so totals stay within the scale."""
    parts = {p.code: Decimal(0) for p in version.parts}
    for result in results:
        parts[result.part] = parts.get(result.part, Decimal(0)) + result.points
    for part in version.parts:
        has_bonus = any(c.bonus for c in sheet.criteria if c.part == part.code)
        if has_bonus:
            parts[part.code] = min(parts[part.code], part.max_points)
    return parts


def _missing(
    sheet: Sheet, criterion_points: Mapping[str, Decimal], parts: Mapping[str, Decimal]
) -> list[tuple[Requirement, Decimal]]:
    missing = []
    for requirement in sheet.requirements:
        if requirement.criterion is not None:
            actual = criterion_points.get(requirement.criterion, Decimal(0))
        else:
            actual = parts.get(requirement.part or "", Decimal(0))
        if actual < requirement.min_points:
            missing.append((requirement, actual))
    return missing


def _requirements_check(
    version: RubricVersion,
    sheet: Sheet,
    criterion_points: Mapping[str, Decimal],
    parts: Mapping[str, Decimal],
    total: Decimal,
    *,
    gated: bool,
) -> tuple[int | None, tuple[UnmetRequirement, ...]]:
    """The eligible star, and the missed requirements that held the product back, each with what reaching it
    alone would give. Requirements of stars above the band do not hold it back (the path to the next star in
    `advice` takes them into account)."""
    band = band_for_total(version, total)
    missing = _missing(sheet, criterion_points, parts)
    eligible = _eligible_stars(version, band, gated=gated, unmet=[r for r, _ in missing])
    held: list[UnmetRequirement] = []
    for requirement, actual in missing:
        if requirement.stars > band.stars:
            continue
        gain = requirement.min_points - actual
        points, new_parts = dict(criterion_points), dict(parts)
        if requirement.criterion is not None:
            points[requirement.criterion] = requirement.min_points
            criterion = sheet.criterion(requirement.criterion)
            part_code = criterion.part if criterion else ""
        else:
            part_code = requirement.part or ""
        part = version.part(part_code)
        if part is not None:
            new_parts[part_code] = min(parts.get(part_code, Decimal(0)) + gain, part.max_points)
        new_total = min(
            version.scale_max, total + new_parts.get(part_code, Decimal(0)) - parts.get(part_code, 0)
        )
        still = [r for r, _ in _missing(sheet, points, new_parts)]
        stars = _eligible_stars(version, band_for_total(version, new_total), gated=gated, unmet=still)
        held.append(UnmetRequirement(requirement, actual, gain, stars))
    return eligible, tuple(held)


def _eligible_stars(
    version: RubricVersion, band: Band, *, gated: bool, unmet: Sequence[Requirement]
) -> int | None:
    """The highest recognised star at or below the band whose mandatory criteria (of that star and below) hold.

    A gate always wins over points: a fired gate leaves nothing to recognise.
    """
    if gated:
        return None
    for candidate in sorted(
        (b for b in version.bands if b.stars <= band.stars and b.recognised), key=lambda b: -b.stars
    ):
        if not any(r.stars <= candidate.stars for r in unmet):
            return candidate.stars
    return None


def _rounding(version: RubricVersion) -> str:
    return ROUND_HALF_EVEN if version.aggregation.rounding == "half_even" else ROUND_HALF_UP


def round_score(version: RubricVersion, value: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-version.aggregation.decimals), rounding=_rounding(version))


def aggregate(version: RubricVersion, sheets: Sequence[SheetScore]) -> CouncilScore:
    """The council's score from its members' sheets (*tổng điểm trung bình*).

    Total: mean of member totals, rounded as `version.aggregation` says (two decimals, half up), and the band
    is read from the rounded total. A gate counts when any member found it (it records a fact such as a
    non-compliant food-safety certificate, not an opinion); the count of members is kept. Mandatory criteria
    are checked against the mean of the members' points on that criterion or part.
    """
    if not sheets:
        raise ScoringError([Issue("no_member_sheets")])
    if len({(s.version, s.product_set) for s in sheets}) != 1 or sheets[0].version != version.code:
        raise ScoringError([Issue("mixed_sheets")])
    count = Decimal(len(sheets))
    totals = tuple(s.total for s in sheets)
    total = round_score(version, sum(totals, Decimal(0)) / count)
    parts = {
        code: round_score(version, sum((s.parts[code] for s in sheets), Decimal(0)) / count)
        for code in sheets[0].parts
    }
    band = band_for_total(version, total)

    gate_counts: dict[str, tuple[Gate, int]] = {}
    for sheet in sheets:
        for gate in sheet.gates_fired:
            previous = gate_counts.get(gate.code, (gate, 0))[1]
            gate_counts[gate.code] = (gate, previous + 1)

    spread = []
    mean_points: dict[str, Decimal] = {}
    for result in sheets[0].criteria:
        points = tuple((s.result(result.code) or result).points for s in sheets)
        mean = round_score(version, sum(points, Decimal(0)) / count)
        mean_points[result.code] = mean
        spread.append(CriterionSpread(result.code, points, min(points), max(points), mean))

    product_sheet = sheet_for(version, sheets[0].product_set)
    gated = bool(gate_counts)
    eligible, unmet = _requirements_check(version, product_sheet, mean_points, parts, total, gated=gated)
    return CouncilScore(
        version=version.code,
        product_set=sheets[0].product_set,
        member_totals=totals,
        total=total,
        parts=parts,
        band=band,
        gates_fired=tuple(gate_counts.values()),
        unmet=unmet,
        eligible_stars=eligible,
        next_star=None if gated else next_star_for(version, total, band),
        spread=tuple(spread),
    )


def duty_period_on(version: RubricVersion, on: date) -> DutyPeriod:
    if on < version.effective_from:
        raise ScoringError(
            [
                Issue(
                    "date_before_version",
                    (("field", "date"),),
                    {"value": on, "start": version.effective_from, "version": version.code},
                )
            ]
        )
    period = next((p for p in version.duties if p.covers(on)), None)
    if period is None:
        raise ScoringError(
            [Issue("date_without_duties", (("field", "date"),), {"value": on, "version": version.code})]
        )
    return period


def recognise(
    version: RubricVersion,
    *,
    total: object,
    eligible_stars: int | None,
    level: str,
    on: date,
) -> Recognition:
    """What `level` may recognise on `on` for a product with this total, and where it goes next.

    Read from the duty period in force: a level recognises the eligible star when it is one of its own; a
    level marked `caps_higher_stars` recognises a higher product at its own highest star and forwards it
    (a province gives 4★ to a ≥ 90 product and proposes it to the centre as a 5★ candidate). A level forwards
    a product whose total reaches its threshold and whose eligible star reaches that threshold's band; a level
    that does not score (the commune) forwards every dossier it checked.
    """
    number = to_decimal(total)
    band_for_total(version, number)
    if level not in {lv.code for lv in version.levels}:
        raise ScoringError([Issue("unknown_level", (("field", "level"),), {"value": level})])
    period = duty_period_on(version, on)
    duty = period.duty(level)
    if duty is None:
        raise ScoringError(
            [
                Issue(
                    "level_not_in_period",
                    (("field", "level"),),
                    {"value": level, "start": period.start, "until": period.end or "…"},
                )
            ]
        )
    if not duty.scores:
        return Recognition(level, on, period, None, duty.forwards_to, None)

    recognised: int | None = None
    if eligible_stars is not None and duty.recognises:
        if eligible_stars in duty.recognises:
            recognised = eligible_stars
        elif duty.caps_higher_stars and eligible_stars > max(duty.recognises):
            recognised = max(duty.recognises)

    forward_to: str | None = None
    if duty.forwards_to and eligible_stars is not None:
        threshold = duty.forwards_min_total
        if (
            threshold is None
            or number >= threshold
            and eligible_stars >= band_for_total(version, threshold).stars
        ):
            forward_to = duty.forwards_to
    proposed = None
    if forward_to and eligible_stars is not None and (recognised is None or eligible_stars > recognised):
        proposed = eligible_stars
    return Recognition(level, on, period, recognised, forward_to, proposed)
