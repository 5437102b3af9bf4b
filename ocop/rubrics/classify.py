"""The classify contract of API.md, shared by `POST /api/v1/rubrics/{code}/classify` and `ocop classify`.

Plain Python over a loaded version: a request body in, a response body out, or `ScoringError` naming every
problem (unknown product set, criterion or option, a total outside the scale, a date before the version).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from .engine import (
    SheetScore,
    UnmetRequirement,
    classify_total,
    duty_period_on,
    recognise,
    score_sheet,
)
from .issues import Issue, ScoringError
from .schema import Gate, RubricVersion, Sheet


def number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def classify(version: RubricVersion, body: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    """Classify a total or a member's answers, and (with `level`) say what that level may recognise."""
    on = _date(body.get("date"), today)
    if body.get("date") is not None:
        duty_period_on(version, on)  # refuses a date before the version with its own message
    if body.get("product_set") is not None or body.get("answers") is not None:
        response, total, eligible = _classify_answers(version, body)
    elif body.get("total") is not None:
        result = classify_total(version, body["total"])
        total = result.total
        eligible = result.stars if result.recognisable else None
        response = {
            "version": version.code,
            "total": number(result.total),
            "parts": None,
            "stars": result.stars,
            "recognisable": result.recognisable,
            "unmet_conditions": [],
            "unmet_requirements": [],
            "next_star": _next_star(result.next_star),
        }
    else:
        raise ScoringError([Issue("missing_field", (), {"field": "total | product_set + answers"})])

    level = body.get("level")
    if level:
        recognition = recognise(version, total=total, eligible_stars=eligible, level=str(level), on=on)
        response["recognised_stars"] = recognition.recognised_stars
        response["forward_to"] = recognition.forward_to
        response["proposed_stars"] = recognition.proposed_stars
        response["date"] = on.isoformat()
        response["duty_period"] = {
            "decision": recognition.period.decision,
            "from": recognition.period.start.isoformat(),
        }
    return response


def _classify_answers(
    version: RubricVersion, body: Mapping[str, Any]
) -> tuple[dict[str, Any], Decimal, int | None]:
    answers = body.get("answers") or {}
    if not isinstance(answers, Mapping):
        raise ScoringError([Issue("not_a_mapping", (("field", "answers"),))])
    product_set = str(body.get("product_set") or "")
    if not product_set:
        raise ScoringError([Issue("missing_field", (), {"field": "product_set"})])
    gates = body.get("gates") or []
    if not isinstance(gates, list):
        raise ScoringError([Issue("not_a_list", (("field", "gates"),))])
    score = score_sheet(
        version,
        product_set,
        {str(k): str(v) for k, v in answers.items()},
        gates=[str(g) for g in gates],
        legal_form=body.get("legal_form") or None,
    )
    response = sheet_response(version, score)
    return response, score.total, score.eligible_stars


def sheet_response(version: RubricVersion, score: SheetScore) -> dict[str, Any]:
    sheet = version.sheet(score.product_set)
    requirements = [requirement_item(sheet, u) for u in score.unmet] if sheet else []
    return {
        "version": version.code,
        "product_set": score.product_set,
        "total": number(score.total),
        "parts": {code: number(points) for code, points in score.parts.items()},
        "stars": score.stars,
        "recognisable": score.recognisable,
        "eligible_stars": score.eligible_stars,
        "unmet_conditions": [*(_gate(g) for g in score.gates_fired), *requirements],
        # The mandatory criteria that held the rank below its band, each with what reaching it would give.
        "unmet_requirements": requirements,
        "next_star": _next_star(score.next_star),
        "criteria": [
            {"code": r.code, "status": r.status, "option": r.option, "points": number(r.points)}
            for r in score.criteria
        ],
    }


def _gate(gate: Gate) -> dict[str, Any]:
    return {"kind": gate.kind, "code": gate.code, "criterion": gate.criterion, "text": gate.text}


def requirement_item(sheet: Sheet, unmet: UnmetRequirement) -> dict[str, Any]:
    """One missed mandatory criterion: which option is the least accepted, and what reaching it would give."""
    r = unmet.requirement
    criterion = sheet.criterion(r.criterion) if r.criterion else None
    option = criterion.option(r.option) if criterion and r.option else None
    return {
        "kind": "mandatory",
        "stars": r.stars,
        "criterion": r.criterion,
        "criterion_name": criterion.name if criterion else None,
        "part": r.part,
        "option": r.option,
        "option_text": option.text if option else None,
        "min_points": number(r.min_points),
        "actual": number(unmet.actual),
        "text": r.text,
        "gain": number(unmet.gain),
        "stars_if_met": unmet.stars_if_met,
    }


def _next_star(next_star: Any) -> dict[str, Any] | None:
    if next_star is None:
        return None
    return {"stars": next_star.stars, "points_needed": number(next_star.points_needed)}


def _date(value: Any, today: date) -> date:
    if value is None or value == "":
        return today
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ScoringError([Issue("not_date", (("field", "date"),), {"value": value})]) from exc
