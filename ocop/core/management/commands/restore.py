"""`ocop restore FOLDER --database-url URL`: check a backup, restore it, check the result (ocop.core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `ocop backup`: verify every checksum first, load the database into the "
        "target, put the files back into the storage, then check row counts and file checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="the backup folder")
        parser.add_argument(
            "--database-url",
            required=True,
            help="target: a SQLite file path or a postgres://user:password@host:port/name URL",
        )
        parser.add_argument(
            "--force", action="store_true", help="replace a target database that holds tables"
        )

    def handle(self, *args, folder, database_url, force, **options):
        try:
            report = restore(Path(folder), database_url, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("The restored copy does not match the backup.")
