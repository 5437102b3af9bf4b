"""Background work of planning: refreshing the stored indicator values, generating reports (ocop.tasks)."""

from __future__ import annotations

from datetime import timedelta

from ocop.planning import summary
from ocop.tasks.registry import task


@task(name="planning.refresh_values", retries=3, backoff=10, every=timedelta(minutes=5))
def refresh_values() -> dict:
    """The units a change marked stale (after each certificate, decision, producer or history import)."""
    return {"units": summary.refresh_stale()}


@task(name="planning.generate_report", retries=2, backoff=10, time_limit=1800)
def generate_report(*, report_id: int) -> dict:
    from ocop.planning import services

    return services.report_build(report_id=report_id)
