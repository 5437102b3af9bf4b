"""Issuing and ending certificates: what an approved decision and an approved change of stars share (the
number, the signed QR payload, the snapshot of what was certified), and the work they start afterwards."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.certification import keys as key_store
from ocop.certification import qr, snapshot
from ocop.certification.models import (
    Certificate,
    CertificateChange,
    DecisionItem,
    IssuingAuthority,
    RecognitionDecision,
    SigningKey,
)
from ocop.core.errors import Invalid
from ocop.core.text import nfc
from ocop.products.models import Product
from ocop.tasks import enqueue

# `123/QĐ-UBND`, `2361/QĐ-BNNMT`: a number, a slash, the document's symbol.
DECISION_NUMBER = re.compile(r"^\d{1,6}/\S{2,40}$")


def _decision_number(raw: str) -> str:
    number = nfc(raw)
    if not DECISION_NUMBER.match(number):
        raise Invalid(
            _("Số quyết định '%(number)s' không đúng dạng, ví dụ: 123/QĐ-UBND.") % {"number": number[:60]},
            code="decision_number_invalid",
        )
    return number


def _decision_date(value, *, not_before: datetime.date | None = None) -> datetime.date:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise Invalid(_("Ngày quyết định không hợp lệ."), code="decision_date_invalid") from exc
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise Invalid(_("Ngày quyết định không hợp lệ."), code="decision_date_invalid")
    if value > timezone.localdate():
        raise Invalid(_("Ngày quyết định không được sau hôm nay."), code="decision_date_future")
    if not_before is not None and value < not_before:
        raise Invalid(
            _("Ngày quyết định không được trước ngày cấp giấy chứng nhận (%(date)s).")
            % {"date": not_before.strftime("%d/%m/%Y")},
            code="decision_date_too_early",
        )
    return value


def _next_number(authority: IssuingAuthority, year: int) -> str:
    """`<authority>-<year>-<sequence>`, e.g. `24-2026-00017`; the caller holds the authority's row lock."""
    prefix = f"{authority.code}-{year}-"
    used = Certificate.objects.filter(authority=authority, number__startswith=prefix).count()
    return f"{prefix}{used + 1:05d}"


def _issue(
    *,
    actor,
    authority: IssuingAuthority,
    key: SigningKey,
    decision: RecognitionDecision,
    product: Product,
    stars: int,
    issued_on: datetime.date,
    valid_until: datetime.date,
    item: DecisionItem | None = None,
    change: CertificateChange | None = None,
    replaces: Certificate | None = None,
) -> Certificate:
    number = _next_number(authority, issued_on.year)
    claim = qr.Claim(key.key_id, number, stars, valid_until)
    payload = qr.pack(claim, key_store.sign(key, claim.message()))
    if not qr.fits(qr.qr_text(settings.SITE_URL, payload)):
        raise Invalid(
            _("Địa chỉ trang (OCOP_SITE_URL) quá dài: mã QR sẽ vượt phiên bản 8."), code="qr_too_large"
        )
    certificate = Certificate.objects.create(
        number=number,
        product=product,
        authority=authority,
        decision=decision,
        item=item,
        change=change,
        replaces=replaces,
        stars=stars,
        issued_on=issued_on,
        valid_until=valid_until,
        key=key,
        qr_payload=payload,
        **(snapshot.of_certificate(replaces) if replaces else snapshot.of_product(product)),
    )
    record_event(
        actor=actor,
        action="certificate.issue",
        target=certificate,
        unit=product.producer.unit,
        data={
            "number": number,
            "product": product.pk,
            "product_name": certificate.product_name,
            "stars": stars,
            "valid_until": valid_until.isoformat(),
            "decision": decision.number,
            "key_id": key.key_id,
            "replaces": replaces.number if replaces else None,
        },
    )
    return certificate


def _end(certificate: Certificate, status: str, **fields) -> None:
    certificate.status = status
    certificate.ended_at = timezone.now()
    for name, value in fields.items():
        setattr(certificate, name, value)
    certificate.save(update_fields=["status", "ended_at", *fields])


def _after_change(actor, authority: IssuingAuthority, certificates: list[Certificate]) -> None:
    """After the commit: the public catalogue (an app above this one) rebuilds these products' entries, and
    the certificates' PDFs are rendered as they now read (a revoked or replaced one says so)."""
    if not certificates:
        return
    enqueue(
        "catalog.reindex_products",
        unit=authority.unit,
        actor=actor,
        product_ids=list(dict.fromkeys(c.product_id for c in certificates)),
    )
    enqueue(
        "certification.render_pdf",
        unit=authority.unit,
        actor=actor,
        certificate_ids=[c.pk for c in certificates],
    )
