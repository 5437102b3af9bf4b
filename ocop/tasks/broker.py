"""The Celery application, configured from Django's settings (`CELERY_*`).

The web sends runs to the workers through it by task name (`EXECUTE`), so it needs nothing from the workers'
side; `ocop/celery.py`, the entry point of the workers and the scheduler, declares on this same application
the tasks those names stand for. Nothing imports `ocop.celery`.
"""

from __future__ import annotations

from celery import Celery

# Every run goes through this one Celery task, with the TaskRun id as its only argument.
EXECUTE = "ocop.tasks.execute"
# The scheduler's tick for a periodic job, with the job's name as its only argument.
START_PERIODIC = "ocop.tasks.start_periodic"

app = Celery("ocop")
app.config_from_object("django.conf:settings", namespace="CELERY")
