"""The Celery application of the production form: workers run `ocop.tasks` runs, the scheduler (beat)
starts the periodic ones. Start them with `celery -A ocop worker` and `celery -A ocop beat` (docs/deploy.md).

Every run goes through one Celery task, `ocop.tasks.execute`, with the TaskRun id as its only argument:
what to run, its arguments and its history live in the database, where officers can see them. The web sends
it by that name (`ocop.tasks.broker`), so this module is an entry point that nothing imports.
"""

from __future__ import annotations

import os

import django
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
django.setup()  # loads every app's tasks.py (ocop.tasks.apps), so the registry is complete

from ocop.tasks.broker import EXECUTE, START_PERIODIC, app  # noqa: E402
from ocop.tasks.queue import enqueue  # noqa: E402
from ocop.tasks.registry import REGISTRY  # noqa: E402
from ocop.tasks.runner import attempt  # noqa: E402


@app.task(name=EXECUTE, bind=True, acks_late=True)
def execute_run(self, run_id: int) -> None:
    outcome = attempt(run_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in, max_retries=None)


@app.task(name=START_PERIODIC)
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
        "task": START_PERIODIC,
        "args": [spec.name],
        "schedule": spec.every if spec.every is not None else _schedule_of(spec.cron),
    }
    for spec in REGISTRY.values()
    if spec.periodic
}
