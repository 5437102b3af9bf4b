"""The one table of `core`: rate-limit counters (bộ đếm giới hạn tần suất) when no shared cache is configured.

Every web process of an installation shares the database, so counting there keeps one budget per address
however many processes serve it (`ocop.core.ratelimit`). With Redis configured, the counters live there.
"""

from django.db import models


class RateCounter(models.Model):
    # bucket and window number, e.g. "cert-verify:203.0.113.9:29383917"
    key: models.CharField = models.CharField(max_length=255, primary_key=True)
    count: models.PositiveIntegerField = models.PositiveIntegerField(default=0)
    expires_at: models.DateTimeField = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "bộ đếm giới hạn tần suất"

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
