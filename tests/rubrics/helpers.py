"""Shared test data: the shipped rubric files, and ways to break them one rule at a time."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

from ocop.rubrics.loader import load_version_file, read_version_file
from ocop.rubrics.schema import RubricVersion

DATA = Path(__file__).resolve().parents[2] / "ocop" / "rubrics" / "data"


@cache
def version(code: str) -> RubricVersion:
    return load_version_file(DATA / f"{code}.yaml")


def raw(code: str) -> dict[str, Any]:
    """A fresh, mutable copy of a shipped file's document."""
    return copy.deepcopy(read_version_file(DATA / f"{code}.yaml"))


def sheet_data(data: dict[str, Any], product_set: str) -> dict[str, Any]:
    return next(s for s in data["sheets"] if s["product_set"] == product_set)


def criterion_data(data: dict[str, Any], product_set: str, code: str) -> dict[str, Any]:
    for group in sheet_data(data, product_set)["groups"]:
        for criterion in group["criteria"]:
            if criterion["code"] == code:
                return criterion
    raise KeyError(code)


def best_answers(v: RubricVersion, product_set: str, legal_form: str | None = None) -> dict[str, str]:
    """The top option of every criterion, in an option set the legal form may use."""
    sheet = v.sheet(product_set)
    answers = {}
    for criterion in sheet.criteria:
        allowed = [a for a in criterion.alternatives if a.allows(legal_form)]
        best = max((o for a in allowed for o in a.options), key=lambda o: o.points)
        answers[criterion.code] = best.code
    return answers


def worst_answers(v: RubricVersion, product_set: str) -> dict[str, str]:
    sheet = v.sheet(product_set)
    return {c.code: min(c.alternatives[0].options, key=lambda o: o.points).code for c in sheet.criteria}


def option_with_points(v: RubricVersion, product_set: str, code: str, points: int) -> str:
    criterion = v.sheet(product_set).criterion(code)
    return next(o.code for o in criterion.alternatives[0].options if o.points == points)
