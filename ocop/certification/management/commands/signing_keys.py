"""`ocop signing_keys ...`: set up issuing authorities, rotate their keys, and export the public key list and
the signed revocation lists (the files an offline verifier needs).

    ocop signing_keys list
    ocop signing_keys create-authority 24 [--name "Ủy ban nhân dân tỉnh Bắc Ninh"]   (VN = the ministry)
    ocop signing_keys rotate 24 --reason "định kỳ"
    ocop signing_keys publish-revocations          (re-sign every list: run daily from the scheduler)
    ocop signing_keys export-keys > keys.json
    ocop signing_keys export-revocations > revocations.json
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from ocop.certification import selectors, services
from ocop.certification.models import IssuingAuthority
from ocop.core.errors import DomainError
from ocop.geo.models import AdminUnit, Era


class Command(BaseCommand):
    help = "Quản lý cơ quan cấp và khóa ký giấy chứng nhận OCOP."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list")
        create = sub.add_parser("create-authority")
        create.add_argument("unit", help="Mã đơn vị hiện hành: mã tỉnh, hoặc VN cho Trung ương")
        create.add_argument("--name", default="")
        rotate = sub.add_parser("rotate")
        rotate.add_argument("authority", help="Mã cơ quan cấp (mã tỉnh, TW)")
        rotate.add_argument("--reason", default="")
        sub.add_parser("publish-revocations")
        sub.add_parser("export-keys")
        sub.add_parser("export-revocations")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as error:
            raise CommandError(str(error.message)) from error

    def _authority(self, code: str) -> IssuingAuthority:
        authority = IssuingAuthority.objects.filter(code=code).first()
        if authority is None:
            raise CommandError(f"No issuing authority with code {code!r}.")
        return authority

    def _list(self, options) -> None:
        for key in selectors.key_list()["keys"]:
            self.stdout.write(
                f"{key['key_id']:<10} {key['status']:<8} {key['authority']['code']:<4} {key['authority']['name']}"
            )

    def _create_authority(self, options) -> None:
        unit = AdminUnit.objects.filter(era=Era.CURRENT, code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"No current unit with code {options['unit']!r}.")
        authority = services.authority_create(actor=None, unit=unit, name=options["name"])
        self.stdout.write(f"{authority.code} {authority.name}")

    def _rotate(self, options) -> None:
        key = services.signing_key_rotate(
            actor=None, authority=self._authority(options["authority"]), reason=options["reason"]
        )
        self.stdout.write(f"active key: {key.key_id}")

    def _publish_revocations(self, options) -> None:
        for authority in IssuingAuthority.objects.all():
            services.revocation_list_publish(actor=None, authority=authority)
        self.stdout.write("ok")

    def _export_keys(self, options) -> None:
        self.stdout.write(json.dumps(selectors.key_list(), ensure_ascii=False, indent=2))

    def _export_revocations(self, options) -> None:
        self.stdout.write(json.dumps(selectors.revocation_lists(), ensure_ascii=False, indent=2))
