"""`ocop classify VERSION (--total N | --product-set CODE --answer 1.1=a ...) [--level L --date D]`."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ocop.rubrics.classify import classify
from ocop.rubrics.issues import ScoringError
from ocop.rubrics.selectors import engine_version


class Command(BaseCommand):
    help = "Xếp hạng sao theo một phiên bản bộ tiêu chí: từ tổng điểm, hoặc từ các lựa chọn của một phiếu."

    def add_arguments(self, parser):
        parser.add_argument("version", help="Mã phiên bản, ví dụ 2019 hoặc 2023.")
        parser.add_argument("--total", help="Tổng điểm (0–100).")
        parser.add_argument("--product-set", help="Mã bộ sản phẩm, ví dụ 8.2.")
        parser.add_argument(
            "--answer", action="append", default=[], help="Tiêu chí=lựa chọn, ví dụ 1.1=c (lặp lại)."
        )
        parser.add_argument("--answers-file", help='Tệp JSON {"1.1": "c", ...}.')
        parser.add_argument("--gate", action="append", default=[], help="Mã điều kiện loại/dừng đã xảy ra.")
        parser.add_argument("--legal-form", help="enterprise, cooperative, cooperative_group, household.")
        parser.add_argument("--level", help="commune, district, province, central.")
        parser.add_argument("--date", help="Ngày (YYYY-MM-DD) để biết cấp nào công nhận.")
        parser.add_argument("--lang", default="vi", choices=["vi", "en"])

    def handle(self, *args, **options):
        body: dict = {
            k: options[k] for k in ("total", "product_set", "legal_form", "level", "date") if options[k]
        }
        answers = {}
        if options["answers_file"]:
            with open(options["answers_file"], encoding="utf-8") as handle:
                answers.update(json.load(handle))
        for pair in options["answer"]:
            criterion, _, option = pair.partition("=")
            answers[criterion.strip()] = option.strip()
        if answers or options["product_set"]:
            body["answers"] = answers
        if options["gate"]:
            body["gates"] = options["gate"]
        try:
            result = classify(engine_version(options["version"]), body, today=timezone.localdate())
        except ScoringError as error:
            for line in error.describe(options["lang"]):
                self.stderr.write(f"! {line}")
            raise CommandError(error.issues[0].message(options["lang"])) from error
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
