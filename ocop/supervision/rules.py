"""The supervision rules read from `data/supervision.yaml`: inspection kinds, finding severities with their days
to fix, and the risk points of the yearly plan. Validated once on first use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

RULES_FILE = Path(__file__).parent / "data" / "supervision.yaml"
RISK_REASONS = ("expiring", "complaint", "many_scans", "never_inspected", "open_finding")


@dataclass(frozen=True)
class Named:
    code: str
    name_vi: str
    name_en: str
    days_to_fix: int = 0

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


@dataclass(frozen=True)
class Rules:
    kinds: dict[str, Named]
    severities: dict[str, Named]
    expiring_within_days: int
    many_scans: int
    points: dict[str, int]


@cache
def rules() -> Rules:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    kinds = {row["code"]: Named(row["code"], row["name_vi"], row["name_en"]) for row in data["kinds"]}
    severities = {
        row["code"]: Named(row["code"], row["name_vi"], row["name_en"], int(row["days_to_fix"]))
        for row in data["severities"]
    }
    risk = data["risk"]
    points = {reason: int(risk["points"][reason]) for reason in RISK_REASONS}
    if not kinds or not severities:
        raise ValueError(f"{RULES_FILE.name}: kinds and severities must not be empty.")
    return Rules(kinds, severities, int(risk["expiring_within_days"]), int(risk["many_scans"]), points)


def kind_name(code: str) -> str:
    found = rules().kinds.get(code)
    return found.name if found else code


def severity_name(code: str) -> str:
    found = rules().severities.get(code)
    return found.name if found else code
