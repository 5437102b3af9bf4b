"""What held a product back: the lost points in order, and the fewest improvements to the next star."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings

from ocop.rubrics.advice import held_back
from ocop.rubrics.engine import NOT_APPLICABLE, score_sheet
from ocop.rubrics.issues import ScoringError

from .helpers import best_answers, synthetic, version
from .test_properties import member_sheets

V2019 = version("2019")


def test_lost_points_are_ordered_by_what_the_next_option_adds():
    answers = {**best_answers(V2019, "8.2", "cooperative"), "4.2": "a", "6.3": "b", "1.6": "a"}
    score = score_sheet(V2019, "8.2", answers)
    advice = held_back(V2019, score)
    assert [(s.criterion.code, s.next_gain, s.lost) for s in advice.shortfalls] == [
        ("6.3", 2, 4),  # 2 → 4 points next, 6 at best
        ("4.2", 1, 5),  # 0 → 1 next; on equal gains, the criterion that lost more comes first
        ("1.6", 1, 1),
    ]
    assert [s.next_option.code for s in advice.shortfalls] == ["c", "b", "b"]


def test_the_path_to_the_next_star_is_the_fewest_changes():
    v = V2019
    answers = {**best_answers(v, "1.1", "cooperative")}
    # Lose 12 points: 6.2 (8 → 0), 4.3 (5 → 1), 5.1 without a story (5, and 5.2/5.3 then count nothing).
    answers.update({"6.2": "a", "4.3": "b", "5.1": "a"})
    score = score_sheet(v, "1.1", answers)
    assert score.total == 100 - 8 - 4 - 10 and score.stars == 4
    advice = held_back(v, score)
    assert advice.target_stars == 5
    assert advice.path.points_needed == 12
    # One change cannot gain 12; the story cluster gains 10 but takes three changes (5.1, 5.2, 5.3);
    # 6.2 (+8) with 4.3 (+4) reaches exactly 12 in two.
    assert [(i.criterion.code, i.target.code) for i in advice.path.improvements] == [
        ("4.3", "e"),
        ("6.2", "e"),
    ]
    blocked = {s.criterion.code: s.blocked_by for s in advice.shortfalls}
    assert blocked["5.2"] == "5.1" and blocked["5.3"] == "5.1"


def test_a_fired_gate_leaves_no_path_but_is_reported():
    score = score_sheet(V2019, "8.2", best_answers(V2019, "8.2"), gates=["dung-9"])
    advice = held_back(V2019, score)
    assert advice.path is None
    assert [g.code for g in advice.gates] == ["dung-9"]
    assert {s.criterion.code: s.blocked_by for s in advice.shortfalls}["10"] == "dung-9"


def test_mandatory_criteria_of_the_next_star_are_part_of_the_path():
    v = synthetic()
    answers = {"1.1": "d", "1.2": "c", "1.3": "a", "1.4": "c", "2.1": "c", "2.2": "c", "3.1": "a", "3.2": "c"}
    score = score_sheet(v, "1.1", answers, legal_form="cooperative")
    assert score.total == 20 + 18 + 2 + 25 + 0 + 15  # 80: a 4-star band
    assert score.eligible_stars == 3  # 3.1 must reach 10 for 4 stars
    advice = held_back(v, score)
    assert advice.target_stars == 4
    assert [(i.criterion.code, i.target.points) for i in advice.path.improvements] == [("3.1", 10)]


def _reaches(v, product_set, legal_form, answers, target):
    """The band reaches the target star and every mandatory criterion up to that star holds."""
    try:
        score = score_sheet(v, product_set, answers, legal_form=legal_form)
    except ScoringError:
        return False
    return (
        not score.gates_fired
        and score.stars >= target
        and not [u for u in score.unmet if u.requirement.stars <= target]
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(member_sheets(cases=((synthetic(), "1.1"),)))
def test_the_path_reaches_the_target_and_no_smaller_set_does(case):
    v, product_set, legal_form, answers = case
    score = score_sheet(v, product_set, answers, legal_form=legal_form)
    advice = held_back(v, score)
    sheet = v.sheet(product_set)
    if advice.path is None:
        return
    improved = {**answers, **{i.criterion.code: i.target.code for i in advice.path.improvements}}
    assert _reaches(v, product_set, legal_form, improved, advice.target_stars)
    # Brute force: no set of fewer criteria, each raised to its best option, reaches the target.
    size = len(advice.path.improvements)
    not_applicable = {r.code for r in score.criteria if r.status == NOT_APPLICABLE}
    for k in range(size):
        for subset in itertools.combinations(sheet.criteria, k):
            # A criterion that did not apply and is not among the changes has no answer: the member would
            # have to score it once its condition holds, and that is a change too.
            trial = {code: option for code, option in answers.items() if code not in not_applicable}
            for criterion in subset:
                alternative = criterion.alternative_of(answers[criterion.code])
                trial[criterion.code] = max(alternative.options, key=lambda o: o.points).code
            assert not _reaches(v, product_set, legal_form, trial, advice.target_stars), [
                c.code for c in subset
            ]


@settings(max_examples=40, deadline=None)
@given(member_sheets())
def test_shortfalls_are_sorted_by_the_gain_of_the_next_option(case):
    v, product_set, legal_form, answers = case
    advice = held_back(v, score_sheet(v, product_set, answers, legal_form=legal_form))
    gains = [s.next_gain for s in advice.shortfalls]
    assert gains == sorted(gains, reverse=True)
    assert all(s.lost > 0 for s in advice.shortfalls)
