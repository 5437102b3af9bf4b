"""`manage.py load_rubrics [FILE ...]`: load rubric versions (every shipped file by default), all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.rubrics.issues import RubricFileInvalid
from ocop.rubrics.services import rubric_versions_load


class Command(BaseCommand):
    help = "Nạp các phiên bản bộ tiêu chí (mặc định: mọi tệp trong ocop/rubrics/data/); kiểm tra hết trước, lỗi thì không nạp gì."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Tệp YAML của phiên bản bộ tiêu chí.")

    def handle(self, *args, **options):
        paths = [Path(f) for f in options["files"]] or None
        try:
            results = rubric_versions_load(actor=None, paths=paths)
        except RubricFileInvalid as invalid:
            for line in invalid.describe("vi"):
                self.stderr.write(f"- {line}")
            raise CommandError(f"Tệp bộ tiêu chí có {len(invalid.issues)} lỗi; không nạp gì.") from invalid
        labels = {"created": "đã tạo", "updated": "đã cập nhật", "unchanged": "không đổi"}
        for result in results:
            if options["verbosity"] >= 1:
                self.stdout.write(f"{result.code} ({result.source}): {labels[result.outcome]}")
