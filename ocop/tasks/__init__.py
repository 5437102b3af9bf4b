"""Background work (*công việc nền*): one way to run certificate PDFs, imports, reports, e-mails, reminders.

    from ocop.tasks import enqueue, task

    @task(name="certification.render_pdf", retries=3)      # in ocop/<app>/tasks.py
    def render_pdf(*, certificate_id: int) -> StoredFile: ...

    enqueue(render_pdf, certificate_id=certificate.pk, unit=certificate.unit, actor=actor)   # in a service

`enqueue` records a `TaskRun` in the caller's transaction and starts the work once it commits: in-process
by default (`OCOP_TASKS=inline`), on Celery workers with `OCOP_TASKS=celery`. See docs/CONVENTIONS.md.
"""

from ocop.tasks.queue import enqueue
from ocop.tasks.registry import Permanent, task

__all__ = ["Permanent", "enqueue", "task"]
