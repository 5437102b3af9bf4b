"""Template helpers of the certification pages."""

from django import template

register = template.Library()


@register.filter
def star_marks(stars) -> str:
    """`4` → `★★★★`."""
    try:
        return "★" * max(0, min(int(stars), 5))
    except (TypeError, ValueError):
        return ""
