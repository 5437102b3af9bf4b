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


def synthetic_sheet_data() -> dict[str, Any]:
    """A small 2023-shaped sheet (A40/B25/C35) that uses every kind of rule: invented for tests only."""

    def options(*points: int) -> list[dict[str, Any]]:
        return [{"code": "abcdefgh"[i], "text": f"Mức {p} điểm", "points": p} for i, p in enumerate(points)]

    return {
        "product_set": "1.1",
        "source": "dữ liệu thử nghiệm",
        "groups": [
            {
                "code": "1",
                "name": "Tổ chức sản xuất",
                "part": "A",
                "criteria": [
                    {"code": "1.1", "name": "Nguồn nguyên liệu", "max": 20, "options": options(0, 5, 10, 20)},
                    {
                        "code": "1.2",
                        "name": "Quản trị",
                        "max": 18,
                        "alternatives": [
                            {
                                "code": "1",
                                "legal_forms": ["enterprise", "cooperative"],
                                "options": options(0, 9, 18),
                            },
                            {
                                "code": "2",
                                "legal_forms": ["household", "cooperative_group"],
                                "options": [
                                    {"code": "d", "text": "Chủ hộ", "points": 0},
                                    {"code": "e", "text": "Chủ hộ là người địa phương", "points": 9},
                                ],
                            },
                        ],
                    },
                    {
                        "code": "1.3",
                        "name": "Chủ thể là nữ",
                        "max": 2,
                        "bonus": True,
                        "options": options(0, 2),
                    },
                    {"code": "1.4", "name": "Kế toán", "max": 2, "options": options(0, 1, 2)},
                ],
            },
            {
                "code": "2",
                "name": "Câu chuyện",
                "part": "B",
                "criteria": [
                    {"code": "2.1", "name": "Câu chuyện", "max": 10, "options": options(0, 4, 10)},
                    {
                        "code": "2.2",
                        "name": "Bản sắc",
                        "max": 15,
                        "applies_when": {"criterion": "2.1", "min_points": 4},
                        "options": options(5, 10, 15),
                    },
                ],
            },
            {
                "code": "3",
                "name": "Chất lượng",
                "part": "C",
                "criteria": [
                    {
                        "code": "3.1",
                        "name": "An toàn thực phẩm",
                        "max": 20,
                        "options": options(0, 10, 20),
                        "gates": [
                            {
                                "code": "dung-3.1",
                                "kind": "stop",
                                "text": "Không đánh giá tiếp nếu giấy ATTP không phù hợp",
                            }
                        ],
                    },
                    {
                        "code": "3.2",
                        "name": "Tiêu chuẩn",
                        "max": 15,
                        "options": options(0, 5, 15),
                        "gates": [
                            {
                                "code": "loai-3.2",
                                "kind": "disqualify",
                                "text": "Bị loại nếu không rõ nguồn gốc",
                            }
                        ],
                    },
                ],
            },
        ],
        "requirements": [
            {"stars": 3, "criterion": "1.1", "min_points": 5},
            {"stars": 4, "criterion": "3.1", "min_points": 10},
            {"stars": 4, "part": "C", "min_points": 20},
        ],
    }


@cache
def synthetic() -> RubricVersion:
    from ocop.rubrics.loader import parse_version

    data = raw("2023")
    data["code"] = "2023-thu"
    data["sheets"] = [synthetic_sheet_data()]
    return parse_version(data)
