"""The officer's work queue on the home page: what waits for the signed-in person, each with a count and a
link. Each app names its own pending work (`register_work_source` in its AppConfig.ready), so the home page,
which sits below them all, draws the queue without importing any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkItem:
    """One line of the queue: "Hồ sơ chờ tôi xử lý: 3" linking to the list of them."""

    key: str  # stable, for tests and styling: "dossiers", "sheets", "decisions", "expiring"
    label: str
    count: int
    url: str
    more: bool = False  # the count stopped at a cap ("hơn 1.000")
    position: int = 0


WorkSource = Callable[[object], list[WorkItem]]
_sources: list[WorkSource] = []


def register_work_source(source: WorkSource) -> None:
    if source not in _sources:
        _sources.append(source)


def work_items(user) -> list[WorkItem]:
    """Every app's pending work for `user`, in the order of their positions; none for a visitor."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = [item for source in _sources for item in source(user)]
    return sorted(items, key=lambda item: item.position)
