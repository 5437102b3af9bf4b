"""`ocop verify-qr TEXT --keys keys.json [--revocations revocations.json]`: check a certificate QR with no
network and no database (ocop.certification.offline). Exit status 0 valid, 2 not genuine, 3 expired,
4 revoked, 5 cannot tell (no list of the authority, a list too old or older than one seen), 1 unusable key or
revocation list."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from ocop.certification import offline


class Command(BaseCommand):
    help = (
        "Kiểm tra mã QR giấy chứng nhận OCOP ngoại tuyến, theo danh sách khóa công bố (không cần mạng, CSDL)."
    )
    requires_system_checks: list = []  # the checks may touch the database; this command never does
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        offline.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        try:
            status, output = offline.run(
                options["text"],
                options["keys"],
                options["revocations"],
                options["today"],
                options["json"],
                state_path=options["state"],
                max_age_days=options["max_age_days"],
            )
        except offline.UnusableList as error:
            raise CommandError(str(error)) from error
        self.stdout.write(output)
        if status:
            sys.exit(status)
