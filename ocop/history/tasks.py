"""Background run of a history import (ocop.tasks): the upload's rows written in one transaction, with its
progress on the upload page."""

from __future__ import annotations

from ocop.history import services
from ocop.tasks.registry import task


@task(name="history.apply_import", retries=0, time_limit=1800)
def apply_import(*, upload_id: int) -> dict:
    """Idempotent: an upload already applied is not applied again."""
    return services.history_import_run(int(upload_id))
