"""`ocop backup FOLDER`: the database and every stored file, with a manifest of checksums (ocop.core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and every stored file into a new folder, with a manifest of checksums."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new or empty folder for the backup")
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args, folder, database, **options):
        try:
            manifest = backup(Path(folder), using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"backup written to {folder}: {manifest['vendor']} database, {rows} rows, "
            f"{len(manifest['files'])} files"
        )
        for name in manifest["missing_files"]:
            self.stderr.write(f"missing from the storage (not in the backup): {name}")
