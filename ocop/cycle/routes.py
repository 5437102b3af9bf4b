"""Which level receives a record and which level evaluates it, read from the rubric duty table.

The duty table (`duties` of each rubric version, loaded from ocop/rubrics/data/ by `load_rubrics` and read
through the rubrics app's selectors) says, by period, what each level does. A record's route is taken on the
day it enters the cycle and kept with it: a dossier submitted in 2024 went commune → district (the district
scored then), one submitted after 06/7/2025 goes commune → province.
No level name is decided here; `receiver` is the period's first level that does not score, `evaluator` the
level it forwards to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from ocop.core.errors import Invalid
from ocop.cycle.workflow import EVALUATOR, PRODUCER, RECEIVER
from ocop.rubrics.schema import DutyPeriod, RubricVersion
from ocop.rubrics.selectors import engine_version_on, engine_versions


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
    version = engine_version_on(day)
    period = next((p for p in version.duties if p.covers(day)), None) if version else None
    if version is None or period is None:
        raise Invalid(
            _("Không có bảng phân công nhiệm vụ các cấp cho ngày %(day)s.")
            % {"day": day.strftime("%d/%m/%Y")},
            code="no_duty_period",
        )
    return version, period


def route_on(day: date) -> Route:
    """The route a record entering the cycle on `day` follows. One query (the loaded versions' fingerprints):
    the rubric selectors parse a version once per content, so a version reloaded by a central officer is
    followed at the next read, with no cache of routes to go stale."""
    return _route_on(day)


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
    """The name the rubric versions give the level (`levels` of the newest loaded version that has it: "Cấp
    huyện" also after the district was dropped), in the reader's language; the code when none names it. The
    names are Vietnamese data, each with its English entry in the catalogue."""
    if not level:
        return "—"
    named = next((v.level(level) for v in reversed(engine_versions()) if v.level(level)), None)
    return _(named.name) if named is not None else level
