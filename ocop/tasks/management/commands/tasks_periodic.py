"""Start the periodic jobs once: what the scheduler does in production, for a laptop or a cron line."""

from django.core.management.base import BaseCommand, CommandError

from ocop.tasks.queue import enqueue
from ocop.tasks.registry import REGISTRY


class Command(BaseCommand):
    help = "Enqueue every periodic job (or the named ones) once."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="task names; all periodic jobs when none")

    def handle(self, *args, names, **options):
        periodic = sorted(name for name, spec in REGISTRY.items() if spec.periodic)
        unknown = set(names) - set(periodic)
        if unknown:
            raise CommandError(
                f"Not periodic jobs: {', '.join(sorted(unknown))}. Known: {', '.join(periodic)}."
            )
        for name in names or periodic:
            run = enqueue(name, key="periodic")
            run.refresh_from_db()
            self.stdout.write(f"{name}: run #{run.pk} {run.status}")
