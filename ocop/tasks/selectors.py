"""Reads of task runs for a user: an officer sees the runs of the units they cover."""

from __future__ import annotations

from django.db.models import QuerySet

from ocop.accounts.policies import Capability, scope_q
from ocop.core.errors import NotFound
from ocop.tasks.models import TaskRun


def task_runs_visible_to(user) -> QuerySet[TaskRun]:
    # Runs without a unit (national jobs, upkeep) fall outside every scope but the whole country's.
    return (
        TaskRun.objects.filter(scope_q(user, Capability.VIEW_WORK, "unit"))
        .select_related("unit", "requested_by")
        .defer("kwargs", "result")
    )


def task_run_get(user, run_id: int) -> TaskRun:
    run = task_runs_visible_to(user).filter(pk=run_id).first()
    if run is None:
        raise NotFound("Không tìm thấy công việc này.", code="task_run_not_found")
    return run
