"""Issue or revoke a partner API key from the command line (as the system, recorded in the audit log)."""

from django.core.management.base import BaseCommand, CommandError

from ocop.accounts.models import User
from ocop.accounts.usernames import normalise_username
from ocop.catalog.models import PartnerKey
from ocop.catalog.services import partner_key_issue, partner_key_revoke
from ocop.core.errors import DomainError


class Command(BaseCommand):
    help = "Cấp hoặc thu hồi khóa API cho đối tác (sàn thương mại điện tử)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["issue", "revoke", "list"])
        parser.add_argument("--name", default="", help="tên đối tác (issue)")
        parser.add_argument("--per-minute", type=int, default=600, help="giới hạn yêu cầu mỗi phút (issue)")
        parser.add_argument("--prefix", default="", help="tiền tố khóa (revoke)")
        parser.add_argument(
            "--as", dest="username", required=False, default="", help="cán bộ Trung ương thực hiện"
        )

    def handle(self, *args, action, name, per_minute, prefix, username, **options):
        if action == "list":
            for partner in PartnerKey.objects.order_by("issued_at"):
                state = "thu hồi" if partner.revoked_at else "đang dùng"
                self.stdout.write(
                    f"{partner.prefix}  {partner.requests_per_minute}/phút  {state}  {partner.name}"
                )
            return
        actor = User.objects.filter(username=normalise_username(username)).first()
        if actor is None:
            raise CommandError("Cần --as <tên đăng nhập của một cán bộ Trung ương>.")
        try:
            if action == "issue":
                partner, key = partner_key_issue(actor=actor, name=name, requests_per_minute=per_minute)
                self.stdout.write(f"Khóa cho {partner.name} (chỉ hiện một lần): {key}")
            else:
                partner = PartnerKey.objects.filter(prefix=prefix).first()
                if partner is None:
                    raise CommandError(f"Không có khóa tiền tố {prefix!r}.")
                partner_key_revoke(actor=actor, partner=partner)
                self.stdout.write(f"Đã thu hồi khóa {partner.prefix} của {partner.name}.")
        except DomainError as refused:
            raise CommandError(str(refused.message)) from refused
