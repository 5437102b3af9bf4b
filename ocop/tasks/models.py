"""One row per piece of background work (*công việc nền*): what ran, for whom, how it went, and its error."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    RETRYING = "retrying", _("Chờ chạy lại")
    SUCCEEDED = "succeeded", _("Hoàn thành")
    FAILED = "failed", _("Thất bại")


class TaskRun(models.Model):
    """A run of a registered task. Written only by `ocop.tasks` (enqueue, the runner, the retry service);
    officers read it on /tasks/ within their units, so a failure is seen with its error."""

    ACTIVE = (Status.QUEUED, Status.RUNNING, Status.RETRYING)

    name = models.CharField(max_length=100, db_index=True)
    kwargs = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=1)
    key = models.CharField(max_length=200, blank=True)
    # Whose work it is: officers of this unit see the run; without a unit, only the central office does.
    unit = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    # A file the run produced (a report, an export), served only through the permission-checked view.
    output = models.FileField(max_length=300, blank=True)
    output_sha256 = models.CharField(max_length=64, blank=True)
    output_filename = models.CharField(max_length=200, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["-created_at"])]
        constraints = [
            # One waiting or running run per task and key: a refresh asked for twice runs once.
            models.UniqueConstraint(
                fields=["name", "key"],
                condition=Q(status__in=["queued", "running", "retrying"]) & ~Q(key=""),
                name="tasks_one_active_run_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"

    @property
    def can_retry(self) -> bool:
        """Another round of attempts is given only to a failed run (the retry service's rule; the page asks it)."""
        return self.status == Status.FAILED

    @property
    def is_waiting_to_retry(self) -> bool:
        return self.status == Status.RETRYING and self.next_attempt_at is not None

    @property
    def tone(self) -> str:
        """The badge's colour class for the run's state."""
        return {Status.SUCCEEDED: "badge-ok", Status.FAILED: "badge-bad"}.get(
            Status(self.status), "badge-warn"
        )

    @property
    def label(self) -> str:
        """The task's name in the reader's language (the code stays in `name`)."""
        from ocop.tasks.labels import task_label

        return task_label(self.name)

    @property
    def error_summary(self) -> str:
        """The last line of the error, which names the exception and its message."""
        lines = [line for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
