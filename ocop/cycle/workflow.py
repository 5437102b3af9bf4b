"""The state machines of the cycle (ideas, business plans, dossiers) as data: `data/routing.yaml`.

One table per workflow: its states (label, who holds the record, days to act) and its transitions (action,
from which states, to which state, which route role acts, whether a reason is required, named guards). The
services (`services/transitions.py`, `advance`) are the only code that moves a record along it; adding a state
or a transition is an edit of the data file (and, for a new action, a service that calls
`services.dossier_transition`). States the code names are declared in `states.py` and checked at start-up.
The file is checked as a whole when first read: every problem is listed, nothing half-loaded is used.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext

from ocop.accounts.models import RoleKind

DATA_DIR = Path(__file__).resolve().parent / "data"
ROUTING_FILE = DATA_DIR / "routing.yaml"

PRODUCER = "producer"
RECEIVER = "receiver"
EVALUATOR = "evaluator"
ROUTE_ROLES = (PRODUCER, RECEIVER, EVALUATOR)


@dataclass(frozen=True)
class State:
    code: str
    label: str
    holder: str | None = None  # the route role expected to act next, None when nobody must
    deadline_days: int | None = None
    terminal: bool = False


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    by: str
    reason_required: bool = False
    guards: tuple[str, ...] = ()
    bulk: bool = False


@dataclass(frozen=True)
class Workflow:
    name: str
    label: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]

    def state(self, code: str) -> State | None:
        return next((s for s in self.states if s.code == code), None)

    # Labels are Vietnamese in the data file; shown through gettext so English readers get the catalogue's entry.
    @property
    def title(self) -> str:
        return gettext(self.label)

    def label_of(self, code: str) -> str:
        state = self.state(code)
        return gettext(state.label) if state else code

    def action_label(self, action: str) -> str | None:
        found = next((t for t in self.transitions if t.action == action), None)
        return gettext(found.label) if found else None

    def find(self, action: str, source: str) -> Transition | None:
        """The transition `action` from state `source`, or None if the table has no such move."""
        return self._moves.get((action, source))

    @functools.cached_property
    def flag_names(self) -> tuple[tuple[str, str], ...]:
        """Each action of the table once, in its order, with the name of its flag: `may_<action>`."""
        return tuple(
            (action, f"may_{action}") for action in dict.fromkeys(t.action for t in self.transitions)
        )

    @functools.cached_property
    def _moves(self) -> dict[tuple[str, str], Transition]:
        # A list's `may_*` flags ask this a dozen times per row: one dict lookup, not a scan of the table.
        moves: dict[tuple[str, str], Transition] = {}
        for transition in self.transitions:
            for source in transition.sources:
                moves.setdefault((transition.action, source), transition)
        return moves

    def knows(self, action: str) -> bool:
        return any(t.action == action for t in self.transitions)

    def available(self, source: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if source in t.sources)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(s.code, gettext(s.label)) for s in self.states]

    def codes_held_by(self, *roles: str) -> tuple[str, ...]:
        return tuple(s.code for s in self.states if s.holder in roles)


@dataclass(frozen=True)
class Routing:
    code: str
    acting_roles: Mapping[str, tuple[str, ...]]
    workflows: Mapping[str, Workflow]

    def workflow(self, name: str) -> Workflow:
        return self.workflows[name]


def parse_routing(data: Any, *, source: str = "routing.yaml") -> Routing:
    """Build the routing table, or raise ImproperlyConfigured listing every problem found."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise ImproperlyConfigured(f"{source}: not a mapping")
    if data.get("format") != 1:
        problems.append(f"{source}: format must be 1")
    acting: dict[str, tuple[str, ...]] = {}
    for level, kinds in (data.get("acting_roles") or {}).items():
        kinds = tuple(kinds or ())
        for kind in kinds:
            if kind not in RoleKind.values:
                problems.append(f"{source} › acting_roles › {level}: unknown role «{kind}»")
        acting[str(level)] = kinds
    if not acting:
        problems.append(f"{source}: acting_roles is empty")
    actors = set(ROUTE_ROLES) | set(acting)
    workflows: dict[str, Workflow] = {}
    for name, raw in (data.get("workflows") or {}).items():
        place = f"{source} › {name}"
        states: list[State] = []
        for item in raw.get("states") or []:
            code = str(item.get("code", ""))
            if not code or any(s.code == code for s in states):
                problems.append(f"{place}: state «{code}» missing or repeated")
                continue
            holder = item.get("holder")
            if holder is not None and holder not in actors:
                problems.append(f"{place} › {code}: unknown holder «{holder}»")
            days = item.get("deadline_days")
            if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
                problems.append(f"{place} › {code}: deadline_days must be a positive whole number")
            states.append(
                State(code, str(item.get("label") or code), holder, days, bool(item.get("terminal", False)))
            )
        codes = {s.code for s in states}
        transitions: list[Transition] = []
        for item in raw.get("transitions") or []:
            action = str(item.get("action", ""))
            sources = tuple(str(s) for s in item.get("from") or ())
            target = str(item.get("to", ""))
            by = str(item.get("by", ""))
            where = f"{place} › {action or '?'}"
            if not action or not sources:
                problems.append(f"{where}: action and from are required")
            for state in (*sources, target):
                if state not in codes:
                    problems.append(f"{where}: unknown state «{state}»")
            if by not in actors:
                problems.append(f"{where}: unknown actor «{by}»")
            reason = item.get("reason", "optional")
            if reason not in ("required", "optional"):
                problems.append(f"{where}: reason must be required or optional")
            for source_state in sources:
                if any(t.action == action and source_state in t.sources for t in transitions):
                    problems.append(f"{where}: two transitions «{action}» leave «{source_state}»")
                terminal = next((s for s in states if s.code == source_state and s.terminal), None)
                if terminal is not None:
                    problems.append(f"{where}: leaves the terminal state «{source_state}»")
            transitions.append(
                Transition(
                    action=action,
                    label=str(item.get("label") or action),
                    sources=sources,
                    target=target,
                    by=by,
                    reason_required=reason == "required",
                    guards=tuple(str(g) for g in item.get("guards") or ()),
                    bulk=bool(item.get("bulk", False)),
                )
            )
        workflows[str(name)] = Workflow(
            str(name), str(raw.get("label") or name), tuple(states), tuple(transitions)
        )
    for required in ("idea", "plan", "dossier"):
        if required not in workflows:
            problems.append(f"{source}: workflow «{required}» is missing")
    if problems:
        raise ImproperlyConfigured("Invalid routing table:\n  " + "\n  ".join(problems))
    return Routing(str(data.get("code", "")), MappingProxyType(acting), MappingProxyType(workflows))


@functools.cache
def routing() -> Routing:
    with ROUTING_FILE.open(encoding="utf-8") as stream:
        return parse_routing(yaml.safe_load(stream), source=ROUTING_FILE.name)


def workflow(name: str) -> Workflow:
    return routing().workflow(name)


def audit_label(code: str) -> str | None:
    """The name of an audit action `<workflow>.<action>` recorded by a transition ("dossier.submit" → "Nộp hồ sơ")."""
    name, _dot, action = code.partition(".")
    flow = routing().workflows.get(name)
    return flow.action_label(action) if flow is not None else None


def _audit_codes() -> list[str]:
    return [f"{name}.{t.action}" for name, flow in routing().workflows.items() for t in flow.transitions]


audit_label.codes = _audit_codes  # type: ignore[attr-defined]


def holding_level(name: str, status: str, receiver_level: str, evaluator_level: str) -> str:
    """The level whose officers hold a record of workflow `name` in `status` (the state's holder resolved
    through the record's route levels), or "" while the producer holds it, once it is closed, or for a state
    the table does not know."""
    state = workflow(name).state(status)
    holder = state.holder if state is not None else None
    if holder == RECEIVER:
        return receiver_level
    if holder == EVALUATOR:
        return evaluator_level
    if holder is not None and holder in routing().acting_roles:
        return holder
    return ""
