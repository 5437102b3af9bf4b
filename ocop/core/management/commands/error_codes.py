"""The declared error codes as docs/errors.md (ocop.core.error_codes).

python manage.py error_codes            # print the document
python manage.py error_codes --write    # refresh docs/errors.md (`make api-docs`)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ocop.core.error_codes import DOC, markdown


class Command(BaseCommand):
    help = "Print the table of declared error codes, or write it to docs/errors.md (--write)."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="refresh docs/errors.md")

    def handle(self, *args, write: bool = False, **options):
        if write:
            DOC.write_text(markdown(), encoding="utf-8")
            self.stdout.write("Wrote docs/errors.md.")
        else:
            self.stdout.write(markdown(), ending="")
