"""The API's OpenAPI document, as partners read it at /api/v1/openapi.json, written to or checked against the
committed snapshot `docs/openapi.json` (tests/test_openapi.py compares them, so an API change is a visible diff).

    python manage.py openapi            # print the document
    python manage.py openapi --write    # refresh docs/openapi.json (`make openapi`)
    python manage.py openapi --check    # exit 1 when docs/openapi.json differs
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

SNAPSHOT = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def document() -> dict:
    """The live document, in Vietnamese (the default language), as plain JSON values."""
    from ocop.api.urls import api

    with translation.override("vi"):
        return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def as_text(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Print the OpenAPI document, or write (--write) or check (--check) the snapshot docs/openapi.json."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help="refresh docs/openapi.json")
        group.add_argument("--check", action="store_true", help="fail when docs/openapi.json differs")

    def handle(self, *args, write: bool = False, check: bool = False, **options):
        text = as_text(document())
        if write:
            SNAPSHOT.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {SNAPSHOT.relative_to(settings.BASE_DIR)}.")
        elif check:
            if not SNAPSHOT.exists() or SNAPSHOT.read_text(encoding="utf-8") != text:
                raise CommandError(
                    "docs/openapi.json differs from the API: run `make openapi` and commit it."
                )
            self.stdout.write("docs/openapi.json matches the API.")
        else:
            self.stdout.write(text, ending="")
