"""Rebuild the catalogue's search index: all of it, or only what is stale."""

from django.core.management.base import BaseCommand

from ocop.catalog.services import refresh_index, reindex_all


class Command(BaseCommand):
    help = "Xây lại chỉ mục tra cứu sản phẩm OCOP (--stale: chỉ những mục đã cũ)."

    def add_arguments(self, parser):
        parser.add_argument("--stale", action="store_true", help="chỉ các sản phẩm thay đổi từ lần trước")

    def handle(self, *args, stale: bool = False, **options):
        count = refresh_index() if stale else reindex_all()
        self.stdout.write(f"Đã cập nhật {count} mục tra cứu.")
