"""The certificate as a PDF in Vietnamese: WeasyPrint with Pango, fonts named explicitly ("Noto Sans", then
"DejaVu Sans") and embedded as subsets, the signed QR as a PNG data URI. Nothing is fetched from outside:
the only resource a certificate may load is its own data: URI.

The certificate is an official Vietnamese document, so its wording is not translated.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from ocop.certification import qr, snapshot
from ocop.certification.models import EffectiveStatus


def _data_only_fetcher():
    """A fetcher that loads data: URIs and refuses everything else (files, HTTP)."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # WeasyPrint ≥ 66
        return urls.URLFetcher(allowed_protocols=["data"])

    def fetch(url: str, *args, **kwargs):  # older releases take a plain function
        if not url.startswith("data:"):
            raise ValueError("A certificate loads no external resource.")
        return urls.default_url_fetcher(url, *args, **kwargs)

    return fetch


@lru_cache(maxsize=1)
def _fonts_and_stylesheet():
    """One font configuration per process: Pango then keeps its fonts loaded between certificates, which
    saves about a third of each rendering."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return fonts, CSS(string=render_to_string("certification/certificate_pdf.css"), font_config=fonts)


def qr_png_data_uri(text: str) -> str:
    """The QR as a small PNG, drawn without smoothing (a PNG costs WeasyPrint far less than an SVG path)."""
    return qr.qr_code(text).png_data_uri(scale=5, border=2)


def context(certificate) -> dict:
    from ocop.certification.selectors import certificate_qr_text

    status = certificate.effective_status()
    text = certificate_qr_text(certificate)
    return {
        "certificate": certificate,
        # What the council certified, as the certificate recorded it at issue (never today's records).
        "product_name": certificate.product_name,
        "producer_name": certificate.producer_name,
        "address": snapshot.address(certificate),
        "authority": certificate.authority,
        "decision": certificate.decision,
        "change": certificate.change,
        "status": status,
        "statuses": EffectiveStatus,
        "status_label": str(EffectiveStatus(status).label),
        "replaced_by": certificate.replaced_by.first() if status == EffectiveStatus.SUPERSEDED else None,
        "stars_range": range(certificate.stars),
        "qr_uri": qr_png_data_uri(text),
        "qr_text": text,
        "today": timezone.localdate(),
        "site_url": settings.SITE_URL,
    }


def render(certificate) -> bytes:
    from weasyprint import HTML

    fonts, stylesheet = _fonts_and_stylesheet()
    html = render_to_string("certification/certificate_pdf.html", context(certificate))
    return HTML(string=html, url_fetcher=_data_only_fetcher()).write_pdf(
        stylesheets=[stylesheet], font_config=fonts
    )
