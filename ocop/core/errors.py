"""Domain errors: a stable code for machines and a message in the user's language for people.

Services raise these; the API turns them into `{"code", "message"}` with the status below, and pages show
the message. Messages are written in Vietnamese and marked for translation.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext


class DomainError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(self, message: Any, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        # The Vietnamese message is the msgid: it is translated here, in the language of the request.
        payload: dict[str, Any] = {"code": self.code, "message": gettext(str(self.message))}
        if self.details is not None:
            payload["details"] = self.details
        return payload


class Invalid(DomainError):
    status = 400
    default_code = "invalid"


class NotFound(DomainError):
    """Also used for objects the user may not see: a forbidden object and a missing one look the same."""

    status = 404
    default_code = "not_found"


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class Unauthenticated(DomainError):
    status = 401
    default_code = "unauthenticated"


class RateLimited(DomainError):
    status = 429
    default_code = "rate_limited"
