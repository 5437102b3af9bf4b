"""Request ids and structured logs: every log line names the request (or background task) it belongs to.

A request id comes from the load balancer's `X-Request-ID` header when it is well formed, otherwise it is
made here; it is echoed on the response, kept in a context variable for the log filter, and handed on to the
background tasks the request starts, so one id follows the work from the web process to the worker.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

_request_id: ContextVar[str] = ContextVar("ocop_request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("ocop.request")


def current_request_id() -> str:
    """The id of the request or task this code runs for, `-` outside of both."""
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def request_id_bound(value: str) -> Iterator[str]:
    """Run a block (a request, a task attempt) under the given id."""
    token = _request_id.set(value if _VALID.match(value or "") else new_request_id())
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


# Attributes every LogRecord has; anything else given through `extra=` is written as a field of its own.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line, easy for a log collector: time, level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", _request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestIdMiddleware:
    """Binds a request id, echoes it as `X-Request-ID`, and writes one access line a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with request_id_bound(request.headers.get("X-Request-ID", "")) as request_id:
            request.request_id = request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            # Only a user the request already loaded: the log line must not add a query of its own. That is
            # Django's lazy wrapper, unevaluated for a visitor, or the user itself once signed in
            # (`accounts.middleware` hands the views the user unwrapped).
            user = getattr(request, "user", None)
            user = getattr(user, "_wrapped", user)
            signed_in = user is not None and user is not empty and getattr(user, "is_authenticated", False)
            user_id = getattr(user, "pk", None) if signed_in else None
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user_id,
                },
            )
        return response
