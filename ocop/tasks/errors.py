"""Error codes of background work: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class TasksCode(ErrorCode):
    """The codes of background work (docs/errors.md)."""

    PROBE_FORBIDDEN = "probe_forbidden", "Only the central coordination office may check the system."
    TASK_NOT_FAILED = "task_not_failed", "Only a failed run can be run again."
    TASK_RETRY_FORBIDDEN = "task_retry_forbidden", "You may not run this task again."
    TASK_RUN_NOT_FOUND = "task_run_not_found", "This task run was not found."
