"""The Celery application of the production form: workers run `ocop.tasks` runs, the scheduler (beat)
starts the periodic ones. Start them with `celery -A ocop worker` and `celery -A ocop beat` (docs/deploy.md).

Every run goes through one Celery task, `ocop.tasks.execute`, with the TaskRun id as its only argument:
what to run, its arguments and its history live in the database, where officers can see them.
"""

from __future__ import annotations

import os

import django
from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
django.setup()  # loads every app's tasks.py (ocop.tasks.apps), so the registry is complete

from ocop.tasks.registry import REGISTRY, enqueue  # noqa: E402
from ocop.tasks.runner import attempt  # noqa: E402

app = Celery("ocop")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="ocop.tasks.execute", bind=True, acks_late=True)
def execute_run(self, run_id: int) -> None:
    outcome = attempt(run_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in, max_retries=None)


@app.task(name="ocop.tasks.start_periodic")
def start_periodic(name: str) -> None:
    # The key keeps one run at a time: a slow job is not stacked up by the next tick.
    enqueue(name, key="periodic")


def _schedule_of(cron: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = cron.split()
    return crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )


app.conf.beat_schedule = {
    spec.name: {
        "task": "ocop.tasks.start_periodic",
        "args": [spec.name],
        "schedule": spec.every if spec.every is not None else _schedule_of(spec.cron),
    }
    for spec in REGISTRY.values()
    if spec.periodic
}
