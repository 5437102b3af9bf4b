from django.core.management.base import BaseCommand
from django.utils import timezone

from ocop.geo.models import AdminUnit, Era, Level
from ocop.planning import summary


class Command(BaseCommand):
    help = "Tính lại số liệu chỉ tiêu đã lưu: xoá hết, rồi tính năm nay cho toàn quốc và các tỉnh."

    def handle(self, *args, **options):
        summary.forget_all()
        year = timezone.localdate().year
        units = AdminUnit.objects.filter(era=Era.CURRENT, level__in=(Level.COUNTRY, Level.PROVINCE))
        for unit in units:
            summary.values_for(unit, year)
        self.stdout.write(f"Đã tính lại số liệu năm {year} cho {units.count()} đơn vị.")
