"""What reaches people after a certificate is issued: its PDF (rendered only by the `certification.render_pdf`
task and stored with its checksum), the e-mail reminding a producer that it expires (one task per certificate,
marked sent only once the mail went), and the count of public verifications."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.certification import selectors
from ocop.certification.models import Certificate, CertificateStatus
from ocop.core.storage import store
from ocop.tasks import enqueue
from ocop.tasks.models import TaskRun
from ocop.tasks.tasks import send_mail

_log = logging.getLogger("ocop.certification")


def certificate_pdf_ensure(*, certificate: Certificate) -> str:
    """Render and store the certificate's PDF as it reads today, unless the stored one already does; returns
    its storage name. Called by the `certification.render_pdf` task only (never by a page). Rendered again
    after a revocation, a replacement or its expiry, so a downloaded copy always says what the certificate's
    status is."""
    from ocop.certification import pdf

    if selectors.certificate_pdf_ready(certificate):
        return certificate.pdf.name or ""
    status = certificate.effective_status()
    name = certificate.pdf.name
    stored = store(
        pdf.render(certificate),
        folder="certificates",
        filename=f"giay-chung-nhan-ocop-{certificate.number}.pdf",
        content_type="application/pdf",
    )
    updated = Certificate.objects.filter(pk=certificate.pk, pdf=name or "").update(
        pdf=stored.name, pdf_sha256=stored.sha256, pdf_status=status
    )
    if not updated:  # another run rendered it a moment ago: keep theirs
        default_storage.delete(stored.name)
        certificate.refresh_from_db(fields=["pdf", "pdf_sha256", "pdf_status"])
        return certificate.pdf.name or ""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))
    certificate.pdf.name, certificate.pdf_sha256, certificate.pdf_status = stored.name, stored.sha256, status
    return stored.name


def certificate_pdf_request(*, actor, certificate: Certificate) -> TaskRun:
    """Ask for the certificate's PDF as it reads today: the `certification.render_pdf` task renders it after
    the commit (one waiting run per certificate, however often the page is opened)."""
    with transaction.atomic():
        return enqueue(
            "certification.render_pdf",
            unit=certificate.authority.unit,
            actor=actor,
            key=f"certificate-{certificate.pk}",
            certificate_ids=[certificate.pk],
        )


def certificate_record_scan(*, certificate: Certificate) -> bool:
    """Count a public verification: a copied code shows up as a surprising number of scans. Best effort: a
    database that cannot be written (a read-only replica after failover, a full disk) must not stop anyone
    verifying a certificate, so the scan then goes uncounted (logged) and False is returned."""
    try:
        with transaction.atomic():
            Certificate.objects.filter(pk=certificate.pk).update(scan_count=F("scan_count") + 1)
    except DatabaseError as error:
        _log.warning("scan of certificate %s not counted: %s", certificate.pk, error)
        return False
    return True


def expiry_reminders_send(
    *, today: datetime.date | None = None, lead_days: int | None = None
) -> dict[str, int]:
    """Start the reminder of every active certificate that expires within the notice period (30 days by the
    rubric data, or `lead_days`) and has not been reminded: one `certification.send_expiry_reminder` task each
    (one waiting run per certificate), which sends the e-mail and only then records it. A certificate whose
    producer has no e-mail address is skipped now and tried again on the next run."""
    counts = {"queued": 0, "skipped": 0}
    for certificate in selectors.certificates_due_for_reminder(today or timezone.localdate(), lead_days):
        if not selectors.reminder_recipients(certificate):
            counts["skipped"] += 1
            continue
        with transaction.atomic():
            enqueue(
                "certification.send_expiry_reminder",
                unit=certificate.authority.unit,
                key=f"certificate-{certificate.pk}",
                certificate_id=certificate.pk,
            )
        counts["queued"] += 1
    return counts


def expiry_reminder_deliver(*, certificate: Certificate) -> bool:
    """E-mail one certificate's expiry reminder to its producer, then mark it sent and record it. The mark and
    the audit event are written only once the mail server took the message, so a failure leaves the reminder
    to the task's next attempt. False when there is nothing to send (reminded already, no longer active, no
    address)."""
    certificate = Certificate.objects.select_related("product__producer__unit", "authority", "decision").get(
        pk=certificate.pk
    )
    if certificate.reminder_sent_at is not None or certificate.status != CertificateStatus.ACTIVE:
        return False
    recipients = selectors.reminder_recipients(certificate)
    if not recipients:
        return False
    subject = _("[OCOP] Giấy chứng nhận số %(number)s hết hạn ngày %(date)s") % {
        "number": certificate.number,
        "date": certificate.valid_until.strftime("%d/%m/%Y"),
    }
    body = render_to_string(
        "certification/email/expiry_reminder.txt",
        {"certificate": certificate, "product": certificate.product, "site_url": settings.SITE_URL},
    )
    send_mail(to=recipients, subject=subject, body=body)  # raises when the mail did not go: retried
    with transaction.atomic():
        claimed = Certificate.objects.filter(pk=certificate.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if not claimed:
            return False
        record_event(
            actor=None,
            action="certificate.expiry_reminder",
            target=certificate,
            unit=certificate.product.producer.unit,
            data={"valid_until": certificate.valid_until.isoformat(), "recipients": recipients},
        )
    return True
