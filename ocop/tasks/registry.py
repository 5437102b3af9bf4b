"""The task registry, `@task` and `enqueue`: what other apps import. No model is imported at module level,
so an app's `tasks.py` can be loaded while Django is still starting."""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

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


def enqueue(fn: Callable[..., Any] | str, /, *, unit=None, actor=None, key: str = "", **kwargs: Any):
    """Record a run of `fn(**kwargs)` and start it once the current transaction commits.

    `unit` (an AdminUnit) decides which officers see the run on /tasks/ (none: central officers only);
    `actor` is who asked for it. With a `key`, a run of the same task and key that is still waiting or
    running is returned instead of a second one (a refresh asked for twice runs once). Returns the TaskRun.
    """
    from ocop.core.requestlog import current_request_id
    from ocop.tasks.models import TaskRun

    spec = spec_of(fn)
    try:
        payload = json.loads(json.dumps(kwargs))
    except (TypeError, ValueError) as error:
        raise TypeError(f"Task {spec.name}: arguments must be JSON values ({error}).") from error
    requester = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    request_id = current_request_id()
    fields = {
        "name": spec.name,
        "kwargs": payload,
        "unit": unit,
        "requested_by": requester,
        "key": key,
        "max_attempts": spec.retries + 1,
        "request_id": "" if request_id == "-" else request_id,
    }
    with transaction.atomic():
        if key:
            pending = TaskRun.objects.filter(name=spec.name, key=key, status__in=TaskRun.ACTIVE).first()
            if pending is not None:
                return pending
            try:
                with transaction.atomic():
                    run = TaskRun.objects.create(**fields)
            except IntegrityError:  # another process enqueued the same key a moment ago
                return TaskRun.objects.get(name=spec.name, key=key, status__in=TaskRun.ACTIVE)
        else:
            run = TaskRun.objects.create(**fields)
        transaction.on_commit(partial(dispatch, run.pk, spec.name), robust=True)
    return run


def dispatch(run_id: int, name: str, countdown: float = 0) -> None:
    """Start a recorded run: hand it to Celery, or run it here and now (inline mode)."""
    from ocop.tasks import runner

    if settings.TASKS_MODE == "celery":
        runner.send_to_celery(run_id, name, countdown=countdown)
    else:
        runner.run_inline(run_id)
