"""With Celery, the web sends a run to the workers by task name: it imports nothing from the workers' entry
point (`ocop/celery.py`), which declares the task that name stands for on the same application."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ocop.tasks import enqueue
from ocop.tasks.broker import EXECUTE, START_PERIODIC
from ocop.tasks.broker import app as celery_app
from ocop.tasks.models import Status
from ocop.tasks.registry import spec_of
from ocop.tasks.runner import attempt
from ocop.tasks.tasks import probe

pytestmark = pytest.mark.django_db


def test_a_run_is_sent_to_its_queue_by_the_name_the_workers_declare(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS_MODE = "celery"
    assert settings.CELERY_BROKER_URL == "memory://"  # the in-process broker of the test settings
    with celery_app.connection_for_write() as connection:
        queue = connection.SimpleQueue("ocop")
        queue.clear()
        with django_capture_on_commit_callbacks(execute=True):
            run = enqueue(probe, note="by name")
        message = queue.get(timeout=5)
        args, kwargs, _embed = message.decode()
        message.ack()
        queue.close()
    assert message.headers["task"] == EXECUTE and (args, kwargs) == ([run.pk], {})
    limit = spec_of(probe).time_limit
    assert message.headers["timelimit"] == [limit + 30, limit]
    run.refresh_from_db()
    assert run.status == Status.QUEUED and run.attempts == 0  # nothing ran in the web process

    # What the worker does with that message.
    assert attempt(run.pk).status == Status.SUCCEEDED
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED and run.output_filename.startswith("probe-")


def test_the_workers_entry_point_declares_the_names_the_web_sends():
    check = (
        "from ocop.celery import app\n"
        "from ocop.tasks.broker import EXECUTE, START_PERIODIC, app as broker_app\n"
        "assert app is broker_app\n"
        "assert {EXECUTE, START_PERIODIC} <= set(app.tasks)\n"
        "jobs = app.conf.beat_schedule\n"
        "assert jobs['tasks.requeue_stale']['task'] == START_PERIODIC, jobs\n"
        "print('ok', len(jobs))\n"
    )
    run = subprocess.run(  # noqa: S603 (fixed command line)
        [sys.executable, "-c", check],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ocop.test_settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ok ")
    assert EXECUTE == "ocop.tasks.execute" and START_PERIODIC == "ocop.tasks.start_periodic"
