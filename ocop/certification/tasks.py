"""Background work of certification (ocop.tasks): certificate PDFs are rendered by a worker, not the web."""

from __future__ import annotations

from ocop.certification import services
from ocop.certification.models import Certificate
from ocop.tasks.registry import task


@task(name="certification.render_pdf", retries=3, backoff=10)
def render_pdf(*, certificate_ids: list[int]) -> dict:
    """Render (or keep, when already current) each certificate's PDF; safe to run twice."""
    names = [
        services.certificate_pdf_ensure(certificate=certificate)
        for certificate in Certificate.objects.filter(pk__in=certificate_ids).order_by("pk")
    ]
    return {"rendered": len(names)}
