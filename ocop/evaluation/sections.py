"""The evaluation's section of a producer's pages: the councils' concluded results, with a link to each, and
(for the producer's own people) the self-assessment of each dossier whose product set has a digital sheet."""

from __future__ import annotations

from ocop.evaluation import selectors
from ocop.producers.sections import Section, register_section


def _context(user, producer) -> dict:
    return {
        "producer": producer,
        "results": list(selectors.results_of_producer(user).filter(dossier__producer=producer)[:50]),
        "self_assessments": selectors.self_assessments_of_producer(user, producer),
    }


def register() -> None:
    register_section(Section("evaluation", "evaluation/_section.html", _context, order=30))
