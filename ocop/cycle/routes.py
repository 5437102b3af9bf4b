"""Which level receives a record and which level evaluates it, read from the rubric duty table.

The duty table (`duties` of each rubric version, loaded from ocop/rubrics/data/ by `load_rubrics` and read
through the rubrics app's selectors) says, by period, what each level does. A record's route is taken on the
day it enters the cycle and kept with it: a dossier submitted in 2024 went commune → district (the district
scored then), one submitted after 06/7/2025 goes commune → province.
No level name is decided here; `receiver` is the period's first level that does not score, `evaluator` the
level it forwards to.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.errors import Invalid
from ocop.cycle.workflow import EVALUATOR, PRODUCER, RECEIVER
from ocop.rubrics.schema import DutyPeriod, RubricVersion
from ocop.rubrics.selectors import engine_version, version_in_force

LEVEL_LABELS = {
    "commune": gettext_lazy("Cấp xã"),
    "district": gettext_lazy("Cấp huyện"),
    "province": gettext_lazy("Cấp tỉnh"),
    "central": gettext_lazy("Trung ương"),
}


@dataclass(frozen=True)
class Route:
    receiver: str
    evaluator: str | None
    period_from: date
    decision: str
    # What the receiving level assesses itself (from 06/7/2025 the commune assesses four criteria).
    assesses: tuple[str, ...] = ()

    def level_for(self, by: str) -> str | None:
        """The level that acts for route role `by` (None for the producer)."""
        if by == PRODUCER:
            return None
        if by == RECEIVER:
            return self.receiver
        if by == EVALUATOR:
            return self.evaluator
        return by

    def as_data(self) -> dict:
        return {
            "receiver": self.receiver,
            "evaluator": self.evaluator,
            "period_from": self.period_from.isoformat(),
            "decision": self.decision,
            "assesses": list(self.assesses),
        }

    @classmethod
    def from_data(cls, data: dict) -> Route:
        return cls(
            receiver=data["receiver"],
            evaluator=data.get("evaluator"),
            period_from=date.fromisoformat(data["period_from"]),
            decision=data.get("decision", ""),
            assesses=tuple(data.get("assesses") or ()),
        )


def duty_period_on(day: date) -> tuple[RubricVersion, DutyPeriod]:
    """The rubric version in force on `day` (as loaded by `manage.py load_rubrics`) and its duty period."""
    row = version_in_force(day)
    version = engine_version(row.code) if row is not None else None
    period = next((p for p in version.duties if p.covers(day)), None) if version else None
    if version is None or period is None:
        raise Invalid(
            _("Không có bảng phân công nhiệm vụ các cấp cho ngày %(day)s.")
            % {"day": day.strftime("%d/%m/%Y")},
            code="no_duty_period",
        )
    return version, period


_ROUTE_CACHE: dict[date, tuple[float, Route]] = {}
_ROUTE_SECONDS = 60.0  # a rubric version reloaded by a central officer is followed within a minute


def route_on(day: date) -> Route:
    """The route a record entering the cycle on `day` follows (cached a minute: drafts show today's route
    on every page, and reading the duty table means reading the rubric document)."""
    cached = _ROUTE_CACHE.get(day)
    if cached is not None and time.monotonic() - cached[0] < _ROUTE_SECONDS:
        return cached[1]
    route = _route_on(day)
    _ROUTE_CACHE[day] = (time.monotonic(), route)
    return route


def _route_on(day: date) -> Route:
    version, period = duty_period_on(day)
    ordered = sorted(period.levels, key=lambda duty: version.level_order(duty.level))
    receiver = next((duty for duty in ordered if not duty.scores), None)
    if receiver is None:
        raise Invalid(
            _("Bảng phân công từ ngày %(day)s không có cấp tiếp nhận hồ sơ.")
            % {"day": period.start.strftime("%d/%m/%Y")},
            code="no_receiving_level",
        )
    return Route(receiver.level, receiver.forwards_to, period.start, period.decision, receiver.assesses)


def level_label(level: str | None) -> str:
    return str(LEVEL_LABELS.get(level or "", level or "—"))
