"""Starting runs: `enqueue` records one, `dispatch` hands it to Celery or runs it here. What services import
(through `ocop.tasks`); no model is imported at module level, since `ocop.tasks` loads before the models."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from ocop.tasks.registry import spec_of


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
    from ocop.tasks import runner  # here, not above: it imports the models, and this module loads before them

    if settings.TASKS_MODE == "celery":
        runner.send_to_celery(run_id, name, countdown=countdown)
    else:
        runner.run_inline(run_id)
