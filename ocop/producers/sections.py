"""Sections that apps above this one add to a producer's pages (the portal and the officer's detail page).

Producers sit low in the app order, so their pages cannot import products or the cycle; instead those apps
register a section here from their `AppConfig.ready()`: a template and a function giving its context for one
producer as seen by one user (through that app's own scoped selectors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable[..., dict]  # (user, producer) -> context for the template
    order: int = 100


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    SECTIONS[section.key] = section


def sections_for(request, producer) -> list[str]:
    """Each registered section rendered for one producer as `request.user` sees it."""
    return [
        render_to_string(s.template, s.context(request.user, producer), request=request)
        for s in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key))
    ]
