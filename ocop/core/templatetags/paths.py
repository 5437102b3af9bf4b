"""`{% path 'name' key ... %}`: `{% url %}` for a URL whose arguments are integer keys, or none, from a pattern
reversed once per process (`core.paths.path_of`). The base template's links are on every page and a queue's
side lists link each row: each `{% url %}` resolved its pattern again, a twentieth of the queue page's Python
(issue 19)."""

from __future__ import annotations

from django import template

from ocop.core.paths import path_of

register = template.Library()


@register.simple_tag
def path(name: str, *keys: int) -> str:
    return path_of(name, *keys)
