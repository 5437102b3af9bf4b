"""The checker's answer on a maker-checker record (a decision, a certificate change, a record change): who
answered, when, with what note, and the state it leads to. One place, so every such record is stamped alike
and a return always carries its reason."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.errors import Invalid
from ocop.core.text import nfc

CHECK_FIELDS = ["status", "checked_by", "checked_at", "check_note"]


def reason_required(reason: str | None) -> str:
    """The reason of a return or a withdrawal, NFC; refused when empty."""
    reason = nfc(reason or "")
    if not reason:
        raise Invalid(_("Cần ghi lý do trả lại."), code="reason_required")
    return reason


def stamp_check(record: models.Model, *, actor, status: str, note: str | None) -> None:
    """Save the checker's answer on `record` (the caller holds its row lock and has checked the rights)."""
    record.status = status  # type: ignore[attr-defined]
    record.checked_by = actor  # type: ignore[attr-defined]
    record.checked_at = timezone.now()  # type: ignore[attr-defined]
    record.check_note = nfc(note or "")  # type: ignore[attr-defined]
    record.save(update_fields=CHECK_FIELDS)
