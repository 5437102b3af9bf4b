"""Background work every app shares: e-mail, the end-to-end probe, and the upkeep of the runs themselves."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.utils import timezone

from ocop.core.storage import StoredFile, checksum, store
from ocop.tasks.models import Status, TaskRun
from ocop.tasks.queue import dispatch
from ocop.tasks.registry import task

STALE_AFTER = timedelta(minutes=15)


@task(name="mail.send", retries=5, backoff=30)
def send_mail(*, to: list[str], subject: str, body: str, html: str = "") -> dict:
    """Send one e-mail. Services enqueue it from `transaction.on_commit`-safe code: `enqueue(send_mail, ...)`."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html:
        message.attach_alternative(html, "text/html")
    sent = message.send()
    return {"sent": sent, "to": len(to)}


@task(name="tasks.probe", retries=2, backoff=5)
def probe(*, note: str = "") -> StoredFile:
    """A run that touches everything a worker needs (database, cache, storage) and leaves a small file in
    the storage: proof, after a deployment or a restore, that a worker can do real work."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    cache.set("ocop:probe", note or "ok", 60)
    report = {
        "host": socket.gethostname(),
        "at": timezone.now().isoformat(),
        "note": note,
        "database": connection.vendor,
        "cache": cache.get("ocop:probe") == (note or "ok"),
        "tasks": settings.TASKS_MODE,
    }
    stored = store(
        json.dumps(report, ensure_ascii=False, indent=2).encode(),
        folder="probes",
        filename=f"probe-{timezone.localtime():%Y%m%d-%H%M%S}.json",
        content_type="application/json",
    )
    if checksum(stored.name) != stored.sha256:
        raise RuntimeError("The stored probe file does not read back as written.")
    return stored


@task(name="tasks.requeue_stale", retries=0, every=timedelta(minutes=1))
def requeue_stale() -> dict:
    """Send again the runs whose message was lost (broker down at commit, a retry dropped by a restart)."""
    cutoff = timezone.now() - STALE_AFTER
    stale = list(
        TaskRun.objects.filter(status=Status.QUEUED, created_at__lt=cutoff).values_list("pk", "name")[:500]
    ) + list(
        TaskRun.objects.filter(status=Status.RETRYING, next_attempt_at__lt=cutoff).values_list("pk", "name")[
            :500
        ]
    )
    for run_id, name in stale:
        dispatch(run_id, name)
    return {"requeued": len(stale)}


@task(name="tasks.purge_finished", retries=1, cron="30 2 * * *")
def purge_finished(*, keep_days: int = 90, keep_failed_days: int = 365) -> dict:
    """Forget old finished runs (and the files they produced) so the table stays small."""
    now = timezone.now()
    old = TaskRun.objects.filter(status=Status.SUCCEEDED, finished_at__lt=now - timedelta(days=keep_days)) | (
        TaskRun.objects.filter(status=Status.FAILED, finished_at__lt=now - timedelta(days=keep_failed_days))
    )
    removed = 0
    for run in old[:5000]:
        if run.output:
            run.output.delete(save=False)
        run.delete()
        removed += 1
    return {"removed": removed}
