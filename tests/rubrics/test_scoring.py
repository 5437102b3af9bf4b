"""Scoring one member's sheet, a council's sheets and a bare total, and what a level may recognise when."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ocop.rubrics.engine import (
    NOT_APPLICABLE,
    SKIPPED,
    aggregate,
    band_for_total,
    classify_total,
    recognise,
    score_sheet,
)
from ocop.rubrics.issues import ScoringError

from .helpers import best_answers, option_with_points, version

V2019 = version("2019")
V2023 = version("2023")


def test_a_perfect_cooperative_scores_100_and_5_stars():
    score = score_sheet(V2019, "1.1", best_answers(V2019, "1.1", "cooperative"), legal_form="cooperative")
    assert score.parts == {"A": 35, "B": 25, "C": 40}
    assert score.total == 100
    assert score.stars == 5 and score.eligible_stars == 5
    assert score.next_star is None


def test_a_household_cannot_reach_35_in_part_a_of_the_food_sheets():
    answers = best_answers(V2019, "8.2", "household")
    score = score_sheet(V2019, "8.2", answers, legal_form="household")
    assert score.parts["A"] == 34  # 3.2 case 2 tops out at 1 point
    assert score.result("3.2").alternative == "2"


def test_an_option_of_the_other_legal_form_is_refused():
    answers = best_answers(V2019, "8.2", "cooperative")
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(V2019, "8.2", {**answers, "3.2": "c"}, legal_form="cooperative")
    assert excinfo.value.code == "option_not_for_legal_form"


def test_story_items_do_not_count_without_a_story():
    answers = best_answers(V2019, "1.1", "cooperative")
    with_story = score_sheet(V2019, "1.1", answers)
    without = score_sheet(V2019, "1.1", {**answers, "5.1": "a"})
    assert with_story.parts["B"] == 25
    assert without.parts["B"] == 25 - 5 - 3 - 2
    assert without.result("5.2").status == NOT_APPLICABLE
    assert without.result("5.3").points == 0


def test_story_items_need_no_answer_when_there_is_no_story():
    answers = best_answers(V2019, "1.1")
    del answers["5.2"], answers["5.3"]
    score = score_sheet(V2019, "1.1", {**answers, "5.1": "a"})
    assert score.result("5.2").status == NOT_APPLICABLE


def test_a_disqualifying_gate_wins_over_a_perfect_score():
    score = score_sheet(V2019, "8.2", best_answers(V2019, "8.2", "cooperative"), gates=["loai-1.1"])
    assert score.total == 100 and score.stars == 5
    assert score.eligible_stars is None and not score.recognisable
    assert [g.code for g in score.gates_fired] == ["loai-1.1"]
    assert score.next_star is None


def test_a_stop_gate_leaves_the_later_criteria_unscored():
    answers = best_answers(V2019, "8.2", "cooperative")
    score = score_sheet(V2019, "8.2", answers, gates=["dung-6.1"])
    skipped = [r.code for r in score.criteria if r.status == SKIPPED]
    assert skipped == ["6.2", "6.3", "6.4", "7", "8.1", "8.2", "9", "10"]
    assert score.parts["C"] == 5
    assert score.total == 35 + 25 + 5
    assert not score.recognisable


def test_unknown_options_criteria_and_missing_answers_are_all_reported():
    answers = best_answers(V2019, "1.1")
    del answers["1.3"]
    answers["1.1"] = "z"
    answers["99"] = "a"
    with pytest.raises(ScoringError) as excinfo:
        score_sheet(V2019, "1.1", answers, gates=["khong-co"])
    assert sorted(i.code for i in excinfo.value.issues) == [
        "missing_answer",
        "unknown_criterion",
        "unknown_gate",
        "unknown_option",
    ]
    unknown = next(i for i in excinfo.value.issues if i.code == "unknown_option")
    assert unknown.message("vi") == "Tiêu chí 1.1 không có lựa chọn «z»."


def test_a_draft_scores_missing_answers_as_zero():
    answers = best_answers(V2019, "1.1")
    del answers["1.3"]
    score = score_sheet(V2019, "1.1", answers, complete=False)
    assert score.total == 100 - 4


def test_an_unknown_product_set_and_a_set_without_sheet_are_refused():
    with pytest.raises(ScoringError) as unknown:
        score_sheet(V2019, "99.9", {})
    assert unknown.value.code == "unknown_product_set"
    with pytest.raises(ScoringError) as not_loaded:
        score_sheet(V2023, "1.2", {})
    assert not_loaded.value.code == "sheet_not_loaded"


@pytest.mark.parametrize(
    ("total", "stars"),
    [(0, 1), (29.99, 1), (30, 2), (49.99, 2), (50, 3), (69.99, 3), (70, 4), (89.99, 4), (90, 5), (100, 5)],
)
def test_band_edges_are_half_open(total, stars):
    assert band_for_total(V2023, total).stars == stars
    assert band_for_total(V2019, total).stars == stars


@pytest.mark.parametrize("total", [-0.01, 100.01, "abc"])
def test_a_total_outside_the_scale_is_refused(total):
    with pytest.raises(ScoringError) as excinfo:
        band_for_total(V2023, total)
    assert excinfo.value.code in {"total_out_of_range", "not_number"}


def test_a_bare_total_gives_its_band_and_the_points_to_the_next_star():
    result = classify_total(V2019, 72.5)
    assert (result.stars, result.recognisable) == (4, True)
    assert (result.next_star.stars, result.next_star.points_needed) == (5, Decimal("17.5"))
    assert classify_total(V2019, 45).recognisable is False


def test_the_council_score_is_the_mean_of_totals_rounded_to_two_decimals():
    best = best_answers(V2019, "8.2", "cooperative")
    members = [
        score_sheet(V2019, "8.2", best),  # 100
        score_sheet(V2019, "8.2", {**best, "4.1": option_with_points(V2019, "8.2", "4.1", 3)}),  # 98
        score_sheet(
            V2019, "8.2", {**best, "4.1": option_with_points(V2019, "8.2", "4.1", 1), "2.3": "b"}
        ),  # 95
    ]
    council = aggregate(V2019, members)
    assert council.member_totals == (100, 98, 95)
    assert council.total == Decimal("97.67")  # 293 / 3 = 97.666…
    spread = {s.code: s for s in council.spread}
    assert spread["4.1"].points == (5, 3, 1) and spread["4.1"].spread == 4
    assert spread["4.1"].mean == 3
    assert spread["1.1"].spread == 0


def test_a_gate_found_by_one_member_holds_for_the_council():
    best = best_answers(V2019, "8.2", "cooperative")
    members = [score_sheet(V2019, "8.2", best), score_sheet(V2019, "8.2", best, gates=["loai-1.1"])]
    council = aggregate(V2019, members)
    assert [(g.code, n) for g, n in council.gates_fired] == [("loai-1.1", 1)]
    assert council.eligible_stars is None


def test_sheets_of_different_product_sets_cannot_be_aggregated():
    a = score_sheet(V2019, "8.2", best_answers(V2019, "8.2"))
    b = score_sheet(V2019, "1.1", best_answers(V2019, "1.1"))
    with pytest.raises(ScoringError) as excinfo:
        aggregate(V2019, [a, b])
    assert excinfo.value.code == "mixed_sheets"


# (version, level, date, total) → (recognised stars, forwarded to, proposed stars)
RECOGNITION_TABLE = [
    (V2019, "district", date(2021, 5, 1), 60, (None, "province", 3)),
    (V2019, "district", date(2021, 5, 1), 45, (None, None, None)),
    (V2019, "province", date(2021, 5, 1), 60, (3, None, None)),
    (V2019, "province", date(2021, 5, 1), 80, (4, None, None)),
    (V2019, "province", date(2021, 5, 1), 92, (4, "central", 5)),
    (V2019, "central", date(2021, 5, 1), 92, (5, None, None)),
    (V2019, "commune", date(2021, 5, 1), 92, (None, "district", None)),
    (V2023, "district", date(2024, 3, 1), 60, (3, None, None)),
    (V2023, "district", date(2024, 3, 1), 75, (None, "province", 4)),
    (V2023, "province", date(2024, 3, 1), 75, (4, None, None)),
    (V2023, "province", date(2024, 3, 1), 90, (4, "central", 5)),
    (V2023, "province", date(2025, 7, 6), 60, (3, None, None)),
    (V2023, "province", date(2025, 7, 6), 89.99, (4, None, None)),
    (V2023, "province", date(2025, 7, 6), 90, (4, "central", 5)),
    (V2023, "commune", date(2025, 8, 1), 90, (None, "province", None)),
    (V2023, "central", date(2025, 8, 1), 91.5, (5, None, None)),
    (V2023, "central", date(2025, 8, 1), 85, (None, None, None)),
]


@pytest.mark.parametrize(("v", "level", "on", "total", "expected"), RECOGNITION_TABLE)
def test_what_a_level_recognises_follows_the_duty_table(v, level, on, total, expected):
    stars = band_for_total(v, total).stars
    eligible = stars if stars >= 3 else None
    result = recognise(v, total=total, eligible_stars=eligible, level=level, on=on)
    assert (result.recognised_stars, result.forward_to, result.proposed_stars) == expected


def test_the_district_has_no_role_after_july_2025():
    with pytest.raises(ScoringError) as excinfo:
        recognise(V2023, total=60, eligible_stars=3, level="district", on=date(2025, 7, 6))
    assert excinfo.value.code == "level_not_in_period"


def test_a_date_before_the_version_is_refused():
    with pytest.raises(ScoringError) as excinfo:
        recognise(V2023, total=60, eligible_stars=3, level="province", on=date(2023, 2, 23))
    assert excinfo.value.code == "date_before_version"
    assert "24/02/2023" in excinfo.value.issues[0].message("vi") or "2023-02-24" in excinfo.value.issues[
        0
    ].message("vi")


def test_a_gated_product_is_neither_recognised_nor_forwarded():
    result = recognise(V2019, total=95, eligible_stars=None, level="province", on=date(2021, 1, 1))
    assert (result.recognised_stars, result.forward_to) == (None, None)
