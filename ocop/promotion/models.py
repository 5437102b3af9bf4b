"""Trade promotion (*xúc tiến thương mại*) after recognition: fairs and events with who took part and what they
sold, OCOP shops and the products they carry, e-commerce listings, and gift sets.

What a producer records about itself (taking part in a fair, a listing) waits for an officer's confirmation;
only confirmed records are public or counted. Every record names its place by a `geo.AdminUnit`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    FAIR = "fair", _("Hội chợ")
    EXHIBITION = "exhibition", _("Triển lãm")
    OCOP_WEEK = "ocop_week", _("Tuần hàng OCOP")
    OTHER = "other", _("Sự kiện xúc tiến khác")


class EventLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    PROVINCE = "province", _("Cấp tỉnh")
    REGIONAL = "regional", _("Vùng, liên tỉnh")
    NATIONAL = "national", _("Toàn quốc")
    INTERNATIONAL = "international", _("Quốc tế")


class Confirmation(models.TextChoices):
    PENDING = "pending", _("Chờ cán bộ xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận")
    REJECTED = "rejected", _("Không xác nhận")


class LinkState(models.TextChoices):
    UNCHECKED = "unchecked", _("Chưa kiểm tra")
    OK = "ok", _("Liên kết hoạt động")
    BROKEN = "broken", _("Liên kết không phản hồi")


class Event(models.Model):
    """A fair, exhibition or OCOP week (*hội chợ, triển lãm, tuần hàng OCOP*) held at a unit."""

    name = models.CharField("Tên sự kiện", max_length=255)
    kind = models.CharField("Loại", max_length=20, choices=EventKind.choices, default=EventKind.FAIR)
    level = models.CharField("Cấp", max_length=20, choices=EventLevel.choices, default=EventLevel.PROVINCE)
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    venue = models.CharField("Địa điểm", max_length=300, blank=True)
    starts_on = models.DateField("Ngày bắt đầu")
    ends_on = models.DateField("Ngày kết thúc")
    organiser = models.CharField("Đơn vị tổ chức", max_length=255)
    search_text = models.CharField(max_length=600, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="promotion_event_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """A product of a producer that took part in an event (*tham gia hội chợ*), with its results: sales,
    contracts signed, buyers met."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="participations")
    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    sales_vnd = models.BigIntegerField("Doanh số bán (đồng)", default=0)
    contracts = models.PositiveIntegerField("Số hợp đồng, biên bản ghi nhớ", default=0)
    buyers_met = models.PositiveIntegerField("Số đối tác, khách buôn đã gặp", default=0)
    note = models.CharField("Ghi chú", max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Confirmation.choices, default=Confirmation.PENDING)
    reason = models.CharField("Lý do không xác nhận", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "product"], name="promotion_one_participation_per_product"
            ),
            models.CheckConstraint(condition=models.Q(sales_vnd__gte=0), name="promotion_sales_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.event}"


class Shop(models.Model):
    """An OCOP shop or point of sale (*điểm giới thiệu và bán sản phẩm OCOP*) at a commune."""

    name = models.CharField("Tên điểm bán", max_length=255)
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    address = models.CharField("Địa chỉ", max_length=300)
    operator = models.CharField("Đơn vị vận hành", max_length=255)
    phone = models.CharField("Điện thoại", max_length=30, blank=True)
    opened_on = models.DateField("Ngày khai trương")
    closed_on = models.DateField("Ngày ngừng hoạt động", null=True, blank=True)
    search_text = models.CharField(max_length=800, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ShopProduct(models.Model):
    """A product a shop carries (*sản phẩm bày bán*), since when."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="carried")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    since = models.DateField("Bày bán từ ngày")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["since", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "product"], name="promotion_shop_product_once")
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.shop}"


class Listing(models.Model):
    """A product's page on an e-commerce platform (*gian hàng thương mại điện tử*). The link is checked by a
    periodic task (`promotion.check_listing_links`), never while a page is drawn."""

    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    platform = models.CharField("Sàn", max_length=30)
    url = models.CharField("Liên kết", max_length=500)
    status = models.CharField(max_length=20, choices=Confirmation.choices, default=Confirmation.PENDING)
    reason = models.CharField("Lý do không xác nhận", max_length=500, blank=True)
    link_state = models.CharField(max_length=20, choices=LinkState.choices, default=LinkState.UNCHECKED)
    link_detail = models.CharField(max_length=200, blank=True)
    checked_on = models.DateField("Ngày kiểm tra", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["product", "pk"]
        constraints = [models.UniqueConstraint(fields=["product", "url"], name="promotion_listing_once")]

    def __str__(self) -> str:
        return self.url


class GiftSet(models.Model):
    """A gift set (*bộ quà tặng*) put together from several certified OCOP products, offered at a unit."""

    name = models.CharField("Tên bộ quà tặng", max_length=255)
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    description = models.CharField("Mô tả", max_length=1000, blank=True)
    price_vnd = models.BigIntegerField("Giá (đồng)", null=True, blank=True)
    products = models.ManyToManyField("products.Product", related_name="+", through="GiftSetItem")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class GiftSetItem(models.Model):
    gift_set = models.ForeignKey(GiftSet, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gift_set", "product"], name="promotion_gift_item_once")
        ]
