"""Producers (*chủ thể OCOP*): the organisations that make OCOP products, and the people acting for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
    HOUSEHOLD = "household", _("Hộ sản xuất, kinh doanh có đăng ký")


class ProducerStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xã xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận")


class Producer(models.Model):
    """A producer (*chủ thể*): enterprise, cooperative, cooperative group or registered household business."""

    name = models.CharField("Tên chủ thể", max_length=255)
    legal_form = models.CharField("Loại hình", max_length=20, choices=LegalForm.choices)
    # Normalised by services (digits and one dash); the unique constraint is the duplicate check of record.
    tax_code = models.CharField("Mã số thuế / số ĐKKD", max_length=20, null=True, blank=True, unique=True)
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="Xã, phường, đặc khu"
    )
    address = models.CharField("Địa chỉ", max_length=300, blank=True)
    representative = models.CharField("Người đại diện", max_length=150, blank=True)
    representative_title = models.CharField("Chức vụ người đại diện", max_length=100, blank=True)
    phone = models.CharField("Điện thoại", max_length=20, blank=True)
    email = models.EmailField("Thư điện tử", blank=True)
    website = models.URLField("Trang web", max_length=200, blank=True)
    member_count = models.PositiveIntegerField("Số thành viên", null=True, blank=True)
    worker_count = models.PositiveIntegerField("Số lao động", null=True, blank=True)
    in_craft_village = models.BooleanField("Thuộc làng nghề", default=False)
    craft_village = models.CharField("Tên làng nghề", max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=ProducerStatus.choices, default=ProducerStatus.PENDING)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    search_text = models.CharField(max_length=400, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Edit forms carry this number; a stale one is refused ("someone else changed this").
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.name


class ProducerMember(models.Model):
    """A person who acts for a producer in the system."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="producer_memberships"
    )
    is_owner = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["producer", "user"], name="producers_member_unique")]
