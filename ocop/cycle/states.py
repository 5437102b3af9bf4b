"""The states of the cycle that code refers to, by name, checked against the state tables of `data/routing.yaml`.

The data file owns the states (codes, labels, holders, deadlines); code that must name one state (a query for
withdrawn records, the idea a plan may follow) writes `DOSSIER.withdrawn` or `IDEA.accepted`, never a bare
`"withdrawn"`. Each table below lists the states its code names; a state the data file lacks (renamed or
removed there) stops the start (`CycleConfig.ready` calls `verify`) with the list of every missing name, instead
of a query that silently matches nothing. A state the code does not name needs no entry here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured

from ocop.cycle.workflow import Routing, routing


@dataclass(frozen=True)
class IdeaStates:
    registered: str
    accepted: str
    returned: str
    withdrawn: str


@dataclass(frozen=True)
class PlanStates:
    draft: str
    submitted: str
    returned: str


@dataclass(frozen=True)
class DossierStates:
    draft: str
    submitted: str
    checked: str
    forwarded: str
    returned: str
    accepted: str
    withdrawn: str
    # moved by the evaluation app (docs/evaluation.md)
    under_evaluation: str
    scored: str
    proposed_to_central: str
    recognised: str
    not_recognised: str


Names = TypeVar("Names")

# workflow name in routing.yaml → the table of the names the code uses in it
TABLES: dict[str, type] = {"idea": IdeaStates, "plan": PlanStates, "dossier": DossierStates}


def _named(table: type[Names]) -> Names:
    # A name is the state's code in the data file: `verify` checks each one is there.
    names: Any = table
    return names(**{field.name: field.name for field in fields(names)})


IDEA: IdeaStates = _named(IdeaStates)
PLAN: PlanStates = _named(PlanStates)
DOSSIER: DossierStates = _named(DossierStates)


def missing_names(table: Routing, *, source: str = "routing.yaml") -> list[str]:
    """Every state the code names that the routing table lacks, one line each."""
    problems = []
    for name, names in TABLES.items():
        flow = table.workflows.get(name)
        codes = {state.code for state in flow.states} if flow is not None else set()
        for field in fields(names):
            if field.name not in codes:
                problems.append(
                    f"{source} › {name}: the code uses the state «{field.name}» ({names.__name__}), "
                    "which the table lacks"
                )
    return problems


def verify(table: Routing | None = None, *, source: str = "routing.yaml") -> None:
    """Refuse to start when a state the code names is missing from the data (renamed or removed there)."""
    problems = missing_names(table if table is not None else routing(), source=source)
    if problems:
        raise ImproperlyConfigured(
            "The state tables lack states the code uses (rename them in ocop/cycle/states.py and the code "
            "too, or restore them):\n  " + "\n  ".join(problems)
        )
