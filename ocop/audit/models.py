"""The audit trail (*nhật ký*): an append-only record of every domain action, written by services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ocop.core.errors import Forbidden


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise Forbidden("Nhật ký chỉ được ghi thêm, không được sửa.", code="audit_append_only")

    def delete(self):
        raise Forbidden("Nhật ký chỉ được ghi thêm, không được xoá.", code="audit_append_only")


class AuditEvent(models.Model):
    """Who did what, to which object, when and why. Rows are never changed or deleted by the application;
    on both databases a trigger also refuses UPDATE (migration 0002)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    # The unit the event belongs to: who may read it follows the same scope as the object.
    unit = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Forbidden("Nhật ký chỉ được ghi thêm, không được sửa.", code="audit_append_only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Forbidden("Nhật ký chỉ được ghi thêm, không được xoá.", code="audit_append_only")
