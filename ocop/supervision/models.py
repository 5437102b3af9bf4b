"""Supervision of certified products after recognition (*kiểm tra, giám sát sau công nhận*): inspections
(*đợt kiểm tra*), their findings (*phát hiện, vi phạm*) with evidence files and deadlines to fix, follow-up
visits (*kiểm tra lại*), warnings (*cảnh cáo*), the proposal to revoke or lower the stars that goes into
certification's change request, public complaints (*phản ánh*), and the yearly inspection plan per province
(*kế hoạch kiểm tra*)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InspectionStatus(models.TextChoices):
    OPEN = "open", _("Đang kiểm tra")
    CLOSED = "closed", _("Đã kết thúc")


class Inspection(models.Model):
    """An inspection (*kiểm tra, giám sát*) of a certified product and its producer, on one or more kinds."""

    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey("certification.Certificate", on_delete=models.PROTECT, related_name="+")
    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")  # the producer's
    kinds = models.JSONField("Nội dung kiểm tra", default=list)  # codes of data/supervision.yaml
    inspected_on = models.DateField("Ngày kiểm tra")
    team = models.CharField("Đoàn kiểm tra", max_length=300, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    status = models.CharField(max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.OPEN)
    conclusion = models.TextField("Kết luận", blank=True)
    # The revocation or change of stars proposed after this inspection (certification's maker-checker request).
    proposal = models.ForeignKey(
        "certification.CertificateChange", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    product_id: int
    certificate_id: int
    unit_id: int
    proposal_id: int | None

    class Meta:
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.product} ({self.inspected_on:%d/%m/%Y})"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Chờ khắc phục")
    FIXED = "fixed", _("Đã khắc phục")
    NOT_FIXED = "not_fixed", _("Không khắc phục đúng hạn")


class Finding(models.Model):
    """A finding of an inspection (*nội dung vi phạm, tồn tại*): what, how serious, by when to fix."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField("Nội dung", max_length=40)
    severity = models.CharField("Mức độ", max_length=20)
    description = models.TextField("Mô tả")
    fix_by = models.DateField("Hạn khắc phục")
    status = models.CharField(max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    inspection_id: int

    class Meta:
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.description[:60]


def evidence_name(instance, filename: str) -> str:
    import uuid

    return f"supervision/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file proving a finding (*tài liệu, hình ảnh chứng cứ*): a photo, a test report, a record."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_name)
    file_sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["finding", "id"]


class FollowUp(models.Model):
    """A follow-up visit (*kiểm tra lại*) on a finding: fixed or not."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField("Ngày kiểm tra lại")
    fixed = models.BooleanField("Đã khắc phục")
    note = models.TextField("Ghi chú", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["finding", "visited_on", "id"]


class Warning(models.Model):  # noqa: A001 (the domain's word; never used unqualified beside the builtin)
    """A written warning to the producer (*văn bản cảnh báo, nhắc nhở*) after an inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="warnings")
    issued_on = models.DateField("Ngày cảnh báo")
    text = models.TextField("Nội dung")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["inspection", "issued_on", "id"]


class ComplaintStatus(models.TextChoices):
    NEW = "new", _("Chờ xử lý")
    INSPECTED = "inspected", _("Đã đưa vào kiểm tra")
    DISMISSED = "dismissed", _("Không có cơ sở")


class Complaint(models.Model):
    """A public complaint from the verify page (*phản ánh của người tiêu dùng*): "this product does not look like
    the certified one". It reaches the inspection queue of the producer's province."""

    certificate = models.ForeignKey("certification.Certificate", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")  # the producer's
    text = models.TextField("Nội dung phản ánh")
    where_bought = models.CharField("Nơi mua", max_length=300, blank=True)
    contact = models.CharField("Liên hệ", max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.NEW)
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    product_id: int
    certificate_id: int

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "product"], name="supervision_complaint_open")]


class InspectionPlan(models.Model):
    """A province's yearly inspection plan (*kế hoạch kiểm tra, giám sát năm*), drawn from its certified products
    by risk; drawn again, it is replaced by the new ranking (products already inspected keep their line)."""

    province = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("Năm")
    size = models.PositiveIntegerField("Số sản phẩm")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)

    province_id: int

    class Meta:
        ordering = ["-year", "province"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="supervision_one_plan_per_year")
        ]


class PlanItem(models.Model):
    """A product in a plan, with its risk points and the reasons behind them."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    # A plan is a ranking drawn from the certificates: an item leaves with the product an undone history import
    # removes (an inspection of that product, if any, still protects it).
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey("certification.Certificate", on_delete=models.CASCADE, related_name="+")
    risk = models.PositiveIntegerField()
    reasons = models.JSONField(default=list)  # codes of rules.RISK_REASONS

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "product"], name="supervision_plan_product_once")
        ]
