"""Template helpers of the certification pages."""

from django import template

from ocop.certification.models import EffectiveStatus

register = template.Library()

# The badge's colour for each effective status of a certificate; any other reads as not in force.
_BADGE_TONES = {EffectiveStatus.ACTIVE: "badge-ok", EffectiveStatus.EXPIRED: "badge-warn"}


@register.filter
def star_marks(stars) -> str:
    """`4` → `★★★★`."""
    try:
        return "★" * max(0, min(int(stars), 5))
    except (TypeError, ValueError):
        return ""


@register.filter
def status_badge_class(status) -> str:
    """`active` → `badge-ok`, `expired` → `badge-warn`, a revoked or replaced certificate → `badge-bad`."""
    return _BADGE_TONES.get(status, "badge-bad")
