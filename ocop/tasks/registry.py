"""The task registry and `@task`: what an app's `tasks.py` imports. No model is imported here, so those
modules can be loaded while Django is still starting. Runs are started by `ocop.tasks.queue`."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

log = logging.getLogger("ocop.tasks")

# Names `enqueue` takes for itself; a task may not use them as parameters.
RESERVED = frozenset({"unit", "actor", "key"})


class Permanent(Exception):  # noqa: N818  (a marker: "do not retry", not an error kind of its own)
    """Raise (or raise from) this in a task when another attempt cannot succeed. Domain errors
    (`ocop.core.errors.DomainError`) count as permanent too."""


@dataclass(frozen=True)
class TaskSpec:
    name: str
    fn: Callable[..., Any]
    retries: int
    backoff: float
    time_limit: int
    queue: str
    every: timedelta | None
    cron: str

    @property
    def periodic(self) -> bool:
        return self.every is not None or bool(self.cron)

    def retry_delay(self, attempt: int) -> float:
        """Exponential backoff after the given failed attempt (1-based), capped at an hour."""
        return min(self.backoff * (2 ** (attempt - 1)), 3600.0)


REGISTRY: dict[str, TaskSpec] = {}


def task(
    *,
    name: str,
    retries: int = 3,
    backoff: float = 10.0,
    time_limit: int = 600,
    queue: str = "ocop",
    every: timedelta | None = None,
    cron: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a plain function as background work.

    `name` is stable ("app.verb_noun"): runs are recorded and routed by it. The function takes keyword
    arguments that survive JSON and must be idempotent: a retry, or a message delivered twice, runs it
    again. `retries` extra attempts follow a failure after `backoff`, 2×`backoff`, 4×`backoff`... seconds.
    `every` (a timedelta) or `cron` ("minute hour day month weekday") makes it a periodic job, started by
    the scheduler in production and by `manage.py tasks_periodic` elsewhere. The function is returned
    unchanged, so it can still be called directly (in tests, or from another task).
    """

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        clash = RESERVED & set(inspect.signature(fn).parameters)
        if clash:
            raise TypeError(f"Task {name}: parameter names {sorted(clash)} are reserved by enqueue().")
        known = REGISTRY.get(name)
        if known is not None and known.fn.__qualname__ != fn.__qualname__:
            raise ValueError(
                f"Task name {name!r} is already used by {known.fn.__module__}.{known.fn.__qualname__}."
            )
        REGISTRY[name] = TaskSpec(name, fn, retries, backoff, time_limit, queue, every, cron)
        fn.task_name = name  # type: ignore[attr-defined]
        return fn

    return register


def spec_of(fn_or_name: Callable[..., Any] | str) -> TaskSpec:
    name = fn_or_name if isinstance(fn_or_name, str) else getattr(fn_or_name, "task_name", None)
    if name is None or name not in REGISTRY:
        raise LookupError(f"{fn_or_name!r} is not a registered task (decorate it with @task).")
    return REGISTRY[name]
