"""`ocop rubric validate FILE`, `ocop rubric load FILE`, `ocop rubric import-sheet VERSION SET FILE`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.rubrics.issues import RubricFileInvalid, errors_only
from ocop.rubrics.loader import validate_version_file
from ocop.rubrics.selectors import engine_version
from ocop.rubrics.services import rubric_version_load, rubric_versions_load
from ocop.rubrics.sheet_import import merge_sheet, sheet_from_rows
from ocop.rubrics.tables import read_rows


class Command(BaseCommand):
    help = "Kiểm tra, nạp bộ tiêu chí; nhập phiếu đánh giá từ bảng tính (XLSX/CSV)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="Kiểm tra một tệp phiên bản, liệt kê mọi lỗi.")
        validate.add_argument("file")
        load = sub.add_parser("load", help="Kiểm tra rồi nạp một tệp phiên bản (lỗi thì không nạp gì).")
        load.add_argument("file")
        sheet = sub.add_parser("import-sheet", help="Đọc phiếu đánh giá từ XLSX/CSV; --apply để nạp.")
        sheet.add_argument("version")
        sheet.add_argument("product_set")
        sheet.add_argument("file")
        sheet.add_argument("--apply", action="store_true", help="Nạp vào phiên bản khi không có lỗi.")
        for command in (validate, load, sheet):
            command.add_argument("--lang", default="vi", choices=["vi", "en"])

    def handle(self, *args, **options):
        lang = options["lang"]
        action = options["action"]
        if action == "validate":
            issues = validate_version_file(Path(options["file"]))
            self._report(issues, lang)
            if errors_only(issues):
                raise CommandError(f"{len(errors_only(issues))} lỗi.")
            self.stdout.write("Hợp lệ." if lang == "vi" else "Valid.")
        elif action == "load":
            try:
                (result,) = rubric_versions_load(actor=None, paths=[Path(options["file"])])
            except RubricFileInvalid as invalid:
                self._report(invalid.issues, lang)
                raise CommandError(f"{len(invalid.issues)} lỗi; không nạp gì.") from invalid
            self.stdout.write(f"{result.code}: {result.outcome}")
        else:
            self._import_sheet(options, lang)

    def _import_sheet(self, options, lang):
        path = Path(options["file"])
        version = engine_version(options["version"])
        try:
            rows = read_rows(path.read_bytes(), path.name)
        except RubricFileInvalid as invalid:
            self._report(invalid.issues, lang)
            raise CommandError("Không đọc được tệp.") from invalid
        result = sheet_from_rows(rows, version=version, product_set=options["product_set"], source=path.name)
        self._report(result.issues, lang)
        if not result.ok:
            raise CommandError(f"{len(errors_only(result.issues))} lỗi; không nạp gì.")
        self.stdout.write(
            json.dumps(
                {
                    "product_set": result.product_set,
                    "rows": result.rows_read,
                    "criteria": len(result.sheet.criteria),
                }
            )
        )
        if options["apply"]:
            try:
                outcome = rubric_version_load(
                    actor=None, data=merge_sheet(dict(version.data), result.data), source=path.name
                )
            except RubricFileInvalid as invalid:
                self._report(invalid.issues, lang)
                raise CommandError("Không nạp được.") from invalid
            self.stdout.write(f"{outcome.code}: {outcome.outcome}")

    def _report(self, issues, lang):
        for issue in issues:
            mark = "!" if issue.severity == "error" else "~"
            self.stderr.write(f"{mark} {issue.describe(lang)}")
