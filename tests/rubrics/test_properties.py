"""Properties the engine must hold for every sheet and every choice (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ocop.rubrics.engine import band_for_total, recognise, score_sheet

from .helpers import synthetic, version

CASES = [
    (version("2019"), "1.1"),
    (version("2019"), "8.2"),
    (version("2019"), "16.1"),
    (version("2023"), "1.1"),  # the fresh-produce sheet with its mandatory criteria per star
    (synthetic(), "1.1"),
]
LEGAL_FORMS = [None, "enterprise", "cooperative", "cooperative_group", "household"]
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def member_sheets(draw, cases=tuple(CASES)):
    """A version, a product set, a legal form and one option per criterion that the legal form may use."""
    v, product_set = draw(st.sampled_from(cases))
    legal_form = draw(st.sampled_from(LEGAL_FORMS))
    answers = {}
    for criterion in v.sheet(product_set).criteria:
        allowed = [a for a in criterion.alternatives if a.allows(legal_form)]
        alternative = draw(st.sampled_from(allowed))
        answers[criterion.code] = draw(st.sampled_from(alternative.options)).code
    return v, product_set, legal_form, answers


def expected_total(v, product_set, answers):
    """The rubric's rule written out independently: chosen points of criteria that apply; parts capped."""
    sheet = v.sheet(product_set)
    points, parts = {}, {p.code: Decimal(0) for p in v.parts}
    for criterion in sheet.criteria:
        condition = criterion.applies_when
        applies = condition is None or points[condition.criterion] >= condition.min_points
        points[criterion.code] = criterion.option(answers[criterion.code]).points if applies else Decimal(0)
        parts[criterion.part] += points[criterion.code]
    return sum(min(parts[p.code], p.max_points) for p in v.parts)


@FEW
@given(member_sheets())
def test_the_total_is_the_sum_of_the_chosen_options(case):
    v, product_set, legal_form, answers = case
    score = score_sheet(v, product_set, answers, legal_form=legal_form)
    assert score.total == expected_total(v, product_set, answers)
    assert score.total == sum(score.parts.values())
    assert 0 <= score.total <= v.scale_max
    assert score.band.contains(score.total)


@FEW
@given(member_sheets(), st.data())
def test_choosing_a_better_option_never_lowers_the_star(case, data):
    v, product_set, legal_form, answers = case
    sheet = v.sheet(product_set)
    criterion = data.draw(st.sampled_from(sheet.criteria))
    alternative = criterion.alternative_of(answers[criterion.code])
    current = criterion.option(answers[criterion.code])
    better = [o for o in alternative.options if o.points > current.points]
    if not better:
        return
    improved = {**answers, criterion.code: data.draw(st.sampled_from(better)).code}
    before = score_sheet(v, product_set, answers, legal_form=legal_form)
    after = score_sheet(v, product_set, improved, legal_form=legal_form)
    assert after.total >= before.total
    assert after.stars >= before.stars
    assert (after.eligible_stars or 0) >= (before.eligible_stars or 0)


@FEW
@given(member_sheets(cases=((version("2023"), "1.1"),)))
def test_the_rank_is_the_highest_star_whose_requirements_and_lower_ones_hold(case):
    v, product_set, legal_form, answers = case
    score = score_sheet(v, product_set, answers, legal_form=legal_form)
    sheet = v.sheet(product_set)
    points = {r.code: r.points for r in score.criteria}
    missed = {r.stars for r in sheet.requirements if points[r.criterion] < r.min_points}
    allowed = [b.stars for b in v.bands if b.recognised and b.stars <= score.stars]
    expected = max((k for k in allowed if not any(m <= k for m in missed)), default=None)
    assert score.eligible_stars == expected
    assert all(u.requirement.stars <= score.stars for u in score.unmet)


@FEW
@given(member_sheets(cases=((version("2023"), "1.1"),)))
def test_reaching_a_missed_option_gives_what_the_result_said(case):
    v, product_set, legal_form, answers = case
    score = score_sheet(v, product_set, answers, legal_form=legal_form)
    for unmet in score.unmet:
        code = unmet.requirement.criterion
        if score.result(code).status != "scored":
            continue  # it only counts once its condition holds: another change first
        reached = score_sheet(
            v, product_set, {**answers, code: unmet.requirement.option}, legal_form=legal_form
        )
        assert reached.total == score.total + unmet.gain
        assert reached.eligible_stars == unmet.stars_if_met


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.sampled_from([version("2019"), version("2023")]))
def test_every_total_falls_in_exactly_one_half_open_band(hundredths, v):
    total = Decimal(hundredths) / 100
    band = band_for_total(v, total)
    assert [b.stars for b in v.bands if b.contains(total)] == [band.stars]
    assert band.lower <= total and (total < band.upper or total == v.scale_max)
    if total == band.lower and band.stars > 1:
        assert band_for_total(v, total - Decimal("0.01")).stars == band.stars - 1


@FEW
@given(
    member_sheets(),
    st.data(),
    st.sampled_from(["commune", "district", "province", "central"]),
    st.dates(min_value=date(2023, 2, 24), max_value=date(2030, 12, 31)),
)
def test_a_gate_always_wins_over_points(case, data, level, on):
    v, product_set, legal_form, answers = case
    gate_codes = [g.code for g in v.sheet(product_set).gates]
    assume(gate_codes)  # the tourism sheet has no gate
    gates = data.draw(st.sets(st.sampled_from(gate_codes), min_size=1))
    score = score_sheet(v, product_set, answers, gates=sorted(gates), legal_form=legal_form)
    assert score.gates_fired
    assert score.eligible_stars is None and not score.recognisable
    assert score.next_star is None
    v2023 = version("2023")
    period = next(p for p in v2023.duties if p.covers(on))
    if period.duty(level) is not None:
        result = recognise(v2023, total=score.total, eligible_stars=score.eligible_stars, level=level, on=on)
        assert result.recognised_stars is None
        assert result.forward_to is None or not period.duty(level).scores
