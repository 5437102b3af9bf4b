"""Prove that a worker does real work: enqueue `tasks.probe` and wait for it (after a deploy or restore)."""

import time

from django.core.management.base import BaseCommand, CommandError

from ocop.tasks.models import Status
from ocop.tasks.queue import enqueue
from ocop.tasks.tasks import probe


class Command(BaseCommand):
    help = "Run the end-to-end probe through the task queue and wait for its result."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=60, help="seconds to wait for a worker")
        parser.add_argument("--note", default="", help="written into the probe's file")

    def handle(self, *args, wait, note, **options):
        run = enqueue(probe, note=note)
        deadline = time.monotonic() + wait
        while True:
            run.refresh_from_db()
            if run.status in (Status.SUCCEEDED, Status.FAILED) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if run.status != Status.SUCCEEDED:
            raise CommandError(
                f"probe run #{run.pk} is {run.status} after {wait}s: {run.error_summary or 'no worker?'}"
            )
        self.stdout.write(
            f"probe run #{run.pk} succeeded on {run.worker}: {run.output.name} sha256={run.output_sha256}"
        )
