"""Actions officers take on background work: run a failed task again, or probe the workers."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can
from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Forbidden
from ocop.tasks.models import Status, TaskRun
from ocop.tasks.queue import dispatch, enqueue
from ocop.tasks.registry import spec_of


@transaction.atomic
def task_run_retry(*, actor, run: TaskRun, reason: str = "") -> TaskRun:
    """Give a failed run another round of attempts (after the cause was fixed)."""
    run = TaskRun.objects.select_for_update().get(pk=run.pk)
    if not can(actor, Capability.VIEW_WORK, run.unit):
        raise Forbidden(_("Bạn không có quyền chạy lại công việc này."), code="task_retry_forbidden")
    if not run.can_retry:
        raise Conflict(_("Chỉ chạy lại được công việc đã thất bại."), code="task_not_failed")
    spec = spec_of(run.name)
    run.status = Status.QUEUED
    run.max_attempts = run.attempts + spec.retries + 1
    run.finished_at = None
    run.save(update_fields=["status", "max_attempts", "finished_at"])
    record_event(
        actor=actor, action="task.retry", target=run, unit=run.unit, reason=reason, data={"name": run.name}
    )
    transaction.on_commit(lambda: dispatch(run.pk, run.name), robust=True)
    return run


@transaction.atomic
def probe_request(*, actor, note: str = "") -> TaskRun:
    """Ask a worker to prove it can reach the database, the cache and the storage (central office)."""
    from ocop.tasks.tasks import probe

    if not can(actor, Capability.VIEW_WORK, None):
        raise Forbidden(
            _("Chỉ Văn phòng Điều phối Trung ương được kiểm tra hệ thống."), code="probe_forbidden"
        )
    run = enqueue(probe, actor=actor, note=note[:200])
    record_event(actor=actor, action="task.probe", target=run, data={"name": run.name})
    return run
