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
    # Asked by the programme's reports (share of producers led by women, by ethnic-minority people); None
    # while not recorded, which the indicators show as "no data" rather than as "no".
    led_by_woman = models.BooleanField("Người đứng đầu là phụ nữ", null=True, blank=True)
    led_by_ethnic_minority = models.BooleanField(
        "Người đứng đầu là người dân tộc thiểu số", null=True, blank=True
    )
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
        indexes = [
            models.Index(fields=["unit", "status"]),
            # Lists by name stop after their page (the whole country's list, those waiting for confirmation).
            models.Index(fields=["name", "id"], name="producers_by_name"),
            models.Index(fields=["status", "name", "id"], name="producers_status_by_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_confirmed(self) -> bool:
        return self.status == ProducerStatus.CONFIRMED


class ProducerMember(models.Model):
    """A person who acts for a producer in the system."""

    producer = models.ForeignKey(Producer, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="producer_memberships"
    )
    is_owner = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["producer", "user"], name="producers_member_unique")]


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", "Chờ cán bộ duyệt"
    APPROVED = "approved", "Đã duyệt"
    REJECTED = "rejected", "Đã trả lại"


class RecordChangeRequest(models.Model):
    """A change of what a certificate or the commune vouches for (*đề nghị thay đổi thông tin đã chứng nhận*):
    a certified product's name or product set, its producer's name, address or tax code. It waits for an
    officer over the producer's unit (never its requester). The rules: docs/certification.md."""

    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="change_requests")
    # Set for a product's change; empty for the producer's own. A plain reference to the app above.
    product = models.ForeignKey(
        "products.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="change_requests"
    )
    old_values = models.JSONField(default=dict)  # field -> value before (a product set by its id)
    new_values = models.JSONField(default=dict)  # field -> value asked for
    status = models.CharField(
        max_length=10, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One waiting change per record: a second one would race the first to the officer.
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(status=ChangeRequestStatus.PENDING, product__isnull=False),
                name="producers_one_pending_change_per_product",
            ),
            models.UniqueConstraint(
                fields=["producer"],
                condition=models.Q(status=ChangeRequestStatus.PENDING, product__isnull=True),
                name="producers_one_pending_change_per_producer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product or self.producer}: {', '.join(sorted(self.new_values))}"
