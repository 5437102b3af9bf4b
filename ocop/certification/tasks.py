"""Background work of certification (ocop.tasks): a certificate's PDF is rendered only here (after an
approval, or when a page asks for one that no longer reads as the certificate stands), and each expiry
reminder is e-mailed here, with retries, and recorded only once the mail went."""

from __future__ import annotations

from ocop.certification import services
from ocop.certification.models import Certificate
from ocop.tasks import task


@task(name="certification.render_pdf", retries=3, backoff=10)
def render_pdf(*, certificate_ids: list[int]) -> dict:
    """Render (or keep, when already current) each certificate's PDF; safe to run twice."""
    names = [
        services.certificate_pdf_ensure(certificate=certificate)
        for certificate in Certificate.objects.filter(pk__in=certificate_ids)
        .select_related("authority", "decision", "product__producer__unit", "key")
        .order_by("pk")
    ]
    return {"rendered": len(names)}


@task(name="certification.send_expiry_reminder", retries=5, backoff=60)
def send_expiry_reminder(*, certificate_id: int) -> dict:
    """E-mail one certificate's expiry reminder; a mail failure raises, so the attempt is retried, and the
    reminder is marked sent only when the mail went. Safe to run twice: a sent reminder is not sent again."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return {"sent": False}
    return {"sent": services.expiry_reminder_deliver(certificate=certificate)}
