"""The self-assessment report (*báo cáo tự đánh giá sản phẩm theo Bộ tiêu chí*) as a PDF in Vietnamese, drawn
from the producer's submitted sheet: every criterion with the option claimed, its points and the documents cited
for it, the part totals, the total, the star the total reaches and the mandatory criteria still unmet.

WeasyPrint with fonts named explicitly ("Noto Sans", then "DejaVu Sans"); nothing is fetched from outside (the
document loads no resource at all). The report is a document of the dossier, so its wording is not translated.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override


def _refuse_every_fetch():
    """A fetcher that loads nothing: the report has no image, stylesheet or font to fetch."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # WeasyPrint ≥ 66
        return urls.URLFetcher(allowed_protocols=["data"])

    def fetch(url: str, *args, **kwargs):  # older releases take a plain function
        raise ValueError("The self-assessment report loads no external resource.")

    return fetch


def render(context: dict) -> bytes:
    from weasyprint import HTML

    with override("vi"):
        html = render_to_string(
            "evaluation/self_assessment_pdf.html", {**context, "printed_at": timezone.localtime()}
        )
    return HTML(string=html, url_fetcher=_refuse_every_fetch()).write_pdf()
