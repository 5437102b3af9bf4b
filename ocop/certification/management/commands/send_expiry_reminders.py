"""`ocop send_expiry_reminders`: e-mail producers whose certificates expire within the notice period (the
rubric data's `expiry_notice_days`, 30), once per certificate, through one background task per certificate
(retried; marked sent once the mail went). Meant to run daily from the scheduler."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand

from ocop.certification.services import expiry_reminders_send


class Command(BaseCommand):
    help = "Gửi thư nhắc giấy chứng nhận OCOP sắp hết hạn (mỗi giấy một lần)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, help="Số ngày báo trước; mặc định theo bộ tiêu chí (30)")
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Ngày chạy (YYYY-MM-DD)")

    def handle(self, *args, **options) -> None:
        counts = expiry_reminders_send(today=options["today"], lead_days=options["days"])
        self.stdout.write(f"queued={counts['queued']} skipped_without_email={counts['skipped']}")
