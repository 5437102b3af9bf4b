"""Check every stored file against its recorded checksum: the last step of a restore drill.

A model records a checksum by pairing a FileField `x` with a CharField `x_sha256` (ocop.core.storage).
"""

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from ocop.core.storage import checksum


def checksummed_fields():
    """(model, file field name, checksum field name) for every FileField with a `<name>_sha256` beside it."""
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and f"{field.name}_sha256" in names:
                yield model, field.name, f"{field.name}_sha256"


class Command(BaseCommand):
    help = "Verify that every file with a recorded checksum exists in the storage and reads back unchanged."

    def add_arguments(self, parser):
        parser.add_argument("--exists-only", action="store_true", help="check presence only (no download)")

    def handle(self, *args, exists_only, **options):
        checked = missing = changed = 0
        for model, file_field, sum_field in checksummed_fields():
            rows = model._default_manager.exclude(**{file_field: ""}).values_list("pk", file_field, sum_field)
            for pk, name, recorded in rows.iterator(chunk_size=2000):
                checked += 1
                label = f"{model._meta.label}#{pk} {name}"
                if not default_storage.exists(name):
                    missing += 1
                    self.stderr.write(f"missing: {label}")
                elif not exists_only and recorded and checksum(name) != recorded:
                    changed += 1
                    self.stderr.write(f"checksum differs: {label}")
        self.stdout.write(f"files checked: {checked}, missing: {missing}, changed: {changed}")
        if missing or changed:
            raise CommandError("Some stored files are missing or changed.")
