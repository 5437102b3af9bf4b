"""The topics of training courses, read once from `data/topics.yaml` (rules are data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

TOPICS_FILE = Path(__file__).parent / "data" / "topics.yaml"


@dataclass(frozen=True)
class Topic:
    code: str
    name_vi: str
    name_en: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


@cache
def topics() -> dict[str, Topic]:
    data = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    found = {row["code"]: Topic(row["code"], row["name_vi"], row["name_en"]) for row in data["topics"]}
    if not found:
        raise ValueError(f"{TOPICS_FILE.name} lists no topic.")
    return found


def topic_choices() -> list[tuple[str, str]]:
    return [(topic.code, topic.name) for topic in topics().values()]


def topic_name(code: str) -> str:
    topic = topics().get(code)
    return topic.name if topic else code
