"""Amounts as Vietnamese write them: 45.000.000 (dots between thousands; the locale's own format groups none)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def thousands(value) -> str:
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""
