"""Products (*sản phẩm*) of producers, classified in a product set of a rubric version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IpStatus(models.TextChoices):
    NONE = "none", _("Chưa đăng ký")
    APPLIED = "applied", _("Đã nộp đơn đăng ký nhãn hiệu")
    REGISTERED = "registered", _("Đã được cấp văn bằng bảo hộ nhãn hiệu")
    COLLECTIVE = "collective", _("Nhãn hiệu tập thể, chứng nhận hoặc chỉ dẫn địa lý")


class SalesChannel(models.TextChoices):
    LOCAL = "local", _("Chợ, cửa hàng tại địa phương")
    OCOP_SHOP = "ocop_shop", _("Điểm giới thiệu và bán sản phẩm OCOP")
    SUPERMARKET = "supermarket", _("Siêu thị, chuỗi cửa hàng")
    ECOMMERCE = "ecommerce", _("Sàn thương mại điện tử, bán hàng trực tuyến")
    OTHER_PROVINCES = "other_provinces", _("Các tỉnh, thành phố khác")
    EXPORT = "export", _("Xuất khẩu")


class Product(models.Model):
    """A good or service of local origin that a producer brings to OCOP."""

    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="products")
    name = models.CharField("Tên sản phẩm", max_length=255)
    product_set = models.ForeignKey(
        "rubrics.ProductSet", on_delete=models.PROTECT, related_name="+", verbose_name="Bộ sản phẩm"
    )
    description = models.TextField("Mô tả", blank=True)
    story = models.TextField("Câu chuyện sản phẩm", blank=True)
    raw_material_origin = models.TextField("Nguồn gốc nguyên liệu", blank=True)
    packaging = models.CharField("Bao bì, quy cách đóng gói", max_length=300, blank=True)
    label_info = models.CharField("Nhãn sản phẩm", max_length=300, blank=True)
    standards = models.CharField("Tiêu chuẩn công bố", max_length=300, blank=True)
    ip_status = models.CharField(
        "Nhãn hiệu, sở hữu trí tuệ", max_length=12, choices=IpStatus.choices, default=IpStatus.NONE
    )
    trademark_number = models.CharField("Số đơn / số văn bằng", max_length=60, blank=True)
    gtin = models.CharField("Mã số mã vạch (GTIN)", max_length=14, blank=True)
    sales_channels = models.JSONField("Nơi bán", default=list, blank=True)
    search_text = models.CharField(max_length=500, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Edit forms carry this number; a stale one is refused ("someone else changed this").
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            # A GTIN names one trade item: two products may not share it.
            models.UniqueConstraint(fields=["gtin"], condition=~Q(gtin=""), name="products_gtin_unique")
        ]
        indexes = [
            # The officers' list of the whole country, by name, stops after its page.
            models.Index(fields=["name", "id"], name="products_by_name"),
            # A province's list reads its producers' products by name from this index alone, then sorts them:
            # at 1M products, SQLite took 64–72 ms to read and sort a province's 30,000 rows through the table
            # (21 ms from this index). The foreign key keeps its own index: PostgreSQL counts a province's
            # products through it (without it, a merge join over this index cost 2 ms more at 100k).
            models.Index(fields=["producer", "name", "id"], name="products_by_producer_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sales_channel_labels(self) -> list[str]:
        labels = dict(SalesChannel.choices)
        return [str(labels.get(code, code)) for code in self.sales_channels]


class PhotoKind(models.TextChoices):
    PHOTO = "photo", _("Ảnh sản phẩm")
    PACKAGING = "packaging", _("Ảnh bao bì")
    LABEL = "label", _("Ảnh nhãn")


def photo_path(instance, filename: str) -> str:
    # `filename` is already a generated name (ocop.core.uploads.generated_name); never the user's.
    return filename


class ProductPhoto(models.Model):
    """A photo of the product, its packaging or its label (JPEG or PNG, checked by content)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=PhotoKind.choices, default=PhotoKind.PHOTO)
    file = models.FileField(upload_to=photo_path, max_length=255)
    original_name = models.CharField(max_length=160)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    file_sha256 = models.CharField(max_length=64)  # checked by `manage.py files_verify`
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
