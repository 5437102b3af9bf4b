"""Running a recorded task: one attempt at a time, the outcome written to its TaskRun.

The same `attempt()` serves both modes: inline (in the web process, after commit) and on Celery workers.
An attempt claims the run under a row lock, calls the function outside any lock, and records success,
a retry (with its backoff) or the final failure. A run that already succeeded is not run again, so a
message delivered twice does no harm.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ocop.core.errors import DomainError
from ocop.core.requestlog import new_request_id, request_id_bound
from ocop.core.storage import StoredFile
from ocop.tasks.broker import EXECUTE
from ocop.tasks.broker import app as celery_app
from ocop.tasks.models import Status, TaskRun
from ocop.tasks.registry import REGISTRY, Permanent

log = logging.getLogger("ocop.tasks")
ERROR_LIMIT = 8000  # characters of traceback kept: enough to see where it failed


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_in: float | None = None


def _worker_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _claim(run_id: int) -> TaskRun | None:
    with transaction.atomic():
        run = TaskRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status in (Status.SUCCEEDED, Status.FAILED):
            return None
        if run.status == Status.RUNNING and run.attempts >= run.max_attempts:
            # The last attempt never reported back: its worker was killed (time limit, crash, restart).
            run.status = Status.FAILED
            run.error = "WorkerLost: the worker running the last attempt stopped before it finished."
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            return None
        run.status = Status.RUNNING
        run.attempts += 1
        run.started_at = timezone.now()
        run.finished_at = None
        run.next_attempt_at = None
        run.worker = _worker_label()
        run.save(
            update_fields=["status", "attempts", "started_at", "finished_at", "next_attempt_at", "worker"]
        )
        return run


def attempt(run_id: int) -> Outcome:
    """One attempt at a run. Never raises for an error of the task itself: that is recorded."""
    run = _claim(run_id)
    if run is None:
        log.info("task run %s is finished or gone; nothing to do", run_id)
        return Outcome("skipped")
    spec = REGISTRY.get(run.name)
    context = {"task": run.name, "task_run": run.pk, "attempt": run.attempts}
    with request_id_bound(run.request_id or new_request_id()):
        if spec is None:
            return _finish_failed(run, f"LookupError: no task named {run.name!r} in this version.", context)
        log.info("task %s #%s attempt %s started", run.name, run.pk, run.attempts, extra=context)
        try:
            value = spec.fn(**run.kwargs)
        except Exception as error:
            text = traceback.format_exc()[-ERROR_LIMIT:]
            permanent = isinstance(error, Permanent | DomainError)
            if permanent or run.attempts >= run.max_attempts:
                return _finish_failed(run, text, context)
            delay = spec.retry_delay(run.attempts)
            run.status = Status.RETRYING
            run.error = text
            run.finished_at = timezone.now()
            run.next_attempt_at = run.finished_at + timedelta(seconds=delay)
            run.save(update_fields=["status", "error", "finished_at", "next_attempt_at"])
            log.warning(
                "task %s #%s attempt %s failed, retrying in %ss: %s",
                run.name,
                run.pk,
                run.attempts,
                round(delay),
                run.error_summary,
                extra=context,
            )
            return Outcome(Status.RETRYING, retry_in=delay)
        run.status = Status.SUCCEEDED
        run.finished_at = timezone.now()
        fields = ["status", "finished_at", "result"]
        if isinstance(value, StoredFile):
            run.output.name = value.name
            run.output_sha256 = value.sha256
            run.output_filename = value.filename
            run.result = {"file": value.name, "size": value.size, "sha256": value.sha256}
            fields += ["output", "output_sha256", "output_filename"]
        else:
            run.result = value
        run.save(update_fields=fields)
        log.info(
            "task %s #%s succeeded", run.name, run.pk, extra={**context, "seconds": run.duration_seconds}
        )
        return Outcome(Status.SUCCEEDED)


def _finish_failed(run: TaskRun, text: str, context: dict) -> Outcome:
    run.status = Status.FAILED
    run.error = text
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    log.error("task %s #%s failed for good: %s", run.name, run.pk, run.error_summary, extra=context)
    return Outcome(Status.FAILED)


def run_inline(run_id: int) -> Outcome:
    """Inline mode: every attempt at once, without sleeping, so a request never waits on a backoff."""
    outcome = attempt(run_id)
    while outcome.retry_in is not None:
        outcome = attempt(run_id)
    return outcome


def send_to_celery(run_id: int, name: str, countdown: float = 0) -> None:
    """Hand a run to the workers. If the broker is down the run stays queued, and the scheduler's
    `tasks.requeue_stale` job sends it again later: nothing is lost between commit and broker. The message
    names the task the workers run (`ocop/celery.py`), so the web needs nothing from their side."""
    options = {}
    spec = REGISTRY.get(name)
    if spec is not None:
        options = {
            "queue": spec.queue,
            "time_limit": spec.time_limit + 30,
            "soft_time_limit": spec.time_limit,
        }
    try:
        celery_app.send_task(EXECUTE, args=[run_id], countdown=countdown or None, **options)
    except Exception:
        log.exception("could not send task run %s to the broker; the scheduler will send it again", run_id)
