"""What held a product back: where it lost points, and the fewest improvements that reach the next star.

`held_back(version, score)` looks at one scored sheet and returns

- `shortfalls`: every criterion where points were lost, ordered by what the next option up would add (the
  quickest wins first), with the reason when the criterion could not score at all (its condition did not hold,
  or a "stop scoring" gate fired before it);
- `path`: the smallest set of improvements that reaches the next star, or None when a gate blocks the way or
  no set of improvements can reach it.

How the smallest set is found. Improving a criterion means choosing a better option in the option set it was
scored with (changing legal form is not an improvement). A criterion and the criteria that apply only when it
scores enough (e.g. 5.2 and 5.3 need a product story, 5.1) form one *cluster*: each cluster has a handful of
configurations (every combination of current-or-better options, dependants counting only when their
condition holds). Choosing one configuration per cluster is a multiple-choice knapsack. A dynamic programme
over "points gained so far" (in the sheet's smallest point unit, capped at the points needed) keeps, for each
amount, the configuration set with the fewest changed criteria and, among those, the fewest points gained
(the smallest effort that still reaches the band). Mandatory criteria of the target star are constraints: a
configuration that leaves one below its minimum is not allowed. A part with bonus items (capped at its
maximum) or with a minimum for the target star gets its own counter in the state, so caps and part minimums
are exact too. With about thirty criteria, a few options each and at most a few hundred point units, this
takes milliseconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .engine import NOT_APPLICABLE, SKIPPED, SheetScore, UnmetRequirement
from .schema import Alternative, Criterion, Gate, Option, RubricVersion, Sheet

_State = tuple[int, ...]  # gain per tracked part, then every other gain
_MAX_CONFIGURATIONS = 20_000  # per cluster; far above any real sheet (the story cluster has 48)


@dataclass(frozen=True)
class Shortfall:
    criterion: Criterion
    current: Option | None
    points: Decimal
    best_points: Decimal
    next_option: Option | None
    blocked_by: str | None = None  # the criterion whose condition failed, or the gate that stopped scoring

    @property
    def lost(self) -> Decimal:
        return self.best_points - self.points

    @property
    def next_gain(self) -> Decimal:
        return self.next_option.points - self.points if self.next_option else Decimal(0)


@dataclass(frozen=True)
class Improvement:
    criterion: Criterion
    current: Option | None
    target: Option
    gain: Decimal


@dataclass(frozen=True)
class PathToStar:
    stars: int
    points_needed: Decimal
    improvements: tuple[Improvement, ...]

    @property
    def gain(self) -> Decimal:
        return sum((i.gain for i in self.improvements), Decimal(0))


@dataclass(frozen=True)
class HeldBack:
    shortfalls: tuple[Shortfall, ...]
    gates: tuple[Gate, ...]
    unmet: tuple[UnmetRequirement, ...]
    target_stars: int | None
    path: PathToStar | None


def held_back(version: RubricVersion, score: SheetScore) -> HeldBack:
    sheet = version.sheet(score.product_set)
    assert sheet is not None, "a scored sheet always has its sheet"
    shortfalls = _shortfalls(sheet, score)
    target = _target_stars(version, score)
    path = None
    if target is not None and not score.gates_fired:
        path = _path_to(version, sheet, score, target)
    return HeldBack(shortfalls, score.gates_fired, score.unmet, target, path)


def _usable_alternative(criterion: Criterion, score: SheetScore) -> Alternative:
    result = score.result(criterion.code)
    if result is not None and result.alternative is not None:
        return next(a for a in criterion.alternatives if a.code == result.alternative)
    allowed = [a for a in criterion.alternatives if a.allows(score.legal_form)] or list(
        criterion.alternatives
    )
    return max(allowed, key=lambda a: a.max_points)


def _shortfalls(sheet: Sheet, score: SheetScore) -> tuple[Shortfall, ...]:
    stop_gate = next((g.code for g in score.gates_fired if g.kind == "stop"), None)
    found: list[tuple[int, Shortfall]] = []
    for position, criterion in enumerate(sheet.criteria):
        result = score.result(criterion.code)
        if result is None:
            continue
        alternative = _usable_alternative(criterion, score)
        current = criterion.option(result.option) if result.option else None
        better = sorted((o for o in alternative.options if o.points > result.points), key=lambda o: o.points)
        if not better:
            continue
        blocked = None
        if result.status == NOT_APPLICABLE and criterion.applies_when:
            blocked = criterion.applies_when.criterion
        elif result.status == SKIPPED:
            blocked = stop_gate
        found.append(
            (
                position,
                Shortfall(criterion, current, result.points, alternative.max_points, better[0], blocked),
            )
        )
    found.sort(key=lambda item: (-item[1].next_gain, -item[1].lost, item[0]))
    return tuple(s for _, s in found)


def _target_stars(version: RubricVersion, score: SheetScore) -> int | None:
    lowest = version.lowest_recognised_stars
    if score.eligible_stars is not None:
        current = score.eligible_stars
    elif lowest is not None:
        current = min(score.band.stars, lowest - 1)
    else:
        current = score.band.stars
    higher = sorted(b.stars for b in version.bands if b.stars > current)
    return higher[0] if higher else None


def _clusters(sheet: Sheet) -> list[list[Criterion]]:
    """Each criterion with the criteria that depend on it (transitively), in sheet order."""
    root_of: dict[str, str] = {}
    for criterion in sheet.criteria:
        cond = criterion.applies_when
        root_of[criterion.code] = root_of.get(cond.criterion, cond.criterion) if cond else criterion.code
    clusters: dict[str, list[Criterion]] = {}
    for criterion in sheet.criteria:
        clusters.setdefault(root_of[criterion.code], []).append(criterion)
    return list(clusters.values())


def _path_to(version: RubricVersion, sheet: Sheet, score: SheetScore, target: int) -> PathToStar | None:
    band = version.band_by_stars(target)
    if band is None:
        return None
    needed = max(Decimal(0), band.lower - score.total)
    forced = {
        r.criterion: max(r.min_points, _forced_so_far(sheet, r.criterion, target))
        for r in sheet.requirements
        if r.stars <= target and r.criterion is not None
    }
    unit = _point_unit(sheet, score.total, band.lower)

    def units(value: Decimal) -> int:
        return int((value / unit).to_integral_value(rounding="ROUND_CEILING"))

    goal = units(needed)
    # Parts tracked on their own: a part with bonus items is capped at its maximum (gains above it are lost),
    # and a part with a minimum for the target star must reach it. Every other gain goes to one counter.
    raw_parts = {
        p.code: sum((_old_points(score, c.code) for c in sheet.criteria if c.part == p.code), Decimal(0))
        for p in version.parts
    }
    capped = {p.code for p in version.parts if any(c.bonus for c in sheet.criteria if c.part == p.code)}
    minimums: dict[str, Decimal] = {}
    for requirement in sheet.requirements:
        if requirement.part is not None and requirement.stars <= target:
            minimums[requirement.part] = max(
                minimums.get(requirement.part, Decimal(0)), requirement.min_points
            )
    special = sorted(capped | set(minimums))
    ceiling: dict[str, int] = {}
    for part in special:
        part_max = version.part(part).max_points  # type: ignore[union-attr]
        headroom = units(max(Decimal(0), part_max - raw_parts[part]))
        need = units(max(Decimal(0), minimums.get(part, Decimal(0)) - min(raw_parts[part], part_max)))
        ceiling[part] = headroom if part in capped else max(need, goal)

    # best[state] = (changed criteria, gained units, changes); state = (gain per special part…, other gain)
    best: dict[_State, tuple[int, int, tuple[Improvement, ...]]] = {(0,) * (len(special) + 1): (0, 0, ())}
    for cluster in _clusters(sheet):
        configurations = _configurations(cluster, score, forced, unit)
        if not configurations:
            return None
        step: dict[_State, tuple[int, int, tuple[Improvement, ...]]] = {}
        for state, (count, gained, changes) in best.items():
            for c_count, by_part, c_changes in configurations:
                key = tuple(
                    [min(ceiling[p], state[i] + by_part.get(p, 0)) for i, p in enumerate(special)]
                    + [min(goal, state[-1] + sum(g for p, g in by_part.items() if p not in ceiling))]
                )
                candidate = (count + c_count, gained + sum(by_part.values()), changes + c_changes)
                if key not in step or candidate[:2] < step[key][:2]:
                    step[key] = candidate
        best = step

    def reaches(state: _State) -> bool:
        if sum(state) < goal:
            return False
        for i, part in enumerate(special):
            part_max = version.part(part).max_points  # type: ignore[union-attr]
            reached = min(raw_parts[part], part_max) + state[i] * unit
            if part in minimums and reached < minimums[part]:
                return False
        return True

    winners = [value for state, value in best.items() if reaches(state)]
    if not winners:
        return None
    improvements = list(min(winners, key=lambda value: value[:2])[2])
    order = {c.code: i for i, c in enumerate(sheet.criteria)}
    improvements.sort(key=lambda i: order[i.criterion.code])
    return PathToStar(target, needed, tuple(improvements))


def _forced_so_far(sheet: Sheet, code: str, target: int) -> Decimal:
    return max(
        (r.min_points for r in sheet.requirements if r.criterion == code and r.stars <= target),
        default=Decimal(0),
    )


def _point_unit(sheet: Sheet, *values: Decimal) -> Decimal:
    exponents = [o.points.as_tuple().exponent for c in sheet.criteria for o in c.options]
    exponents += [v.normalize().as_tuple().exponent for v in values]
    smallest = min((e for e in exponents if isinstance(e, int)), default=0)
    return Decimal(1).scaleb(min(0, smallest))


def _configurations(
    cluster: Sequence[Criterion],
    score: SheetScore,
    forced: dict[str, Decimal],
    unit: Decimal,
) -> list[tuple[int, dict[str, int], tuple[Improvement, ...]]]:
    """Every allowed way to leave or improve this cluster: (changed criteria, gained units per part, changes)."""
    choices: list[list[Option | None]] = []
    for criterion in cluster:
        result = score.result(criterion.code)
        if result is None or result.status == SKIPPED:
            choices.append([None])
            continue
        alternative = _usable_alternative(criterion, score)
        choices.append(
            [
                None,
                *sorted((o for o in alternative.options if o.points > result.points), key=lambda o: o.points),
            ]
        )
    out = []
    for combination in itertools.islice(itertools.product(*choices), _MAX_CONFIGURATIONS):
        new_points: dict[str, Decimal] = {}
        changes: list[Improvement] = []
        valid = True
        for criterion, choice in zip(cluster, combination, strict=True):
            result = score.result(criterion.code)
            old = result.points if result else Decimal(0)
            cond = criterion.applies_when
            applicable = (
                cond is None
                or new_points.get(cond.criterion, _old_points(score, cond.criterion)) >= cond.min_points
            )
            if not applicable:
                if choice is not None:
                    valid = False  # choosing an option for a criterion that does not apply changes nothing
                    break
                new_points[criterion.code] = Decimal(0)
                continue
            was_applicable = result is not None and result.status != NOT_APPLICABLE
            if choice is None and not was_applicable:
                valid = False  # it now applies, so the member must pick one of its options
                break
            points = choice.points if choice else old
            new_points[criterion.code] = points
            if choice is not None:
                current = criterion.option(result.option) if result and result.option else None
                changes.append(Improvement(criterion, current, choice, points - old))
        if not valid:
            continue
        if any(
            new_points.get(code, Decimal(0)) < minimum
            for code, minimum in forced.items()
            if code in new_points
        ):
            continue
        by_part: dict[str, int] = {}
        for criterion in cluster:
            gained = new_points.get(criterion.code, Decimal(0)) - _old_points(score, criterion.code)
            by_part[criterion.part] = by_part.get(criterion.part, 0) + int(gained / unit)
        out.append((len(changes), by_part, tuple(changes)))
    return out


def _old_points(score: SheetScore, code: str) -> Decimal:
    result = score.result(code)
    return result.points if result else Decimal(0)
