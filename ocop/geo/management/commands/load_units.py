from django.core.management.base import BaseCommand

from ocop.geo.loader import load_units
from ocop.geo.models import AdminUnit, Era, Level, UnitFormerName


class Command(BaseCommand):
    help = "Nạp đơn vị hành chính hai thế hệ (hiện hành và trước 01/7/2025) từ gói vietnamadminunits."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Bỏ qua khi đã có dữ liệu (khởi động nhanh)."
        )

    def handle(self, *args, **options):
        loaded = AdminUnit.objects.filter(era=Era.LEGACY, level=Level.COMMUNE).exists()
        if options["if_empty"] and loaded and UnitFormerName.objects.exists():
            return
        report = load_units()
        self.stdout.write(
            f"Đã nạp: {report.current_provinces} tỉnh và {report.current_communes} xã hiện hành; "
            f"{report.legacy_provinces} tỉnh, {report.legacy_districts} huyện, {report.legacy_communes} xã cũ; "
            f"{report.successions} liên kết kế thừa; {report.former_names} tên cũ."
        )
