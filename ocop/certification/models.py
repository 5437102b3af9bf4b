"""Recognition decisions (*quyết định công nhận*), OCOP certificates (*giấy chứng nhận*) and the keys that sign
their QR codes. States and transitions: docs/certification.md; every change is a service in `services/`."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # what Django adds to the classes at run time, named for the type checker
    from django.db.models.fields.related_descriptors import RelatedManager


class IssuingAuthority(models.Model):
    """An issuing authority (*cơ quan ban hành quyết định*): a province People's Committee (*UBND tỉnh*), or the
    ministry (*Bộ Nông nghiệp và Môi trường*) for 5★. One per current province or the country unit."""

    code = models.CharField(
        "Mã", max_length=8, unique=True
    )  # in certificate numbers and key ids; `TW` = centre
    name = models.CharField("Tên cơ quan", max_length=200)
    unit = models.OneToOneField(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="Đơn vị"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SigningKey(models.Model):
    """An Ed25519 signing key (*khóa ký*) of an authority. Only the public half is in the database; the private
    half is a 0600 file in `settings.SIGNING_KEYS_DIR`. A retired key signs nothing new but stays published, so
    the QR codes it signed still verify."""

    key_id = models.CharField(max_length=16, unique=True)
    authority = models.ForeignKey(IssuingAuthority, on_delete=models.PROTECT, related_name="keys")
    public_key = models.CharField(max_length=64)  # base64 of the raw 32 bytes
    private_key_file = models.CharField(max_length=100)  # a name inside SIGNING_KEYS_DIR
    valid_from = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["authority", "valid_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority"],
                condition=models.Q(retired_at__isnull=True),
                name="certification_one_active_key_per_authority",
            )
        ]

    def __str__(self) -> str:
        return self.key_id


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo, chờ duyệt")
    APPROVED = "approved", _("Đã duyệt, đã cấp giấy chứng nhận")
    REJECTED = "rejected", _("Đã trả lại")


class Origin(models.TextChoices):
    """Where a decision or certificate comes from: issued in ocop, or recorded from a paper decision made before
    the province used ocop (a history import, `ocop.history`)."""

    OCOP = "ocop", _("Cấp trên hệ thống OCOP")
    PAPER = "paper", _("Ghi nhận từ quyết định giấy")


class RecognitionDecision(models.Model):
    """A decision recognising evaluation results (*quyết định công nhận kết quả đánh giá, phân hạng sản phẩm
    OCOP*). Drafted by one official (maker) and approved by another (checker); approval issues the certificates."""

    authority = models.ForeignKey(IssuingAuthority, on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField("Số quyết định", max_length=50)
    date = models.DateField("Ngày quyết định")
    signer = models.CharField("Người ký", max_length=200)
    note = models.TextField("Ghi chú", blank=True)
    status = models.CharField(max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.TextField(blank=True)
    # A paper decision recorded by a history import: who issued it then (the level and the unit of its time,
    # e.g. "UBND tỉnh Bắc Giang" before the 2025 merger); `authority` is the province that keeps it today.
    origin = models.CharField(max_length=6, choices=Origin.choices, default=Origin.OCOP)
    issuing_level = models.CharField(max_length=20, blank=True)
    issuer_name = models.CharField("Cơ quan ban hành", max_length=200, blank=True)
    issuer_unit = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    authority_id: int
    items: RelatedManager[DecisionItem]

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            # A returned draft frees its number for the corrected one. Paper decisions of the units of their
            # time may share a number within today's province (two merged provinces' "123/QĐ-UBND").
            models.UniqueConstraint(
                fields=["authority", "number"],
                condition=~models.Q(status=DecisionStatus.REJECTED) & models.Q(origin="ocop"),
                name="certification_decision_number_unique",
            ),
            models.UniqueConstraint(
                fields=["issuer_unit", "issuing_level", "number", "date"],
                condition=models.Q(origin="paper"),
                name="certification_paper_decision_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"

    @property
    def is_paper(self) -> bool:
        return self.origin == Origin.PAPER


class ApplicationKind(models.TextChoices):
    FIRST = "first", _("Đánh giá lần đầu")
    UPGRADE = "upgrade", _("Nâng hạng")
    REEVALUATION = "reevaluation", _("Đánh giá lại")


class DecisionItem(models.Model):
    """A product listed in a decision with the stars it is recognised at."""

    decision = models.ForeignKey(RecognitionDecision, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField("Hạng sao")
    score = models.DecimalField("Điểm", max_digits=5, decimal_places=2, null=True, blank=True)
    # The dossier (cycle.Dossier) the council scored; a plain id until the evaluation issue links it.
    dossier_id = models.PositiveBigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=12, choices=ApplicationKind.choices, default=ApplicationKind.FIRST)
    # The product's earlier certificate that this re-evaluation or upgrade follows.
    previous_certificate = models.ForeignKey(
        "Certificate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    product_id: int

    class Meta:
        ordering = ["decision", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "product"], name="certification_item_product_once"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=3, stars__lte=5), name="certification_item_stars_3_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} – {self.stars}★"


class CertificateStatus(models.TextChoices):
    """Stored states. "Expired" is not stored: it follows from `valid_until` and today's date."""

    ACTIVE = "active", _("Còn hiệu lực")
    REVOKED = "revoked", _("Đã thu hồi")
    SUPERSEDED = "superseded", _("Đã được thay thế")


class EffectiveStatus(models.TextChoices):
    ACTIVE = "active", _("Còn hiệu lực")
    EXPIRED = "expired", _("Hết hiệu lực")
    REVOKED = "revoked", _("Đã thu hồi")
    SUPERSEDED = "superseded", _("Đã được thay thế")


def effective_status_of(status: str, valid_until: datetime.date, today: datetime.date | None = None) -> str:
    """A certificate's state as people read it: "expired" is not stored, it follows from the dates."""
    if status != CertificateStatus.ACTIVE:
        return status
    today = today or timezone.localdate()
    return EffectiveStatus.EXPIRED if valid_until < today else EffectiveStatus.ACTIVE


class CertificateQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date) -> CertificateQuerySet:
        """Certificates in force on `on`: not revoked, not replaced, not expired. Apps below this one (a
        producer's guarded fields) ask through here, so the state's name stays with its table."""
        return self.filter(status=CertificateStatus.ACTIVE, valid_until__gte=on)


def certificate_pdf_name(instance, filename: str) -> str:
    """Generated names only: nothing a user typed reaches the storage path."""
    import uuid

    return f"certificates/{uuid.uuid4().hex}.pdf"


class Certificate(models.Model):
    """An OCOP certificate (*giấy chứng nhận sản phẩm OCOP*): number, stars, validity, and the signed QR payload
    (key id, number, stars and expiry signed with the authority's key)."""

    number = models.CharField("Số giấy chứng nhận", max_length=32, unique=True)
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="certificates")
    authority = models.ForeignKey(IssuingAuthority, on_delete=models.PROTECT, related_name="certificates")
    decision = models.ForeignKey(RecognitionDecision, on_delete=models.PROTECT, related_name="certificates")
    item = models.OneToOneField(
        DecisionItem, null=True, blank=True, on_delete=models.PROTECT, related_name="certificate"
    )
    # Set when the certificate was re-issued by an approved change of stars (its amending decision).
    change = models.ForeignKey(
        "CertificateChange", null=True, blank=True, on_delete=models.PROTECT, related_name="issued"
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    stars = models.PositiveSmallIntegerField("Hạng sao")
    issued_on = models.DateField("Ngày cấp")
    valid_until = models.DateField("Có giá trị đến hết ngày")
    status = models.CharField(
        max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.ACTIVE
    )
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    qr_payload = models.CharField(max_length=200)  # base32; the QR text is SITE_URL + /certificates/v/ + this
    ended_at = models.DateTimeField(null=True, blank=True)  # revoked or superseded at
    revoked_reason = models.TextField(blank=True)
    revocation_decision_number = models.CharField(max_length=50, blank=True)
    revocation_decision_date = models.DateField(null=True, blank=True)
    pdf = models.FileField(upload_to=certificate_pdf_name, blank=True)  # rendered by the render_pdf task
    pdf_sha256 = models.CharField(max_length=64, blank=True)  # checked by `manage.py files_verify`
    pdf_status = models.CharField(max_length=10, blank=True)  # the effective status the stored PDF shows
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    scan_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # What the council certified, copied at issue (`snapshot.of_product`): verification and the PDF show these,
    # never the live product, which its producer may rename later (only with an officer's approval).
    product_name = models.CharField("Tên sản phẩm được chứng nhận", max_length=255, blank=True)
    product_set_code = models.CharField(max_length=20, blank=True)
    product_set_name = models.CharField("Bộ sản phẩm", max_length=300, blank=True)
    producer_name = models.CharField("Tên chủ thể", max_length=255, blank=True)
    producer_address = models.CharField("Địa chỉ", max_length=300, blank=True)
    producer_place = models.CharField("Đơn vị hành chính", max_length=300, blank=True)  # unit names then
    # The producer's unit then (a pre-merger commune for a paper certificate of 2019–2025): lists show and
    # filter the unit of its time by it ("Bắc Giang (cũ)"), and today's through its roll-up.
    producer_unit = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    producer_tax_code = models.CharField("Mã số thuế", max_length=20, blank=True)
    # Recorded from a paper decision by a history import (its number as printed, or one ocop generated).
    origin = models.CharField(max_length=6, choices=Origin.choices, default=Origin.OCOP)

    objects = CertificateQuerySet.as_manager()

    product_id: int
    authority_id: int
    decision_id: int
    key_id: int
    replaced_by: RelatedManager[Certificate]
    changes: RelatedManager[CertificateChange]

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(status=CertificateStatus.ACTIVE),
                name="certification_one_active_certificate_per_product",
            ),
            models.CheckConstraint(
                condition=models.Q(stars__gte=3, stars__lte=5), name="certification_certificate_stars_3_to_5"
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_until"], name="certification_cert_expiry")]

    def __str__(self) -> str:
        return self.number

    def effective_status(self, today: datetime.date | None = None) -> str:
        return effective_status_of(self.status, self.valid_until, today)

    def get_effective_status_display(self) -> str:
        return str(EffectiveStatus(self.effective_status()).label)

    @property
    def is_paper(self) -> bool:
        return self.origin == Origin.PAPER

    @property
    def paper_note(self) -> str:
        """What every page showing a certificate recorded from a paper decision says about it ("" otherwise)."""
        if self.origin != Origin.PAPER:
            return ""
        return _(
            "Ghi nhận từ quyết định %(number)s ngày %(date)s, cấp bằng giấy (không do hệ thống OCOP cấp)."
        ) % {
            "number": self.decision.number,
            "date": self.decision.date.strftime("%d/%m/%Y"),
        }


class ChangeKind(models.TextChoices):
    REVOKE = "revoke", _("Thu hồi")
    CHANGE_STARS = "change_stars", _("Điều chỉnh hạng sao")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Đã trả lại")


class CertificateChange(models.Model):
    """A request to revoke a certificate or change its stars (*đề nghị thu hồi / điều chỉnh hạng sao*), made by
    one official and approved by another, under a decision of the authority."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=12, choices=ChangeKind.choices)
    new_stars = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField("Lý do")
    decision_number = models.CharField("Số quyết định", max_length=50)
    decision_date = models.DateField("Ngày quyết định")
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.TextField(blank=True)

    certificate_id: int

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"],
                condition=models.Q(status=ChangeStatus.PENDING),
                name="certification_one_pending_change_per_certificate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.certificate.number}"


class RevocationList(models.Model):
    """The latest signed revocation list (*danh sách thu hồi*) of an authority: certificates it revoked or
    replaced that have not yet expired. Re-signed on every change; offline verifiers download it."""

    authority = models.OneToOneField(
        IssuingAuthority, on_delete=models.PROTECT, related_name="revocation_list"
    )
    sequence = models.PositiveIntegerField(default=0)
    issued_at = models.DateTimeField(default=timezone.now)
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    body = models.JSONField(default=dict)  # exactly what was signed (see offline.canonical_json)
    signature = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"{self.authority.code} #{self.sequence}"
