"""Writing audit events: every service calls `record_event` inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from ocop.audit.models import AuditEvent
from ocop.core.text import shorten


def record_event(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    unit=None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `actor` may be None for the system itself (set-up, scheduled jobs)."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.get_username() if is_person else "hệ thống",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=shorten(str(target), 300) if target is not None else "",
        unit=unit,
        reason=reason,
        data=data or {},
    )
