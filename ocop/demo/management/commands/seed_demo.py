from django.core.management.base import BaseCommand, CommandError

from ocop.demo.seed import DemoRefused, seed_demo, seed_scale


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: người dùng demo, chủ thể và sản phẩm ở nhiều tỉnh; --scale N tạo thêm N sản phẩm."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=0, help="Số sản phẩm tạo thêm (kèm chủ thể), ghi theo lô."
        )

    def handle(self, *args, **options):
        try:
            report = seed_demo()
            if options["scale"]:
                created = seed_scale(options["scale"])
                self.stdout.write(f"Đã tạo thêm {created} sản phẩm.")
        except DemoRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(report.summary())
