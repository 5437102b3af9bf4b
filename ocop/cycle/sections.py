"""The cycle's section of a producer's pages: ideas, plans and dossiers, with what each still needs."""

from __future__ import annotations

from ocop.cycle import selectors
from ocop.cycle.models import BusinessPlan, Dossier, ProductIdea
from ocop.cycle.states import DOSSIER, IDEA
from ocop.cycle.workflow import workflow
from ocop.producers.policies import acts_for
from ocop.producers.sections import Section, register_section
from ocop.products.selectors import products_search


def _rows(records, flow) -> list[dict]:
    return [
        {"record": r, "status_label": flow.label_of(r.status), "deadline": selectors.deadline_of(r)}
        for r in records
    ]


def _context(user, producer) -> dict:
    dossiers = []
    for row in _rows(selectors.dossiers_of_producer(user, producer.pk)[:50], workflow(Dossier.WORKFLOW)):
        row["missing"] = selectors.missing_items(row["record"])
        dossiers.append(row)
    return {
        "producer": producer,
        "ideas": _rows(
            selectors.ideas_visible_to(user).filter(producer=producer)[:50], workflow(ProductIdea.WORKFLOW)
        ),
        "plans": _rows(
            selectors.plans_visible_to(user).filter(producer=producer)[:50], workflow(BusinessPlan.WORKFLOW)
        ),
        "dossiers": dossiers,
        "states": {"dossier": DOSSIER, "idea": IDEA},
        "own": acts_for(user, producer.pk),
        "products": list(products_search(user, producer_id=producer.pk))
        if acts_for(user, producer.pk)
        else [],
    }


def register() -> None:
    register_section(Section("cycle", "cycle/_section.html", _context, order=20))
