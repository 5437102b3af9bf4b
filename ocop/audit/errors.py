"""Error codes of the audit trail: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class AuditCode(ErrorCode):
    """The codes of the audit trail (docs/errors.md)."""

    AUDIT_APPEND_ONLY = "audit_append_only", "The audit log can only be appended to, not changed."
