"""Small display helpers for the catalogue's templates."""

from django import template

register = template.Library()


@register.filter
def star_marks(stars) -> str:
    """`4` → `★★★★`; nothing for a missing or odd value."""
    try:
        count = int(stars)
    except (TypeError, ValueError):
        return ""
    return "★" * max(0, min(count, 5))
