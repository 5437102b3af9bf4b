"""Writing audit events: every service calls `record_event` inside its own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.core.bulk import insert_rows
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


@dataclass(frozen=True)
class Target:
    """One record an event of `record_events` is about: its model, key, how it reads (`str(record)`) and the
    unit whose officers may read the event."""

    model: type[models.Model]
    pk: Any
    label: str
    unit_id: int | None = None
    data: dict[str, Any] | None = None


def record_events(
    *,
    actor,
    action: str,
    targets: Iterable[Target],
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> int:
    """Append one event per target in a few statements, for a write of thousands of records at once (a history
    import). The same rows as `record_event`'s, each with the shared `data` and its target's own. Returns how
    many."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    at = timezone.now()
    common = {
        "at": at,
        "actor_id": actor.pk if is_person else None,
        "actor_label": actor.get_username() if is_person else "hệ thống",
        "action": action,
        "reason": reason,
    }
    rows = [
        {
            **common,
            "target_type": target.model._meta.label_lower,
            "target_id": str(target.pk),
            "target_label": shorten(target.label, 300),
            "unit_id": target.unit_id,
            "data": {**(data or {}), **(target.data or {})},
        }
        for target in targets
    ]
    return len(insert_rows(AuditEvent, rows))
