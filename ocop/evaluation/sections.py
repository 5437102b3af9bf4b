"""The evaluation's section of a producer's pages: the councils' concluded results, with a link to each."""

from __future__ import annotations

from ocop.evaluation import selectors
from ocop.producers.sections import Section, register_section


def _context(user, producer) -> dict:
    return {
        "producer": producer,
        "results": list(selectors.results_of_producer(user).filter(dossier__producer=producer)[:50]),
    }


def register() -> None:
    register_section(Section("evaluation", "evaluation/_section.html", _context, order=30))
